#!/usr/bin/env python3
"""Agent-side event sender for the integration tests and the ingest
benchmark: signs events as SPEC "Events to the controller" says
(X-Drillhall-Signature: t=UNIX,sig=HMAC-SHA256(token, t + "." + body)).

  evsend.py post BASE JOB TOKEN BODY [--skew S] [--sig VALUE] [--show]
      POST once, print the status code (--show: then the answer's body).
  evsend.py burst BASE JOBS_FILE EVENTS_PER_JOB THREADS
      JOBS_FILE has "job token" lines; each thread sends events of its
      jobs over one keep-alive connection and retries every event until a
      2xx (as the agent's spool does), surviving a controller restart.
      Prints "sent N retries R seconds S rate R/s".
  evsend.py up URL [--cacert FILE] [--wait SECONDS]
      Exit 0 once GET URL answers 2xx (TLS checked against FILE), else 1.
"""
import hashlib
import ssl
import hmac
import http.client
import json
import sys
import threading
import time
import urllib.parse
import urllib.request


def sign(token, body, skew=0):
    t = int(time.time()) + skew
    mac = hmac.new(token.encode(), f"{t}.".encode() + body, hashlib.sha256)
    return f"t={t},sig={mac.hexdigest()}"


def conn_for(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def post(conn, job, token, body, skew=0, sig=None):
    headers = {"Content-Type": "application/json",
               "X-Drillhall-Signature": sig or sign(token, body, skew)}
    conn.request("POST", f"/api/v1/jobs/{job}/events", body=body, headers=headers)
    r = conn.getresponse()
    post.answer = r.read()
    return r.status


def event(job, seq, typ="step"):
    ev = {"job": job, "seq": seq, "type": typ,
          "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
          "host": "loadgen", "step": "restore", "detail": "x" * 64}
    return json.dumps(ev).encode()


def cmd_post(argv):
    base, job, token, body = argv[:4]
    skew, sig, show = 0, None, False
    rest = argv[4:]
    while rest:
        if rest[0] == "--show":
            show, rest = True, rest[1:]
            continue
        if rest[0] == "--skew":
            skew = int(rest[1])
        elif rest[0] == "--sig":
            sig = rest[1]
        rest = rest[2:]
    data = body.encode() if not body.startswith("@") else open(body[1:], "rb").read()
    print(post(conn_for(base), job, token, data, skew, sig))
    if show:
        print(post.answer.decode(errors="replace"))


def cmd_burst(argv):
    base, jobs_file, per_job, threads = argv[0], argv[1], int(argv[2]), int(argv[3])
    jobs = [l.split() for l in open(jobs_file) if l.strip()]
    stats = {"sent": 0, "retries": 0}
    lock = threading.Lock()

    def worker(mine):
        conn = conn_for(base)
        sent = retries = 0
        for job, token in mine:
            for seq in range(1, per_job + 1):
                body = event(job, seq)
                while True:
                    try:
                        st = post(conn, job, token, body)
                        if 200 <= st < 300:
                            break
                        retries += 1
                    except (OSError, http.client.HTTPException):
                        retries += 1
                        conn.close()
                        time.sleep(0.05)
                        conn = conn_for(base)
                sent += 1
        with lock:
            stats["sent"] += sent
            stats["retries"] += retries

    t0 = time.time()
    ts = [threading.Thread(target=worker, args=(jobs[i::threads],))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.time() - t0
    print(f"sent {stats['sent']} retries {stats['retries']} seconds {dt:.2f} "
          f"rate {stats['sent'] / dt:.0f}/s")


def cmd_up(argv):
    url, cafile, wait = argv[0], None, 0.0
    rest = argv[1:]
    while rest:
        if rest[0] == "--cacert":
            cafile = rest[1]
        elif rest[0] == "--wait":
            wait = float(rest[1])
        rest = rest[2:]
    ctx = ssl.create_default_context(cafile=cafile) if cafile else None
    deadline = time.time() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5, context=ctx) as r:
                if 200 <= r.status < 300:
                    sys.exit(0)
        except Exception:
            pass
        if time.time() >= deadline:
            sys.exit(1)
        time.sleep(0.05)


if __name__ == "__main__":
    {"post": cmd_post, "burst": cmd_burst, "up": cmd_up}[sys.argv[1]](sys.argv[2:])
