#!/usr/bin/env bash
# drillhall check / plan end to end: the example municipality, JSON shapes
# (compared with jq), every output format, exit codes, and bad input
# (empty files, binary garbage, non-UTF-8, a 2 MB line, a missing plans
# directory, a file that cannot be read).
set -euo pipefail
bin=${DH_BIN:?}/drillhall
src=${DH_SRC:?}
now=2026-11-27T12:00:00Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/expect.bash
. "$(dirname "$0")/expect.bash"

# a fresh copy of the test fixture base plan with one clean system
fixture() {
	local d=$work/$1
	rm -rf "$d"
	mkdir -p "$d/systems"
	cp "$src/tests/data/plans/base/policy.ini" "$src/tests/data/plans/base/inventory.ini" "$d/"
	cp -r "$src/tests/data/plans/clean/systems/." "$d/systems/"
	echo "$d"
}

# --- the example municipality
expect 0 "$bin" check --plans "$src/plans" --now "$now"
expect 0 "$bin" check --plans "$src/plans" --now "$now" --format json
jq -e '.errors == 0 and .warnings == 9' "$work/out" >/dev/null ||
	fail "example: wanted 0 errors and 9 warnings, got $(jq -c '[.errors,.warnings]' "$work/out")"
got=$(jq -r '.problems[] | "\(.file):\(.line):\(.severity)"' "$work/out" | tr '\n' ' ')
want="systems/byggr.ini:1:warning systems/e-arkiv.ini:12:warning systems/ecos.ini:7:warning systems/lifecare-ifo.ini:16:warning systems/pythagoras.ini:1:warning systems/quria.ini:0:warning systems/tes.ini:12:warning systems/trygghetslarm.ini:11:warning systems/unikum.ini:1:warning "
[ "$got" = "$want" ] || fail "example warnings: got '$got'"

expect 0 "$bin" --plans "$src/plans" --now "$now" plan --format json
jq -e '(.systems | length) >= 25 and (.plan.revision | test("^[0-9a-f]{64}$"))
	and ([.systems[].order] == [range(1; (.systems | length) + 1)])
	and ([.systems[].board] | unique | length) >= 6' "$work/out" >/dev/null ||
	fail "plan json: shape"
jq -e '.systems[0].id == "dns-dhcp" and .systems[0].rto_s == 3600
	and .systems[0].rpo_source == "policy"' "$work/out" >/dev/null || fail "plan json: first system"
jq -e '.systems[] | select(.id == "byggr") | .availability == null
	and .requirements_set_by == "it" and .rto_s == 86400' "$work/out" >/dev/null ||
	fail "plan json: unclassified byggr"
jq -e '.systems[] | select(.id == "quria") | .failover_drill_every_s == null' \
	"$work/out" >/dev/null || fail "plan json: never is null"
jq -e '.systems[] | select(.id == "telefoni") | .urgency_s == 3600 and .rto_s == 14400' \
	"$work/out" >/dev/null || fail "plan json: telefoni urgency from trygghetslarm"
jq -e '[.systems[] | .id] | index("telefoni") < index("trygghetslarm")' "$work/out" >/dev/null ||
	fail "plan json: a dependency comes before its dependent"
jq -e '.systems[] | select(.id == "e-arkiv") | .rto_source == "declared"
	and .rto_s == 604800 and (.deviation | startswith("KS beslut"))' "$work/out" >/dev/null ||
	fail "plan json: deviation"
for f in text md html; do
	expect 0 "$bin" plan --plans "$src/plans" --now "$now" --format "$f"
	grep -q "trygghetslarm" "$work/out" || fail "plan $f: no trygghetslarm"
	grep -q "requirements set by IT" "$work/out" || fail "plan $f: no set-by-IT flag"
done
grep -q '^<!DOCTYPE html>' "$work/out" || fail "html: not a page"

# --- usage and exit codes
expect 2 "$bin"
expect 0 "$bin" --help
expect 0 "$bin" -h
for c in check plan run status hosts history serve audit; do
	expect 0 "$bin" "$c" --help
	grep -q "usage: drillhall" "$work/out" || fail "$c --help"
	expect 0 "$bin" --plans "$src/plans" "$c" -h
done
expect 2 "$bin" history --bogus
[ "$(cat "$work/err")" = "drillhall history: unknown option '--bogus'" ] ||
	fail "unknown option message: $(cat "$work/err")"
expect 2 "$bin" --plans "$src/plans" frobnicate
[ "$(cat "$work/err")" = "drillhall: unknown command 'frobnicate'" ] ||
	fail "unknown command message: $(cat "$work/err")"
