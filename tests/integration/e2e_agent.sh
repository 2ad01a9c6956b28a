#!/usr/bin/env bash
# The controller with the real agent, end to end: the two-hall lab
# (tests/lab/lab.sh: real sshd per host, the agent behind the forced
# command), a real tar backup, `drillhall run restore` → passed with the
# agent's own record; `hosts` shows both halls' agent versions; then the
# controller is killed (-9) while the agent is still verifying, the agent
# spools its events, and once a `serve` is back they are delivered and
# stored exactly once with the verdict; `audit verify` holds. Needs root.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
src=${DH_SRC:?} bin=${DH_BIN:?}
lab=$src/tests/lab/lab.sh
[ "$(id -u)" = 0 ] || { echo "FAIL: e2e_agent needs root (the lab starts sshd)" >&2; exit 1; }
work=$(mktemp -d)
spid= rpid=
cleanup() {
	if [ -n "$spid" ]; then kill "$spid" 2>/dev/null || true; fi
	if [ -n "$rpid" ]; then kill "$rpid" 2>/dev/null || true; fi
	bash "$lab" stop "$work/lab" >/dev/null 2>&1 || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$work"/*.err 2>/dev/null | tail -30 >&2; exit 1; }
up() { python3 "$src/tests/integration/evsend.py" up "$1" --wait 10; }

lport=$(freeport 127.0.0.1) pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
printf '[action settle]\ncommand = /bin/sleep 4\ntimeout = 30s\n' >"$work/extra.ini"
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$work/extra.ini" "app-a=127.0.0.2:$pa" "app-b=127.0.0.3:$pb" >/dev/null

# a backup: three files in a tar archive under the lab's backup root
mkdir -p "$work/data/var/lib/proc" "$work/lab/backup/proc"
for i in 1 2 3; do echo "row $i" >"$work/data/var/lib/proc/f$i.txt"; done
tar -C "$work/data" -czf "$work/lab/backup/proc/proc.tar.gz" var
plans=$work/plans
mkdir -p "$plans/systems"
cp "$src/plans/policy.ini" "$plans/"
cp "$work/lab/inventory.ini" "$plans/"
for s in proc slow; do
	cat >"$plans/systems/$s.ini" <<INI
[system]
name = $s
board = Socialnämnden
object = Socialtjänst
system_owner = Anna Exempel
contact = it@example.se
classified = 2026-01-15
confidentiality = 3
integrity = 3
availability = 3
reserve_routine = Papper.
[restore]
host = app-b
method = tar
repository = $work/lab/backup/proc
verify = min_files 3
verify = file var/lib/proc/f1.txt
INI
done
echo "verify = action settle" >>"$plans/systems/slow.ini"
db=$work/dh.db
dh() { "$bin/drillhall" "$@" --plans "$plans" --db "$db" --config /dev/null --listen "127.0.0.1:$lport"; }

dh run restore proc --format json >"$work/a.out" 2>"$work/a.err" || fail "run restore proc: exit $?"
python3 -c "
import json; r=json.load(open('$work/a.out'))
assert r['verdict']=='passed' and r['rto_target_s']==14400 and r['hosts']==['app-b'], r
assert any(c['name'].startswith('min_files') and c['verdict']=='passed' for c in r['checks']), r['checks']" ||
	fail "record of proc"
dh hosts --format json | python3 -c "
import json,sys; h=json.load(sys.stdin)['hosts']
assert len(h)==2 and all(x['host_key_ok'] and x['agent_version'].startswith('drillhall-agent') for x in h), h" ||
	fail "hosts"

# the controller dies while the agent is still verifying
"$bin/drillhall" run restore slow --plans "$plans" --db "$db" --config /dev/null \
	--listen "127.0.0.1:$lport" >"$work/b.out" 2>"$work/b.err" &
rpid=$!
for _ in $(seq 100); do grep -q "accepted by app-b" "$work/b.err" && break; sleep 0.1; done
grep -q "accepted by app-b" "$work/b.err" || fail "slow was not accepted"
kill -9 "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=
job=$(sqlite3 "$db" "SELECT id FROM jobs WHERE system='slow'")
sleep 6    # the agent finishes and cannot deliver
[ "$(sqlite3 "$db" "SELECT count(*) FROM records WHERE job='$job'")" = 0 ] ||
	fail "the verdict arrived while the controller was down"
"$bin/drillhall" serve --db "$db" --config /dev/null --listen "127.0.0.1:$lport" 2>"$work/serve.err" &
spid=$!
up "http://127.0.0.1:$lport/healthz" || fail "serve did not come up"
for _ in $(seq 120); do
	[ "$(sqlite3 "$db" "SELECT count(*) FROM records WHERE job='$job'")" = 1 ] && break
	sleep 0.5
done
[ "$(sqlite3 "$db" "SELECT verdict FROM records WHERE job='$job'")" = passed ] || fail "no verdict for $job after restart"
n=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE job='$job'")
last=$(sqlite3 "$db" "SELECT max(seq) FROM events WHERE job='$job'")
[ "$n" = "$last" ] || fail "events of $job: $n stored, last seq $last"
dh audit verify >/dev/null || fail "audit verify"
echo "e2e_agent: ok ($n events of $job stored once after the restart)"
