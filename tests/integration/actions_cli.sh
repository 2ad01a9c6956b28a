#!/usr/bin/env bash
# Corrective actions end to end (SPEC "Corrective actions", "Commands"):
# the two-hall lab with the real agent behind sshd's forced command, a
# real tar backup and a real SQLite file. A restore test that fails
# (min_files asks for more than the backup holds) opens action 1, which
# `actions --open` lists (text and json) and `status` shows; a second
# failure opens no other; `status --now` past its due date says so among
# the reasons; `actions close 1 --note` closes it naming the user; a new
# failure opens action 2 and the passing re-test closes it naming its
# record. Bad input: close without --note, an unknown N, N not a number,
# closing twice, an unknown subcommand (exit 2, a clear message). Then
# `audit verify` holds, and finds an action row edited with the sqlite3
# CLI. Needs root (the lab starts sshd).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
src=${DH_SRC:?} bin=${DH_BIN:?}
lab=$src/tests/lab/lab.sh
[ "$(id -u)" = 0 ] || { echo "FAIL: actions_cli needs root (the lab starts sshd)" >&2; exit 1; }
work=$(mktemp -d)
trap 'lab_cleanup "$work"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/*.out "$work"/*.err 2>/dev/null >&2; exit 1; }

lport=$(freeport 127.0.0.1) pb=$(freeport 127.0.0.3)
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	"app-b=127.0.0.3:$pb" >/dev/null
mkdir -p "$work/data/var/lib/proc" "$work/lab/backup/proc"
for i in 1 2 3; do echo "rad $i" >"$work/data/var/lib/proc/f$i.txt"; done
tar -C "$work/data" -czf "$work/lab/backup/proc/proc.tar.gz" var
plans=$work/plans
mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT nowindows   # restore_test_every 30d
cp "$work/lab/inventory.ini" "$plans/"
cat >"$plans/systems/proc.ini" <<INI
[system]
name = Procapita
board = Socialnämnden
object = Socialtjänst
system_owner = Anna Exempel
contact = it@example.se
classified = 2026-01-15
confidentiality = 2
integrity = 2
availability = 2
reserve_routine = Papper.
[restore]
host = app-b
method = tar
repository = $work/lab/backup/proc
verify = min_files 5
INI
db=$work/dh.db
dh() { "$bin/drillhall" "$@" --plans "$plans" --db "$db" --config /dev/null; }
run() { dh run restore proc --format json --listen "127.0.0.1:$lport" >"$work/$1.out" 2>"$work/$1.err"; }
expect_usage() { # NAME MESSAGE ARGS...: exit 2 and MESSAGE on stderr
	local name=$1 msg=$2 rc=0
	shift 2
	dh actions "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	[ $rc = 2 ] || fail "actions $*: exit $rc, not 2"
	grep -F -- "$msg" "$work/$name.err" >/dev/null || fail "actions $*: no '$msg' in: $(cat "$work/$name.err")"
}

# 1. a failed restore test through the real agent opens action 1
rc=0; run f1 || rc=$?
[ $rc = 1 ] || fail "the failing restore test: exit $rc"
rec1=$(jq -r .id "$work/f1.out")
[ "$(jq -r .verdict "$work/f1.out")" = failed ] || fail "not failed"
dh actions --open >"$work/open.out" 2>"$work/open.err" || fail "actions --open: exit $?"
grep -E "^1 +proc +restore +[0-9TZ:-]+ +[0-9TZ:-]+ +$rec1 +open\$" "$work/open.out" >/dev/null ||
	fail "actions --open text: $(cat "$work/open.out")"
dh actions --open --format json >"$work/open.json" || fail "actions --open json"
python3 - "$work/open.json" "$rec1" <<'PY' || fail "actions --open json shape"
import json, sys
from datetime import datetime
d = json.load(open(sys.argv[1]))
a = d["actions"]
assert len(a) == 1, a
a = a[0]
for k in ("id", "system", "kind", "opened_at", "opened_by", "due_at", "closed_at", "closed_by", "note"):
    assert k in a, k
assert a["id"] == 1 and a["system"] == "proc" and a["kind"] == "restore", a
assert a["opened_by"] == sys.argv[2] and a["closed_at"] is None and a["note"] is None, a
t = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
assert t(a["due_at"]) - t(a["opened_at"]) == 30 * 86400 / 4, a   # a quarter of 30d
assert a["open"] and not a["past_due"], a
PY
due=$(jq -r '.actions[0].due_at' "$work/open.json")

# a second failure while it is open opens no other
rc=0; run f2 || rc=$?
[ $rc = 1 ] || fail "second failure: exit $rc"
[ "$(dh actions --format json | jq '.actions | length')" = 1 ] || fail "a second failure opened another action"

