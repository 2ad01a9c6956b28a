#!/usr/bin/env bash
# Action jobs through the lab's real forced command (`drillhall-agent run`
# behind sshd in hall A and hall B), sent with plain OpenSSH as the
# controller's key would send them: a marker written in hall A by one
# action is found in hall B by another (DRILLHALL_SYSTEM, DRILLHALL_JOB and
# DRILLHALL_MARKER reach the action; it runs from argv, so a marker full of
# shell syntax stays text); a marker that is not there is a result with
# exit 1, not an error; the result JSON is on stdout and nothing is
# spooled or detached. Refused with exit 2 and a clear message: an action
# agent.ini does not name, a job of protocol 2, a failover job (the
# controller runs drills), a marker that is no marker. Last, an agent of
# protocol 2 (the real agent's own refusal, replayed by a wrapper): `run
# restore` records an error that carries the agent's words, exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
w=$(mktemp -d --suffix=.dh-lab-action)
trap 'lab_cleanup "$w"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$w"/*.out "$w"/*.err 2>/dev/null >&2; exit 1; }
pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)

# the actions: a marker "table" shared by both halls, as replication would
mkdir -p "$w/bin" "$w/markers"
cat >"$w/bin/write-marker" <<EOF
#!/bin/sh
printf '%s %s %s\n' "\$DRILLHALL_SYSTEM" "\$DRILLHALL_JOB" "\$DRILLHALL_MARKER" >>"$w/markers/table"
echo "wrote marker"
EOF
cat >"$w/bin/check-marker" <<EOF
#!/bin/sh
grep -x "\$DRILLHALL_SYSTEM [^ ]* \$DRILLHALL_MARKER" "$w/markers/table" && exit 0
echo "marker \$DRILLHALL_MARKER not found" >&2
exit 1
EOF
chmod 755 "$w/bin"/*
printf '[action write-marker]\ncommand = %s/bin/write-marker\ntimeout = 30s\n[action check-marker]\ncommand = %s/bin/check-marker\n' \
	"$w" "$w" >"$w/actions.ini"
# the forced command runs the real agent, or speaks as a protocol 2 agent
# once $w/old exists (what drillhall-agent 2 prints for a protocol 3 job)
cat >"$w/bin/agent" <<EOF
#!/bin/sh
if [ -e "$w/old" ]; then
	cat >/dev/null
	echo "drillhall-agent: bad job: job has protocol version 3, this agent speaks 2: install the controller's version of drillhall-agent" >&2
	exit 2
fi
exec "$DH_BIN/drillhall-agent" "\$@"
EOF
chmod 755 "$w/bin/agent"
lport=$(freeport 127.0.0.1)
bash "$lab" start "$w/lab" --agent "$w/bin/agent" --controller "$DH_BIN/drillhall" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb >/dev/null

job() { # ACTION MARKER [JQ-EDIT]: an action job of protocol 3
	jq -cn --arg a "$1" --arg m "$2" '{v: 3, job: "sql-kluster-20261130T010000-ab12cd34",
		kind: "action", system: "sql-kluster", action: $a, marker: $m, timeout_s: 60}' |
		jq -c "${3:-.}"
}
send() { # NAME HOST:PORT ACTION MARKER [JQ-EDIT]: that job to the forced command; rc in $rc
	job "$3" "$4" "${5:-.}" >"$w/$1.json"
	rc=0
	ssh -F "$w/lab/ssh_config" -p "${2#*:}" "${2%:*}" run <"$w/$1.json" >"$w/$1.out" 2>"$w/$1.err" || rc=$?
}

# 1. the marker written in hall A is found in hall B
send write 127.0.0.2:$pa write-marker 'm-0f1e2d3c'
[ $rc = 0 ] || fail "write-marker: exit $rc"
jq -e '.v == 3 and .action == "write-marker" and .exit == 0 and .timed_out == false
	and .output == "wrote marker\n" and .job == "sql-kluster-20261130T010000-ab12cd34"
	and (.seconds | type) == "number"' "$w/write.out" >/dev/null ||
	fail "write-marker result: $(cat "$w/write.out")"
grep -x 'sql-kluster sql-kluster-20261130T010000-ab12cd34 m-0f1e2d3c' "$w/markers/table" >/dev/null ||
	fail "the action did not get DRILLHALL_SYSTEM, _JOB and _MARKER: $(cat "$w/markers/table")"
send found 127.0.0.3:$pb check-marker 'm-0f1e2d3c'
[ $rc = 0 ] || fail "check-marker: exit $rc"
jq -e '.exit == 0' "$w/found.out" >/dev/null || fail "marker not found in hall B: $(cat "$w/found.out")"
echo "ok: a marker written by an action job in hall A was found by one in hall B"

# 2. a marker that is not there: the action's exit 1 is the answer, not an error
send missing 127.0.0.3:$pb check-marker 'm-missing'
[ $rc = 0 ] || fail "check of a missing marker: exit $rc"
jq -e '.exit == 1 and .status == "exit status 1" and (.output | contains("m-missing not found"))' \
	"$w/missing.out" >/dev/null || fail "missing marker result: $(cat "$w/missing.out")"
for h in app-a app-b; do
	[ -z "$(ls -A "$w/lab/hosts/$h/spool")" ] || fail "an action job spooled on $h: $(ls "$w/lab/hosts/$h/spool")"
done
echo "ok: a missing marker is exit 1 in the result; nothing spooled"

# 3. refusals, each exit 2 with a message that names the cause
refused() { # NAME WANT
	[ $rc = 2 ] || fail "$1: exit $rc, want 2"
	[ ! -s "$w/$1.out" ] || fail "$1: something on stdout: $(cat "$w/$1.out")"
	grep -F -- "$2" "$w/$1.err" >/dev/null || fail "$1: '$2' not in: $(cat "$w/$1.err")"
}
send unknown 127.0.0.2:$pa rm-rf 'm-1'
refused unknown "no [action rm-rf] in $w/lab/hosts/app-a/agent.ini"
send v2 127.0.0.2:$pa write-marker 'm-1' '.v = 2'
refused v2 "job has protocol version 2, this agent speaks 3"
send drill 127.0.0.2:$pa write-marker 'm-1' '.kind = "failover" | .token = ("ab" * 32) | .url = "http://127.0.0.1:9" |
	.rpo_target_s = 0 | .rto_target_s = 60'
refused drill "a failover drill is run by the controller"
send inject 127.0.0.2:$pa write-marker 'x;touch /tmp/pwned'
refused inject '"marker" must be'
send path 127.0.0.2:$pa '../../bin/sh' 'm-1'
refused path '"action" is not a valid action name'
[ "$(wc -l <"$w/markers/table")" = 1 ] || fail "a refused job ran an action: $(cat "$w/markers/table")"
echo "ok: unknown action, protocol 2, failover job and bad marker refused (exit 2), nothing ran"

# 4. the controller meets an agent of protocol 2: an error record in its words
p="$w/plans"
mkdir -p "$p/systems" "$w/lab/backup/tar"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$w/lab/inventory.ini" "$p/inventory.ini"
printf '[system]\nname = Lön\nboard = KS\nclassified = 2025-01-15\navailability = 2\n[restore]\nhost = app-a\nmethod = tar\nrepository = %s\n' \
	"$w/lab/backup/tar" >"$p/systems/payroll.ini"
touch "$w/old"
rc=0
"$DH_BIN/drillhall" run restore payroll --plans "$p" --db "$w/dh.db" --config /dev/null \
	--listen "127.0.0.1:$lport" --format json >"$w/old.out" 2>"$w/old.err" || rc=$?
[ $rc = 2 ] || fail "restore through a protocol 2 agent: exit $rc"
jq -e '.verdict == "error" and (.error | contains("job has protocol version 3, this agent speaks 2"))' \
	"$w/old.out" >/dev/null || fail "the error record does not say why: $(jq -c '{verdict, error}' "$w/old.out")"
[ "$(sqlite3 "$w/dh.db" "SELECT verdict FROM records")" = error ] || fail "no error record stored"
echo "ok: a protocol 2 agent's refusal is an error record naming both versions"
echo "PASS lab_action"
