#!/usr/bin/env bash
# The scheduler in `serve` through the lab with an injected clock
# (DRILLHALL_SCHED_CLOCK), for the limits and windows lab_schedule.sh
# does not cover (SPEC "Scheduler", "Controller configuration"):
#  1. the GLOBAL max_jobs: six restore tests due on three hosts, each host
#     allowing 4 jobs, controller.ini [controller] max_jobs = 2: never
#     more than two tests at once over all hosts (the records' start and
#     finish, and the verify action's own start and end stamps), and two
#     at once at some point (the limit is 2, not 1);
#  2. failover drills start only in the failover window: on a Friday at
#     01:30 Stockholm the restore window is open and the tests above run,
#     but the drill of `sql` (due: never drilled) does not start; on the
#     Saturday at 01:30 the failover window opens and the drill runs, with
#     trigger `schedule`, through the lab's action jobs, and passes.
# Needs root (the lab starts sshd).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
ctl="$DH_BIN/drillhall"
lab="$DH_SRC/tests/lab/lab.sh"
[ "$(id -u)" = 0 ] || { echo "FAIL: sched_limits needs root (the lab starts sshd)" >&2; exit 1; }
w=$(mktemp -d --suffix=.dh-sched-limits)
spid=
trap 'lab_cleanup "$w" "$spid"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 40 "$w"/serve.err >&2 2>/dev/null; exit 1; }
lport=$(freeport 127.0.0.1) pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3) pc=$(freeport 127.0.0.2)

# the verify action stamps its start and end; the drill's actions move a role file
mkdir -p "$w/bin"
: >"$w/stamps" && echo A >"$w/role"
act() { # NAME BODY
	printf '#!/bin/sh\n%s\n' "$2" >"$w/bin/$1"
	chmod 755 "$w/bin/$1"
	printf '[action %s]\ncommand = %s/bin/%s\ntimeout = 1m\n' "$1" "$w" "$1" >>"$w/actions.ini"
}
act slow "echo \"start \$\$ \$(date +%s.%N)\" >>$w/stamps; sleep 3; echo \"end \$\$ \$(date +%s.%N)\" >>$w/stamps"
act fence 'echo fenced'
act promote "echo B >$w/role; echo promoted"
act demote "echo A >$w/role; echo demoted"
act is-a "[ \"\$(cat $w/role)\" = A ]"
act is-b "[ \"\$(cat $w/role)\" = B ]"
bash "$lab" start "$w/lab" --agent "$DH_BIN/drillhall-agent" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb app-c=127.0.0.2:$pc >/dev/null
b="$w/lab/backup"
mkdir -p "$b/src" "$b/ok"
for i in 1 2 3; do echo "fil $i" >"$b/src/f$i.txt"; done
tar -C "$b/src" -czf "$b/ok/ok-1.tar.gz" .

p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
printf '[windows]\nrestore = mon-sun 01:00-05:00\nfailover = sat 01:00-05:00\n' >>"$p/policy.ini"
sed '/^\[host /a max_jobs = 4' "$w/lab/inventory.ini" >"$p/inventory.ini"
hosts=(app-a app-b app-c)
for i in 1 2 3 4 5 6; do
	printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = System %s\navailability = 2\n[restore]\nhost = %s\nmethod = tar\nrepository = %s\nverify = min_files 3\nverify = action slow\n' \
		"$i" "${hosts[$((i % 3))]}" "$b/ok" >"$p/systems/s$i.ini"
done
cat >"$p/systems/sql.ini" <<INI
[system]
name = SQL
board = Kommunstyrelsen
classified = 2025-01-15
availability = 3
rto = 1m
failover_drill_every = 7d
[failover]
primary = app-a
standby = app-b
primary_health = app-a is-a
step = app-a fence
step = app-b promote
health = app-b is-b
failback = app-b demote
timeout = 30s
INI
printf '[controller]\nmax_jobs = 2\n' >"$w/controller.ini"
"$ctl" check --plans "$p" --config "$w/controller.ini" >"$w/check.out" 2>&1 ||
	fail "the plans do not check: $(cat "$w/check.out")"
opts=(--plans "$p" --db "$w/dh.db" --config "$w/controller.ini" --listen "127.0.0.1:$lport")

