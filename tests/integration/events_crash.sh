#!/usr/bin/env bash
# kill -9 of the controller during a burst of 10,000 signed events from
# several agents, then a restart: the senders retry every event until a
# 2xx (as the agent's spool and flush do), and afterwards every event is
# stored exactly once and audited exactly once, and the database is sound.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
bin=${DH_BIN:?}/drillhall
send="python3 ${DH_SRC:?}/tests/integration/evsend.py"
work=$(mktemp -d)
pid=
trap 'stop_and_remove "$work"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$work"/serve*.log >&2 || true; exit 1; }

port=$(freeport 127.0.0.1)
db=$work/dh.db
start() {
	"$bin" serve --quiet --db "$db" --listen "127.0.0.1:$port" --config /dev/null 2>>"$work/serve.log" &
	pid=$!
	$send up "http://127.0.0.1:$port/healthz" --wait 10 || fail "serve did not come up"
}
start
jobs=10 per_job=1000
for i in $(seq $jobs); do
	tok=$(openssl rand -hex 32)
	echo "job-$i $tok" >>"$work/jobs"
	sqlite3 "$db" "INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,
	  plan_revision, rpo_target_s, rto_target_s, timeout_s) VALUES ('job-$i', 'sys$i',
	  'restore', 'manual', 'h$i', '$tok', 'dispatched', 0, 'r1', 3600, 7200, 14400);"
done

$send burst "http://127.0.0.1:$port" "$work/jobs" $per_job 8 >"$work/burst.out" &
sender=$!
# Kill once a good part of the burst is stored, but well before its end.
for _ in $(seq 200); do
	n=$(sqlite3 "$db" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)
	[ "$n" -ge 1500 ] && break
	sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
before=$(sqlite3 "$db" 'SELECT count(*) FROM events')
sleep 0.5
start
wait "$sender" || fail "sender failed"
cat "$work/burst.out"

total=$((jobs * per_job))
[ "$before" -lt "$total" ] || fail "the kill came after the burst ($before stored)"
got=$(sqlite3 "$db" 'SELECT count(*) FROM events')
[ "$got" = "$total" ] || fail "stored $got events, expected $total"
distinct=$(sqlite3 "$db" 'SELECT count(DISTINCT job || ":" || seq) FROM events')
[ "$distinct" = "$total" ] || fail "duplicates stored"
audited=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE kind='event'")
[ "$audited" = "$total" ] || fail "audited $audited events, expected $total"
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "events_crash: ok ($before stored before kill -9, $got after restart)"
