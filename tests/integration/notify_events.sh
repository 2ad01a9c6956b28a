#!/usr/bin/env bash
# Notifications of every event but `failed` and `standby_left` end to end
# (SPEC "Notifications"; notify.sh has `failed`, notify_drill.sh
# `standby_left`): the lab's host app-b, the real agent and tar, a real
# SQLite file, and the webhook receiver and SMTP sink of
# tests/integration/notify_sinks.py. serve runs with [notify] on = error,
# overdue, action_opened, action_closed, audit_broken (not `failed`) and an
# injected clock (DRILLHALL_SCHED_CLOCK: the notifier's periodic checks
# follow it; the plan has no windows, so the scheduler starts nothing):
#  1. a restore test of a repository that does not exist is `error`: one
#     webhook and one mail for the error and one for the corrective action
#     it opens;
#  2. a failing test sends nothing for `failed` (not in `on`; its outbox
#     row exists) but one `action_opened`; the passing test after it one
#     `action_closed`;
#  3. two passed systems tested every 24h and 25h, the clock moved 24h on
#     and running 600 times fast (an overdue check every tick): the first is
#     overdue at once, the second about 6 s later (so the check ran again
#     and again); each gives exactly one `overdue`, however many ticks
#     follow;
#  4. an audit record changed with the sqlite3 CLI while serve runs: one
#     `audit_broken` naming that record, and no second one over the
#     checks that follow.
# Each webhook has the spec's JSON keys; each mail's subject and body name
# the system (when there is one) and the event. Needs root (the lab).
source "$(dirname "$0")/notify_lib.bash"

pb=$(freeport 127.0.0.3)
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	"app-b=127.0.0.3:$pb" >/dev/null
bk=$work/lab/backup
mkdir -p "$work/data/var/lib" "$bk/fix" "$bk/late" "$bk/later"
for i in 1 2 3; do echo "rad $i" >"$work/data/var/lib/f$i.txt"; done
tar -C "$work/data" -czf "$work/good.tar.gz" var
cp "$work/good.tar.gz" "$bk/late/"
cp "$work/good.tar.gz" "$bk/later/"
plans=$work/plans
mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT nowindows
cp "$work/lab/inventory.ini" "$plans/"
system() { # ID REPOSITORY [EVERY]
	printf '[system]\nname = System %s\nboard = Kommunstyrelsen\nclassified = 2026-01-15\navailability = 2\n' "$1"
	[ -z "${3:-}" ] || printf 'restore_test_every = %s\n' "$3"
	printf '[restore]\nhost = app-b\nmethod = tar\nrepository = %s\nverify = min_files 3\n' "$2"
}
system gone "$bk/gone" >"$plans/systems/gone.ini"
system fix "$bk/fix" >"$plans/systems/fix.ini"
system late "$bk/late" 24h >"$plans/systems/late.ini"
system later "$bk/later" 25h >"$plans/systems/later.ini"
"$bin/drillhall" check --plans "$plans" --config /dev/null >"$work/check.out" 2>&1 ||
	fail "the plans do not check: $(cat "$work/check.out")"
db=$work/dh.db
cat >"$work/controller.ini" <<INI
[controller]
public_url = https://drillhall.example.se:8443
[notify]
webhook = http://127.0.0.1:$hport/hooks/drift
email_to = it-drift@example.se
email_from = drillhall@example.se
smtp = smtp://127.0.0.1:$sport
on = error, overdue, action_opened, action_closed, audit_broken
INI
clock=$work/clock
date -u +%Y-%m-%dT%H:%M:%SZ >"$clock"
export DRILLHALL_SCHED_CLOCK=$clock
start_mail
start_hook
start_serve

run() { # ID WANT-EXIT: a restore test stored by the running serve; prints the record id
	local rc=0
	"$bin/drillhall" --plans "$plans" --db "$db" --config "$work/controller.ini" run restore "$1" \
		--listen "127.0.0.1:$lport" --format json >"$work/run-$1.out" 2>"$work/run-$1.err" || rc=$?
	[ $rc = "$2" ] || fail "restore test of $1: exit $rc, not $2: $(cat "$work/run-$1.err")"
	jq -r .id "$work/run-$1.out"
}
# expect EVENT SYSTEM KIND VERDICT RECORD SUMMARY-PART: exactly one webhook
# and one mail of EVENT about SYSTEM ("-": none), with these fields
expect() {
	/usr/bin/python3 - "$hooks" "$mails" "$@" <<'PY' || fail "$1 of $2: see above"
import email, email.header, json, os, sys
hooks, mails, event, system, kind, verdict, record, part = sys.argv[1:]
none = lambda v: None if v == "-" else v
system, kind, verdict, record = map(none, (system, kind, verdict, record))
base = "https://drillhall.example.se:8443/"
hs = [h for h in map(json.loads, open(hooks)) if h["event"] == event and h["system"] == system]
assert len(hs) == 1, f"{len(hs)} webhooks of {event} {system}"
h = hs[0]
assert set(h) == {"event", "system", "kind", "verdict", "record", "at", "summary", "url", "text"}, h
assert (h["kind"], h["verdict"], h["record"]) == (kind, verdict, record), h
assert h["at"].endswith("Z") and part in h["summary"], h
want_url = base + ("records/" + record if record else "systems/" + system if system else "").rstrip("/")
assert h["url"] == want_url.rstrip("/"), (h["url"], want_url)
assert "\n" not in h["text"] and h["summary"] in h["text"], h
ms = []
for f in os.listdir(mails):
    m = email.message_from_bytes(open(os.path.join(mails, f), "rb").read())
    body = m.get_payload(decode=True).decode()
    if f"event: {event}\r\n" in body and (system is None or f"system: {system}\r\n" in body):
        if system is not None or "system: " not in body:
            ms.append((m, body))
assert len(ms) == 1, f"{len(ms)} mails of {event} {system}"
m, body = ms[0]
subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
assert subject == "drillhall: " + h["summary"], (subject, h["summary"])
assert system is None or system in subject, subject
assert m["Date"] and m["Message-ID"].startswith("<drillhall."), (m["Date"], m["Message-ID"])
assert record is None or f"record: {record}\r\n" in body, body
print(f"ok: {event} {system or ''}: one webhook, one mail: {subject}")
PY
}

