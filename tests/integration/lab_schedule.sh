#!/usr/bin/env bash
# The scheduler in `serve` through the two-hall lab, with an injected
# clock (DRILLHALL_SCHED_CLOCK names a file: an RFC 3339 instant that then
# runs with the real clock). Ten systems are due across app-a (hall A) and
# app-b (hall B), each host with max_jobs = 1, plus one whose backup is
# missing:
#  1. outside the restore window (13:30 Stockholm) nothing starts;
#  2. inside it (01:30) every test starts with trigger `schedule`, never
#     two at once on one host (records' start and finish times), never-run
#     first in id order; the failing one is not retried in that window;
#  3. serve stopped, restarted "three days" later (clock +3d): the backlog
#     starts oldest due first (the shorter interval was due earlier; the
#     never-passed one before all), within the limits, and the failing one
#     is tried once more, in the new window.
# `serve --now` is refused.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
agent="$DH_BIN/drillhall-agent"
ctl="$DH_BIN/drillhall"
lab="$DH_SRC/tests/lab/lab.sh"
w=$(mktemp -d --suffix=.dh-lab-sched)
spid=
trap 'lab_cleanup "$w" "$spid"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 40 "$w"/serve.err >&2 2>/dev/null; exit 1; }
lport=$(freeport 127.0.0.1) pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
printf '[action slow]\ncommand = /bin/sleep 1\ntimeout = 1m\n' >"$w/actions.ini"
bash "$lab" start "$w/lab" --agent "$agent" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb >/dev/null
b="$w/lab/backup"
mkdir -p "$b/src" "$b/tar/ok" "$b/tar/empty"
for i in 1 2 3; do echo "fil $i" >"$b/src/f$i.txt"; done
tar -C "$b/src" -czf "$b/tar/ok/ok-1.tar.gz" .

p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
printf '[windows]\nrestore = mon-sun 01:00-05:00\nfailover = sat 01:00-05:00\n' >>"$p/policy.ini"
sed '/^\[host /a max_jobs = 1' "$w/lab/inventory.ini" >"$p/inventory.ini"
sys() { # ID HOST EVERY REPO
	printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = %s\navailability = 2\nrestore_test_every = %s\n[restore]\nhost = %s\nmethod = tar\nrepository = %s\nverify = min_files 3\nverify = action slow\n' \
		"$1" "$3" "$2" "$4" >"$p/systems/$1.ini"
}
# s01..s10 alternate between the hosts; s_i is tested every (20 - i) hours,
# so after the first round the highest id is due first
for i in $(seq 1 10); do
	id=$(printf 's%02d' "$i")
	sys "$id" "$([ $((i % 2)) = 1 ] && echo app-a || echo app-b)" "$((20 - i))h" "$b/tar/ok"
done
sys broken app-b 30d "$b/tar/empty"
opts=(--plans "$p" --db "$w/dh.db" --config /dev/null --listen "127.0.0.1:$lport")
dh() { "$ctl" "$@" "${opts[@]}"; }
"$ctl" check --plans "$p" --config /dev/null >"$w/check.out" 2>&1 || fail "the plans do not check: $(cat "$w/check.out")"

