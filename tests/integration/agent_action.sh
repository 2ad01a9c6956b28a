#!/usr/bin/env bash
# The action method and the rules around every program the agent runs: a
# host-defined restore passes; a restore slower than the timeout fails and
# its whole process group dies, leaving nothing behind; SIGTERM to the
# agent aborts, kills the group and cleans up; verify actions; unknown
# actions, failover jobs, malformed manifests and a bad agent.ini are
# errors, reported with file:line where there is one.
source "$(dirname "$0")/agent_lib.bash"

mkdir -p "$T/data"
printf 'hello\n' >"$T/data/a.txt"
printf 'world\n' >"$T/data/b.txt"
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"
cat >"$T/spawn.sh" <<SH
sleep 300 & echo \$! >>"$T/pids"
echo \$\$ >>"$T/pids"
echo "spawned into \$DRILLHALL_TARGET"
touch partial
sleep 300
SH
printf 'kill -TERM $PPID\nsleep 5\n' >"$T/term-agent.sh"
write_ini "[action copy]" "command = /bin/cp -a $T/data/. ." \
	"[action when]" "command = /bin/date -u +%Y-%m-%dT%H:%M:%SZ" \
	"[action junk-time]" "command = /bin/echo yesterday" \
	"[action slow]" "command = /bin/sh $T/spawn.sh" \
	"[action check-ok]" "command = /usr/bin/test -s a.txt" "timeout = 10s" \
	"[action check-fail]" "command = /bin/false" \
	"[action noop]" "command = /bin/true" \
	"[action show-env]" "command = /usr/bin/printenv DRILLHALL_TARGET" \
	"[action term-agent]" "command = /bin/sh $T/term-agent.sh"