# 2. status shows it; past its due date it makes the system non-compliant
dh status >"$work/status.out" || fail "status: exit $?"
grep -E "^corrective action 1 \(proc restore test\): opened [0-9TZ:-]+ by $rec1, due $due\$" \
	"$work/status.out" >/dev/null || fail "status text: $(cat "$work/status.out")"
dh status --format json | jq -e --arg r "$rec1" \
	'.systems[0].open_actions | length == 1 and .[0].id == 1 and .[0].opened_by == $r' >/dev/null ||
	fail "status json open_actions"
later=$(date -u -d "$due + 1 day" +%Y-%m-%dT%H:%M:%SZ)
dh status --now "$later" --format json >"$work/late.json" || fail "status --now"
jq -e --arg d "${due%%T*}" '.systems[0].compliant == false and
	any(.systems[0].reasons[]; test("^corrective action 1 \\(restore test, opened [0-9-]+\\) past its due date since " + $d + "$"))' \
	"$work/late.json" >/dev/null || fail "status --now past due: $(jq -c '.systems[0].reasons' "$work/late.json")"
dh actions --open --now "$later" | grep -E '^1 .* PAST DUE$' >/dev/null || fail "actions --now: not PAST DUE"

# 3. bad input
expect_usage nonote "close 1: needs --note TEXT" close 1
expect_usage unknown "no corrective action 99" close 99 --note "x"
expect_usage nan "close needs an action number N, not 'abc'" close abc --note "x"
expect_usage zero "close needs an action number N, not '0'" close 0 --note "x"
expect_usage empty "close 1: --note is empty" close 1 --note "  "
expect_usage verb "expected close N --note TEXT, not 'open'" open 1
expect_usage listnote "--note is for actions close N" --note "x"

# 4. closed by hand with a note, naming the user
dh actions close 1 --note "backup job repaired, ticket 4711" 2>"$work/close.err" || fail "close: exit $?"
grep -E "corrective action 1 closed by cli:" "$work/close.err" >/dev/null || fail "close message"
dh actions --format json | jq -e '.actions[0] | .closed_at != null and (.closed_by | startswith("cli:"))
	and .note == "backup job repaired, ticket 4711" and .closed_record == null and .open == false' >/dev/null ||
	fail "closed action json: $(dh actions --format json)"
dh actions --open >"$work/none.out" 2>"$work/none.err" || fail "actions --open after close"
[ ! -s "$work/none.out" ] && grep -F "no open corrective actions" "$work/none.err" >/dev/null ||
	fail "actions --open still lists"
expect_usage twice "corrective action 1 was closed already, on " close 1 --note "again"

# 5. a new failure opens action 2; the passing re-test closes it naming its record
rc=0; run f3 || rc=$?
[ $rc = 1 ] || fail "third failure: exit $rc"
[ "$(dh actions --open --format json | jq -r '.actions[0].id')" = 2 ] || fail "no action 2"
sed -i 's/^verify = min_files 5$/verify = min_files 3/' "$plans/systems/proc.ini"
run p1 || fail "the passing re-test: exit $?"
rec=$(jq -r .id "$work/p1.out")
dh actions --format json | jq -e --arg r "$rec" '(.actions | length == 2) and (.actions[1] |
	.closed_by == $r and .closed_record == $r and .note == null and .open == false)' >/dev/null ||
	fail "action 2 not closed by $rec: $(dh actions --format json)"
dh actions | grep -E "^2 .* closed [0-9TZ:-]+ by $rec\$" >/dev/null || fail "actions text after the pass"
dh status --format json | jq -e '.systems[0].open_actions == [] and .systems[0].compliant' >/dev/null ||
	fail "status after the pass: $(dh status --format json | jq -c '.systems[0].reasons')"

# 6. the audit chain holds and vouches for the actions
dh audit verify >/dev/null || fail "audit verify"
dh audit export --format json | jq -e '[.records[].kind] | (map(select(. == "action_opened")) | length == 2)
	and (map(select(. == "action_closed")) | length == 2)' >/dev/null || fail "audit export kinds"
sqlite3 "$db" "UPDATE actions SET note = 'nothing happened' WHERE id = 1"
rc=0; dh audit verify >"$work/broken.out" || rc=$?
[ $rc = 1 ] || fail "audit verify after an edit: exit $rc"
grep -F "the action_closed 1 was changed after it was audited" "$work/broken.out" >/dev/null ||
	fail "audit verify did not name the action: $(cat "$work/broken.out")"
echo "actions_cli: ok"
