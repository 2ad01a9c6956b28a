#!/usr/bin/env bash
# Notifications end to end (SPEC "Notifications") with the two-hall lab,
# the real agent, a real tar backup, a real SQLite file, a local webhook
# receiver (Python's http.server) and a local SMTP sink (aiosmtpd), both in
# tests/integration/notify_sinks.py. serve runs with [notify] on = failed:
#  1. a failed restore test gives exactly one webhook (the spec's JSON
#     keys, the system, the verdict, the record and its link, a text line)
#     and exactly one mail (UTF-8 subject per RFC 2047, Date, Message-ID,
#     the system, verdict and link);
#  2. with the webhook receiver down, a second failure is retried (serve
#     logs the failed attempt) and delivered once the receiver is back;
#  3. with the receiver down again, a third failure is left undelivered,
#     serve is killed with SIGKILL and started again: it is delivered, and
#     no notification was sent twice (each record in exactly one webhook
#     and one mail). Needs root (the lab starts sshd).
source "$(dirname "$0")/notify_lib.bash"

pb=$(freeport 127.0.0.3)
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	"app-b=127.0.0.3:$pb" >/dev/null
mkdir -p "$work/data/var/lib/proc" "$work/lab/backup/proc"
for i in 1 2 3; do echo "rad $i" >"$work/data/var/lib/proc/f$i.txt"; done
tar -C "$work/data" -czf "$work/lab/backup/proc/proc.tar.gz" var
plans=$work/plans
mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT nowindows
cp "$work/lab/inventory.ini" "$plans/"
cat >"$plans/systems/proc.ini" <<INI
[system]
name = Procapita
board = Socialnämnden
object = Socialtjänst
system_owner = Anna Exempel
contact = it@example.se
classified = 2026-01-15
confidentiality = 2
integrity = 2
availability = 2
reserve_routine = Papper.
[restore]
host = app-b
method = tar
repository = $work/lab/backup/proc
verify = min_files 5
INI
db=$work/dh.db
cat >"$work/controller.ini" <<INI
[controller]
public_url = https://drillhall.example.se:8443
[notify]
webhook = http://127.0.0.1:$hport/hooks/drift
email_to = it-drift@example.se
email_from = drillhall@example.se
smtp = smtp://127.0.0.1:$sport
on = failed
INI
run_failing() { # NAME: a failing restore test, stored by the running serve
	local rc=0
	"$bin/drillhall" --plans "$plans" --db "$db" --config "$work/controller.ini" run restore proc \
		--listen "127.0.0.1:$lport" --format json >"$work/$1.out" 2>"$work/$1.err" || rc=$?
	[ $rc = 1 ] || fail "restore test $1: exit $rc, not 1 (failed)"
	jq -r .id "$work/$1.out"
}
at_least() { [ "$($1)" -ge "$2" ]; }

start_mail
start_hook
start_serve

# 1. one failed test: one webhook, one mail
rec1=$(run_failing f1)
wait_for 20 "the first webhook and mail" eval 'at_least hook_count 1 && at_least mail_count 1'
sleep 3 # anything sent twice would arrive by now (the loop turns every second)
[ "$(hook_count)" = 1 ] || fail "webhooks after one failure: $(hook_count)"
[ "$(mail_count)" = 1 ] || fail "mails after one failure: $(mail_count)"
/usr/bin/python3 - "$hooks" "$rec1" <<'PY' || fail "webhook body: $(cat "$hooks")"
import json, sys
h = json.loads(open(sys.argv[1]).readline())
rec = sys.argv[2]
assert set(h) >= {"event", "system", "kind", "verdict", "record", "at", "summary", "url", "text"}, h
assert h["event"] == "failed" and h["system"] == "proc" and h["kind"] == "restore", h
assert h["verdict"] == "failed" and h["record"] == rec, h
assert h["url"] == "https://drillhall.example.se:8443/records/" + rec, h
assert "\n" not in h["text"] and "proc" in h["text"] and "failed" in h["text"] and h["url"] in h["text"], h
PY
/usr/bin/python3 - "$mails/1.eml" "$rec1" <<'PY' || fail "mail: $(cat "$mails/1.eml")"
import email, email.header, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
rec = sys.argv[2]
subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
assert "proc" in subject and "failed" in subject, subject
assert m["To"] == "it-drift@example.se" and m["From"] == "drillhall@example.se", (m["To"], m["From"])
assert m["Date"] and m["Message-ID"].startswith("<drillhall."), (m["Date"], m["Message-ID"])
body = m.get_payload(decode=True).decode()
assert "system: proc" in body and "verdict: failed" in body, body
assert "https://drillhall.example.se:8443/records/" + rec in body, body
PY

# 2. the receiver down for a while, then up: delivered once
stop_hook
rec2=$(run_failing f2)
wait_for 20 "the second mail" at_least mail_count 2
wait_for 20 "a failed webhook attempt in serve's log" grep -F "to webhook 1 failed (attempt 1)" "$work/serve.log"
grep -F "/hooks/drift" "$work/serve.log" >/dev/null && fail "the webhook's path (its secret part) is in serve's log"
start_hook
wait_for 30 "the second webhook after the receiver came back" at_least hook_count 2

# 3. undelivered at kill -9, delivered after the restart, nothing twice
stop_hook
rec3=$(run_failing f3)
wait_for 20 "the third mail" at_least mail_count 3
wait_for 20 "a failed attempt for the third" eval '[ "$(grep -c "to webhook 1 failed (attempt 1)" "$work/serve.log")" -ge 2 ]'
[ "$(sqlite3 "$db" "SELECT count(*) FROM deliveries WHERE done_at IS NULL")" = 1 ] ||
	fail "not exactly one delivery pending before the kill"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
start_hook
start_serve
wait_for 40 "the third webhook after the restart" at_least hook_count 3
sleep 3
/usr/bin/python3 - "$hooks" "$mails" "$rec1" "$rec2" "$rec3" <<'PY' || fail "not each record exactly once"
import email, json, os, sys
hooks = [json.loads(l)["record"] for l in open(sys.argv[1])]
mails = []
for f in sorted(os.listdir(sys.argv[2])):
    body = email.message_from_bytes(open(os.path.join(sys.argv[2], f), "rb").read()).get_payload(decode=True).decode()
    mails.append([l.split(": ", 1)[1].strip() for l in body.splitlines() if l.startswith("record: ")][0])
want = sorted(sys.argv[3:])
assert sorted(hooks) == want, ("webhooks", hooks, want)
assert sorted(mails) == want, ("mails", mails, want)
PY
[ "$(sqlite3 "$db" "SELECT count(*) FROM deliveries WHERE done_at IS NULL")" = 0 ] || fail "deliveries left pending"
echo "ok: one webhook and one mail per failure, retried until delivered, none lost or sent twice across kill -9"
