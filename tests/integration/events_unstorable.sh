#!/usr/bin/env bash
# A finished event whose record the controller cannot store never leaves
# its job running (SPEC "Events to the controller"), through a real
# `drillhall serve`:
#  - records it cannot read (a Latin-1 file name as raw bytes, a missing
#    verdict, a record that is not an object, a bad snapshot, no "job"
#    field): 400 with the reason, and the job gets the controller's error
#    record saying why; the agent's signed bytes are kept as the event;
#  - a record the database refuses (a trigger stands in for a constraint
#    or quota): 422 with the reason, the job error;
#  - what cannot be attributed (another job's name, a malformed accepted
#    event) ends no job;
#  - the database itself unavailable (another writer holds the lock): 503,
#    the job still running, and the resent event is stored once the lock
#    is gone: a passing fault never becomes a verdict.
# (The audit chain over these records: tests/unit/store/test_store_events.c;
# the jobs here are inserted by hand, unaudited.)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
bin=${DH_BIN:?}/drillhall
send="python3 ${DH_SRC:?}/tests/integration/evsend.py"
work=$(mktemp -d)
pid=
lockpid=
cleanup() {
	if [ -n "$lockpid" ]; then kill "$lockpid" 2>/dev/null || true; fi
	stop_and_remove "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && cat "$work/serve.log" >&2; exit 1; }

serve_plain "$work"
token=$(openssl rand -hex 32)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

add_job() {
	sqlite3 "$db" "INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,
	  plan_revision, rpo_target_s, rto_target_s, timeout_s) VALUES ('$1', 'procapita',
	  'restore', 'manual', 'b1', '$token', 'running', $(date +%s), 'r1', 3600, 7200, 14400);"
}
q() { sqlite3 "$db" "$1"; }
# finished JOB RECORD-JSON -> a finished event body naming JOB
finished() { printf '{"job":"%s","seq":2,"type":"finished","at":"%s","host":"b1","record":%s}' "$1" "$now" "$2"; }
good_record='{"kind":"restore","verdict":"passed","started_at":"'$now'","finished_at":"'$now'","backup_at":"'$now'","rpo_actual_s":60,"rto_actual_s":30,"checks":[{"name":"restore","verdict":"passed","detail":""}],"files_verified":3,"bytes_verified":10}'

# post JOB BODY-OR-@FILE WANT-STATUS: checks the status, leaves the answer in $answer
post() {
	local out
	out=$($send post "$base" "$1" "$token" "$2" --show)
	answer=$(printf '%s\n' "$out" | tail -n +2)
	[ "$(printf '%s\n' "$out" | head -n 1)" = "$3" ] || fail "$1: wanted $3, got: $out"
}
# job_error JOB WORDS: the job's record is the controller's error record naming WORDS
job_error() {
	[ "$(q "SELECT state FROM jobs WHERE id='$1'")" = finished ] || fail "$1 still $(q "SELECT state FROM jobs WHERE id='$1'")"
	[ "$(q "SELECT verdict FROM records WHERE job='$1'")" = error ] || fail "$1: no error record"
	q "SELECT json FROM records WHERE job='$1'" >"$work/rec.json"
	jq -e --arg w "$2" '(.error | contains($w)) and any(.checks[]; .name == "record" and .verdict == "error" and (.detail | contains($w)))' \
		"$work/rec.json" >/dev/null || fail "$1: record does not say '$2': $(cat "$work/rec.json")"
	echo "ok - $1: job error, saying '$2'"
}

# Records that cannot be read: 400 with the reason, job error.
add_job job-latin
finished job-latin '{"kind":"restore","verdict":"failed","mismatches":[{"path":"l\xf6n/r\xe4kning.pdf","problem":"changed"}]}' >"$work/latin"
printf '%b' "$(cat "$work/latin")" >"$work/latin.raw"
post job-latin "@$work/latin.raw" 400
printf '%s' "$answer" | jq -e '.error | contains("recorded as error")' >/dev/null || fail "400 answer: $answer"
printf '%s' "$answer" | jq -e '.detail | contains("byte 0xf6")' >/dev/null || fail "400 answer names no cause: $answer"
job_error job-latin "could not be read"
[ "$(q "SELECT count(*) FROM events WHERE job='job-latin' AND type='finished'")" = 1 ] ||
	fail "the agent's bytes were not kept as the event"
post job-latin "@$work/latin.raw" 400 # resent: still one record
[ "$(q "SELECT count(*) FROM records WHERE job='job-latin'")" = 1 ] || fail "resend stored twice"

add_job job-noverdict
post job-noverdict "$(finished job-noverdict '{"kind":"restore"}')" 400
job_error job-noverdict '"verdict"'
add_job job-notobject
post job-notobject "$(finished job-notobject '"passed"')" 400
job_error job-notobject '"record"'
add_job job-snapshot
post job-snapshot "$(finished job-snapshot '{"kind":"restore","verdict":"passed","snapshot":{"id":"a","archive":"b"}}')" 400
job_error job-snapshot 'snapshot'
add_job job-nojob
post job-nojob '{"seq":2,"type":"finished","at":"'$now'","record":{"kind":"restore"}}' 400
job_error job-nojob "could not be read"

# Not attributable: no job is ended.
add_job job-other
post job-other "$(finished job-nojob '{"kind":"restore"}')" 400
post job-other '{"job":"job-other","seq":1,"type":"accepted","at":"yesterday"}' 400
[ "$(q "SELECT state FROM jobs WHERE id='job-other'")" = running ] || fail "an unattributable event ended job-other"
[ "$(q "SELECT count(*) FROM records WHERE job='job-other'")" = 0 ] || fail "job-other got a record"
echo "ok - events naming another job, or malformed non-finished events, end no job"

# A record the database refuses: 422 with the reason, job error.
q "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.verdict <> 'error'
   BEGIN SELECT RAISE(ABORT, 'quota exceeded (test trigger)'); END;"
add_job job-refused
post job-refused "$(finished job-refused "$good_record")" 422
printf '%s' "$answer" | jq -e '.detail | contains("quota exceeded")' >/dev/null || fail "422 answer: $answer"
job_error job-refused "quota exceeded (test trigger)"
q "DROP TRIGGER refuse;"

# The database locked by another writer past the busy timeout: 503, job
# still running; resent after the lock is gone: stored as sent.
add_job job-locked
python3 -c '
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
c.execute("COMMIT")' "$db" "$work/locked" "$work/release" &
lockpid=$!
for _ in $(seq 100); do [ -e "$work/locked" ] && break; sleep 0.1; done
[ -e "$work/locked" ] || fail "the lock holder did not take the lock"
post job-locked "$(finished job-locked "$good_record")" 503
[ "$(q "SELECT state FROM jobs WHERE id='job-locked'")" = running ] || fail "a locked database ended the job"
touch "$work/release"
wait "$lockpid"; lockpid=
post job-locked "$(finished job-locked "$good_record")" 200
[ "$(q "SELECT verdict FROM records WHERE job='job-locked'")" = passed ] || fail "the resent record was not stored"
echo "ok - a locked database answers 503 and the resent record is stored"

grep -a ': 422 ' "$work/serve.log" >/dev/null || fail "the 422 rejection was not logged"
echo "events_unstorable: ok"
