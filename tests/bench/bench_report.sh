#!/usr/bin/env bash
# Benchmark: `drillhall report` on 2,000 systems and 1,000,000 test
# records (500 per system over five years; drills for the T3/T4 systems
# with [failover]; 95 % passed, 4 % failed, 1 % error), timing
# `report --format json` and `--format html` as of now and as of a year
# ago. Goal: report <= 1 s and <= 3x the peer. Peer on the same records:
# the sqlite3 CLI aggregating them (per system and kind: the latest start,
# the latest passed start, counts per verdict) in one GROUP BY.
# The records are written with SQL straight into a database the
# controller created (schema and all); no job, event or audit rows, so the
# report's audit check finds the records unaudited at once: verifying a
# real chain costs what `drillhall audit verify` costs, and is not
# measured here.
#   tests/bench/bench_report.sh [BUILD_DIR]   (default: build)
#   DH_BENCH_SYSTEMS=N DH_BENCH_PER_SYSTEM=M  (default: 2000, 500)
#   DH_BENCH_KEEP=DIR                         keep the plans and database in DIR
#   DH_BENCH_REUSE=DIR                        time a kept DIR instead of generating
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build}/drillhall
n=${DH_BENCH_SYSTEMS:-2000}
per=${DH_BENCH_PER_SYSTEM:-500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "bench: build first ($bin missing)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 CLI" >&2; exit 2; }

generate() {
python3 - "$work/plans" "$n" "$top/plans/policy.ini" <<'PY'
import os, random, sys
out, n, policy = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(7)
os.makedirs(f"{out}/systems")
open(f"{out}/policy.ini", "w").write(open(policy).read())
inv = ["[controller]", "url = https://127.0.0.1:8443",
       "ssh_key = /etc/drillhall/id_ed25519", "known_hosts = /etc/drillhall/known_hosts",
       "[hall A]", "name = Öst", "[hall B]", "name = Väst"]
for i in range(40):
    inv += [f"[host h{i}]", f"hall = {'AB'[i % 2]}", f"address = 127.0.0.{2 + i % 2}",
            f"port = {2201 + i}", "user = drillhall"]
open(f"{out}/inventory.ini", "w").write("\n".join(inv) + "\n")
levels = open(f"{out}/levels", "w")
for i in range(n):
    t = random.choice([0, 1, 2, 2, 2, 3, 3, 4])
    L = ["[system]", f"name = System {i} – verksamhetssystem", f"board = Nämnd {i % 12}",
         f"object = Förvaltningsobjekt {i % 30}", f"system_owner = Ägare {i}",
         f"contact = s{i}@example.se", "classified = 2025-01-01",
         "confidentiality = 2", "integrity = 2", f"availability = {t}",
         f"reserve_routine = Reservrutin {i}: papper och telefon.", "",
         "[restore]", f"host = h{(2 * i + 1) % 40}", "method = tar",
         f"repository = /srv/backup/tar/s{i}"]
    if t >= 3:
        a, b = (2 * i) % 40, (2 * i + 1) % 40
        L += ["", "[failover]", f"primary = h{a}", f"standby = h{b}",
              f"marker_write = h{a} write-marker", f"marker_check = h{b} check-marker",
              f"step = h{b} promote", f"health = tcp h{b}:5432", f"failback = h{a} rejoin"]
    open(f"{out}/systems/s{i:05d}.ini", "w").write("\n".join(L) + "\n")
    levels.write(f"s{i:05d}|{t}\n")
PY
plans=$work/plans db=$work/dh.db
"$bin" check --plans "$plans" --config /dev/null >/dev/null 2>&1 || {
	echo "bench: the generated plan does not check" >&2
	"$bin" check --plans "$plans" --config /dev/null | grep error | head >&2
	exit 1
}
"$bin" status --plans "$plans" --db "$db" --config /dev/null >/dev/null # creates the schema
now=$(date -u +%s)
start=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE lv (system TEXT PRIMARY KEY, t INTEGER);
.mode list
.separator |
.import $plans/levels lv
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < $per - 1),
g AS (
  SELECT lv.system AS system, lv.t AS t, k.i AS i,
    CASE WHEN lv.t >= 3 AND k.i % 5 = 4 THEN 'failover' ELSE 'restore' END AS kind,
    $now - ($per - k.i) * 315000 + (k.i * 7919 + lv.rowid * 31) % 3600 AS st,
    CASE WHEN ((k.i + 1) * 2654435761 + lv.rowid * 40503) % 100 < 95 THEN 'passed'
         WHEN ((k.i + 1) * 2654435761 + lv.rowid * 40503) % 100 < 99 THEN 'failed'
         ELSE 'error' END AS verdict
  FROM lv, k)
INSERT INTO records (job, system, kind, trigger, verdict, started_at, finished_at, backup_at,
  rpo_target_s, rpo_actual_s, rto_target_s, rto_actual_s, plan_revision, record_hash, json)
SELECT printf('%s-%07d-%s', system, i, kind), system, kind, 'schedule', verdict, st, st + 1800,
  st - 7200, 14400, 7200, 86400, 1800 + i, 'bench-revision', lower(hex(randomblob(32))),
  json_object('id', printf('%s-%07d-%s', system, i, kind), 'system', system, 'kind', kind,
    'trigger', 'schedule', 'started_at', strftime('%Y-%m-%dT%H:%M:%SZ', st, 'unixepoch'),
    'finished_at', strftime('%Y-%m-%dT%H:%M:%SZ', st + 1800, 'unixepoch'), 'verdict', verdict,
    'hosts', json_array('h1'), 'backup_at', strftime('%Y-%m-%dT%H:%M:%SZ', st - 7200, 'unixepoch'),
    'rpo_target_s', 14400, 'rpo_actual_s', 7200, 'rto_target_s', 86400, 'rto_actual_s', 1800 + i,
    'checks', json_array(json_object('name', 'files', 'verdict', verdict, 'detail', '1200 files')),
    'files_verified', 1200, 'bytes_verified', 73400320, 'mismatches', json_array(),
    'plan_revision', 'bench-revision', 'record_hash', lower(hex(randomblob(32))))
FROM g;
COMMIT;
ANALYZE;
SQL
records=$(sqlite3 "$db" 'SELECT count(*) FROM records')
printf 'data: %d systems, %d records, database %d MB, generated in %.1f s\n' "$n" "$records" \
	$(($(stat -c %s "$db") / 1048576)) "$(echo "$(date +%s.%N) - $start" | bc)"
if [ -n "${DH_BENCH_KEEP:-}" ]; then rm -rf "$DH_BENCH_KEEP"; mkdir -p "$DH_BENCH_KEEP"; cp -r "$plans" "$db" "$DH_BENCH_KEEP"/; fi
}
now=$(date -u +%s)
if [ -n "${DH_BENCH_REUSE:-}" ]; then
	plans=$DH_BENCH_REUSE/plans db=$DH_BENCH_REUSE/dh.db
	echo "data: $(ls "$plans/systems" | wc -l) systems, $(sqlite3 "$db" 'SELECT count(*) FROM records') records" \
		"(kept in $DH_BENCH_REUSE), database $(($(stat -c %s "$db") / 1048576)) MB"
else
	generate
fi

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
