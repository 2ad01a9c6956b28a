#!/usr/bin/env bash
# The whole of drillhall in one command, on one machine, as root:
#   installs the dependencies, builds, starts the two-hall lab (a real sshd
#   per server of the example municipality's inventory, hall A on
#   127.0.0.2 and hall B on 127.0.0.3, each bound to the controller's key
#   through the forced command `drillhall-agent run`), creates sample data
#   and real restic and tar backups with their manifests, checks the plans,
#   asks every server for its agent version (`hosts`), prints the
#   continuity plan, runs restore tests of several example
#   systems in both halls — one backup is damaged on purpose, so one test
#   fails and names what differs, opening a corrective action — runs a
#   failover drill of sql-kluster against a real replicated PostgreSQL
#   (primary db-a1 in hall A, streaming standby db-b1 in hall B, failed
#   over and failed back by agent actions) and prints its measured rto and
#   the marker found on the standby, prints the status, what is due, and
#   the open corrective actions, starts `serve`, which sends the failed
#   test's notification to a local webhook receiver (printed) and answers
#   one scrape of /metrics, verifies the audit
#   chain, and says where the database is. The lab is stopped at the end;
#   data and database stay.
#
#   ./demo.sh                 everything, in a new /tmp/tmp.*.drillhall-demo dir
#   DH_DEMO_DIR=DIR ./demo.sh  use DIR (must not exist yet)
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root: the lab starts sshd instances" >&2; exit 2; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "dependencies"
scripts/deps.sh
say "build"
cmake -S . -B build -DDH_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
dh=$top/build/drillhall
agent=$top/build/drillhall-agent

demo=${DH_DEMO_DIR:-$(mktemp -d --suffix=.drillhall-demo)}
mkdir -p "$demo"
[ -z "$(ls -A "$demo")" ] || { echo "demo.sh: $demo is not empty" >&2; exit 2; }
demo=$(cd "$demo" && pwd)
chmod 711 "$demo" # the postgres user reaches the lab's database nodes inside
trap 'bash "$top/tests/lab/lab.sh" stop "$demo/lab" >/dev/null 2>&1 || true' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
srv=$demo/srv/backup
sec=$demo/secrets

say "sample data and real backups in $srv"
mkdir -p "$srv/restic" "$srv/tar" "$srv/manifests" "$sec" "$demo/data"
chmod 700 "$sec"
files() { # DIR N: N small files in a few directories
	local d=$1 n=$2 i
	for i in $(seq 1 "$n"); do
		mkdir -p "$d/$((i % 10))"
		printf 'post %d av %d, %s\n' "$i" "$n" "$(basename "$d")" >"$d/$((i % 10))/post-$i.txt"
	done
}
restic_backup() { # SYSTEM DATA
	openssl rand -hex 16 >"$sec/$1.restic"
	restic -q init -r "$srv/restic/$1" --password-file "$sec/$1.restic" --no-cache
	(cd "$2" && restic -q -r "$srv/restic/$1" --password-file "$sec/$1.restic" --no-cache backup .)
	echo "  $1: restic snapshot of $(find "$2" -type f | wc -l) files"
}
tar_backup() { # SYSTEM DATA
	mkdir -p "$srv/tar/$1"
	tar -C "$2" -czf "$srv/tar/$1/$1-$(date +%Y%m%d).tar.gz" .
	echo "  $1: tar archive of $(find "$2" -type f | wc -l) files"
}
manifest() { "$agent" manifest "$2" >"$srv/manifests/$1.sha256"; }

# hall A (backup-a1): byggr and pythagoras as tar, wis and sitevision as restic
files "$demo/data/byggr" 210
mkdir -p "$demo/data/byggr/byggr/config"
echo "db.url=jdbc:postgresql://db-a1/byggr" >"$demo/data/byggr/byggr/config/byggr.properties"
tar_backup byggr "$demo/data/byggr"
files "$demo/data/pythagoras" 60; tar_backup pythagoras "$demo/data/pythagoras"
files "$demo/data/wis" 30; restic_backup wis "$demo/data/wis"
files "$demo/data/sitevision" 1010; manifest sitevision "$demo/data/sitevision"
restic_backup sitevision "$demo/data/sitevision"
# hall B (backup-b1): time-care, unikum, and tieto-edu, damaged: one file
# changed after its manifest was taken, as when a backup job copies a file
# that is still being written
files "$demo/data/time-care" 110; restic_backup time-care "$demo/data/time-care"
files "$demo/data/unikum" 110; restic_backup unikum "$demo/data/unikum"
files "$demo/data/tieto-edu" 320; manifest tieto-edu "$demo/data/tieto-edu"
echo "halvskriven rad" >>"$demo/data/tieto-edu/7/post-17.txt"
restic_backup tieto-edu "$demo/data/tieto-edu"

say "the lab: the example inventory's servers as sshd instances"
# agents run as root in the lab (the inventory's user drillhall would need
# read access to the backups); everything else is as the inventory says
# (and sql-kluster's PostgreSQL pair: db-a1 primary, db-b1 its standby)
bash tests/lab/lab.sh start "$demo/lab" --agent "$agent" --inventory plans/inventory.ini \
	--user root --backup-root "$srv" --url "http://127.0.0.1:$port" \
	--pg db-a1=127.0.0.2:5432 --pg db-b1=127.0.0.3:5432
