#!/usr/bin/env bash
# The `standby_left` notification end to end (SPEC "Failover drill": "a
# failed failback makes the record and a notification say 'production left
# on the standby'"; "Notifications"): the lab's app-a and app-b, drills of
# real action jobs that move a role file, a real serve with the webhook
# receiver and SMTP sink of tests/integration/notify_sinks.py, and
# [notify] on = failed, standby_left:
#  1. a passing drill sends nothing;
#  2. a drill whose failback fails (the demote action exits 1) is failed
#     and leaves production on the standby: exactly one `failed` and one
#     `standby_left` webhook and mail, naming the system, the drill and
#     "left on the standby"; the corrective action it opens sends nothing
#     (action_opened is not in `on`).
# Needs root (the lab starts sshd).
source "$(dirname "$0")/notify_lib.bash"

pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
mkdir -p "$work/bin" "$work/knobs"
echo A >"$work/role"
act() { # NAME BODY: an action of both agents
	printf '#!/bin/sh\n%s\n' "$2" >"$work/bin/$1"
	chmod 755 "$work/bin/$1"
	printf '[action %s]\ncommand = %s/bin/%s\ntimeout = 30s\n' "$1" "$work" "$1" >>"$work/actions.ini"
}
act fence 'echo fenced'
act promote "echo B >$work/role; echo promoted"
act demote "[ -e $work/knobs/fail-demote ] && { echo 'demote failed: disk full' >&2; exit 1; }; echo A >$work/role; echo demoted"
act is-a "[ \"\$(cat $work/role)\" = A ]"
act is-b "[ \"\$(cat $work/role)\" = B ]"
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	--agent-ini-extra "$work/actions.ini" "app-a=127.0.0.2:$pa" "app-b=127.0.0.3:$pb" >/dev/null
plans=$work/plans
mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT nowindows
cp "$work/lab/inventory.ini" "$plans/"
cat >"$plans/systems/sql.ini" <<INI
[system]
name = SQL
board = Kommunstyrelsen
classified = 2025-01-15
availability = 3
rto = 1m
[failover]
primary = app-a
standby = app-b
primary_health = app-a is-a
step = app-a fence
step = app-b promote
health = app-b is-b
failback = app-b demote
timeout = 10s
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
on = failed, standby_left
INI
"$bin/drillhall" check --plans "$plans" --config "$work/controller.ini" >"$work/check.out" 2>&1 ||
	fail "the plans do not check: $(cat "$work/check.out")"
start_mail
start_hook
start_serve
drill() { # NAME WANT-EXIT: a drill of sql stored by the running serve; prints the record id
	local rc=0
	"$bin/drillhall" --plans "$plans" --db "$db" --config "$work/controller.ini" run failover sql \
		--listen "127.0.0.1:$lport" --format json >"$work/$1.out" 2>"$work/$1.err" || rc=$?
	[ $rc = "$2" ] || fail "drill $1: exit $rc, not $2: $(cat "$work/$1.err")"
	jq -r .id "$work/$1.out"
}

# 1. a passing drill: nothing
drill pass 0 >/dev/null
# 2. the failback fails: production left on the standby
touch "$work/knobs/fail-demote"
left=$(drill left 1)
[ "$(cat "$work/role")" = B ] || fail "production is not on the standby after the failed failback"
jq -e '.checks[] | select(.name == "production") | .verdict == "failed"' "$work/left.out" >/dev/null ||
	fail "the record has no failed production check: $(jq -c .checks "$work/left.out")"
wait_for 30 "the failure's and standby_left's notifications" both 2
sleep 3 # anything more (or sent twice) would arrive by now
[ "$(hook_count)" = 2 ] && [ "$(mail_count)" = 2 ] ||
	fail "$(hook_count) webhooks and $(mail_count) mails, want 2 and 2"
[ "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE event = 'action_opened' AND record = '$left'")" = 1 ] ||
	fail "the drill's corrective action is not in the outbox"
/usr/bin/python3 - "$hooks" "$mails" "$left" <<'PY' || fail "the notifications: see above"
import email, email.header, json, os, sys
hooks, mails, rec = sys.argv[1:]
hs = {h["event"]: h for h in map(json.loads, open(hooks))}
assert sorted(hs) == ["failed", "standby_left"], sorted(hs)
url = "https://drillhall.example.se:8443/records/" + rec
for ev, h in hs.items():
    assert set(h) == {"event", "system", "kind", "verdict", "record", "at", "summary", "url", "text"}, h
    assert (h["system"], h["kind"], h["verdict"], h["record"], h["url"]) == ("sql", "failover", "failed", rec, url), h
    assert "\n" not in h["text"] and h["summary"] in h["text"] and url in h["text"], h
s = hs["standby_left"]["summary"]
assert "sql" in s and "left on the standby" in s and rec in s, s
ms = {}
for f in os.listdir(mails):
    m = email.message_from_bytes(open(os.path.join(mails, f), "rb").read())
    body = m.get_payload(decode=True).decode()
    ev = [l.split(": ", 1)[1] for l in body.splitlines() if l.startswith("event: ")][0]
    assert ev not in ms, "two mails of " + ev
    ms[ev] = (str(email.header.make_header(email.header.decode_header(m["Subject"]))), body)
assert sorted(ms) == ["failed", "standby_left"], sorted(ms)
subject, body = ms["standby_left"]
assert "sql" in subject and "left on the standby" in subject, subject
assert "system: sql\r\n" in body and "kind: failover\r\n" in body and f"record: {rec}\r\n" in body and url in body, body
assert "sql" in ms["failed"][0] and "failed" in ms["failed"][0], ms["failed"][0]
print("ok: standby_left:", subject)
PY
echo "ok: a passing drill sent nothing; a failed failback sent one failed and one standby_left, each by webhook and mail"
# serve stops cleanly on SIGTERM (exit 0; under ASan also no leak or error)
kill "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ $rc = 0 ] || fail "serve exited $rc on SIGTERM"
echo "PASS notify_drill"