action_job() { # action_job FILE ID RESTORE-ACTION [TIMEOUT] [VERIFY-ACTION] [TIME-ACTION]
	job "$1" "$2" "$(jq -n --arg ra "$3" --arg va "${5:-check-ok}" --arg ta "${6:-when}" \
		--arg m "$T/manifest.sha256" '{ method: "action", restore_action: $ra,
		backup_time_action: $ta,
		verify: [ {kind: "manifest", arg: $m}, {kind: "action", arg: $va} ] }')" \
		86400 3600 "${4:-600}"
}
pids_dead() {
	local alive=""
	for p in $(cat "$T/pids" 2>/dev/null); do # a zombie waiting for init counts as dead
		[ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
			alive="$alive $p"
	done
	if [ -z "$alive" ]; then ok "$1: process group killed"
	else not_ok "$1: still running:$alive"; kill $alive 2>/dev/null || true; fi
	rm -f "$T/pids"
}

action_job "$T/j1.json" clean copy
run_job "$T/j1.json"
expect_rc "action restore" 0
expect "action restore passes" '.verdict == "passed" and .files_verified == 2'
expect "an action's restore point is its backup time only" '.snapshot == {time: .backup_at} and .backup_at != null'
expect "verify action ran" 'any(.checks[]; .name == "action check-ok" and .verdict == "passed")'
scratch_empty "action restore"

job "$T/j-noop.json" noop '{"method": "action", "restore_action": "noop", "backup_time_action": "when"}'
run_job "$T/j-noop.json"
expect "a restore that exits 0 but restores nothing fails, even without verifications" \
	'.verdict == "failed" and any(.checks[]; .name == "restore" and .verdict == "passed") and any(.checks[]; .name == "content" and .verdict == "failed")'

action_job "$T/j-env.json" env copy 600 show-env
run_job "$T/j-env.json"
expect "actions get DRILLHALL_TARGET" ".verdict == \"passed\" and (.output | contains(\"$T/scratch/sys/env\n\"))"

action_job "$T/j2.json" checkfail copy 600 check-fail
run_job "$T/j2.json"
expect "failing verify action fails the test" '.verdict == "failed" and any(.checks[]; .name == "action check-fail" and .verdict == "failed")'

start=$(date +%s)
action_job "$T/j3.json" slow slow 1
run_job "$T/j3.json"
took=$(( $(date +%s) - start ))
expect_rc "slow restore" 1
expect "slow restore fails as timed out" 'any(.checks[]; .name == "restore" and .verdict == "failed" and (.detail | contains("timed out")))'
expect "output of the killed restore is kept" '.output | contains("spawned into")'
[ "$took" -lt 15 ] && ok "timeout enforced ($took s)" || not_ok "timeout took $took s"
scratch_empty "slow restore"
pids_dead "slow restore"

action_job "$T/j4.json" term slow 600
"$AGENT" --config "$T/agent.ini" run --local "$T/j4.json" >"$T/rec.json" 2>"$T/run.err" &
agent=$!
for _ in $(seq 50); do [ -s "$T/pids" ] && [ "$(wc -l <"$T/pids")" -ge 2 ] && break; sleep 0.1; done
kill -TERM "$agent"
set +e; wait "$agent"; rc=$?; set -e
expect_rc "SIGTERM" 2
expect "SIGTERM aborts" '.verdict == "aborted"'
scratch_empty "SIGTERM"
pids_dead "SIGTERM"

action_job "$T/j-term2.json" term2 copy 600 term-agent
run_job "$T/j-term2.json"
expect "SIGTERM during verification aborts" '.verdict == "aborted" and any(.checks[]; .name == "action term-agent" and .verdict == "failed")'
scratch_empty "SIGTERM during verification"

action_job "$T/j5.json" unknown nope
run_job "$T/j5.json"
expect "unknown action is error" '.verdict == "error" and (.error | contains("nope"))'

action_job "$T/j6.json" junktime copy 600 check-ok junk-time
run_job "$T/j6.json"
expect "a backup time that is not RFC 3339 is error" '.verdict == "error" and (.error | contains("RFC 3339"))'

jq '.kind = "failover" | del(.restore)' "$T/j1.json" >"$T/j7.json"
run_job "$T/j7.json"
expect_rc "failover job" 2
expect "failover is error (not a restore test)" '.verdict == "error" and (.error | startswith("a failover job is not a restore test"))'

{ head -n 1 "$T/manifest.sha256"; echo "not a manifest line"; } >"$T/bad.sha256"
jq --arg m "$T/bad.sha256" '.restore.verify[0].arg = $m' "$T/j1.json" >"$T/j8.json"
run_job "$T/j8.json"
expect "malformed manifest is error with its line" ".verdict == \"error\" and (.error | startswith(\"$T/bad.sha256:2: \"))"
scratch_empty "malformed manifest"

printf '{"v": 1, "job": "x", "token": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' >"$T/broken.json"
set +e; "$AGENT" --config "$T/agent.ini" run --local "$T/broken.json" >"$T/rec.json" 2>"$T/run.err"; rc=$?; set -e
expect_rc "unparsable job" 2
grep -q "broken.json: malformed JSON" "$T/run.err" && ok "unparsable job reported" || not_ok "no message: $(cat "$T/run.err")"
grep -q "0123456789abcdef" "$T/run.err" "$T/rec.json" && not_ok "the job token was echoed" || ok "the job token is never echoed"

printf '[agent]\nscratch = relative\nbackup_roots = %s\nbogus = 1\n[action x]\ntimeout = soon\n' "$T/backup" >"$T/bad.ini"
set +e; "$AGENT" --config "$T/bad.ini" run --local "$T/j1.json" >/dev/null 2>"$T/run.err"; rc=$?; set -e
expect_rc "bad agent.ini" 2
for want in "$T/bad.ini:4: error: unknown key 'bogus' in [agent]" \
	"$T/bad.ini:2: error: 'scratch' must be an absolute path, not 'relative'" \
	"$T/bad.ini:6: error: bad timeout 'soon' (e.g. 90s, 15m, 2h)" \
	"$T/bad.ini:5: error: [action x] needs 'command'"; do
	grep -qF "$want" "$T/run.err" && ok "reported: $want" || not_ok "not reported: $want"
done
finish
