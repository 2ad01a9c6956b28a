#!/usr/bin/env bash
# Failover drills through the real lab (sshd per hall, the real agent's
# forced command, real action jobs): the service failed over is a role
# marker file and a real listening TCP socket (python3 -m http.server) in
# hall A (127.0.0.2) or hall B (127.0.0.3), moved by agent actions; the
# "replicated data" that markers prove is a file both halls share.
#  1. a passing drill: every phase a passed check, rto measured, the
#     marker found (rpo_actual 0), production back in hall A afterwards;
#  2. a step that exits non-zero: no further step, failback runs, failed;
#  3. a health probe that never passes: timeout, bounded time, failback;
#  4. a failback that fails: failed, and the record and `status` say
#     "production left on the standby";
#  5. kill -9 of the controller after the promote step: the next `run`
#     finishes the drill (failback) and records it `aborted`; so does
#     `serve` when it starts;
#  6. the standby's agent unreachable at preflight: error, exit 2, no
#     action ran;
#  7. a drill without markers: rpo_actual null, "not measured";
# and `history --kind failover` lists the drills; a drill holds its hosts
# (a second drill on them while it runs is an error, no action ran).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
w=$(mktemp -d --suffix=.dh-lab-drill)
cpid=
cleanup() {
	for f in "$w"/svc/*.pid; do
		[ -e "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
	done
	lab_cleanup "$w" "$cpid"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	tail -n 30 "$w"/*.out "$w"/*.err "$w/actions.log" >&2 2>/dev/null
	exit 1
}
pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3) pc=$(freeport 127.0.0.3)
sa=$(freeport 127.0.0.2) sb=$(freeport 127.0.0.3)
mkdir -p "$w/bin" "$w/svc" "$w/knobs" "$w/halls/A" "$w/halls/B"
: >"$w/data" && : >"$w/actions.log"

# action NAME BODY: a script the agent runs from argv; every run is logged
action() {
	{
		printf '#!/bin/sh\necho "$(date +%%s.%%N) %s" >>%s/actions.log\n' "$1" "$w"
		printf 'knob() { [ -e %s/knobs/$1 ]; }\n' "$w"
		# (the agent kills the action's process group when it exits: the
		# server leaves it with setsid, and the action waits until it listens)
		printf 'svc_start() { setsid /usr/bin/python3 -m http.server --bind $2 $3 </dev/null >/dev/null 2>&1 & echo $! >%s/svc/$1.pid; echo $1 >%s/role\n' "$w" "$w"
		printf '  for i in $(seq 50); do /usr/bin/python3 -c "import socket; socket.create_connection((\\"$2\\", $3), 1)" 2>/dev/null && return 0; sleep 0.1; done; return 1; }\n'
		printf 'svc_stop() { [ -e %s/svc/$1.pid ] && kill $(cat %s/svc/$1.pid) 2>/dev/null; rm -f %s/svc/$1.pid; }\n' "$w" "$w" "$w"
		printf '%s\n' "$2"
	} >"$w/bin/$1"
	chmod 755 "$w/bin/$1"
	printf '[action %s]\ncommand = %s/bin/%s\ntimeout = 30s\n' "$1" "$w" "$1" >>"$w/actions.ini"
}
action fence 'knob fail-fence && { echo "fence refused"; exit 1; }; svc_stop A; echo fenced'
action promote "knob fail-promote && { echo 'promote refused: standby not in sync'; exit 1; }
knob no-listen && { echo B >$w/role; echo 'promoted, not serving'; exit 0; }
svc_start B 127.0.0.3 $sb; echo promoted"
action demote "knob fail-demote && { echo 'demote failed: disk full' >&2; exit 1; }; svc_stop B; echo demoted"
action start-a "svc_start A 127.0.0.2 $sa; echo started"
action write-marker "echo \"\$DRILLHALL_MARKER\" >>$w/data; echo wrote"
action check-marker "grep -x -- \"\$DRILLHALL_MARKER\" $w/data >/dev/null && exit 0; echo 'marker not found'; exit 1"

bash "$lab" start "$w/lab" --agent "$DH_BIN/drillhall-agent" --url "http://127.0.0.1:9" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb >/dev/null
p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$w/lab/inventory.ini" "$p/inventory.ini"
# app-c: a hall-B host whose sshd is not running
printf '\n[host app-c]\naddress = 127.0.0.3\nport = %s\nhall = %s\nuser = root\n' "$pc" \
	"$(awk '$1 == "app-b" { print $4 }' "$w/lab/hosts.txt")" >>"$p/inventory.ini"
system() { # ID STANDBY TIMEOUT MARKERS(yes|no)
	{
		printf '[system]\nname = SQL %s\nboard = KS\nclassified = 2025-01-15\navailability = 3\nrto = 1m\n' "$1"
		printf '[failover]\nprimary = app-a\nstandby = %s\n' "$2"
		printf 'primary_health = tcp app-a:%s\n' "$sa"
		if [ "$4" = yes ]; then
			printf 'marker_write = app-a write-marker\nmarker_check = %s check-marker\n' "$2"
		fi
		printf 'step = app-a fence\nstep = %s promote\nhealth = tcp 127.0.0.3:%s\n' "$2" "$sb"
		printf 'failback = %s demote\nfailback = app-a start-a\ntimeout = %s\n' "$2" "$3"
	} >"$p/systems/$1.ini"
}
system sql app-b 30s yes
system sql-short app-b 4s yes
system sql-long app-b 60s yes
system sql-nomark app-b 30s no
system sql-far app-c 30s yes
"$DH_BIN/drillhall" check --plans "$p" >"$w/check.out" 2>&1 || fail "the plan does not check: $(cat "$w/check.out")"

dh() { "$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null "$@"; }
drill() { # NAME ID: run failover ID as json into $w/NAME.out; rc in $rc, seconds in $secs
	local t0=$SECONDS
	rc=0
	dh run failover "$2" --format json >"$w/$1.out" 2>"$w/$1.err" || rc=$?
	secs=$((SECONDS - t0))
}
check_of() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .verdict' "$w/$1.out"; }
in_hall_a() { # production serves from hall A, not from hall B
	[ "$(cat "$w/role")" = A ] || fail "$1: role is $(cat "$w/role"), want A"
	python3 -c "import socket; socket.create_connection(('127.0.0.2', $sa), 2)" ||
		fail "$1: hall A does not serve"
	! python3 -c "import socket; socket.create_connection(('127.0.0.3', $sb), 2)" 2>/dev/null ||
		fail "$1: hall B still serves"
}
start_a() { "$w/bin/start-a" >/dev/null; sleep 0.5; }
start_a

# 1. a passing drill
drill pass sql
[ $rc = 0 ] || fail "passing drill: exit $rc"
jq -e '.verdict == "passed" and .kind == "failover" and .rpo_actual_s == 0 and
	(.rto_actual_s | type) == "number" and .rto_actual_s <= 30 and .rto_target_s == 60 and
	([.checks[].name] == ["preflight", "marker_write app-a write-marker", "step app-a fence",
		"step app-b promote", "health", "marker_check app-b check-marker", "rpo",
		"failback app-b demote", "failback app-a start-a", "primary_health", "rto"]) and
	all(.checks[]; .verdict == "passed") and
	all(.checks[] | select(.name != "rpo" and .name != "rto"); .detail | test("^started 20[0-9-]+T[0-9:]+Z, [0-9.]+ s: ")) and
	.hosts == ["app-a", "app-b"] and (.record_hash | length) == 64' "$w/pass.out" >/dev/null ||
	fail "passing drill record: $(jq -c . "$w/pass.out")"
[ "$(grep -c . "$w/data")" = 1 ] || fail "the marker was not written once"
in_hall_a "passing drill"
echo "ok: a passing drill: marker found, rto $(jq .rto_actual_s "$w/pass.out") s, production back in hall A"

# 2. a step that exits non-zero
: >"$w/actions.log"
touch "$w/knobs/fail-promote"
drill step sql
rm "$w/knobs/fail-promote"
[ $rc = 1 ] || fail "failing step: exit $rc"
[ "$(jq -r .verdict "$w/step.out")" = failed ] || fail "failing step: verdict $(jq -r .verdict "$w/step.out")"
[ "$(check_of step 'step app-b promote')" = failed ] || fail "the promote step is not failed"
jq -e '(.checks[] | select(.name == "step app-b promote") | .detail | contains("promote refused")) and
	([.checks[].name] | index("health") == null)' "$w/step.out" >/dev/null ||
	fail "after the failed step: $(jq -c '.checks' "$w/step.out")"
[ "$(awk '{ print $2 }' "$w/actions.log" | tr '\n' ' ')" = "write-marker fence promote demote start-a " ] ||
	fail "actions after a failing step: $(cat "$w/actions.log")"
in_hall_a "failing step"
echo "ok: a failing step stops the failover, failback runs, failed"

# 3. a health probe that never passes: bounded by the 4 s timeout
touch "$w/knobs/no-listen"
drill timeout sql-short
rm "$w/knobs/no-listen"
[ $rc = 1 ] || fail "health timeout: exit $rc"
[ "$(check_of timeout health)" = failed ] || fail "health not failed"
jq -e '(.checks[] | select(.name == "health") | .detail | (contains("timeout") and contains("127.0.0.3:'$sb'")))
	and .rto_actual_s == null' "$w/timeout.out" >/dev/null ||
	fail "health timeout record: $(jq -c .checks "$w/timeout.out")"
# the timeout counts from the first step: from the record, the first step's
# start to the end of health is the timeout, less at most the 1 s poll
# interval a last probe would not fit in (the record's starts are whole seconds).
# SSH round trips for preflight, marker and failbacks come on top and follow
# the machine's load, so the whole drill is only bounded against a hang
health_s=$(jq -r '[.checks[] | select(.name | startswith("step ") or . == "health") | .detail |
	capture("^started (?<at>[^,]+), (?<s>[0-9.]+) s: ") | {at: (.at | fromdateiso8601), s: (.s | tonumber)}] |
	(last.at + last.s - first.at)' "$w/timeout.out")
awk -v s="$health_s" 'BEGIN { exit !(s >= 3 && s < 9) }' ||
	fail "a 4 s health timeout ended ${health_s:-?} s after the first step"
[ "$secs" -le 120 ] || fail "a drill with a 4 s health timeout took $secs s"
[ "$(check_of timeout 'failback app-a start-a')" = passed ] || fail "no failback after the timeout"
in_hall_a "health timeout"
echo "ok: a health probe that never passes: timeout $health_s s after the first step (drill $secs s), failback ran"

# 4. a failback that fails: production left on the standby
touch "$w/knobs/fail-demote"
drill left sql
rm "$w/knobs/fail-demote"
[ $rc = 1 ] || fail "failing failback: exit $rc"
jq -e '.verdict == "failed" and (.checks[] | select(.name == "production") |
	.verdict == "failed" and (.detail | contains("production left on the standby")))' "$w/left.out" >/dev/null ||
	fail "failing failback record: $(jq -c .checks "$w/left.out")"
[ "$(cat "$w/role")" = B ] || fail "role after a failed failback: $(cat "$w/role")"
dh status >"$w/status.out" 2>"$w/status.err" || true
grep "PRODUCTION LEFT ON THE STANDBY (drill $(jq -r .id "$w/left.out"))" "$w/status.out" >/dev/null ||
	fail "status text does not say so: $(cat "$w/status.out")"
dh status --format json >"$w/status.json" 2>>"$w/status.err" || true
jq -e '.systems[] | select(.id == "sql") | .production_left_on_standby == true and .last_drill.verdict == "failed"
	and .compliant == false' "$w/status.json" >/dev/null || fail "status json: $(cat "$w/status.json")"
"$w/bin/demote" >/dev/null && start_a # by hand, as operations would
echo "ok: a failing failback: the record and status say production was left on the standby"

# 5. kill -9 of the controller after the promote step (health polling, 60 s timeout)
kill_in_health() { # ID [busy]: run failover ID, kill -9 it in health polling; the job in $killed
	# (with busy, first a second drill on the same hosts, refused while it runs)
	touch "$w/knobs/no-listen"
	"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null run failover "$1" \
		--format json >"$w/killed.out" 2>"$w/killed.err" &
	cpid=$!
	for _ in $(seq 150); do
		[ "$(sqlite3 "$w/dh.db" "SELECT phase FROM drills WHERE finished = 0" 2>/dev/null)" = health ] && break
		sleep 0.1
	done
	[ "$(sqlite3 "$w/dh.db" "SELECT phase FROM drills WHERE finished = 0")" = health ] ||
		fail "the drill did not reach health polling"
	if [ "${2:-}" = busy ]; then
		drill busy sql-nomark
		[ $rc = 2 ] || fail "a second drill on held hosts: exit $rc"
		jq -e '.verdict == "error" and (.error | test("^host app-[ab] is held by drill sql-long-"))' \
			"$w/busy.out" >/dev/null || fail "a second drill on held hosts: $(jq -c . "$w/busy.out")"
		[ "$(grep -c . "$w/actions.log")" = 3 ] || fail "the refused drill ran actions: $(cat "$w/actions.log")"
	fi
	kill -9 "$cpid"
	wait "$cpid" 2>/dev/null || true
	! kill -0 "$cpid" 2>/dev/null || fail "the controller outlived kill -9"
	cpid=
	rm "$w/knobs/no-listen"
	killed=$(sqlite3 "$w/dh.db" "SELECT job FROM drills WHERE finished = 0")
}
: >"$w/actions.log"
kill_in_health sql-long busy
[ "$(cat "$w/role")" = B ] || fail "before the restart the standby should serve"
# the next run finishes the interrupted drill first, then runs its own
drill after sql-nomark
[ $rc = 0 ] || fail "the run after the kill: exit $rc"
grep "drill $killed of sql-long was interrupted in phase health" "$w/after.err" >/dev/null ||
	fail "the run did not say it finished the drill: $(cat "$w/after.err")"
dh history sql-long --kind failover --format json >"$w/hist.json"
jq -e --arg id "$killed" '.records[0] | .id == $id and .verdict == "aborted" and
	(.checks[] | select(.name == "interrupted") | .detail | contains("during phase health")) and
	([.checks[] | select(.name == "failback app-b demote" or .name == "failback app-a start-a") | .verdict] == ["passed", "passed"]) and
	(.checks[] | select(.name == "step app-b promote") | .verdict == "passed")' "$w/hist.json" >/dev/null ||
	fail "the aborted record: $(cat "$w/hist.json")"
[ "$(sqlite3 "$w/dh.db" "SELECT count(*) FROM drills WHERE finished = 0")" = 0 ] || fail "a drill is still unfinished"
in_hall_a "after the restart"
echo "ok: a second drill on held hosts was an error while the first ran; kill -9 after the promote step: the next run failed back and recorded the drill aborted"

# 5b. the same kill, and `serve` finishes the drill when it starts
kill_in_health sql-long
sport=$(freeport 127.0.0.1)
"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null serve --listen "127.0.0.1:$sport" \
	>/dev/null 2>"$w/serve.err" &
cpid=$!
for _ in $(seq 300); do
	[ "$(sqlite3 "$w/dh.db" "SELECT verdict FROM records WHERE job = '$killed'" 2>/dev/null)" = aborted ] && break
	sleep 0.1
done
kill "$cpid" && wait "$cpid" 2>/dev/null || true
cpid=
[ "$(sqlite3 "$w/dh.db" "SELECT verdict FROM records WHERE job = '$killed'")" = aborted ] ||
	fail "serve did not finish the interrupted drill: $(cat "$w/serve.err")"
in_hall_a "after serve started"
echo "ok: kill -9 in health polling: serve failed back when it started and recorded the drill aborted"

# 6. the standby's agent unreachable at preflight: nothing touched
: >"$w/actions.log"
drill far sql-far
[ $rc = 2 ] || fail "unreachable standby: exit $rc"
jq -e '.verdict == "error" and (.checks[] | select(.name == "preflight") | .verdict == "error" and
	(.detail | contains("app-c does not answer")))' "$w/far.out" >/dev/null ||
	fail "unreachable standby record: $(jq -c . "$w/far.out")"
[ ! -s "$w/actions.log" ] || fail "an action ran although the standby was unreachable: $(cat "$w/actions.log")"
in_hall_a "unreachable standby"
echo "ok: the standby's agent unreachable at preflight: error, no action ran"

# 7. a drill without markers (its record from case 5's run)
jq -e '.verdict == "passed" and .rpo_actual_s == null and (.checks[] | select(.name == "rpo") |
	.detail | contains("data loss was not measured")) and
	([.checks[].name] | map(select(startswith("marker"))) == [])' "$w/after.out" >/dev/null ||
	fail "drill without markers: $(jq -c . "$w/after.out")"
echo "ok: a drill without markers: rpo_actual null, the record says data loss was not measured"

# history --kind failover: every drill, newest first, and no restore test
dh history --kind failover --format json >"$w/all.json"
jq -e '.records | length == 9 and all(.[]; .kind == "failover")' "$w/all.json" >/dev/null ||
	fail "history --kind failover: $(jq -c '[.records[] | {system, verdict}]' "$w/all.json")"
echo "PASS lab_drill"