expect 2 "$bin" check --plans "$src/plans" --format csv
grep -q "allowed: text, json" "$work/err" || fail "unknown format message"
expect 2 "$bin" plan --plans "$src/plans" --format pdf
expect 2 "$bin" frobnicate
expect 2 "$bin" check --bogus
expect 2 "$bin" check --plans
expect 2 "$bin" check --plans "$src/plans" --now yesterday
expect 2 "$bin" check --plans "$src/plans" extra-arg
expect 2 "$bin" --config "$work/nonexistent.ini" check --plans "$src/plans"
printf '[controller]\ndatabse = /x\n' >"$work/bad.ini"
expect 2 "$bin" --config "$work/bad.ini" check --plans "$src/plans"
grep -q "bad.ini:2: error: unknown key 'databse'" "$work/err" || fail "config key message"
printf '[controller]\nplans = %s\n' "$src/plans" >"$work/good.ini"
expect 0 "$bin" --config "$work/good.ini" --now "$now" check

# --- a plan with errors: check exits 1, plan prints nothing and exits 1
d=$(fixture errs)
printf '[system]\nname = X\nboard = Y\nclassified = 2025-01-01\navailability = 1\ndepends_on = nothing-here\n' >"$d/systems/x.ini"
expect 1 "$bin" check --plans "$d" --now "$now" --format json
jq -e '.problems[] | select(.severity == "error" and .file == "systems/x.ini" and .line == 6)' \
	"$work/out" >/dev/null || fail "error json file/line"
expect 1 "$bin" plan --plans "$d" --now "$now"
[ ! -s "$work/out" ] || fail "plan with errors printed a plan"
grep -q "systems/x.ini:6: error:" "$work/err" || fail "plan errors on stderr"

# --- HTML escapes plan text
d=$(fixture html)
printf '[system]\nname = <script>alert("x")</script> & co\nboard = B\nclassified = 2025-01-01\navailability = 1\n[restore]\nhost = backup-b1\nmethod = tar\nrepository = /srv/backup/h\n' >"$d/systems/h.ini"
expect 0 "$bin" plan --plans "$d" --now "$now" --format html
grep -q '<script>' "$work/out" && fail "html: unescaped <script>"
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co' "$work/out" || fail "html: escaping"

# --- bad input
expect 2 "$bin" check --plans "$work/no-such-dir"
grep -q "no-such-dir" "$work/err" || fail "missing dir message"
d=$(fixture empty)
: >"$d/policy.ini"
: >"$d/systems/ad.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^policy.ini:0: error: missing section \[plan\]" "$work/out" || fail "empty policy"
grep -q "^systems/ad.ini:0: error: missing section \[system\]" "$work/out" || fail "empty system"
d=$(fixture nothing)
rm "$d"/systems/*.ini
: >"$d/inventory.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^inventory.ini:0: error: missing section \[controller\]" "$work/out" || fail "empty inventory"
expect 1 "$bin" plan --plans "$d" --now "$now" --format json
d=$(fixture garbage)
head -c 4096 /dev/urandom >"$d/systems/ad.ini"
expect 1 "$bin" check --plans "$d" --now "$now" --format json
jq -e '[.problems[] | select(.file == "systems/ad.ini" and .severity == "error")] | length > 0' \
	"$work/out" >/dev/null || fail "garbage: no error"
d=$(fixture latin1)
printf '[system]\nname = R\xe4kna\nboard = B\n' >"$d/systems/ad.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^systems/ad.ini:2: error: line is not valid UTF-8 text" "$work/out" || fail "non-UTF-8"
d=$(fixture longline)
{ printf '[system]\nname = '; head -c 2097152 /dev/zero | tr '\0' x; printf '\nboard = B\n'; } >"$d/systems/ad.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^systems/ad.ini:2: error: line is longer than 4096 bytes" "$work/out" || fail "2 MB line"
grep -q "^systems/ad.ini:1: error: missing required key 'name'" "$work/out" || fail "2 MB line: name"
d=$(fixture control)
printf '[system]\nname = a\033[31mred\nboard = B\n' >"$d/systems/ad.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^systems/ad.ini:2: error: 'name' contains a control character" "$work/out" || fail "control character"
grep -q $'\033' "$work/out" && fail "control character echoed"
# Tests run as root, so chmod 000 does not stop a read: a directory where a
# file should be is what cannot be read here.
d=$(fixture unreadable)
rm "$d/policy.ini"
mkdir "$d/policy.ini"
expect 2 "$bin" check --plans "$d" --now "$now"
grep -q "is a directory" "$work/err" || fail "policy.ini directory message"
d=$(fixture unreadable2)
mkdir "$d/systems/dir.ini"
expect 2 "$bin" check --plans "$d" --now "$now"
d=$(fixture fifo)
mkfifo "$d/systems/pipe.ini"
expect 2 timeout 10 "$bin" check --plans "$d" --now "$now"
grep -q "not a regular file" "$work/err" || fail "fifo message"
d=$(fixture nopolicy)
rm "$d/policy.ini"
expect 2 "$bin" check --plans "$d" --now "$now"
grep -q "policy.ini" "$work/err" || fail "missing policy.ini message"
d=$(fixture stray)
echo x >"$d/systems/README.txt"
expect 0 "$bin" check --plans "$d" --now "$now"
grep -q "^systems/README.txt:0: warning: ignored" "$work/out" || fail "stray file warning"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "plan_cli: all passed"
