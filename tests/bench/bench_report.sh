#!/usr/bin/env bash
# Benchmark: `drillhall report` and the web pages on 2,000 systems and
# 1,000,000 test records (tests/bench/bench_store.sh), timing
# `report --format json`, `--format html` and `--format csv` as of now and
# as of a year ago, and, from a running serve with an auditor logged in,
# GET / (every system's standing) and GET /systems/ID. Goal: report <= 1 s
# and <= 3x the peer; a page <= 100 ms. Peer on the same records: the
# sqlite3 CLI aggregating them (per system and kind: the latest start, the
# latest passed start, counts per verdict) in one GROUP BY.
#   tests/bench/bench_report.sh [BUILD_DIR]   (default: build)
#   DH_BENCH_DIR=DIR   keep the plan and database in DIR, reuse them next time
#   DH_BENCH_SYSTEMS=N DH_BENCH_PER_SYSTEM=M  (default: 2000, 500)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
bin=$build/drillhall
source "$top/tests/integration/lib.bash"
work=$(mktemp -d)
trap 'if [ -n "${pid:-}" ]; then kill "$pid"; wait "$pid" || true; fi; rm -rf "$work"' EXIT
data=${DH_BENCH_DIR:-$work/data}
bash "$top/tests/bench/bench_store.sh" "$data" "$build"
plans=$data/plans db=$data/dh.db
now=$(date -u +%s)

# best of three wall-clock runs, in seconds
best() {
	local b="" t s
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >"$work/out" 2>"$work/err" || { echo "bench: $* failed: $(cat "$work/err")" >&2; exit 1; }
		t=$(echo "$(date +%s.%N) - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}
dh() { "$bin" report --plans "$plans" --db "$db" --config /dev/null "$@"; }
peer_sql="SELECT system, kind, max(started_at), max(CASE WHEN verdict = 'passed' THEN started_at END),
  sum(verdict = 'passed'), sum(verdict = 'failed'), sum(verdict = 'error'), count(*)
  FROM records GROUP BY system, kind"
year_ago=$(date -u -d "@$((now - 365 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
peer=$(best sqlite3 "$db" "$peer_sql")
peer_rows=$(sqlite3 "$db" "$peer_sql" | wc -l)
json=$(best dh --format json)
dh --format json >"$work/r.json"
html=$(best dh --format html)
html_bytes=$(dh --format html | wc -c)
past=$(best dh --format json --now "$year_ago")
csv=$(best dh --format csv)
# CPU time (user + system) of one run: the figure a loaded machine does not inflate
cpu() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.3f", $1 + $2}'; }
peer_cpu=$(cpu sqlite3 "$db" "$peer_sql")
json_cpu=$(cpu "$bin" report --plans "$plans" --db "$db" --config /dev/null --format json)
html_cpu=$(cpu "$bin" report --plans "$plans" --db "$db" --config /dev/null --format html)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall-clock figures are best of 3)"
echo "peer: sqlite3 GROUP BY over every record: ${peer} s, cpu ${peer_cpu} s ($peer_rows system/kind rows)"
echo "report --format json: ${json} s, cpu ${json_cpu} s ($(jq '.summary.compliant' "$work/r.json") of" \
	"$(jq '.summary.systems' "$work/r.json") compliant, $(jq '.records | length' "$work/r.json") records listed)"
echo "report --format html: ${html} s, cpu ${html_cpu} s ($((html_bytes / 1024)) KB)"
echo "report --format csv:  ${csv} s"
echo "report --format json --now a year ago: ${past} s"
for f in json html; do
	v=${!f} c=$(eval echo "\$${f}_cpu")
	verdict=ok
	[ "$(echo "$v <= 1 && $v <= 3 * $peer" | bc)" = 1 ] || verdict=MISSED
	cverdict=ok
	[ "$(echo "$c <= 1 && $c <= 3 * $peer_cpu" | bc)" = 1 ] || cverdict=MISSED
	echo "goal ($f): <= 1 s and <= 3x sqlite3: wall ${v} s, $(echo "scale=2; $v / $peer" | bc)x: $verdict;" \
		"cpu ${c} s, $(echo "scale=2; $c / $peer_cpu" | bc)x: $cverdict"
done

# The web pages: serve with one auditor, logged in once; each GET timed by curl.
cat >"$work/controller.ini" <<INI
[user revisor]
role = auditor
password = $(printf 'bench-secret\n' | "$bin" passwd revisor 2>/dev/null | sed 's/^password = //')
INI
port=$(freeport 127.0.0.1)
# the scheduler's clock set outside the plan's windows (a Wednesday noon):
# serve must not start tests against the generated hosts while it is timed
echo "2026-12-02T12:00:00Z" >"$work/clock"
DRILLHALL_SCHED_CLOCK=$work/clock "$bin" serve --plans "$plans" --db "$db" --config "$work/controller.ini" --listen "127.0.0.1:$port" \
	2>"$work/serve.log" &
pid=$!
python3 "$top/tests/integration/evsend.py" up "http://127.0.0.1:$port/healthz" --wait 30 >/dev/null
curl -s -c "$work/jar" -o /dev/null --data-urlencode user=revisor \
	--data-urlencode password=bench-secret "http://127.0.0.1:$port/login"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
page() { # PATH: median of 10 GETs in ms (a first GET unmeasured), checks the status
	local code
	code=$(curl -s -b "$work/jar" -o "$work/page.html" -w '%{http_code}' "http://127.0.0.1:$port$1")
	[ "$code" = 200 ] || { echo "bench: GET $1: HTTP $code" >&2; exit 1; }
	for _ in $(seq 10); do
		curl -s -b "$work/jar" -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$1"
	done | awk '{printf "%.1f\n", $1 * 1000}' | median
}
sys_id=$(ls "$plans/systems" | sed -n '1s/\.ini$//p')
home=$(page /)
home_kb=$(($(wc -c <"$work/page.html") / 1024))
sysp=$(page "/systems/$sys_id")
for p in "/ (every system's standing, ${home_kb} KB):$home" "/systems/$sys_id:$sysp"; do
	v=${p##*:}
	verdict=ok
	[ "$(echo "$v <= 100" | bc)" = 1 ] || verdict=MISSED
	echo "page GET ${p%:*}: $v ms (curl, median of 10)   goal <= 100 ms: $verdict"
done