# Instants in Stockholm time, from tomorrow: 13:30 (closed) and 01:30 (open)
at() { python3 -c "
import datetime, zoneinfo, sys
z = zoneinfo.ZoneInfo('Europe/Stockholm')
d = datetime.datetime.now(z).date() + datetime.timedelta(days=int(sys.argv[1]))
t = datetime.datetime.combine(d, datetime.time(int(sys.argv[2]), 30), z)
print(t.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$@"; }
clock="$w/clock"
export DRILLHALL_SCHED_CLOCK="$clock"
serve() {
	"$ctl" serve "${opts[@]}" >>"$w/serve.out" 2>>"$w/serve.err" &
	spid=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$lport/healthz" >/dev/null && return; sleep 0.05; done
	fail "serve did not come up"
}
# serve stops cleanly on SIGTERM (exit 0; under ASan also no leak or error)
stop_serve() {
	local rc=0
	kill "$spid"
	wait "$spid" || rc=$?
	spid=
	[ $rc = 0 ] || fail "serve exited $rc on SIGTERM"
}
records() { sqlite3 "$w/dh.db" "SELECT count(*) FROM records WHERE system LIKE 's%'"; }
wait_records() { # N SECONDS
	for _ in $(seq $(($2 * 5))); do [ "$(records)" -ge "$1" ] && return; sleep 0.2; done
	fail "only $(records) of $1 records after $2 s"
}

rc=0
"$ctl" serve --now 2026-12-01T00:00:00Z "${opts[@]}" 2>"$w/now.err" || rc=$?
[ $rc = 2 ] && grep -- '--now is refused' "$w/now.err" >/dev/null || fail "serve --now: exit $rc"
echo "ok: serve --now is refused"

# 1. outside the window nothing starts
echo "$(at 1 13)" >"$clock"
serve
sleep 3
grep 'CLOCK IS INJECTED' "$w/serve.err" >/dev/null || fail "serve does not say its clock is injected"
[ "$(sqlite3 "$w/dh.db" 'SELECT count(*) FROM jobs')" = 0 ] || fail "a job started outside the window"
echo "ok: nothing starts outside the restore window (13:30 Europe/Stockholm)"

# 2. inside the window: everything, one per host at a time, never-run by id
echo "$(at 2 1)" >"$clock"
t0=$(date +%s)
wait_records 10 90
sleep 3 # ticks in the same window opening: the failed one must not be retried
echo "ok: ten tests ran in $(($(date +%s) - t0)) s"
check() { # PHASE: the records of that phase (after the first N)
	dh history --format json >"$w/hist$1.json"
	python3 - "$w/hist$1.json" "$1" <<'PY' || fail "phase $1: see above"
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
phase = sys.argv[2]
recs.sort(key=lambda r: (r["started_at"], r["id"]))
def fail(msg):
    print("FAIL:", msg, file=sys.stderr); sys.exit(1)
for r in recs:
    if r["trigger"] != "schedule":
        fail(f"{r['id']}: trigger {r['trigger']}")
ok = [r for r in recs if r["system"] != "broken"]
broken = [r for r in recs if r["system"] == "broken"]
want_ok, want_broken = (10, 1) if phase == "1" else (20, 2)
if len(ok) != want_ok or len(broken) != want_broken:
    fail(f"{len(ok)} records of s01..s10 and {len(broken)} of broken, want {want_ok} and {want_broken}")
if any(r["verdict"] != "passed" for r in ok):
    fail("not all passed: " + ", ".join(f"{r['system']} {r['verdict']}" for r in ok))
if broken[-1]["verdict"] == "passed":
    fail("broken passed")
run = ok[10:] if phase == "2" else ok
for host in ("app-a", "app-b"):
    mine = [r for r in recs if r["hosts"] == [host]]
    for a, b in zip(mine, mine[1:]):
        if b["started_at"] < a["finished_at"]:
            fail(f"{host}: {b['system']} started {b['started_at']} before {a['system']} finished {a['finished_at']}")
    order = [r["system"] for r in run if r["hosts"] == [host]]
    ids = sorted(order, reverse=(phase == "2"))
    if order != ids:
        fail(f"{host}: started in order {order}, want {ids}")
    print(f"ok: phase {phase}: {host} ran {' '.join(order)}, one at a time")
PY
}
check 1
echo "ok: every record's trigger is schedule; the failing test ran once in this window"

# 3. serve stopped for three days: the backlog, oldest due first
stop_serve
echo "$(at 5 1)" >"$clock"
serve
wait_records 20 90
sleep 2
check 2
stop_serve
echo "PASS lab_schedule"