mkdir -p "$demo/plans"
cp -r plans/policy.ini plans/systems "$demo/plans/"
cp "$demo/lab/inventory.ini" "$demo/plans/inventory.ini"
sed -i -e "s|/srv/backup|$srv|g" -e "s|/etc/drillhall/secrets|$sec|g" "$demo"/plans/systems/*.ini
echo "plans: $demo/plans (the example plans; backup paths and the inventory point into the lab)"

ctl() { "$dh" "$@" --plans "$demo/plans" --db "$demo/drillhall.db" --config /dev/null; }
say "drillhall check"
ctl check
say "drillhall hosts: both halls reachable, host keys as known, agent versions"
ctl hosts
say "drillhall plan"
ctl plan
say "restore tests in hall A and hall B"
for s in byggr pythagoras wis sitevision time-care unikum tieto-edu; do
	echo "-- drillhall run restore $s"
	rc=0
	ctl run restore "$s" --listen "127.0.0.1:$port" || rc=$?
	[ $rc = 0 ] || echo "   (exit $rc: $( [ $rc = 1 ] && echo 'the test failed' || echo 'could not run'))"
done
say "failover drill: sql-kluster, PostgreSQL from hall A to hall B and back"
rc=0
ctl run failover sql-kluster || rc=$?
[ $rc = 0 ] || echo "   (exit $rc: $( [ $rc = 1 ] && echo 'the drill failed' || echo 'could not run'))"
drill=$(ctl history sql-kluster --kind failover --format json | jq -c '.records[0]')
jq -r '"measured rto: \(.rto_actual_s // "none") s (target \(.rto_target_s) s), rpo_actual: \(.rpo_actual_s // "null") s, verdict \(.verdict)",
	"marker check: \(.checks[] | select(.name | startswith("marker_check")) | .detail | sub("^.*: "; ""))"' <<<"$drill"
pgq() { bash tests/lab/pg.sh sql "$demo/lab" "$@"; }
echo "the marker row on db-b1: $(pgq db-b1 "SELECT marker || ' (system ' || system || ', job ' || job || ')' FROM drillhall_marker WHERE job = '$(jq -r .id <<<"$drill")'")"
echo "after the failback: db-a1 in recovery = $(pgq db-a1 'SELECT pg_is_in_recovery()'), db-b1 in recovery = $(pgq db-b1 'SELECT pg_is_in_recovery()')," \
	"replication db-a1 -> db-b1: $(pgq db-a1 "SELECT state FROM pg_stat_replication WHERE application_name = 'db-b1'")"
say "drillhall status"
ctl status
say "drillhall due: what is due now, never-run first, oldest first (exit 1: something is overdue)"
rc=0
ctl due || rc=$?
echo "   (exit $rc)"
say "drillhall actions --open: the failed test opened a corrective action"
ctl actions --open
say "drillhall serve: the failed test's notification to a webhook, and one scrape of /metrics"
( # a local webhook receiver (tests/integration/notify_sinks.py) stands in for the chat
	hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	printf '[controller]\npublic_url = https://drillhall.example.se:8443\n[notify]\nwebhook = http://127.0.0.1:%s/hooks/drift\non = failed\n' \
		"$hport" >"$demo/controller.ini"
	/usr/bin/python3 tests/integration/notify_sinks.py webhook "$hport" "$demo/webhooks.jsonl" &
	hook=$!
	"$dh" serve --plans "$demo/plans" --db "$demo/drillhall.db" --config "$demo/controller.ini" \
		--listen "127.0.0.1:$port" 2>"$demo/serve.log" &
	serve=$!
	trap 'kill $serve $hook 2>/dev/null; wait' EXIT
	for _ in $(seq 100); do [ -s "$demo/webhooks.jsonl" ] && break; sleep 0.2; done
	echo "-- the webhook receiver got $(wc -l <"$demo/webhooks.jsonl" 2>/dev/null || echo 0):"
	jq . "$demo/webhooks.jsonl" 2>/dev/null || echo "   (nothing: see $demo/serve.log)"
	echo "-- curl http://127.0.0.1:$port/metrics (loopback: no token file needed)"
	curl -s "http://127.0.0.1:$port/metrics" >"$demo/metrics.txt" || true
	grep -E '^drillhall_(last_test_passed|tests_total|notifications_pending|audit_chain_intact)' "$demo/metrics.txt" |
		head -n 20 || true
	echo "   ... $(wc -l <"$demo/metrics.txt") lines in $demo/metrics.txt"
)
say "drillhall audit verify: the hash-chained history is intact"
ctl audit verify
say "drillhall report: the auditor's report as one HTML page (prints on A4)"
ctl report --format html >"$demo/report.html"
say "done"
echo "database: $demo/drillhall.db   (drillhall --db $demo/drillhall.db history | audit verify)"
echo "data, backups, lab logs: $demo"
echo "report: $demo/report.html   (also: drillhall report --format csv | json, --now DATE)"