# 01:30 Stockholm on the next Friday (DAY=0) or the Saturday after it (DAY=1)
at() { python3 -c "
import datetime, zoneinfo, sys
z = zoneinfo.ZoneInfo('Europe/Stockholm')
d = datetime.datetime.now(z).date() + datetime.timedelta(days=1)
d += datetime.timedelta(days=(4 - d.weekday()) % 7 + int(sys.argv[1]))
t = datetime.datetime.combine(d, datetime.time(1, 30), z)
print(t.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$1"; }
clock="$w/clock"
export DRILLHALL_SCHED_CLOCK="$clock"
records() { sqlite3 "$w/dh.db" "SELECT count(*) FROM records WHERE kind = '$1'"; }
wait_records() { # KIND N SECONDS
	for _ in $(seq $(($3 * 5))); do [ "$(records "$1")" -ge "$2" ] && return; sleep 0.2; done
	fail "only $(records "$1") of $2 $1 records after $3 s"
}

# 1. Friday 01:30: the restore window only; at most two tests at once
echo "$(at 0)" >"$clock"
"$ctl" serve "${opts[@]}" >>"$w/serve.out" 2>>"$w/serve.err" &
spid=$!
grep_log() { grep -F "$1" "$w/serve.err" >/dev/null; }
for _ in $(seq 50); do grep_log "at most 2 jobs at once" && break; sleep 0.2; done
grep_log "at most 2 jobs at once" || fail "serve does not say the global limit is 2"
t0=$SECONDS
wait_records restore 6 120
echo "ok: six restore tests ran in $((SECONDS - t0)) s"
sleep 3 # the scheduler ticks on in the restore window: no drill may start
[ "$(sqlite3 "$w/dh.db" "SELECT count(*) FROM jobs WHERE kind = 'failover'")" = 0 ] ||
	fail "a drill started outside the failover window"
"$ctl" history --format json "${opts[@]}" >"$w/hist1.json"
python3 - "$w/hist1.json" "$w/stamps" <<'PY' || fail "the global limit: see above"
import json, sys
recs = [r for r in json.load(open(sys.argv[1]))["records"] if r["kind"] == "restore"]
assert len(recs) == 6, len(recs)
for r in recs:
    assert r["trigger"] == "schedule" and r["verdict"] == "passed", (r["id"], r["trigger"], r["verdict"])
def most_at_once(spans):
    # ends before starts at the same instant: [start, end) intervals
    ev = sorted([(s, 1) for s, e in spans] + [(e, -1) for s, e in spans], key=lambda x: (x[0], x[1]))
    n = top = 0
    for _, d in ev:
        n += d
        top = max(top, n)
    return top
rec_top = most_at_once([(r["started_at"], r["finished_at"]) for r in recs])
st = {}
for line in open(sys.argv[2]):
    what, system, t = line.split()
    st.setdefault(system, {})[what] = float(t)
assert len(st) == 6 and all(len(v) == 2 for v in st.values()), st
act_top = most_at_once([(v["start"], v["end"]) for v in st.values()])
hosts = {h for r in recs for h in r["hosts"]}
print(f"ok: records at most {rec_top} at once, verify actions at most {act_top} at once, over hosts {sorted(hosts)}")
assert len(hosts) == 3, hosts
assert rec_top <= 2 and act_top <= 2, (rec_top, act_top)
assert act_top == 2, "never two at once: the global limit acted as 1"
PY
echo "ok: never more than max_jobs = 2 tests at once over three hosts (each allowing 4)"
echo "ok: no drill started while only the restore window was open"

# 2. Saturday 01:30: the failover window opens, the drill starts
echo "$(at 1)" >"$clock"
wait_records failover 1 60
"$ctl" history --format json "${opts[@]}" >"$w/hist2.json"
jq -e '[.records[] | select(.kind == "failover")] | length == 1 and .[0].system == "sql"
	and .[0].trigger == "schedule" and .[0].verdict == "passed"' "$w/hist2.json" >/dev/null ||
	fail "the scheduled drill: $(jq -c '[.records[] | select(.kind == "failover") | {system, trigger, verdict}]' "$w/hist2.json")"
[ "$(records restore)" = 6 ] || fail "restore tests ran again: $(records restore)"
[ "$(cat "$w/role")" = A ] || fail "production not back on app-a after the drill"
grep_log "scheduler: starting the failover drill of sql" || fail "serve did not log the drill's start"
echo "ok: the drill started in the failover window (Saturday 01:30), trigger schedule, passed"
kill "$spid"
rc=0
wait "$spid" || rc=$?
spid=
[ $rc = 0 ] || fail "serve exited $rc on SIGTERM"
echo "PASS sched_limits"
