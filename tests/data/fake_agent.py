#!/usr/bin/python3
"""A stand-in for `drillhall-agent` behind the SSH fixture's forced
command, for the controller's dispatch tests (the real agent is tested on
its own branch). SSH_ORIGINAL_COMMAND=version prints a version; =run
reads the job on stdin, says "accepted", detaches, and reports signed
events to the job's url, retrying until 2xx. The system id steers it:
  *fail*    the record says failed       *reject*  exits 1 without accepting
  *silent*  accepts but never reports    *slow*    reports after 3 s
  *flaky*   reports, but the session ends with exit 255 (as when it drops)
  otherwise passed
"""
import hashlib, hmac, json, os, sys, time, urllib.request


def post(url, job, token, ev):
    body = json.dumps(ev).encode()
    deadline = time.time() + 60
    while time.time() < deadline:
        t = int(time.time())
        sig = hmac.new(token.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        req = urllib.request.Request(f"{url}/api/v1/jobs/{job}/events", data=body,
                                     headers={"X-Drillhall-Signature": f"t={t},sig={sig}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if 200 <= r.status < 300:
                    return
        except Exception:
            pass
        time.sleep(0.2)


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def main():
    cmd = os.environ.get("SSH_ORIGINAL_COMMAND", "")
    if cmd == "version":
        print("drillhall-agent 0.1.0-fake")
        return 0
    if cmd != "run":
        print(f"refused: {cmd}", file=sys.stderr)
        return 3
    job = json.loads(sys.stdin.read())
    system = job["system"]
    if "reject" in system:
        print("job refused: repository outside backup_roots", file=sys.stderr)
        return 1
    print(f"accepted {job['job']}", flush=True)
    if os.fork() > 0:
        if "flaky" in system:
            time.sleep(1.5)
            return 255
        return 0
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    for fd in (0, 1, 2):
        os.close(fd)
    if "silent" in system:
        os._exit(0)
    if "slow" in system:
        time.sleep(3)
    url, jid, tok = job["url"], job["job"], job["token"]
    post(url, jid, tok, {"job": jid, "seq": 1, "type": "accepted", "at": now(), "host": "fake"})
    verdict = "failed" if "fail" in system else "passed"
    rec = {"id": jid, "system": system, "kind": "restore", "verdict": verdict,
           "started_at": now(), "finished_at": now(), "backup_at": now(),
           "rpo_target_s": job["rpo_target_s"], "rpo_actual_s": 5,
           "rto_target_s": job["rto_target_s"], "rto_actual_s": 1,
           "checks": [{"name": "min_files 1", "verdict": verdict, "detail": "3 files"}],
           "files_verified": 3, "bytes_verified": 300, "mismatches": [],
           "agent_host": "fake", "agent_version": "0.1.0-fake"}
    post(url, jid, tok, {"job": jid, "seq": 2, "type": "finished", "at": now(),
                         "host": "fake", "record": rec})
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
