#!/usr/bin/env bash
# Links that resolve outside the target once they are made, though every
# entry's name looks harmless: a hard link copies a symlink to a place
# where it leads outside (a/b/s -> ../../x is inside at its depth; a hard
# link d to it at the top is not), also to a symlink to a directory, in a
# chain of symlinks, through a symlinked directory, and to an absolute
# symlink. Each is refused and named, nothing is written outside, and the
# test fails; the same shapes kept inside pass.
source "$(dirname "$0")/agent_lib.bash"

write_ini
A="$T/backup/archives"
mkdir -p "$A"
probe="drillhall-links-$$-$RANDOM"
mk() { # mk NAME — python tarfile script on stdin, entries as (kind, name, arg)
	python3 - "$A/$1.tar" <<PY
import io, sys, tarfile
entries = [$(cat)]
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    for kind, name, arg in entries:
        info = tarfile.TarInfo(name)
        data = None
        if kind == "file":
            data = arg.encode(); info.size = len(data)
        elif kind == "dir":
            info.type = tarfile.DIRTYPE; info.mode = 0o755
        elif kind == "sym":
            info.type = tarfile.SYMTYPE; info.linkname = arg
        elif kind == "hard":
            info.type = tarfile.LNKTYPE; info.linkname = arg
        t.addfile(info, io.BytesIO(data) if data is not None else None)
PY
}
run_tar() { # run_tar NAME
	job "$T/j-$1.json" "$1" "$(jq -n --arg r "$A" --arg p "$1.tar" '{method: "tar", repository: $r, pattern: $p}')"
	run_job "$T/j-$1.json"
}
refused() { # refused NAME PATH...
	local name=$1; shift
	expect_rc "$name" 1
	expect "$name fails" '.verdict == "failed" and any(.checks[]; .name == "restore" and .verdict == "failed")'
	for p in "$@"; do
		expect "$name: $p refused and named" "any(.mismatches[]; .path == \"$p\" and (.problem | startswith(\"refused\")))"
	done
	outside=$(find "$T" /tmp -maxdepth 3 -name "$probe*" 2>/dev/null | grep -v "^$T/scratch/" || true)
	if [ -z "$outside" ]; then ok "$name: nothing written outside the target"
	else not_ok "$name: written outside: $outside"; rm -rf $outside; fi
	scratch_empty "$name"
}

mk hardsym <<PY
("file", "x", "inside\n"), ("dir", "a", ""), ("dir", "a/b", ""),
("sym", "a/b/s", "../../x"), ("hard", "d", "a/b/s"), ("file", "d/$probe", "through\n"),
PY
run_tar hardsym
refused "hard link to a symlink, at the top" d

mk hardsymdir <<PY
("dir", "a", ""), ("dir", "a/b", ""), ("sym", "a/b/up", "../.."), ("file", "keep", "k\n"),
("hard", "top", "a/b/up"), ("file", "top/$probe", "through\n"),
PY
run_tar hardsymdir
refused "hard link to a symlink to a directory" top

mk chain <<PY
("file", "x", "inside\n"), ("dir", "a", ""), ("dir", "a/b", ""), ("sym", "a/b/s", "../../x"),
("hard", "a/d", "a/b/s"), ("sym", "y", "a/d"), ("sym", "z", "y"),
PY
run_tar chain
refused "hard link in a chain of symlinks" a/d

mk through <<PY
("dir", "a", ""), ("file", "a/f", "f\n"), ("sym", "in", "a"), ("hard", "h", "in/f"),
PY
run_tar through
refused "hard link reaching its target through a symlinked directory" h

mk absolute <<PY
("file", "keep", "k\n"), ("sym", "abs", "/etc"), ("hard", "h", "abs"), ("file", "h/$probe", "x\n"),
PY
run_tar absolute
refused "absolute symlink, and a hard link to it" abs h

# the same shapes kept inside: a hard link to a symlink at the same depth, chains inside
mk inside <<PY
("file", "x", "inside\n"), ("dir", "a", ""), ("dir", "a/b", ""), ("sym", "a/b/s", "../../x"),
("dir", "c", ""), ("dir", "c/d", ""), ("hard", "c/d/s2", "a/b/s"), ("sym", "y", "c/d/s2"),
("hard", "x2", "x"),
PY
run_tar inside
expect "links that stay inside pass" '.verdict == "passed" and (.mismatches | length == 0)'
[ -n "${DH_DEBUG:-}" ] && jq -c ".mismatches[], .checks[]" "$T/rec.json"
finish
