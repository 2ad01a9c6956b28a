# The lab with a real replicated PostgreSQL for lab_pg_drill.sh and
# lab_pg_kill.sh (sourced; not a test): hosts db-a1 (hall A) and db-b1
# (hall B), each with its PostgreSQL node (tests/lab/pg.sh via lab.sh --pg),
# an action `hold` (a health probe that fails while $w/knobs/hold exists),
# and plans in $w/plans whose systems carry the shipped
# plans/systems/sql-kluster.ini [failover] on the lab's ports:
# sql-kluster, sql-hold (plus health = db-b1 hold) and sql-unwatched
# (without primary_health = db-b1 check-standby). Sets w, cpid, p and the
# helpers sql, dh, drill, check_of, production_in_hall_a and fail, installs
# the exit trap, and ends having checked production in hall A.
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
	local st
	for _ in $(seq 1 100); do # the INSERT above reaches db-b1
		st=$(sql db-a1 "SELECT state FROM pg_stat_replication WHERE application_name = 'db-b1' AND replay_lsn >= pg_current_wal_lsn()")
		[ "$st" = streaming ] && return 0
		sleep 0.1
	done
	fail "$1: db-b1 does not stream from db-a1: $(sql db-a1 'SELECT application_name, state, replay_lsn, pg_current_wal_lsn() FROM pg_stat_replication')"
}
production_in_hall_a "before the drills"
