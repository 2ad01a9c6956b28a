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
#     (pg_rewind throws the lost write away) and replication streams again.
# (kill -9 of the controller mid-drill: lab_pg_kill.sh)
source "$(dirname "$0")/lab_pg_lib.bash"

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

echo "PASS lab_pg_drill"
