#!/usr/bin/env python3
"""A stand-in for the controller's event endpoint, for agent tests.

Implements what SPEC "Events to the controller" asks of the receiving
side: POST /api/v1/jobs/JOB/events with a JSON body and the header
X-Drillhall-Signature: t=UNIX,sig=HMAC-SHA256(token, t + "." + body).
401 bad or stale signature, 404 unknown job, 413 over 1 MiB, 400 bad JSON,
200 for a seq already stored (stored once). Stored events are appended,
one JSON line each, to --store (reloaded at start, so a restarted receiver
keeps what it had). --fail N answers 500 to the first N posts.

Tokens come from --tokens: lines "JOB TOKEN", re-read on every request.
The chosen port is written to --port-file once listening; --tls-cert and
--tls-key make it HTTPS.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time

MAX_BODY = 1024 * 1024
SKEW = 300

lock = threading.Lock()
stored = set()
state = {"fail": 0, "posts": 0}
args = None


def tokens():
    out = {}
    try:
        with open(args.tokens) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    out[parts[0]] = parts[1]
    except FileNotFoundError:
        pass
    return out


def sig_ok(token, header, body):
    m = re.fullmatch(r"t=(\d+),sig=([0-9a-f]{64})", header or "")
    if not m:
        return False
    t = int(m.group(1))
    if abs(time.time() - t) > SKEW:
        return False
    want = hmac.new(token.encode(), m.group(1).encode() + b"." + body,
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, m.group(2))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, code, text):
        data = (json.dumps({"status": text}) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *a):
        if args.verbose:
            sys.stderr.write("receiver: " + fmt % a + "\n")

    def do_POST(self):
        m = re.fullmatch(r"/api/v1/jobs/([A-Za-z0-9._-]{1,80})/events", self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self.answer(413, "too large")
        body = self.rfile.read(length)
        with lock:
            state["posts"] += 1
            if state["fail"] > 0:
                state["fail"] -= 1
                return self.answer(500, "failing on purpose")
        if not m:
            return self.answer(404, "no such route")
        job = m.group(1)
        token = tokens().get(job)
        if token is None:
            return self.answer(404, "unknown job")
        if not sig_ok(token, self.headers.get("X-Drillhall-Signature"), body):
            return self.answer(401, "bad signature")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self.answer(400, "not json")
        try:
            ev = json.loads(body)
            seq = int(ev["seq"])
            if ev["job"] != job:
                raise ValueError("job mismatch")
        except (ValueError, KeyError, TypeError):
            return self.answer(400, "malformed event")
        with lock:
            if (job, seq) in stored:
                return self.answer(200, "duplicate")
            with open(args.store, "a") as f:
                f.write(json.dumps(ev, sort_keys=True) + "\n")
                f.flush()
                os.fsync(f.fileno())
            stored.add((job, seq))
        return self.answer(200, "stored")


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    state["fail"] = args.fail
    if os.path.exists(args.store):
        with open(args.store) as f:
            for line in f:
                ev = json.loads(line)
                stored.add((ev["job"], int(ev["seq"])))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer((args.addr, args.port), Handler)
    srv.daemon_threads = True
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
