#!/usr/bin/env bash
# Failover drills of a real replicated PostgreSQL through the lab: the
# primary db-a1 in hall A (127.0.0.2) and its asynchronous streaming
# standby db-b1 in hall B (127.0.0.3), started by `lab.sh --pg`, moved by
# the agent actions of tests/lab/pg.sh; the system's [failover] is the
# shipped plans/systems/sql-kluster.ini's, with the lab's ports.
#  1. a passing drill: the marker (an INSERT on db-a1) found on the
#     promoted db-b1, rto measured, and after the four-step failback db-a1
#     is primary again (pg_is_in_recovery() false, takes writes) and db-b1
#     a standby that streams from it (pg_stat_replication);
#  2. replication stopped before the drill: the shipped plan's
#     primary_health (db-b1 check-standby) refuses to start (error, nothing
#     touched); a plan without that check runs the drill: the marker is
#     missing on db-b1, the verdict is failed on rpo, the failback still ran
#     (pg_rewind throws the lost write away) and replication streams again;
#  3. kill -9 of the controller right after the promote step (a health
#     probe holds the drill in health polling): db-b1 serves, and `serve`,
#     when it starts, runs the failback and records the drill aborted;
#     db-a1 is primary and takes writes again, db-b1 streams from it.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
pgsh="$DH_SRC/tests/lab/pg.sh"
w=$(mktemp -d --suffix=.dh-lab-pg)
chmod 711 "$w" # the postgres user reaches its data dirs inside
cpid=
trap 'lab_cleanup "$w" "$cpid"' EXIT
fail() {
	echo "FAIL: $*" >&2
	tail -n 30 "$w"/*.out "$w"/*.err >&2 2>/dev/null
	tail -n 15 "$w"/lab/pg/*/postgres.log >&2 2>/dev/null
	exit 1
}
pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
qa=$(freeport 127.0.0.2) qb=$(freeport 127.0.0.3)
mkdir -p "$w/bin" "$w/knobs"
# hold: a health probe that fails while $w/knobs/hold exists (case 3)
printf '#!/bin/sh\n[ -e %s/knobs/hold ] && { echo held; exit 1; }\necho released\n' "$w" >"$w/bin/hold"
chmod 755 "$w/bin/hold"
printf '[action hold]\ncommand = %s/bin/hold\n' "$w" >"$w/extra.ini"
bash "$lab" start "$w/lab" --agent "$DH_BIN/drillhall-agent" --url "http://127.0.0.1:9" \
	--agent-ini-extra "$w/extra.ini" --pg "db-a1=127.0.0.2:$qa" --pg "db-b1=127.0.0.3:$qb" \
	db-a1=127.0.0.2:$pa db-b1=127.0.0.3:$pb >"$w/lab.out" 2>&1 || fail "the lab did not start"
sql() { bash "$pgsh" sql "$w/lab" "$@"; }

p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$w/lab/inventory.ini" "$p/inventory.ini"
system() { # ID [EXTRA-HEALTH] [DROP-LINE]: T4, the shipped sql-kluster [failover] on the lab's ports
	{
		printf '[system]\nname = SQL-kluster %s\nboard = KS\nclassified = 2025-02-10\navailability = 4\n\n' "$1"
		awk '/^\[failover\]/ { on = 1 } /^\[/ && !/^\[failover\]/ { on = 0 } on' "$DH_SRC/plans/systems/sql-kluster.ini" |
			sed -e "s/db-a1:5432/db-a1:$qa/" -e "s/db-b1:5432/db-b1:$qb/" |
			grep -v -x -F -e "${3:-no line is this}"
		[ -z "${2:-}" ] || printf 'health = %s\n' "$2"
	} >"$p/systems/$1.ini"
}
system sql-kluster
system sql-hold "db-b1 hold"
# a plan that does not watch replication before its drill
standby_check=$(grep '^primary_health = db-b1 check-standby' "$DH_SRC/plans/systems/sql-kluster.ini")
system sql-unwatched "" "$standby_check"
! grep 'check-standby' "$p/systems/sql-unwatched.ini" >/dev/null || fail "sql-unwatched still checks the standby"
grep "^step = db-a1 fence" "$p/systems/sql-kluster.ini" >/dev/null || fail "no [failover] taken from the shipped plan"
"$DH_BIN/drillhall" check --plans "$p" >"$w/check.out" 2>&1 || fail "the plan does not check: $(cat "$w/check.out")"

