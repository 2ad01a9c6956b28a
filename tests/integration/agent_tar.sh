#!/usr/bin/env bash
# The restore test against real tar archives: the newest archive (by
# mtime) is restored and verified; archives that try to write outside the
# target — "../evil", an absolute path, a symlink to /etc followed by a
# file written through it, a device file — write nothing outside, each
# refused entry is named in the record, and the test fails.
source "$(dirname "$0")/agent_lib.bash"

write_ini
A="$T/backup/archives"
mkdir -p "$A" "$T/data/d"
printf 'one\n' >"$T/data/d/one.txt"
printf 'two\n' >"$T/data/two.txt"
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"
tar -C "$T/data" -czf "$A/sys-new.tar.gz" .
printf 'old\n' >"$T/old.txt"
tar -C "$T" -cf "$A/sys-old.tar" old.txt
touch -d '2 days ago' "$A/sys-old.tar"
tar_job() { # tar_job FILE ID [pattern]
	job "$1" "$2" "$(jq -n --arg r "$A" --arg m "$T/manifest.sha256" --arg p "${3:-*.tar*}" '{
		method: "tar", repository: $r, pattern: $p,
		verify: [ {kind: "manifest", arg: $m}, {kind: "file", arg: "d/one.txt"} ] }')"
}

tar_job "$T/j1.json" clean
run_job "$T/j1.json"
expect_rc "clean tar" 0
expect "newest archive chosen and passes" '.verdict == "passed" and .snapshot.archive == "'"$A"'/sys-new.tar.gz" and .snapshot.time == .backup_at and .snapshot.id == null'
expect "backup time is the archive mtime" ".backup_at == \"$(date -u -d @"$(stat -c %Y "$A/sys-new.tar.gz")" +%Y-%m-%dT%H:%M:%SZ)\""
scratch_empty "clean tar"

tar_job "$T/j2.json" old 'sys-old*'
run_job "$T/j2.json"
expect "old archive lacks the manifest's files" '.verdict == "failed" and any(.mismatches[]; .path == "d/one.txt" and .problem == "missing") and any(.mismatches[]; .path == "old.txt" and .problem == "extra")'

tar_job "$T/j3.json" none 'nothing-*.tar'
run_job "$T/j3.json"
expect "no matching archive fails (no backup exists)" '.verdict == "failed" and any(.checks[]; .name == "backup" and .verdict == "failed")'

# hostile archives, made with python's tarfile
mkdir -p "$T/evil"
evil_name="drillhall-evil-$$-$RANDOM"
python3 - "$T/evil/evil.tar" "$evil_name" <<'PY'
import io, sys, tarfile
path, name = sys.argv[1], sys.argv[2]
def add(t, info, data=b""):
    info.size = len(data)
    t.addfile(info, io.BytesIO(data) if data else None)
with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as t:
    add(t, tarfile.TarInfo("ok.txt"), b"fine\n")
    add(t, tarfile.TarInfo("../" + name), b"dotdot\n")
    add(t, tarfile.TarInfo("sub/../../" + name + "-2"), b"dotdot2\n")
    add(t, tarfile.TarInfo("/tmp/" + name + "-abs"), b"absolute\n")
    link = tarfile.TarInfo("etc"); link.type = tarfile.SYMTYPE; link.linkname = "/etc"
    add(t, link)
    add(t, tarfile.TarInfo("etc/" + name), b"through the link\n")
    rel = tarfile.TarInfo("up"); rel.type = tarfile.SYMTYPE; rel.linkname = "../../../.."
    add(t, rel)
    add(t, tarfile.TarInfo("up/tmp/" + name + "-up"), b"through relative link\n")
    dot = tarfile.TarInfo("here"); dot.type = tarfile.SYMTYPE; dot.linkname = "."
    add(t, dot)
    esc = tarfile.TarInfo("esc"); esc.type = tarfile.SYMTYPE; esc.linkname = "here/../.."
    add(t, esc)
    hard = tarfile.TarInfo("hard"); hard.type = tarfile.LNKTYPE; hard.linkname = "/etc/passwd"
    add(t, hard)
    dev = tarfile.TarInfo("null"); dev.type = tarfile.CHRTYPE; dev.devmajor = 1; dev.devminor = 3
    add(t, dev)
PY
job "$T/j-evil.json" evil "$(jq -n --arg r "$T/evil" '{method: "tar", repository: $r}')"
sed -i "s|$T/backup|$T/backup, $T/evil|" "$T/agent.ini"
run_job "$T/j-evil.json"
expect_rc "hostile archive" 1
expect "hostile archive fails" '.verdict == "failed"'
for p in "../$evil_name" "sub/../../$evil_name-2" "/tmp/$evil_name-abs" etc up esc hard null; do
	expect "refused entry named: $p" "any(.mismatches[]; .path == \"$p\" and (.problem | startswith(\"refused\")))"
done
expect "the harmless entry was restored" 'any(.checks[]; .name == "restore" and (.detail | contains("extracted")))'
outside=$(find /etc /tmp "$T" -maxdepth 4 -name "$evil_name*" 2>/dev/null | grep -v "^$T/scratch/" || true)
if [ -z "$outside" ]; then ok "nothing written outside the target"
else not_ok "written outside the target: $outside"; rm -f $outside; fi
scratch_empty "hostile archive"
[ -n "${DH_DEBUG:-}" ] && jq -c ".mismatches[], .checks[]" "$T/rec.json"
finish
