#!/usr/bin/env bash
# The event endpoint of a real `drillhall serve` on loopback: every answer
# the spec names (401 bad signature, 401 stale, 404 unknown job, 413 over
# 1 MiB, 400 malformed JSON, 200 for a seq already stored) and, checked
# with the sqlite3 CLI, that nothing rejected was stored and a duplicate
# was stored once. Also: plain HTTP on a non-loopback address is refused.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
bin=${DH_BIN:?}/drillhall
send="python3 ${DH_SRC:?}/tests/integration/evsend.py"
work=$(mktemp -d)
pid=
trap 'stop_and_remove "$work"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && cat "$work/serve.log" >&2; exit 1; }

serve_plain "$work"

token=$(openssl rand -hex 32)
sqlite3 "$db" "INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,
  plan_revision, rpo_target_s, rto_target_s, timeout_s) VALUES ('job-1', 'procapita',
  'restore', 'manual', 'b1', '$token', 'dispatched', 0, 'r1', 3600, 7200, 14400);"
ev='{"job":"job-1","seq":1,"type":"accepted","at":"2026-11-27T10:00:00Z","host":"b1"}'
expect() { local want=$1; shift; local got; got=$($send post "$base" "$@"); [ "$got" = "$want" ] || fail "expected $want, got $got for: $*"; }

expect 401 job-1 "$token" "$ev" --sig "t=$(date +%s),sig=$(printf %064d 0)"
expect 401 job-1 "$(openssl rand -hex 32)" "$ev"
expect 401 job-1 "$token" "$ev" --skew -301
expect 404 job-9 "$token" "$ev"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$work/big"
expect 413 job-1 "$token" "@$work/big"
expect 400 job-1 "$token" '{"job":"job-1","seq":1,'
expect 400 job-1 "$token" '{"job":"job-1","seq":0,"type":"accepted","at":"2026-11-27T10:00:00Z"}'
[ "$(sqlite3 "$db" 'SELECT count(*) FROM events')" = 0 ] || fail "a rejected event was stored"
[ "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE kind='event'")" = 0 ] || fail "a rejected event was audited"

expect 200 job-1 "$token" "$ev"
expect 200 job-1 "$token" "$ev"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM events')" = 1 ] || fail "duplicate stored twice"
[ "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE kind='event'")" = 1 ] || fail "duplicate audited twice"
[ "$(sqlite3 "$db" "SELECT state FROM jobs WHERE id='job-1'")" = running ] || fail "accepted did not mark the job running"

for code in 401 404 413 400; do
	grep -q "from 127.0.0.1:[0-9]*: $code " "$work/serve.log" || fail "no log line with the peer for $code"
done
grep -q "$token" "$work/serve.log" && fail "the token was logged"

# Signed events carrying line breaks, escapes and invalid UTF-8 in type, job
# and seq: each is one escaped rejection line, never a forged line.
sleep 1 # the rejection log's bucket refills
for bad in '"type":"x\u000aFORGED a"' '"type":"x\u001b[2KFORGED b"' '"type":"x\rFORGED c"' \
	'"seq":"1\nFORGED e"' '"job":"job-1\u000aFORGED f"'; do
	expect 400 job-1 "$token" "{\"job\":\"job-1\",\"seq\":2,\"at\":\"2026-11-27T10:00:00Z\",$bad}"
done
printf '{"job":"job-1","seq":2,"at":"2026-11-27T10:00:00Z","type":"x\xff\xfe\nFORGED d"}' >"$work/bad8"
expect 400 job-1 "$token" "@$work/bad8"
[ "$(grep -ac ': 400 ' "$work/serve.log")" = 8 ] || fail "not one line per 400 rejection"
grep -avq '^drillhall serve: ' "$work/serve.log" && fail "a request forged a log line"
LC_ALL=C grep -aq $'[\x1b\r\x80-\xff]' "$work/serve.log" && fail "a control or invalid byte was logged"

if "$bin" serve --db "$work/other.db" --listen 0.0.0.0:0 --config /dev/null 2>"$work/refuse.log"; then
	fail "plain HTTP on 0.0.0.0 was not refused"
else
	[ $? = 2 ] || fail "refusal exit code"
	grep -q "not a loopback" "$work/refuse.log" || fail "refusal message"
fi
# TLS, configured in controller.ini
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
tport=$(freeport 127.0.0.1)
cat >"$work/controller.ini" <<INI
[controller]
database = $work/tls.db
listen = 0.0.0.0:$tport
tls_cert = $work/cert.pem
tls_key = $work/key.pem
INI
"$bin" serve --config "$work/controller.ini" 2>"$work/tls.log" &
tpid=$!
$send up "https://127.0.0.1:$tport/healthz" --cacert "$work/cert.pem" --wait 10 || { kill $tpid; fail "no TLS healthz"; }
$send up "http://127.0.0.1:$tport/healthz" && { kill $tpid; fail "plain HTTP answered on the TLS port"; }
kill $tpid; wait $tpid 2>/dev/null || true
[ -f "$work/tls.db" ] || fail "database from the configuration not used"
printf '[controller]\nlisten = 127.0.0.1:8443\nlisen = typo\n' >"$work/bad.ini"
rc=0; "$bin" serve --config "$work/bad.ini" 2>"$work/bad.log" || rc=$?
[ $rc = 2 ] && grep -q "bad.ini:3: error: unknown key 'lisen'" "$work/bad.log" || fail "bad config: $rc $(cat "$work/bad.log")"
echo "events_http: ok"