# 1. error: the test's error and the corrective action it opens
gone=$(run gone 2)
wait_for 30 "the error's notifications" both 2
expect error gone restore error "$gone" "restore test of gone error"
expect action_opened gone restore - "$gone" "opened for the restore of gone"

# 2. failed is not in `on`: nothing for it, but its action opens; a pass closes it
fix1=$(run fix 1)
wait_for 30 "the action opened by the failure" both 3
cp "$work/good.tar.gz" "$bk/fix/"
fix2=$(run fix 0)
wait_for 30 "the action closed by the pass" both 4
expect action_opened fix restore - "$fix1" "opened for the restore of fix"
expect action_closed fix restore - "$fix2" "for the restore of fix closed"
[ "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE event = 'failed' AND record = '$fix1'")" = 1 ] ||
	fail "the failure is not in the outbox"
[ "$(sqlite3 "$db" "SELECT count(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox WHERE o.event = 'failed'")" = 0 ] ||
	fail "a failed event (not in [notify] on) was planned for delivery"
grep -h '"event":"failed"' "$hooks" >/dev/null && fail "a webhook for failed, which on does not name"
grep -l 'event: failed' "$mails"/*.eml >/dev/null 2>&1 && fail "a mail for failed, which on does not name"
echo "ok: failed (not in on) sent nothing"

# 3. overdue, once per system, kind and due date
late=$(run late 0)
later=$(run later 0)
sleep 2 # anything else sent would arrive by now
[ "$(hook_count)" = 4 ] || fail "$(hook_count) webhooks before the clock moved, want 4"
t=$(jq -r .started_at "$work/run-late.out")
echo "$(date -u -d "$t + 24 hours + 1 minute" +%Y-%m-%dT%H:%M:%SZ) x600" >"$clock"
wait_for 30 "late's overdue" both 5
expect overdue late restore passed "$late" "restore test of late overdue since"
wait_for 40 "later's overdue (25h)" both 6
expect overdue later restore passed "$later" "restore test of later overdue since"
sleep 4 # four more ticks, each an overdue check
[ "$(hook_count)" = 6 ] && [ "$(mail_count)" = 6 ] ||
	fail "$(hook_count) webhooks and $(mail_count) mails after the overdue checks, want 6 and 6"
[ "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE event = 'overdue'")" = 2 ] ||
	fail "not two overdue events in the outbox"
echo "ok: overdue once per system over the ticks that followed"

# 4. audit_broken: once, naming the record
# (a failure made a pass after the fact: the records row, not its audit entry)
sqlite3 "$db" "UPDATE records SET verdict = 'passed' WHERE job = '$fix1'"
bad=$(sqlite3 "$db" "SELECT seq FROM audit WHERE kind = 'verdict' AND ref = '$fix1'")
[ -n "$bad" ] || fail "record $fix1 is not in the audit chain"
wait_for 30 "the audit_broken notification" both 7
expect audit_broken - - - - "the audit chain is broken at record $bad: the verdict $fix1 was changed after it was audited"
t0=$(sqlite3 "$db" "SELECT at FROM audit_checks")
wait_for 30 "two more audit checks" eval '[ "$(sqlite3 "$db" "SELECT at FROM audit_checks")" -ge $((t0 + 8)) ]'
[ "$(sqlite3 "$db" "SELECT bad_seq FROM audit_checks")" = "$bad" ] || fail "the last audit check does not name $bad"
sleep 1
[ "$(hook_count)" = 7 ] && [ "$(mail_count)" = 7 ] ||
	fail "$(hook_count) webhooks and $(mail_count) mails after more audit checks, want 7 and 7"
"$bin/drillhall" --db "$db" audit verify >"$work/verify.out" 2>&1 && fail "audit verify passes a changed chain"
echo "ok: audit_broken once, naming record $bad"
# serve stops cleanly on SIGTERM (exit 0; under ASan also no leak or error)
kill "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ $rc = 0 ] || fail "serve exited $rc on SIGTERM"
echo "PASS notify_events"
