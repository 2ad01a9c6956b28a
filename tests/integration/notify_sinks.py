#!/usr/bin/python3
"""Receivers for tests/integration/notify.sh and demo.sh (not a test itself):

  notify_sinks.py webhook PORT FILE   HTTP on 127.0.0.1:PORT; each POST body is
                                      appended to FILE as one line; answers 200
  notify_sinks.py smtp PORT DIR       SMTP (aiosmtpd, Debian python3-aiosmtpd) on
                                      127.0.0.1:PORT; each message is written to
                                      DIR/N.eml; answers 250
Runs until killed."""
import os
import sys
import time


def webhook(port, path):
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(path, "ab") as f:
                f.write(body.replace(b"\n", b" ") + b"\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Hook).serve_forever()


def smtp(port, outdir):
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            n = len(os.listdir(outdir)) + 1
            with open(os.path.join(outdir, f"{n}.eml.tmp"), "wb") as f:
                f.write(envelope.content)
            os.rename(os.path.join(outdir, f"{n}.eml.tmp"), os.path.join(outdir, f"{n}.eml"))
            return "250 OK"

    os.makedirs(outdir, exist_ok=True)
    Controller(Sink(), hostname="127.0.0.1", port=port).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    {"webhook": webhook, "smtp": smtp}[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
