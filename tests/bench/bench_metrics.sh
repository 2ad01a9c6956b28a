#!/usr/bin/env bash
# Benchmark: GET /metrics on a store with 2,000 systems and 1,000,000 test
# records (SPEC "Metrics": computed from the database, fast), the store of
# tests/bench/bench_store.sh (whole record JSON, as the controller stores
# them). Times the scrape with curl beside the peer: the sqlite3 CLI
# selecting the latest record per system and kind on the same file
# (process start included, as in the scrape's curl). Also
# `due --format json`, and serve's peak resident memory (VmHWM) after the
# scrapes.
# Goal: /metrics <= 100 ms and <= 2x the sqlite3 query; VmHWM <= 64 MiB.
#   tests/bench/bench_metrics.sh [BUILD_DIR]   (default: build)
#   DH_BENCH_RUNS=N (default 10)
#   DH_BENCH_DIR=DIR   keep the plan and database in DIR, reuse them next time
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
bin=$build/drillhall
runs=${DH_BENCH_RUNS:-10}
source "$top/tests/integration/lib.bash"
work=$(mktemp -d)
trap 'if [ -n "${pid:-}" ]; then kill "$pid"; wait "$pid" || true; fi; rm -rf "$work"' EXIT
data=${DH_BENCH_DIR:-$work/data}
bash "$top/tests/bench/bench_store.sh" "$data" "$build"
plans=$data/plans db=$data/dh.db

port=$(freeport 127.0.0.1)
# the scheduler's clock set outside the plan's windows (a Wednesday noon):
# serve must not start tests against the generated hosts while it is timed
echo "2026-12-02T12:00:00Z" >"$work/clock"
DRILLHALL_SCHED_CLOCK=$work/clock "$bin" serve --plans "$plans" --db "$db" --listen "127.0.0.1:$port" --config /dev/null 2>"$work/serve.log" &
pid=$!
python3 "$top/tests/integration/evsend.py" up "http://127.0.0.1:$port/healthz" --wait 30
sleep 3 # serve's first overdue and audit checks run once at start

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk '{printf "%.1f\n", $1 * 1000}'; }
curl -sf "http://127.0.0.1:$port/metrics" >"$work/metrics.txt" # first scrape reads the plan
scrape=$(for _ in $(seq "$runs"); do
	curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"
done | ms | median)
peer_sql="SELECT system, kind, verdict, max(coalesce(started_at, finished_at, 0)) FROM records GROUP BY system, kind"
peer=$(for _ in $(seq "$runs"); do
	s=$(date +%s.%N)
	sqlite3 "$db" "$peer_sql" >/dev/null
	echo "$(date +%s.%N) - $s" | bc
done | ms | median)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
echo "/metrics: $(wc -l <"$work/metrics.txt") lines, $(wc -c <"$work/metrics.txt") bytes"
echo "/metrics scrape (curl, median of $runs): $scrape ms   goal <= 100 ms"
echo "sqlite3 latest record per system and kind (median of $runs): $peer ms"
echo "ratio /metrics : sqlite3 = $(echo "scale=2; $scrape / $peer" | bc)   goal <= 2"
echo "serve VmHWM after the scrapes: $((hwm / 1024)) MiB ($hwm kB)   goal <= 64 MiB"
rc=0
"$bin" due --plans "$plans" --db "$db" --config /dev/null --format json >"$work/due.json" \
	2>"$work/due.err" || rc=$?
[ $rc -le 1 ] && [ ! -s "$work/due.err" ] || { echo "bench: due exit $rc: $(cat "$work/due.err")" >&2; exit 1; }
due=$(for _ in $(seq "$runs"); do
	s=$(date +%s.%N)
	"$bin" due --plans "$plans" --db "$db" --config /dev/null --format json >/dev/null || true
	echo "$(date +%s.%N) - $s" | bc
done | ms | median)
echo "due --format json (median of $runs, $(jq '.due | length' "$work/due.json") tests due): $due ms"
