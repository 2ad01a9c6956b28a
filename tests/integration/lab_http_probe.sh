#!/usr/bin/env bash
# The `http URL` health probe of a failover drill (libcurl, TLS verified,
# 2xx passes) against a real local HTTPS server (python3 http.server in
# ssl) through drills in the lab (no-op actions):
#  1. a certificate of a CA the controller trusts, answering 200: the
#     health check passes, the drill passes;
#  2. the same server answering 500: health fails with "status 500";
#  3. a certificate the controller does not trust (self-signed, same
#     address and name): health fails on the TLS verification.
# The probe uses the system trust store, so the controller runs in a
# private mount namespace (unshare -m) where the test CA is bind-mounted
# over /etc/ssl/certs/ca-certificates.crt; the machine's store is untouched.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
w=$(mktemp -d --suffix=.dh-lab-http-probe)
spid=
trap 'lab_cleanup "$w" "$spid"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 30 "$w"/*.out "$w"/*.err >&2 2>/dev/null; exit 1; }
bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$bundle" ] || fail "no system CA bundle $bundle"
unshare -m true 2>/dev/null || fail "unshare -m is not allowed here (needs CAP_SYS_ADMIN)"
pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
hp=$(freeport 127.0.0.3) rp=$(freeport 127.0.0.3)

# a test CA, a server certificate it signs, and a self-signed one, all for 127.0.0.3
cd "$w"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=drillhall test CA" \
	-keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.3" \
	-keyout srv.key -out srv.csr 2>/dev/null
printf 'subjectAltName = IP:127.0.0.3\n' >san.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out srv.pem 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=127.0.0.3" \
	-addext "subjectAltName = IP:127.0.0.3" -keyout rogue.key -out rogue.pem 2>/dev/null
cd - >/dev/null

# /ok answers 200, /fail 500; on $hp with srv.pem, on $rp with rogue.pem
cat >"$w/https.py" <<'EOF'
import http.server, ssl, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/ok" else 500
        self.send_response(code)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n" if code == 200 else b"no\n")
    def log_message(self, *a):
        pass
def serve(port, cert, key):
    s = http.server.ThreadingHTTPServer(("127.0.0.3", port), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
    threading.Thread(target=s.serve_forever, daemon=True).start()
d = sys.argv[1]
serve(int(sys.argv[2]), d + "/srv.pem", d + "/srv.key")
serve(int(sys.argv[3]), d + "/rogue.pem", d + "/rogue.key")
print("up", flush=True)
threading.Event().wait()
EOF
python3 "$w/https.py" "$w" "$hp" "$rp" >"$w/https.out" 2>"$w/https.err" &
spid=$!
for _ in $(seq 100); do grep -x up "$w/https.out" >/dev/null && break; sleep 0.1; done
grep -x up "$w/https.out" >/dev/null || fail "the HTTPS server did not start"

printf '[action noop]\ncommand = /bin/true\n' >"$w/actions.ini"
bash "$lab" start "$w/lab" --agent "$DH_BIN/drillhall-agent" --url "http://127.0.0.1:9" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb >/dev/null
p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$w/lab/inventory.ini" "$p/inventory.ini"
system() { # ID URL
	printf '[system]\nname = Web %s\nboard = KS\nclassified = 2025-01-15\navailability = 3\nrto = 1m\n' "$1"
	printf '[failover]\nprimary = app-a\nstandby = app-b\nstep = app-b noop\nhealth = http %s\n' "$2"
	printf 'failback = app-b noop\ntimeout = 3s\n'
}
system web-ok "https://127.0.0.3:$hp/ok" >"$p/systems/web-ok.ini"
system web-500 "https://127.0.0.3:$hp/fail" >"$p/systems/web-500.ini"
system web-rogue "https://127.0.0.3:$rp/ok" >"$p/systems/web-rogue.ini"
"$DH_BIN/drillhall" check --plans "$p" >"$w/check.out" 2>&1 || fail "the plan does not check: $(cat "$w/check.out")"
# the controller in its own mount namespace, trusting the test CA only
drill() { # ID: run failover ID as json into $w/ID.out; rc in $rc
	rc=0
	unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$w/ca.pem" "$bundle" \
		"$DH_BIN/drillhall" --plans "$p" --db "$w/dh.db" --config /dev/null run failover "$1" --format json \
		>"$w/$1.out" 2>"$w/$1.err" || rc=$?
}
health() { jq -r '.checks[] | select(.name == "health") | "\(.verdict) \(.detail)"' "$w/$1.out"; }

drill web-ok
[ $rc = 0 ] || fail "web-ok: exit $rc"
health web-ok | grep '^passed .*all 1 health probe(s) pass' >/dev/null || fail "web-ok health: $(health web-ok)"
echo "ok: https with a trusted certificate answering 200 passes"

drill web-500
[ $rc = 1 ] || fail "web-500: exit $rc"
health web-500 | grep "^failed .*http https://127.0.0.3:$hp/fail: status 500" >/dev/null ||
	fail "web-500 health: $(health web-500)"
echo "ok: https answering 500 fails: $(health web-500 | sed 's/.*: http /http /')"

drill web-rogue
[ $rc = 1 ] || fail "web-rogue: exit $rc"
health web-rogue | grep "^failed .*http https://127.0.0.3:$rp/ok: .*\(certificate\|SSL\)" >/dev/null ||
	fail "web-rogue health: $(health web-rogue)"
echo "ok: https with an untrusted certificate fails: $(health web-rogue | sed 's/.*: http /http /')"
echo "PASS lab_http_probe"
