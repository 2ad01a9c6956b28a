#!/usr/bin/env bash
# Manifests are read as `sha256sum -c` reads them: every manifest below is
# first put to sha256sum -c itself on the same files, and the agent must
# agree with it — CRLF line ends, '*' (binary) markers, backslash-escaped
# names, a Windows tool's unescaped name ending in CR, leading blanks and
# the one-blank form. A manifest that lists no file (empty, or comments
# and blank lines only) is an error, not a failure with every file
# "extra". Names that are not UTF-8 are named in records escaped (\xNN),
# every byte kept, and the record is still valid JSON.
source "$(dirname "$0")/agent_lib.bash"

write_ini
D="$T/data"
mkdir -p "$D/sub"
printf 'a\n' >"$D/a.txt"
printf 'back\n' >"$D/back\\slash"
printf 'cr\n' >"$D/$(printf 'win\r')"
printf 'space\n' >"$D/sub/with space"
printf 'star\n' >"$D/*star"
A="$T/backup/archives"
mkdir -p "$A"
tar -C "$D" -cf "$A/sys.tar" .
"$AGENT" manifest "$D" >"$T/agent.sha256"

n=0
manifest_job() { # manifest_job MANIFEST — the agent's restore test of A checked against it
	n=$((n + 1))
	job "$T/j.json" "m$n" "$(jq -n --arg r "$A" --arg m "$1" '{method: "tar", repository: $r,
		verify: [ {kind: "manifest", arg: $m} ] }')"
	run_job "$T/j.json"
}
both_accept() { # both_accept NAME MANIFEST [FILES] — sha256sum -c and the agent pass it
	if (cd "$D" && sha256sum -c --quiet "$2" >/dev/null 2>&1); then ok "$1: sha256sum -c accepts"
	else not_ok "$1: sha256sum -c rejects it (the test is wrong)"; fi
	manifest_job "$2"
	expect "$1: the agent's restore test passes it" ".verdict == \"passed\" and .files_verified == ${3:-5}"
	set +e; "$AGENT" verify "$D" "$2" >"$T/verify.out" 2>&1; local vrc=$?; set -e
	[ "$vrc" -eq 0 ] && ok "$1: drillhall-agent verify passes it" ||
		not_ok "$1: drillhall-agent verify exit $vrc: $(head -3 "$T/verify.out")"
}
both_reject() { # both_reject NAME MANIFEST — neither passes it
	if (cd "$D" && sha256sum -c --quiet "$2" >/dev/null 2>&1); then
		not_ok "$1: sha256sum -c accepts it (the test is wrong)"
	else ok "$1: sha256sum -c rejects"; fi
	manifest_job "$2"
	expect "$1: the agent does not pass it" '.verdict != "passed"'
}

both_accept "the agent's own manifest" "$T/agent.sha256"
sed 's/$/\r/' "$T/agent.sha256" >"$T/crlf.sha256"
both_accept "CRLF line ends" "$T/crlf.sha256"
(cd "$D" && find . -type f -print0 | sort -z | xargs -0 sha256sum -b) >"$T/binary.sha256"
both_accept "sha256sum -b ('*' markers, ./ names, its own escapes)" "$T/binary.sha256"
sed 's/$/\r/' "$T/binary.sha256" >"$T/binary-crlf.sha256"
both_accept "'*' markers with CRLF" "$T/binary-crlf.sha256"
# a Windows tool: no escaping at all, CRLF, so the name "win<CR>" ends in CR CR LF
{
	grep -v 'win' "$T/agent.sha256" | sed 's/$/\r/'
	printf '%s  win\r\r\n' "$(sha256sum <"$D/$(printf 'win\r')" | cut -c1-64)"
} >"$T/windows.sha256"
both_accept "a Windows tool's name ending in CR" "$T/windows.sha256"
sed 's/^\([^\\]\)/  \1/' "$T/agent.sha256" >"$T/lead.sha256"
both_accept "leading blanks" "$T/lead.sha256"
# the first line fixes the form: after "HASH a.txt", "HASH *star" names "*star"
{ grep -v 'star' "$T/agent.sha256"; grep 'star' "$T/agent.sha256"; } |
	sed -E 's/^(\\?[0-9a-f]{64})  /\1 /' >"$T/oneblank.sha256"
both_accept "one blank between hash and name" "$T/oneblank.sha256"
sed -E '1s/^(\\?[0-9a-f]{64})  /\1 /' "$T/agent.sha256" >"$T/mixed.sha256"
both_reject "'*' marker read as such, not a name" "$T/mixed.sha256"

