#!/usr/bin/env bash
# Benchmark: GET /metrics on a store with 2,000 systems and 1,000,000 test
# records (SPEC "Metrics": computed from the database, fast). The plan is
# bench_plan.sh's generated 2,000-system plan; the records are written
# with the sqlite3 CLI straight into a database that serve migrated (500
# per system, 90 % restore tests, one in seven failed). Times the scrape
# with curl beside the peer: the sqlite3 CLI selecting the latest record
# per system and kind on the same file (process start included, as in
# the scrape's curl). Also `due --format json` when this build has it,
# and serve's peak resident memory (VmHWM) after the scrapes.
# Goal: /metrics <= 100 ms and <= 2x the sqlite3 query; VmHWM <= 64 MiB.
#   tests/bench/bench_metrics.sh [BUILD_DIR]   (default: build)
#   DH_BENCH_RECORDS=N (default 1000000)  DH_BENCH_RUNS=N (default 10)
#   DH_BENCH_DIR=DIR   keep the plan and database in DIR, reuse them next time
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
bin=$build/drillhall
nrec=${DH_BENCH_RECORDS:-1000000} runs=${DH_BENCH_RUNS:-10}
source "$top/tests/integration/lib.bash"
[ -x "$bin" ] || { echo "bench: build first ($bin missing)" >&2; exit 2; }
if [ -n "${DH_BENCH_DIR:-}" ]; then # keep (and reuse) the plan and the database there
	work=$DH_BENCH_DIR
	mkdir -p "$work"
	trap 'if [ -n "${pid:-}" ]; then kill "$pid"; fi; wait' EXIT
else
	work=$(mktemp -d)
	trap 'stop_and_remove "$work"' EXIT
fi
plans=$work/plans db=$work/dh.db
[ -f "$db" ] || generate=1
if [ -n "${generate:-}" ]; then
DH_BENCH_KEEP=$plans bash "$top/tests/bench/bench_plan.sh" "$build" >/dev/null
"$bin" status --plans "$plans" --db "$db" --config /dev/null >/dev/null # creates and migrates
t0=$(($(date +%s) - nrec * 60))
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $nrec - 1)
INSERT INTO records (job, system, kind, trigger, verdict, started_at, finished_at,
  rpo_target_s, rpo_actual_s, rto_target_s, rto_actual_s, plan_revision, record_hash, json)
SELECT printf('j%07d', i), printf('s%05d', i % 2000),
  CASE WHEN i % 10 = 9 THEN 'failover' ELSE 'restore' END, 'schedule',
  CASE WHEN i % 7 = 3 THEN 'failed' ELSE 'passed' END,
  $t0 + i * 60, $t0 + i * 60 + 600, 3600, 60 + i % 600, 7200, 600 + i % 1200, 'rev', 'h', '{}'
FROM c;
SQL
gen=$(echo "$(date +%s.%N) - $start" | bc)
fi
echo "store: $(sqlite3 "$db" 'SELECT count(DISTINCT system) FROM records') systems," \
	"$(sqlite3 "$db" 'SELECT count(*) FROM records') records, $(du -m "$db" | cut -f1) MiB" \
	"${gen:+(written in ${gen%.*} s)}"

port=$(freeport 127.0.0.1)
"$bin" serve --plans "$plans" --db "$db" --listen "127.0.0.1:$port" --config /dev/null 2>"$work/serve.log" &
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
if "$bin" due --help >/dev/null 2>&1; then
	due=$(for _ in $(seq "$runs"); do
		s=$(date +%s.%N)
		"$bin" due --plans "$plans" --db "$db" --config /dev/null --format json >/dev/null || true
		echo "$(date +%s.%N) - $s" | bc
	done | ms | median)
	echo "due --format json (median of $runs): $due ms"
else
	echo "due: not in this build"
fi
