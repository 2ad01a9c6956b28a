#!/usr/bin/env bash
# The benchmarks' store (tests/bench/bench_report.sh, bench_metrics.sh):
# a generated plan of 2,000 systems (T0 to T4; [failover] for T3/T4, 40
# hosts in two halls) and 1,000,000 test records (500 per system over
# five years; drills for the T3/T4 systems with [failover]; 95 % passed,
# 4 % failed, 1 % error), each stored with a whole record JSON as the
# controller stores one. The records are written with SQL straight into a
# database the controller created (schema, triggers and all); no job,
# event or audit rows, so an audit check finds the records unaudited at
# once: verifying a real chain costs what `drillhall audit verify` costs.
#   tests/bench/bench_store.sh DIR [BUILD_DIR]   writes DIR/plans, DIR/dh.db
#   (kept: when DIR/dh.db exists it is reused and only described)
#   DH_BENCH_SYSTEMS=N DH_BENCH_PER_SYSTEM=M  (default: 2000, 500)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: bench_store.sh DIR [BUILD_DIR]}
bin=${2:-$top/build}/drillhall
n=${DH_BENCH_SYSTEMS:-2000}
per=${DH_BENCH_PER_SYSTEM:-500}
plans=$work/plans db=$work/dh.db
[ -x "$bin" ] || { echo "bench: build first ($bin missing)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 CLI" >&2; exit 2; }
if [ -f "$db" ]; then
	echo "data: $(ls "$plans/systems" | wc -l) systems, $(sqlite3 "$db" 'SELECT count(*) FROM records') records" \
		"(kept in $work), database $(($(stat -c %s "$db") / 1048576)) MB"
	exit 0
fi
mkdir -p "$work"
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
"$bin" check --plans "$plans" --config /dev/null >/dev/null 2>&1 || {
	echo "bench: the generated plan does not check" >&2
	"$bin" check --plans "$plans" --config /dev/null | grep error | head >&2
	exit 1
}
"$bin" status --plans "$plans" --db "$db" --config /dev/null >/dev/null # creates the schema
# the records ran under this plan: none is "plan changed since the last test"
rev=$("$bin" plan --plans "$plans" --config /dev/null --format json | jq -r .plan.revision)
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
  st - 7200, 14400, 7200, 86400, 1800 + i, '$rev', lower(hex(randomblob(32))),
  json_object('id', printf('%s-%07d-%s', system, i, kind), 'system', system, 'kind', kind,
    'trigger', 'schedule', 'started_at', strftime('%Y-%m-%dT%H:%M:%SZ', st, 'unixepoch'),
    'finished_at', strftime('%Y-%m-%dT%H:%M:%SZ', st + 1800, 'unixepoch'), 'verdict', verdict,
    'hosts', json_array('h1'), 'backup_at', strftime('%Y-%m-%dT%H:%M:%SZ', st - 7200, 'unixepoch'),
    'rpo_target_s', 14400, 'rpo_actual_s', 7200, 'rto_target_s', 86400, 'rto_actual_s', 1800 + i,
    'checks', json_array(json_object('name', 'files', 'verdict', verdict, 'detail', '1200 files')),
    'files_verified', 1200, 'bytes_verified', 73400320, 'mismatches', json_array(),
    'plan_revision', '$rev', 'record_hash', lower(hex(randomblob(32))))
FROM g;
COMMIT;
ANALYZE;
SQL
records=$(sqlite3 "$db" 'SELECT count(*) FROM records')
printf 'data: %d systems, %d records, database %d MB, generated in %.1f s\n' "$n" "$records" \
	$(($(stat -c %s "$db") / 1048576)) "$(echo "$(date +%s.%N) - $start" | bc)"