sed 's/^\(.\)/\1/; 1s/^[0-9a-f]/0/' "$T/agent.sha256" >"$T/changed.sha256"
both_reject "a changed hash" "$T/changed.sha256"
grep -v '^\\' "$T/agent.sha256" >"$T/unescaped.sha256"
grep 'back' "$T/agent.sha256" | sed 's/^\\//' >>"$T/unescaped.sha256"
both_reject "an escaped name without its leading backslash" "$T/unescaped.sha256"
sed 's/$/\r/' "$T/agent.sha256" | sed 's/win\\r/win/' >"$T/win-escaped-lost.sha256"
both_reject "a CRLF line naming win without its CR" "$T/win-escaped-lost.sha256"

# a manifest that lists no file is an error
: >"$T/empty.sha256"
printf '# made by hand\r\n\r\n# nothing listed\n\n' >"$T/comments.sha256"
for m in empty comments; do
	job "$T/j-$m.json" "$m" "$(jq -n --arg r "$A" --arg m "$T/$m.sha256" '{method: "tar",
		repository: $r, verify: [ {kind: "manifest", arg: $m} ] }')"
	run_job "$T/j-$m.json"
	expect_rc "$m manifest" 2
	expect "$m manifest is error naming it" ".verdict == \"error\" and .error == \"the manifest $T/$m.sha256 lists no files\" and (.mismatches | length == 0)"
	scratch_empty "$m manifest"
done

# names that are not UTF-8: escaped in the record, every byte kept
printf 'latin\n' >"$D/$(printf 'caf\351.txt')"
printf 'kept\n' >"$D/$(printf 'bad\377\\x')"
tar -C "$D" -cf "$A/sys.tar" .
job "$T/j-latin.json" latin "$(jq -n --arg r "$A" --arg m "$T/agent.sha256" '{method: "tar",
	repository: $r, verify: [ {kind: "manifest", arg: $m} ] }')"
run_job "$T/j-latin.json"
expect "names that are not UTF-8 are named, escaped" \
	'.verdict == "failed" and any(.mismatches[]; .path == "caf\\xe9.txt" and .problem == "extra") and
	any(.mismatches[]; .path == "bad\\xff\\\\x" and .problem == "extra")'
grep -av caf "$T/agent.sha256" >"$T/short.sha256"
"$AGENT" manifest "$D" | grep -a caf >>"$T/short.sha256"
rm "$D/$(printf 'caf\351.txt')"
tar -C "$D" -cf "$A/sys.tar" .
jq --arg m "$T/short.sha256" '.restore.verify[0].arg = $m' "$T/j-latin.json" >"$T/j-missing.json"
run_job "$T/j-missing.json"
expect "a missing name that is not UTF-8 is named, escaped" \
	'any(.mismatches[]; .path == "caf\\xe9.txt" and .problem == "missing")'

# an archive whose own name is not UTF-8 is named escaped
mkdir -p "$T/backup/latin"
cp "$A/sys.tar" "$T/backup/latin/$(printf 'sys-\351.tar')"
job "$T/j-arch.json" arch "$(jq -n --arg r "$T/backup/latin" '{method: "tar", repository: $r}')"
run_job "$T/j-arch.json"
expect "an archive name that is not UTF-8 is the snapshot, escaped" \
	".verdict == \"passed\" and .snapshot.archive == \"$T/backup/latin/sys-\\\\xe9.tar\""

# a refused entry whose name is not UTF-8 keeps every byte too
python3 - "$T/backup/evil.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    dev = tarfile.TarInfo("null-\udcff"); dev.type = tarfile.CHRTYPE; dev.devmajor = 1; dev.devminor = 3
    t.addfile(dev)
    link = tarfile.TarInfo("out-\udce9"); link.type = tarfile.SYMTYPE; link.linkname = "/etc"
    t.addfile(link)
PY
job "$T/j-evil.json" evil "$(jq -n --arg r "$T/backup" '{method: "tar", repository: $r, pattern: "evil.tar"}')"
run_job "$T/j-evil.json"
expect "refused names that are not UTF-8 are named, escaped" \
	'.verdict == "failed" and any(.mismatches[]; .path == "null-\\xff" and .problem == "refused: device file") and
	any(.mismatches[]; .path == "out-\\xe9" and (.problem | startswith("refused: symlink")))'
finish
