#!/usr/bin/env bash
# kill -9 of the controller right after the promote step of a failover
# drill of a real replicated PostgreSQL (the lab of lab_pg_lib.bash: db-a1
# primary in hall A, db-b1 streaming standby in hall B): a health probe
# holds the drill in health polling, db-b1 serves when the controller
# dies; `serve`, when it starts, runs the failback and records the drill
# aborted; db-a1 is primary and takes writes again, db-b1 streams from it.
source "$(dirname "$0")/lab_pg_lib.bash"

touch "$w/knobs/hold"
"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null run failover sql-hold \
	--format json >"$w/killed.out" 2>"$w/killed.err" &
cpid=$!
for _ in $(seq 1200); do
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
echo "PASS lab_pg_kill"
