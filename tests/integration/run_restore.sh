#!/usr/bin/env bash
# `drillhall run restore`, `history` and `audit verify` end to end: a real
# sshd (tests/data/ssh_fixture.sh) whose forced command is a stand-in agent
# (tests/data/fake_agent.py) reporting signed events over HTTP; plan files
# naming it. Covers: passed (exit 0) and failed (exit 1) with run's own
# listener and through a running serve; the controller killed while the
# agent finishes (events delivered when it is back, stored once); a
# changed host key (error, exit 2, no login in the sshd log, nothing
# executed); an unreachable host (error, exit 2, fast); history formats;
# audit verify intact, then naming the record after a row is edited with
# the sqlite3 CLI. Needs root for sshd.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
[ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ] || { echo "FAIL: run_restore needs root and sshd" >&2; exit 1; }
bin=${DH_BIN:?}/drillhall
data=${DH_SRC:?}/tests/data
work=$(mktemp -d)
chmod 755 "$work" # the fixture's login user reaches its DIR below
spid=
cleanup() {
	if [ -n "$spid" ]; then kill "$spid" 2>/dev/null || true; fi
	bash "$data/ssh_fixture.sh" stop "$work/ssh" || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$work"/*.out "$work"/*.err 2>/dev/null | tail -40 >&2; exit 1; }

sport=$(freeport 127.0.0.2) lport=$(freeport 127.0.0.1)
bash "$data/ssh_fixture.sh" start "$work/ssh" 127.0.0.2 "$sport" >/dev/null
cp "$data/fake_agent.py" "$work/ssh/agent"; chmod 755 "$work/ssh/agent"

plans=$work/plans; mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT
cat >"$plans/inventory.ini" <<INV
[controller]
url = http://127.0.0.1:$lport
ssh_key = $work/ssh/client_key
known_hosts = $work/ssh/known_hosts
[hall A]
name = Öst
[hall B]
name = Väst
[host b1]
hall = B
address = 127.0.0.2
port = $sport
user = dh-fixture
[host gone]
hall = A
address = 127.0.0.9
port = 1
user = dh-fixture
INV
for s in procapita ecos-fail slow-sys unreach; do
	host=b1; [ "$s" = unreach ] && host=gone
	printf '[system]\nname = %s\nboard = Nämnd\nobject = Objekt\nsystem_owner = Ägare\ncontact = it@example.se\n' \
		"$s" >"$plans/systems/$s.ini"
	printf 'classified = 2026-01-15\nconfidentiality = 2\nintegrity = 2\navailability = 3\n' >>"$plans/systems/$s.ini"
	printf 'reserve_routine = Papper.\n[restore]\nhost = %s\nmethod = restic\nrepository = /srv/backup/%s\npassword_file = /etc/p\nverify = min_files 1\n' \
		"$host" "$s" >>"$plans/systems/$s.ini"
done
db=$work/dh.db
dh() { "$bin" "$@" --plans "$plans" --db "$db" --config /dev/null --listen "127.0.0.1:$lport"; }
serve() {
	"$bin" serve --db "$db" --config /dev/null --listen "127.0.0.1:$lport" 2>>"$work/serve.err" &
	spid=$!
	python3 "$DH_SRC/tests/integration/evsend.py" up "http://127.0.0.1:$lport/healthz" --wait 10 ||
		fail "serve did not come up"
}

# passed and failed, run's own listener
dh run restore procapita >"$work/a.out" 2>"$work/a.err" || fail "procapita: exit $?"
grep -q '^verdict *passed' "$work/a.out" || fail "procapita not passed"
grep -q '^rto .*(target 4h)' "$work/a.out" || fail "rto target not in the record"
rc=0; dh run restore ecos-fail --format json >"$work/b.out" 2>"$work/b.err" || rc=$?
[ $rc = 1 ] || fail "failed verdict exit $rc"
python3 -c "import json,sys; r=json.load(open('$work/b.out')); assert r['verdict']=='failed' and r['rto_target_s']==14400 and len(r['record_hash'])==64, r" || fail "failed record JSON"

# through a running serve, which is killed while the agent finishes
serve
dh run restore slow-sys >"$work/c.out" 2>"$work/c.err" &
rpid=$!
for _ in $(seq 100); do grep -q "accepted by b1" "$work/c.err" 2>/dev/null && break; sleep 0.05; done
grep -q "via the running serve" "$work/c.err" || fail "run did not hand the job to serve"
kill -9 "$spid"; wait "$spid" 2>/dev/null || true; spid=
sleep 4    # the agent finishes and cannot deliver
serve
wait "$rpid" || fail "slow-sys: exit $?"
job=$(sqlite3 "$db" "SELECT id FROM jobs WHERE system='slow-sys'")
[ "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE job='$job'")" = 2 ] || fail "events of $job not stored once"
kill "$spid"; wait "$spid" 2>/dev/null || true; spid=

# unreachable host: error, fast
start=$(date +%s)
rc=0; dh run restore unreach >"$work/d.out" 2>"$work/d.err" || rc=$?
[ $rc = 2 ] || fail "unreachable exit $rc"
grep -q '^verdict *error' "$work/d.out" || fail "unreachable verdict"
[ $(( $(date +%s) - start )) -le 10 ] || fail "unreachable took longer than the connect timeout"

# hosts: both halls at once; the unreachable one makes it exit 1
rc=0; dh hosts >"$work/h.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "hosts exit $rc"
grep -q '^b1 .* yes .* ok .*drillhall-agent 0.1.0-fake' "$work/h.out" || fail "hosts: b1 line"
grep -q '^gone .* no ' "$work/h.out" || fail "hosts: gone line"

# changed host key: error, exit 2, no login, nothing executed
bash "$data/ssh_fixture.sh" rekey "$work/ssh" >/dev/null
ran_before=$(wc -l <"$work/ssh/executed")
rc=0; dh run restore procapita >"$work/e.out" 2>"$work/e.err" || rc=$?
[ $rc = 2 ] || fail "changed host key exit $rc"
grep -q 'CHANGED' "$work/e.out" || fail "record does not say the host key changed"
sleep 0.3
grep -q 'Accepted publickey' "$work/ssh/sshd.log" && fail "sshd accepted a login after the key changed"
[ "$(wc -l <"$work/ssh/executed")" = "$ran_before" ] || fail "something ran on the host"

{ dh hosts --format json || true; } | python3 -c '
import json,sys
h={x["host"]: x for x in json.load(sys.stdin)["hosts"]}
assert h["b1"]["reachable"] and not h["b1"]["host_key_ok"] and h["b1"]["agent_version"] is None, h["b1"]
assert not h["gone"]["reachable"], h["gone"]' || fail "hosts json after the key changed"
grep -q 'Accepted publickey' "$work/ssh/sshd.log" && fail "hosts logged in to a host whose key changed"

# status: an error record neither passes nor resets the due date; a T3
# system (failover_required_from = 3) without [failover] is not compliant,
# for that reason alone; --now
dh status --format json | python3 -c '
import json,sys
d=json.load(sys.stdin)
s={x["id"]: x for x in d["systems"]}
p=s["procapita"]
assert p["restore"]["ok"] and p["restore"]["last"]["verdict"] == "error", p
assert p["last_restore"]["verdict"] == "error" and p["last_drill"] is None, p
assert not p["compliant"] and p["reasons"] == ["no [failover], which T-level 3 requires"], p
assert not p["failover"]["required"] and p["drill_due_at"] is None, p
assert not s["ecos-fail"]["compliant"]
assert s["ecos-fail"]["restore"]["problem"].startswith("last restore test failed on ")
assert not s["unreach"]["compliant"] and "no restore test ever" in s["unreach"]["reasons"]
assert p["rto_s"] == 14400 and d["now"] == d["as_of"]' || fail "status json"
dh status --now 2099-01-01T00:00:00Z |
	grep -q '^procapita .*NO (restore test overdue since [0-9-]*; no \[failover\], which T-level 3 requires; corrective action [0-9]* (restore test, opened [0-9-]*) past its due date since [0-9-]*)$' ||
	fail "status --now future"
dh status --now 2000-01-01T00:00:00Z --format csv | grep '^procapita,3,3600,3600,14400,,' >/dev/null || fail "status --now past"
# drills asked from T4: the passed restore test is enough, no drill is asked
cp -r "$plans" "$work/plans4"
sed -i 's/^failover_required_from = 3$/failover_required_from = 4/' "$work/plans4/policy.ini"
"$bin" status --plans "$work/plans4" --db "$db" --config /dev/null | grep '^procapita .* yes$' >/dev/null ||
	fail "status: a compliant system without [failover] below failover_required_from"

# history
[ "$(dh history --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["records"]))')" = 5 ] || fail "history json"
[ "$(dh history procapita --format csv | wc -l)" = 3 ] || fail "history csv"
dh history --kind failover 2>/dev/null | grep . >/dev/null && fail "history --kind failover"
dh history --since 1d | grep slow-sys >/dev/null || fail "history --since"

# audit: intact, then broken by an edit with the sqlite3 CLI
dh audit verify >"$work/f.out" || fail "audit verify on an untouched database"
grep -q intact "$work/f.out" || fail "audit verify text"
# the exported chain recomputes with another SHA-256 than ours
dh audit export --format json | python3 -c '
import hashlib, json, sys
prev = "0" * 64
recs = json.load(sys.stdin)["records"]
for i, r in enumerate(recs, 1):
    assert r["seq"] == i and r["prev_hash"] == prev, r
    assert hashlib.sha256((prev + r["body"]).encode()).hexdigest() == r["hash"], r
    prev = r["hash"]
assert {r["kind"] for r in recs} == {"plan", "job", "event", "verdict", "action_opened"}, recs' ||
	fail "audit export does not recompute"
[ "$(dh audit export | wc -l)" = "$(sqlite3 "$db" 'SELECT count(*) FROM audit')" ] || fail "audit export text"
sqlite3 "$db" "UPDATE records SET verdict='passed' WHERE system='ecos-fail'"
seq=$(sqlite3 "$db" "SELECT a.seq FROM audit a JOIN jobs j ON a.ref=j.id WHERE a.kind='verdict' AND j.system='ecos-fail'")
rc=0; dh audit verify >"$work/g.out" || rc=$?
[ $rc = 1 ] || fail "audit verify after an edit: exit $rc"
grep -q "BROKEN at record $seq:" "$work/g.out" || fail "audit verify did not name record $seq: $(cat "$work/g.out")"
echo "run_restore: ok"
