#!/usr/bin/env bash
# The agent finishes a job while the controller is down: the job goes
# through the lab's real sshd and forced command, is accepted and detached;
# every event waits in the 0700 spool (token file 0600, token in no log);
# the receiver comes back and `drillhall-agent flush` delivers; each event
# is stored exactly once and the spool is empty, the token forgotten. A
# second job, run in the foreground, shows the same for `run`'s own
# retries, and a later `run` flushing what an earlier one left.
# The receiver is tests/lab/event_receiver.py (signature-checking, stores
# each seq once) standing in for the controller's event endpoint.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
agent="$DH_BIN/drillhall-agent"
dir=$(mktemp -d --suffix=.dh-spool-retry)
rpid=
trap 'lab_cleanup "$dir" "$rpid"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

start_receiver() {
	rm -f "$dir/port"
	python3 "$DH_SRC/tests/lab/event_receiver.py" --port "$port" --port-file "$dir/port" \
		--tokens "$dir/tokens" --store "$dir/store.jsonl" &
	rpid=$!
	for _ in $(seq 1 100); do [ -s "$dir/port" ] && return 0; sleep 0.1; done
	fail "receiver did not start"
}

job_json() { # id token
	cat <<-EOF
	{"v":3,"job":"$1","kind":"restore","system":"payroll","host":"app-a",
	 "token":"$2","url":"http://127.0.0.1:$port","plan_revision":"r1",
	 "rpo_target_s":86400,"rto_target_s":3600,"timeout_s":600,
	 "restore":{"method":"tar","repository":"$dir/lab/backup/payroll",
	  "verify":[{"kind":"min_files","n":1}]}}
	EOF
}

# seqs stored for a job, one per line, sorted
stored_seqs() { jq -r --arg j "$1" 'select(.job == $j) | .seq' "$dir/store.jsonl" | sort -n; }

mkdir -p "$dir/lab"
pa=$(freeport 127.0.0.2)
bash "$lab" start "$dir/lab" --agent "$agent" app-a=127.0.0.2:$pa >/dev/null
spool="$dir/lab/hosts/app-a/spool"
conf="$dir/lab/hosts/app-a/agent.ini"
mkdir -p "$dir/lab/backup/payroll/src"
echo "lönelista" >"$dir/lab/backup/payroll/src/a.txt"
tar -C "$dir/lab/backup/payroll/src" -cf "$dir/lab/backup/payroll/payroll-1.tar" .
port=$(freeport 127.0.0.1)
tok1=$(openssl rand -hex 32)
tok2=$(openssl rand -hex 32)
printf 'job-down %s\njob-fg %s\n' "$tok1" "$tok2" >"$dir/tokens"

# 1. the controller is down; the job is accepted over SSH and finishes
out=$(job_json job-down "$tok1" | ssh -F "$dir/lab/ssh_config" -p "$pa" 127.0.0.2)
[ "$out" = "accepted job-down" ] || fail "ssh said '$out'"
for _ in $(seq 1 300); do
	grep -q '^done=1' "$spool/job-down.job" 2>/dev/null && break
	sleep 0.1
done
grep -q '^done=1' "$spool/job-down.job" || fail "the job did not finish"
n=$(ls "$spool" | grep -c '^job-down\.[0-9]*\.json$')
[ "$n" -ge 3 ] || fail "only $n events spooled"
grep -q '"type": *"finished"' "$spool"/job-down.*.json || fail "no finished event spooled"
[ "$(stat -c %a "$spool")" = 700 ] || fail "spool mode $(stat -c %a "$spool")"
[ "$(stat -c %a "$spool/job-down.job")" = 600 ] || fail "job state not 0600"
grep -rqF "$tok1" "$dir/lab/hosts/app-a/sshd.log" && fail "token in the sshd log"
grep -qF "$tok1" "$spool"/*.json && fail "token inside an event"
echo "ok: controller down, $n events spooled durably and privately"

# 2. the controller is back; flush delivers; stored once
start_receiver
"$agent" --config "$conf" flush >"$dir/flush.out" || fail "flush: $(cat "$dir/flush.out")"
"$agent" --config "$conf" flush >"$dir/flush2.out" || fail "second flush failed"
grep -q '^delivered 0, rejected 0, pending 0' "$dir/flush2.out" || fail "second flush: $(cat "$dir/flush2.out")"
[ "$(stored_seqs job-down | tr '\n' ' ')" = "$(seq 1 "$n" | tr '\n' ' ')" ] ||
	fail "stored seqs: $(stored_seqs job-down | tr '\n' ' '), want 1..$n"
[ "$(jq -r 'select(.job=="job-down" and .type=="finished") | .record.verdict' \
	"$dir/store.jsonl" | wc -l)" = 1 ] || fail "finished not stored exactly once"
ls "$spool" | grep '^job-down' >/dev/null && fail "spool still holds job-down: $(ls "$spool")"
echo "ok: flush delivered $n events, each stored once, job state forgotten"

# 3. run's own retries: controller down during a foreground job with a
#    short retry budget; the next run flushes what it left before accepting
kill "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=
set +e
job_json job-fg "$tok2" | "$agent" --config "$conf" run --foreground --retry-for 2s \
	>"$dir/fg.out" 2>"$dir/fg.err"
rc=$?
set -e
[ $rc = 0 ] || fail "foreground run exit $rc: $(cat "$dir/fg.err")"
grep -q '^accepted job-fg' "$dir/fg.out" || fail "no accepted line"
grep -qF "$tok2" "$dir/fg.err" "$dir/fg.out" && fail "token in run's output"
left=$(ls "$spool" | grep -c '^job-fg\.[0-9]*\.json$')
[ "$left" -ge 3 ] || fail "job-fg left $left events"
start_receiver
printf 'job-next %s\n' "$(openssl rand -hex 32)" >>"$dir/tokens"
tok3=$(awk '$1=="job-next"{print $2}' "$dir/tokens")
job_json job-next "$tok3" | "$agent" --config "$conf" run --foreground >/dev/null 2>&1 ||
	fail "the next run failed"
[ "$(stored_seqs job-fg | wc -l)" = "$left" ] || fail "job-fg not delivered by the next run"
[ "$(stored_seqs job-fg | sort -u | wc -l)" = "$left" ] || fail "job-fg stored twice"
[ "$(ls "$spool" | grep -c '\.json$' || true)" = 0 ] || fail "spool not empty: $(ls "$spool")"
echo "ok: run retried for its budget, left the rest, the next run flushed it first"

# 4. bad input is refused before anything is spooled
set +e
echo '{"v":1,"job":"../x"}' | "$agent" --config "$conf" run --foreground >/dev/null 2>"$dir/bad.err"
rc=$?
head -c 300000 /dev/zero | tr '\0' ' ' | "$agent" --config "$conf" run --foreground \
	>/dev/null 2>"$dir/big.err"
rc2=$?
set -e
[ $rc = 2 ] && grep -q 'bad job' "$dir/bad.err" || fail "bad job: exit $rc $(cat "$dir/bad.err")"
[ $rc2 = 2 ] && grep -q 'larger than' "$dir/big.err" || fail "big job: exit $rc2"
[ "$(ls "$spool" | grep -c '\.json$' || true)" = 0 ] || fail "bad jobs spooled something"
echo "ok: bad and oversize jobs refused, nothing spooled"
echo "PASS agent_spool_retry"
