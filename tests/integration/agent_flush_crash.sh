#!/usr/bin/env bash
# kill -9 of the real controller (`drillhall serve`) during a burst of
# 10,000 events sent by several real agents (`drillhall-agent flush` over
# their spools), then a restart: the agents' retries deliver the rest, a
# last flush finds nothing, and every event is stored exactly once. The
# spools are filled the way `run` leaves them when the controller is away:
# `<job>.<seq>.json` events and a 0600 `<job>.job` state per job; the jobs
# are put in the controller's database as dispatch would.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
agent="$DH_BIN/drillhall-agent"
ctl="$DH_BIN/drillhall"
agents=4 jobs_per_agent=2 per_job=1250
total=$((agents * jobs_per_agent * per_job))
work=$(mktemp -d --suffix=.dh-flush-crash)
pid=
trap 'stop_and_remove "$work"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/serve.log "$work"/flush-*.err >&2 || true; exit 1; }

port=$(freeport 127.0.0.1)
db=$work/dh.db
start() {
	"$ctl" serve --quiet --db "$db" --listen "127.0.0.1:$port" --config /dev/null \
		2>>"$work/serve.log" &
	pid=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return
		sleep 0.05
	done
	fail "serve did not come up"
}
stored() { sqlite3 "$db" 'SELECT count(*) FROM events' 2>/dev/null || echo 0; }

start
# The agents' spools, as `run` leaves them while the controller is away.
python3 - "$work" "$port" "$agents" "$jobs_per_agent" "$per_job" <<'EOF'
import json, os, secrets, sys, time
work, port, agents, jobs, per_job = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
with open(f"{work}/jobs.sql", "w") as sql:
    for a in range(1, agents + 1):
        spool = f"{work}/agent-{a}/spool"
        os.makedirs(spool, mode=0o700)
        with open(f"{work}/agent-{a}/agent.ini", "w") as f:
            f.write(f"[agent]\nscratch = {work}/agent-{a}/scratch\nspool = {spool}\n"
                    f"backup_roots = {work}\n")
        os.makedirs(f"{work}/agent-{a}/scratch")
        for j in range(1, jobs + 1):
            job, tok = f"burst-{a}-{j}", secrets.token_hex(32)
            sql.write(f"INSERT INTO jobs (id, system, kind, trigger, host, token, state, "
                      f"created_at, plan_revision, rpo_target_s, rto_target_s, timeout_s) "
                      f"VALUES ('{job}', 'sys{a}', 'restore', 'manual', 'h{a}', '{tok}', "
                      f"'dispatched', 0, 'r1', 3600, 7200, 14400);\n")
            fd = os.open(f"{spool}/{job}.job", os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, f"url=http://127.0.0.1:{port}\ntoken={tok}\ndone=0\n".encode())
            os.close(fd)
            for s in range(1, per_job + 1):
                ev = {"job": job, "seq": s, "type": "step", "at": at, "host": f"agent-{a}",
                      "step": "burst", "detail": f"event {s} of {per_job}"}
                with open(f"{spool}/{job}.{s:010d}.json", "w") as f:
                    json.dump(ev, f)
EOF
sqlite3 "$db" <"$work/jobs.sql"

# The burst: every agent flushes at once, with time to ride out the crash.
for a in $(seq 1 "$agents"); do
	"$agent" --config "$work/agent-$a/agent.ini" flush --retry-for 90s \
		>"$work/flush-$a.out" 2>"$work/flush-$a.err" &
	echo $! >>"$work/flush.pids"
done
for _ in $(seq 400); do
	[ "$(stored)" -ge 1500 ] && break
	sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
before=$(stored)
sleep 0.5
start
for p in $(cat "$work/flush.pids"); do
	wait "$p" || fail "a flush did not deliver everything (exit $?)"
done
[ "$before" -lt "$total" ] || fail "the kill came after the burst ($before stored)"

# A later flush finds nothing; every event is stored exactly once.
for a in $(seq 1 "$agents"); do
	"$agent" --config "$work/agent-$a/agent.ini" flush >"$work/again-$a.out" ||
		fail "second flush of agent $a"
	grep -q '^delivered 0, rejected 0, pending 0' "$work/again-$a.out" ||
		fail "agent $a: $(cat "$work/again-$a.out")"
	left=$(find "$work/agent-$a/spool" -name '*.json*' | wc -l)
	[ "$left" = 0 ] || fail "agent $a spool still holds $left files"
done
got=$(stored)
[ "$got" = "$total" ] || fail "stored $got events, expected $total"
distinct=$(sqlite3 "$db" "SELECT count(DISTINCT job || ':' || seq) FROM events")
[ "$distinct" = "$total" ] || fail "duplicates stored"
delivered=$(cat "$work"/flush-*.out | awk '{ gsub(",", ""); n += $2 } END { print n }')
echo "agent_flush_crash: ok ($agents agents, $total events; $before stored before" \
	"kill -9, $got after the restart, each once; the agents counted $delivered 2xx)"
