#!/usr/bin/env bash
# The whole path in the two-hall lab: `drillhall run restore` dispatches
# over SSH (libssh2, host keys pinned) to the lab's sshd in hall A and
# hall B, whose forced command is the real `drillhall-agent run`; the agent
# accepts, detaches, restores real backups (restic in hall A, tar in hall
# B), and reports signed events to the controller, which prints the
# record. A damaged backup (a file changed after its manifest was taken)
# fails and the record names the file. Then the controller is down while
# an agent finishes: the events wait in the agent's spool and
# `drillhall-agent flush` delivers them once `serve` is back, stored once.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
agent="$DH_BIN/drillhall-agent"
ctl="$DH_BIN/drillhall"
command -v restic >/dev/null || { echo "FAIL: restic not installed" >&2; exit 1; }
lab="$DH_SRC/tests/lab/lab.sh"
w=$(mktemp -d --suffix=.dh-lab-run)
spid=
trap 'lab_cleanup "$w" "$spid"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 30 "$w"/*.out "$w"/*.err 2>/dev/null >&2; exit 1; }
lport=$(freeport 127.0.0.1) pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
printf '[action slow]\ncommand = /bin/sleep 3\ntimeout = 1m\n' >"$w/actions.ini"
bash "$lab" start "$w/lab" --agent "$agent" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$w/actions.ini" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb >/dev/null
b="$w/lab/backup"

# Backups: restic (hall A), tar (hall B), a tar whose content changed
# after its manifest was written (damaged).
mkdir -p "$b/src/payroll/2026" "$b/src/cases" "$b/manifests"
for i in 1 2 3; do echo "lön $i" >"$b/src/payroll/2026/m$i.txt"; done
for i in 1 2; do echo "ärende $i" >"$b/src/cases/c$i.txt"; done
echo "restic-demo-password" >"$b/restic.pw"
restic -q init -r "$b/restic/payroll" --password-file "$b/restic.pw" --no-cache
(cd "$b/src/payroll" && restic -q -r "$b/restic/payroll" --password-file "$b/restic.pw" \
	--no-cache backup .)
"$agent" manifest "$b/src/payroll" >"$b/manifests/payroll.sha256"
mkdir -p "$b/tar/cases" "$b/tar/archive"
tar -C "$b/src/cases" -czf "$b/tar/cases/cases-1.tar.gz" .
"$agent" manifest "$b/src/cases" >"$b/manifests/cases.sha256"
"$agent" manifest "$b/src/cases" >"$b/manifests/archive.sha256"
echo "ändrat efter manifestet" >"$b/src/cases/c2.txt"
tar -C "$b/src/cases" -czf "$b/tar/archive/archive-1.tar.gz" .
# a stale backup: complete, but two days old against an rpo of 4h
mkdir -p "$b/tar/old"
tar -C "$b/src/payroll" -czf "$b/tar/old/old-1.tar.gz" .
touch -d '2 days ago' "$b/tar/old/old-1.tar.gz"

p="$w/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$w/lab/inventory.ini" "$p/inventory.ini"
printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = Lön\navailability = 2\n[restore]\nhost = app-a\nmethod = restic\nrepository = %s\npassword_file = %s\nverify = manifest %s\nverify = min_files 3\n' \
	"$b/restic/payroll" "$b/restic.pw" "$b/manifests/payroll.sha256" >"$p/systems/payroll.ini"
printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = Ärenden\navailability = 2\n[restore]\nhost = app-b\nmethod = tar\nrepository = %s\nverify = manifest %s\n' \
	"$b/tar/cases" "$b/manifests/cases.sha256" >"$p/systems/cases.ini"
printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = E-arkiv\navailability = 1\n[restore]\nhost = app-b\nmethod = tar\nrepository = %s\nverify = manifest %s\n' \
	"$b/tar/archive" "$b/manifests/archive.sha256" >"$p/systems/archive.ini"
printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = Långsam\navailability = 2\n[restore]\nhost = app-b\nmethod = tar\nrepository = %s\nverify = action slow\n' \
	"$b/tar/cases" >"$p/systems/late.ini"
printf '[system]\nboard = Kommunstyrelsen\nclassified = 2025-01-15\nname = Gammal backup\navailability = 2\n[restore]\nhost = app-a\nmethod = tar\nrepository = %s\nverify = min_files 3\n' \
	"$b/tar/old" >"$p/systems/stale.ini"
opts=(--plans "$p" --db "$w/dh.db" --config /dev/null --listen "127.0.0.1:$lport")
dh() { "$ctl" "$@" "${opts[@]}"; }
"$ctl" check --plans "$p" --config /dev/null >"$w/check.out" 2>&1 || fail "the lab plans do not pass check: $(cat "$w/check.out")"
# in the background without a subshell in between, so $! is the process itself
serve() {
	"$ctl" serve "${opts[@]}" >>"$w/serve.out" 2>>"$w/serve.err" &
	spid=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$lport/healthz" >/dev/null && return; sleep 0.05; done
	fail "serve did not come up"
}

