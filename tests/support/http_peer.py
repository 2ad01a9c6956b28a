#!/usr/bin/env python3
"""A tiny HTTP server for the HTTP client's tests (test_http_client.c).

POST /status/N answers status N with the body "status N" (none for 204);
/echo answers 200 with the X-Test header and the request body
("HEADER|BODY"); /big answers 200 with 100000 bytes of "x"; /slow waits
5 s before answering.
The chosen port is written to the file named by the first argument once
listening.
"""
import http.server
import os
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/status/"):
            n = int(self.path[8:])
            self.answer(n, b"" if n in (204, 304) else b"status %d" % n)
        elif self.path == "/echo":
            self.answer(200, (self.headers.get("X-Test", "-")).encode() + b"|" + body)
        elif self.path == "/big":
            self.answer(200, b"ab" * 50000)
        elif self.path == "/slow":
            time.sleep(5)
            self.answer(200, b"late")
        else:
            self.answer(404, b"no such path")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
