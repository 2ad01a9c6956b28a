#!/usr/bin/env bash
# `drillhall-agent manifest` and `verify` on real trees: the manifest is
# exactly what GNU sha256sum writes (escaped names, sorted bytewise,
# relative paths) so `sha256sum -c --strict` accepts it; symlinks are
# skipped with a note; verify names missing, extra and changed files and
# exits 0 / 1 / 2; a malformed manifest is reported as file:line.
source "$(dirname "$0")/agent_lib.bash"

D="$T/tree"
mkdir -p "$D/sub dir/deeper" "$D/empty-dir"
printf 'alpha\n' >"$D/a.txt"
printf 'beta' >"$D/sub dir/b"
: >"$D/sub dir/deeper/empty"
printf 'back' >"$D/back\\slash"
printf 'nl' >"$D/new
line"
printf 'cr' >"$D/$(printf 'c\rr')"
printf 'dot' >"$D/a.b"
printf 'bytes' >"$D/B-upper"
ln -s a.txt "$D/link-to-a"
ln -s /etc "$D/link-to-etc"
mkfifo "$D/fifo"

set +e
"$AGENT" manifest "$D" >"$T/m.sha256" 2>"$T/m.err"; rc=$?
set -e
expect_rc "manifest" 0
(cd "$D" && sha256sum -c --strict --quiet "$T/m.sha256") && ok "sha256sum -c --strict accepts it" ||
	not_ok "sha256sum -c rejected the manifest"
# the same lines GNU sha256sum writes for these names, in C (byte) order
(cd "$D" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum) >"$T/gnu.sha256"
cmp -s "$T/m.sha256" "$T/gnu.sha256" && ok "byte-identical to sha256sum's output" ||
	not_ok "differs from sha256sum: $(diff "$T/m.sha256" "$T/gnu.sha256" | head -5)"
[ "$(wc -l <"$T/m.sha256")" -eq 8 ] && ok "8 regular files listed" || not_ok "wrong line count"
grep -q 'note: skipped symlink link-to-etc' "$T/m.err" && ok "symlink skipped with a note" ||
	not_ok "no note for the symlink: $(cat "$T/m.err")"
grep -q 'note: skipped special file fifo' "$T/m.err" && ok "fifo skipped with a note" || not_ok "no note for the fifo"

verify() { set +e; "$AGENT" verify "$D" "$1" >"$T/v.out" 2>"$T/v.err"; rc=$?; set -e; }
verify "$T/m.sha256"
expect_rc "verify intact" 0
grep -q '8 of 8 files identical' "$T/v.err" && ok "summary counts 8 identical" || not_ok "summary: $(cat "$T/v.err")"

printf 'X' | dd of="$D/a.txt" bs=1 seek=2 conv=notrunc 2>/dev/null
truncate -s 2 "$D/sub dir/b"
rm "$D/back\\slash"
echo surprise >"$D/sub dir/extra file"
verify "$T/m.sha256"
expect_rc "verify with differences" 1
for want in "a.txt: changed: sha256 " "sub dir/b: changed: sha256 " 'back\\slash: missing' \
	"sub dir/extra file: extra"; do
	grep -qF "$want" "$T/v.out" && ok "named: $want" || not_ok "not named: $want ($(cat "$T/v.out"))"
done
grep -q "(2 bytes)" "$T/v.out" && ok "size of the truncated file shown" || not_ok "no size shown"

{ head -n 2 "$T/m.sha256"; echo "0123  short"; } >"$T/bad.sha256"
verify "$T/bad.sha256"
expect_rc "malformed manifest" 2
grep -qF "$T/bad.sha256:3: malformed line" "$T/v.err" && ok "malformed line reported as file:line" ||
	not_ok "message: $(cat "$T/v.err")"
verify "$T/none.sha256"
expect_rc "missing manifest" 2
set +e; "$AGENT" manifest "$T/no-such-dir" >/dev/null 2>&1; rc=$?; set -e
expect_rc "manifest of a missing directory" 2
set +e; "$AGENT" verify "$D" >/dev/null 2>&1; rc=$?; set -e
expect_rc "verify usage error" 2

# --help and -h exit 0 everywhere, with the usage on stdout; an unknown
# command or option exits 2 with one line naming it
for args in "--help" "-h" "run --help" "--config x.ini run -h" "manifest --help" \
	"verify --help" "flush --help" "version --help"; do
	set +e; "$AGENT" $args >"$T/h.out" 2>"$T/h.err"; rc=$?; set -e
	expect_rc "drillhall-agent $args" 0
	grep -q "^usage: drillhall-agent" "$T/h.out" || not_ok "drillhall-agent $args: no usage"
done
for args in "frobnicate" "--bogus version" "flush --bogus" "run --retry-for soon" ""; do
	set +e; "$AGENT" $args >"$T/h.out" 2>"$T/h.err"; rc=$?; set -e
	expect_rc "drillhall-agent $args" 2
done
set +e; "$AGENT" frobnicate 2>"$T/h.err"; set -e
[ "$(cat "$T/h.err")" = "drillhall-agent: unknown command 'frobnicate'" ] &&
	ok "unknown command named in one line" || not_ok "message: $(cat "$T/h.err")"
set +e; "$AGENT" flush --bogus 2>"$T/h.err"; set -e
[ "$(cat "$T/h.err")" = "drillhall-agent flush: unknown option '--bogus'" ] &&
	ok "unknown option named in one line" || not_ok "message: $(cat "$T/h.err")"
finish