# 1. restic in hall A, tar in hall B: passed
for s in payroll cases; do
	dh run restore "$s" --format json >"$w/$s.out" 2>"$w/$s.err" || fail "$s: exit $?"
	[ "$(jq -r .verdict "$w/$s.out")" = passed ] || fail "$s not passed"
done
[ "$(jq -r '.hosts[0]' "$w/payroll.out")" = app-a ] || fail "payroll did not run in hall A"
[ "$(jq -r '.hosts[0]' "$w/cases.out")" = app-b ] || fail "cases did not run in hall B"
echo "ok: restic restore in hall A and tar restore in hall B passed through the lab"

# 2. the damaged backup fails and names what differs
rc=0
dh run restore archive --format json >"$w/archive.out" 2>"$w/archive.err" || rc=$?
[ $rc = 1 ] || fail "damaged backup: exit $rc"
[ "$(jq -r .verdict "$w/archive.out")" = failed ] || fail "damaged backup not failed"
jq -e '[.mismatches[].path] | index("c2.txt") != null' "$w/archive.out" >/dev/null ||
	fail "the record does not name c2.txt: $(jq -c .mismatches "$w/archive.out")"
echo "ok: the damaged backup failed, naming c2.txt"

# 2b. the stale backup restores completely but fails on RPO
rc=0
dh run restore stale --format json >"$w/stale.out" 2>"$w/stale.err" || rc=$?
[ $rc = 1 ] || fail "stale backup: exit $rc"
[ "$(jq -r .verdict "$w/stale.out")" = failed ] || fail "stale backup not failed"
jq -e '(.checks[] | select(.name == "rpo") | .verdict) == "failed" and .rpo_actual_s > 4 * 3600
	and .rpo_target_s == 4 * 3600 and .mismatches == []' "$w/stale.out" >/dev/null ||
	fail "the stale record does not fail on rpo alone: $(jq -c '{checks, rpo_actual_s, rpo_target_s}' "$w/stale.out")"
echo "ok: the stale backup (2 days, rpo 4h) failed on RPO through hall A"

# 3. the controller is down while the agent finishes (a 3 s verify action);
#    once it is back, flush delivers and the record is complete
serve
"$ctl" run restore late "${opts[@]}" >"$w/late.out" 2>"$w/late.err" &
rpid=$!
spool="$w/lab/hosts/app-b/spool"
for _ in $(seq 200); do grep -q 'accepted by' "$w/late.err" 2>/dev/null && break; sleep 0.05; done
# nothing listens any more: neither serve nor the waiting `run` (which
# would otherwise take over the listen address)
kill -9 "$rpid" "$spid"; wait "$rpid" "$spid" 2>/dev/null || true; spid=
curl -sf "http://127.0.0.1:$lport/healthz" >/dev/null && fail "something still listens"
for _ in $(seq 300); do grep -qs '^done=1' "$spool"/*.job && break; sleep 0.1; done
grep -qs '^done=1' "$spool"/*.job || fail "the agent did not finish while serve was down"
job=$(basename "$(ls "$spool"/*.job)" .job)
pending=$(ls "$spool" | grep -c '\.json$' || true)
[ "$pending" -ge 2 ] || fail "only $pending events waiting in the spool"
# the finished event is the job's last seq
last=$(ls "$spool" | sed -n 's/^.*\.\([0-9]\{10\}\)\.json$/\1/p' | sort | tail -n 1)
last=$((10#$last))
serve
"$agent" --config "$w/lab/hosts/app-b/agent.ini" flush >"$w/flush.out" 2>"$w/flush.err" ||
	fail "flush: $(cat "$w/flush.out" "$w/flush.err")"
n=$(sqlite3 "$w/dh.db" "SELECT count(*) FROM events WHERE job='$job'")
d=$(sqlite3 "$w/dh.db" "SELECT count(DISTINCT seq) FROM events WHERE job='$job'")
# an event whose answer was lost in the kill is sent again: stored once
[ "$n" = "$d" ] && [ "$n" = "$last" ] ||
	fail "events of $job: $n stored, $d distinct, want seq 1..$last once each"
[ "$(ls "$spool" | grep -c . || true)" = 0 ] || fail "spool not empty: $(ls "$spool")"
[ "$(dh history late --format json | jq -r '.records[0].verdict')" = passed ] ||
	fail "the late job's record is not in the history as passed"
echo "ok: $pending events spooled while the controller was down, flushed, each stored once"
echo "PASS lab_run_restore"
