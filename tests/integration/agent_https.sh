#!/usr/bin/env bash
# The agent reports to the real controller over HTTPS: `drillhall serve`
# with a certificate for 127.0.0.1 signed by a test CA. An agent whose
# agent.ini names that CA (ca_file) delivers; one that trusts only the
# system CAs refuses the certificate and keeps its events spooled; the
# events of a job the controller does not know are refused (404) and kept
# as .rejected, never silently dropped.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
agent="$DH_BIN/drillhall-agent"
ctl="$DH_BIN/drillhall"
w=$(mktemp -d --suffix=.dh-agent-https)
pid=
trap 'stop_and_remove "$w"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$w"/*.log "$w"/*.err 2>/dev/null >&2; exit 1; }

# A CA and a server certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=drillhall-test-ca \
	-keyout "$w/ca.key" -out "$w/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$w/srv.key" \
	-out "$w/srv.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$w/ext"
openssl x509 -req -in "$w/srv.csr" -CA "$w/ca.pem" -CAkey "$w/ca.key" -CAcreateserial \
	-days 2 -extfile "$w/ext" -out "$w/srv.pem" >/dev/null 2>&1

port=$(freeport 127.0.0.1)
db=$w/dh.db
"$ctl" serve --quiet --db "$db" --listen "127.0.0.1:$port" --config /dev/null \
	--tls-cert "$w/srv.pem" --tls-key "$w/srv.key" 2>>"$w/serve.log" &
pid=$!
for _ in $(seq 100); do
	curl -sf --cacert "$w/ca.pem" "https://127.0.0.1:$port/healthz" >/dev/null && break
	sleep 0.05
done
curl -sf --cacert "$w/ca.pem" "https://127.0.0.1:$port/healthz" >/dev/null || fail "serve (TLS) did not come up"

# Two agents with the same spooled job: one trusts the test CA, one does not.
tok=$(openssl rand -hex 32)
sqlite3 "$db" "INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,
  plan_revision, rpo_target_s, rto_target_s, timeout_s) VALUES ('tls-1', 'sys', 'restore',
  'manual', 'h', '$tok', 'dispatched', 0, 'r1', 3600, 7200, 14400);"
spool_job() { # agent-dir job token
	local s="$1/spool"
	mkdir -p "$s" "$1/scratch"
	chmod 700 "$s"
	(umask 077; printf 'url=https://127.0.0.1:%s\ntoken=%s\ndone=0\n' "$port" "$3" >"$s/$2.job")
	for i in 1 2 3; do
		printf '{"job":"%s","seq":%d,"type":"step","at":"2026-11-27T12:00:00Z","host":"h","step":"s%d"}' \
			"$2" "$i" "$i" >"$s/$2.$(printf %010d "$i").json"
	done
}
for a in trusting plain; do
	spool_job "$w/$a" tls-1 "$tok"
	printf '[agent]\nscratch = %s\nspool = %s\nbackup_roots = %s\n' \
		"$w/$a/scratch" "$w/$a/spool" "$w" >"$w/$a/agent.ini"
done
echo "ca_file = $w/ca.pem" >>"$w/trusting/agent.ini"

# 1. without the controller's CA: nothing is sent, everything stays
set +e
"$agent" --config "$w/plain/agent.ini" flush >"$w/plain.out" 2>"$w/plain.err"
rc=$?
set -e
[ $rc = 1 ] || fail "flush without the CA: exit $rc"
grep -qi 'certificate\|SSL\|TLS' "$w/plain.err" || fail "no TLS reason given: $(cat "$w/plain.err")"
[ "$(ls "$w/plain/spool" | grep -c '\.json$')" = 3 ] || fail "events lost without the CA"
grep -qF "$tok" "$w/plain.err" "$w/plain.out" && fail "token in flush's output"
echo "ok: an untrusted certificate is refused; the events stay spooled"

# 2. with ca_file: delivered, stored once, spool empty
"$agent" --config "$w/trusting/agent.ini" flush >"$w/trusting.out" 2>"$w/trusting.err" ||
	fail "flush with the CA: $(cat "$w/trusting.out" "$w/trusting.err")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE job='tls-1'")" = 3 ] || fail "not stored"
[ "$(ls "$w/trusting/spool" | grep -c '\.json$' || true)" = 0 ] || fail "spool not empty"
echo "ok: with the controller's CA the events are delivered over HTTPS"

# 3. the same events from the other agent (after it learns the CA): 200, stored once
echo "ca_file = $w/ca.pem" >>"$w/plain/agent.ini"
"$agent" --config "$w/plain/agent.ini" flush >/dev/null 2>&1 || fail "second agent's flush"
[ "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE job='tls-1'")" = 3 ] || fail "stored twice"
echo "ok: a seq the controller already has is answered 2xx and stored once"

# 4. a job the controller does not know: refused, kept as .rejected
spool_job "$w/trusting" ghost "$(openssl rand -hex 32)"
set +e
"$agent" --config "$w/trusting/agent.ini" flush >"$w/ghost.out" 2>"$w/ghost.err"
rc=$?
set -e
[ $rc = 1 ] || fail "flush of an unknown job: exit $rc"
[ "$(ls "$w/trusting/spool" | grep -c '^ghost\..*\.json\.rejected$')" = 3 ] ||
	fail "refused events not kept: $(ls "$w/trusting/spool")"
grep -q 'rejected' "$w/ghost.err" || fail "the refusal is not said"
echo "ok: events of an unknown job are refused and kept as .rejected"
echo "PASS agent_https"
