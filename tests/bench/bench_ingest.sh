#!/usr/bin/env bash
# Ingest benchmark: signed events per second that a real `drillhall serve`
# on loopback stores durably (WAL, synchronous=FULL, a 200 only after the
# COMMIT; group commit across concurrent agents). Peer figures on the same
# disk: the sqlite3 CLI inserting the same rows with synchronous=FULL, one
# transaction per row (what a naive per-request commit costs) and all in
# one transaction (the ceiling).
#   tests/bench/bench_ingest.sh [BUILD_DIR] [EVENTS] [CONNECTIONS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
source "$src/tests/integration/lib.bash"
bin=${1:-${DH_BIN:-$src/build}}/drillhall
events=${2:-20000} conns=${3:-32}
jobs=$conns per_job=$((events / conns)) events=$((jobs * per_job))
work=$(mktemp -d)
pid=
trap 'stop_and_remove "$work"' EXIT

cc -O2 -o "$work/loadgen" "$src/tests/bench/loadgen.c" -lcurl -lcrypto -lpthread
port=$(freeport 127.0.0.1)
db=$work/dh.db
"$bin" serve --quiet --db "$db" --listen "127.0.0.1:$port" --config /dev/null 2>"$work/serve.log" &
pid=$!
python3 "$src/tests/integration/evsend.py" up "http://127.0.0.1:$port/healthz" --wait 10
for i in $(seq "$jobs"); do
	tok=$(openssl rand -hex 32)
	echo "bench-$i $tok" >>"$work/jobs"
	echo "INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,
	  plan_revision, rpo_target_s, rto_target_s, timeout_s) VALUES ('bench-$i', 'sys',
	  'restore', 'manual', 'h', '$tok', 'dispatched', 0, 'r', 3600, 7200, 14400);"
done | sqlite3 "$db"

echo "== drillhall serve: $events signed events over $conns connections (synchronous=FULL)"
"$work/loadgen" "http://127.0.0.1:$port" "$work/jobs" "$per_job" "$conns" | tee "$work/out"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
grep -o 'commits' "$work/serve.log" >/dev/null && tail -1 "$work/serve.log"
stored=$(sqlite3 "$db" 'SELECT count(*) FROM events')
echo "stored: $stored events (expected $events), $(sqlite3 "$db" "SELECT count(*) FROM audit WHERE kind='event'") audited"

peer=$((events < 2000 ? events : 2000))
echo "== peer: sqlite3 CLI, $peer rows, WAL + synchronous=FULL, one transaction per row"
{
	echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	echo "CREATE TABLE events (job TEXT, seq INTEGER, body TEXT, PRIMARY KEY (job, seq));"
	for i in $(seq "$peer"); do
		echo "INSERT INTO events VALUES ('bench-1', $i, '{\"job\":\"bench-1\",\"seq\":$i,\"type\":\"step\",\"detail\":\"benchmark event\"}');"
	done
} >"$work/peer.sql"
t0=$(date +%s.%N)
sqlite3 "$work/peer1.db" <"$work/peer.sql" >/dev/null
t1=$(date +%s.%N)
python3 -c "print(f'rate {$peer / ($t1 - $t0):.0f}/s ({$t1 - $t0:.2f} s)')"
echo "== peer: sqlite3 CLI, the same rows in one transaction (ceiling)"
{ head -2 "$work/peer.sql"; echo "BEGIN;"; tail -n +3 "$work/peer.sql"; echo "COMMIT;"; } >"$work/peer2.sql"
t0=$(date +%s.%N)
sqlite3 "$work/peer2.db" <"$work/peer2.sql" >/dev/null
t1=$(date +%s.%N)
python3 -c "print(f'rate {$peer / ($t1 - $t0):.0f}/s ({$t1 - $t0:.2f} s)')"