dh() { "$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null "$@"; }
drill() { # NAME ID: run failover ID as json into $w/NAME.out; rc in $rc
	rc=0
	dh run failover "$2" --format json >"$w/$1.out" 2>"$w/$1.err" || rc=$?
}
check_of() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .verdict' "$w/$1.out"; }
production_in_hall_a() { # db-a1 primary taking writes, db-b1 streaming from it, caught up
	[ "$(sql db-a1 'SELECT pg_is_in_recovery()')" = f ] || fail "$1: db-a1 is in recovery"
	sql db-a1 "INSERT INTO drillhall_marker (marker, system) VALUES ('write-$1-$RANDOM', 'test')" ||
		fail "$1: db-a1 takes no writes"
	[ "$(sql db-b1 'SELECT pg_is_in_recovery()')" = t ] || fail "$1: db-b1 is not in recovery"
	local i st
	for i in $(seq 1 100); do # the INSERT above reaches db-b1
		st=$(sql db-a1 "SELECT state FROM pg_stat_replication WHERE application_name = 'db-b1' AND replay_lsn >= pg_current_wal_lsn()")
		[ "$st" = streaming ] && return 0
		sleep 0.1
	done
	fail "$1: db-b1 does not stream from db-a1: $(sql db-a1 'SELECT application_name, state, replay_lsn, pg_current_wal_lsn() FROM pg_stat_replication')"
}
production_in_hall_a "before the drills"

# 1. a passing drill
drill pass sql-kluster
[ $rc = 0 ] || fail "passing drill: exit $rc"
jq -e '.verdict == "passed" and .kind == "failover" and .rpo_actual_s == 0 and .rpo_target_s == 0 and
	(.rto_actual_s | type) == "number" and .rto_actual_s <= 3600 and
	([.checks[].name] == ["preflight", "marker_write db-a1 write-marker", "step db-a1 fence",
		"step db-b1 promote", "health", "marker_check db-b1 check-marker", "rpo",
		"failback db-a1 rejoin-as-standby", "failback db-b1 stop", "failback db-a1 promote",
		"failback db-b1 rejoin-as-standby", "primary_health", "rto"]) and
	all(.checks[]; .verdict == "passed") and
	(.checks[] | select(.name == "marker_check db-b1 check-marker") | .detail | contains("marker found on db-b1"))' \
	"$w/pass.out" >/dev/null || fail "passing drill record: $(jq -c . "$w/pass.out")"
marker=$(sql db-a1 "SELECT marker FROM drillhall_marker WHERE system = 'sql-kluster'")
[ -n "$marker" ] && [ "$(sql db-b1 "SELECT count(*) FROM drillhall_marker WHERE marker = '$marker'")" = 1 ] ||
	fail "the drill's marker is not in the table on both nodes: '$marker'"
production_in_hall_a "passing drill"
echo "ok: a passing drill: marker $marker found on db-b1, rto $(jq .rto_actual_s "$w/pass.out") s, db-a1 primary again, db-b1 streaming"

# 2. replication stopped before the drill: the shipped plan's primary_health
# sees it (error, nothing touched); a plan that does not look runs the
# drill, and the marker never reaches db-b1
bash "$pgsh" replication "$w/lab" db-b1 off >/dev/null
drill refused sql-kluster
[ $rc = 2 ] || fail "drill of the shipped plan without replication: exit $rc"
jq -e '.verdict == "error" and ([.checks[].name] == ["preflight"]) and
	(.checks[0].detail | contains("db-b1'"'"'s WAL receiver is '"'"'not running'"'"', not streaming"))' \
	"$w/refused.out" >/dev/null || fail "preflight without replication: $(jq -c . "$w/refused.out")"
[ "$(sql db-a1 'SELECT pg_is_in_recovery()')" = f ] || fail "the refused drill touched db-a1"
drill norepl sql-unwatched
[ $rc = 1 ] || fail "drill without replication: exit $rc"
jq -e '.verdict == "failed" and .rpo_actual_s == null and
	(.checks[] | select(.name == "marker_check db-b1 check-marker") | .verdict == "failed" and (.detail | contains("marker not found on db-b1"))) and
	(.checks[] | select(.name == "rpo") | .verdict == "failed") and
	(.checks[] | select(.name == "health") | .verdict == "passed") and
	([.checks[] | select(.name | startswith("failback ")) | .verdict] == ["passed", "passed", "passed", "passed"]) and
	(.checks[] | select(.name == "primary_health") | .verdict == "passed")' "$w/norepl.out" >/dev/null ||
	fail "drill without replication: $(jq -c . "$w/norepl.out")"
jq -r '.checks[] | select(.name == "failback db-a1 rejoin-as-standby") | .detail' "$w/norepl.out" |
	grep 'pg_rewind from db-b1: Done!' >/dev/null ||
	fail "db-a1 was not rewound: $(jq -c .checks "$w/norepl.out")"
[ "$(sql db-a1 "SELECT count(*) FROM drillhall_marker WHERE system = 'sql-unwatched'")" = 0 ] ||
	fail "the write lost in the drill is still on db-a1 after pg_rewind"
production_in_hall_a "drill without replication"
echo "ok: replication stopped: the shipped plan's preflight refuses (error, nothing touched); without that check the marker is missing, failed on rpo, failback ran (db-a1 rewound), streaming again"

# 3. kill -9 of the controller right after the promote step
touch "$w/knobs/hold"
"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null run failover sql-hold \
	--format json >"$w/killed.out" 2>"$w/killed.err" &
cpid=$!
for _ in $(seq 300); do
	[ "$(sqlite3 "$w/dh.db" "SELECT phase FROM drills WHERE finished = 0" 2>/dev/null)" = health ] && break
	sleep 0.05
done
[ "$(sqlite3 "$w/dh.db" "SELECT phase FROM drills WHERE finished = 0")" = health ] || fail "the drill did not reach health polling"
kill -9 "$cpid"
wait "$cpid" 2>/dev/null || true
cpid=
rm "$w/knobs/hold"
killed=$(sqlite3 "$w/dh.db" "SELECT job FROM drills WHERE finished = 0")
[ "$(sql db-b1 'SELECT pg_is_in_recovery()')" = f ] || fail "db-b1 was not promoted when the controller died"
! sql db-a1 'SELECT 1' >/dev/null 2>&1 || fail "db-a1 still answers after the fence"
sport=$(freeport 127.0.0.1)
"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null serve --listen "127.0.0.1:$sport" \
	>/dev/null 2>"$w/serve.err" &
cpid=$!
for _ in $(seq 600); do
	[ "$(sqlite3 "$w/dh.db" "SELECT verdict FROM records WHERE job = '$killed'" 2>/dev/null)" = aborted ] && break
	sleep 0.1
done
kill "$cpid" 2>/dev/null || true
wait "$cpid" 2>/dev/null || true
cpid=
dh history sql-hold --kind failover --format json >"$w/hist.out"
jq -e --arg id "$killed" '.records[0] | .id == $id and .verdict == "aborted" and
	(.checks[] | select(.name == "interrupted") | .detail | contains("during phase health")) and
	(.checks[] | select(.name == "step db-b1 promote") | .verdict == "passed") and
	([.checks[] | select(.name | startswith("failback ")) | .verdict] == ["passed", "passed", "passed", "passed"])' \
	"$w/hist.out" >/dev/null || fail "serve did not finish the interrupted drill: $(cat "$w/hist.out" "$w/serve.err")"
production_in_hall_a "after the restart"
echo "ok: kill -9 after the promote step: serve ran the failback, the drill is aborted, db-a1 takes writes again"
echo "PASS lab_pg_drill"
