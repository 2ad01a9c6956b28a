#!/usr/bin/env bash
# GET /metrics on serve's listener (SPEC "Metrics") with the two-hall lab,
# the real agent, a real tar backup and a real SQLite file: one system
# passes a restore test, one fails one (a corrective action opens), one
# was never tested. The scrape is parsed by Prometheus's own Python parser
# (python3-prometheus-client) and linted by `promtool check metrics`
# (scripts/get-promtool.sh); Debian's /usr/bin/python3 runs the parser, as
# the package installs it there; every family the spec names is there with
# its type, and the values match `status --format json` (due times of
# systems that never passed, which are "now", within the seconds between
# the two). Without the bearer token, or with a wrong one: 401; a token file
# others can read stops serve from starting, naming the file; with no
# token file a loopback peer may scrape (the non-loopback half of the
# rule is test_metrics_http). Needs root (the lab starts sshd).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
src=${DH_SRC:?} bin=${DH_BIN:?}
lab=$src/tests/lab/lab.sh
[ "$(id -u)" = 0 ] || { echo "FAIL: metrics needs root (the lab starts sshd)" >&2; exit 1; }
work=$(mktemp -d)
trap 'lab_cleanup "$work" "${pid:-}"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/*.log "$work"/*.err 2>/dev/null >&2; exit 1; }
promtool=$("$src/scripts/get-promtool.sh" "$bin/tools") || fail "no promtool"

lport=$(freeport 127.0.0.1) pb=$(freeport 127.0.0.3)
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
system() { # ID AVAILABILITY MIN_FILES
	cat >"$plans/systems/$1.ini" <<INI
[system]
name = System $1
board = Socialnämnden
object = Socialtjänst
system_owner = Anna Exempel
contact = it@example.se
classified = 2026-01-15
confidentiality = 2
integrity = 2
availability = $2
reserve_routine = Papper.
[restore]
host = app-b
method = tar
repository = $work/lab/backup/proc
verify = min_files $3
INI
}
system proc 2 3
system ekon 1 9
system vard 2 3
db=$work/dh.db
dh() { "$bin/drillhall" --plans "$plans" --db "$db" "$@"; }
dh run restore proc --config /dev/null --listen "127.0.0.1:$lport" --format json >"$work/proc.out" 2>"$work/proc.err" ||
	fail "the passing restore test: exit $?"
rc=0
dh run restore ekon --config /dev/null --listen "127.0.0.1:$lport" --format json >"$work/ekon.out" 2>"$work/ekon.err" || rc=$?
[ $rc = 1 ] || fail "the failing restore test: exit $rc"

printf 's3cret-token-%s\n' "$RANDOM$RANDOM" >"$work/token"
chmod 600 "$work/token"
cat >"$work/controller.ini" <<INI
[controller]
metrics_token_file = $work/token
public_url = https://drillhall.example.se:8443
INI
start_serve() { # CONFIG: serve on lport, up when /healthz answers
	"$bin/drillhall" --plans "$plans" --db "$db" serve --config "$1" --listen "127.0.0.1:$lport" 2>"$work/serve.log" &
	pid=$!
	python3 "$src/tests/integration/evsend.py" up "http://127.0.0.1:$lport/healthz" --wait 10 ||
		fail "serve did not come up"
}
stop_serve() { kill "$pid"; wait "$pid" || true; pid=; }
start_serve "$work/controller.ini"
url=http://127.0.0.1:$lport/metrics
token=$(cat "$work/token")

# 401 without the token and with a wrong one; 200 with it
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url")" = 401 ] || fail "no token: not 401"
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer nope" "$url")" = 401 ] ||
	fail "wrong token: not 401"
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${token}x" "$url")" = 401 ] ||
	fail "token with a byte more: not 401"
curl -sf -m 10 -D "$work/headers" -H "Authorization: Bearer $token" "$url" >"$work/metrics.txt" ||
	fail "scrape with the token failed"
grep -i '^content-type: text/plain; version=0.0.4' "$work/headers" >/dev/null || fail "content type: $(cat "$work/headers")"
dh status --config /dev/null --format json >"$work/status.json" || fail "status: exit $?"
grep -F "$token" "$work/serve.log" >/dev/null && fail "the token is in serve's log"

# promtool's lint, then the real parser against status
"$promtool" check metrics <"$work/metrics.txt" >"$work/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$work/promtool.out")"
/usr/bin/python3 - "$work/metrics.txt" "$work/status.json" <<'PY' || fail "metrics do not match status"
import json, sys
from datetime import datetime, timezone
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
want = {
    "drillhall_last_test_timestamp_seconds": "gauge", "drillhall_last_test_passed": "gauge",
    "drillhall_last_test_rpo_seconds": "gauge", "drillhall_last_test_rto_seconds": "gauge",
    "drillhall_rpo_target_seconds": "gauge", "drillhall_rto_target_seconds": "gauge",
    "drillhall_test_due_timestamp_seconds": "gauge", "drillhall_test_overdue": "gauge",
    "drillhall_system_compliant": "gauge", "drillhall_corrective_actions_open": "gauge",
    "drillhall_tests": "counter", "drillhall_events": "counter",
    "drillhall_notifications_pending": "gauge", "drillhall_audit_chain_intact": "gauge",
}
for name, typ in want.items():   # the parser names a counter without its _total
    assert name in fams, f"missing {name}"
    assert fams[name].type == typ, (name, fams[name].type)
def val(name, **labels):
    fam = fams[name[:-len("_total")]] if name.endswith("_total") else fams[name]
    got = [s.value for s in fam.samples if s.name == name
           and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(got) <= 1, (name, labels, got)
    return got[0] if got else None
t = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
st = json.load(open(sys.argv[2]))
assert len(st["systems"]) == 3
for s in st["systems"]:
    sid = s["id"]
    assert val("drillhall_system_compliant", system=sid) == (1 if s["compliant"] else 0), sid
    assert val("drillhall_rpo_target_seconds", system=sid) == s["rpo_s"], sid
    assert val("drillhall_rto_target_seconds", system=sid) == s["rto_s"], sid
    assert val("drillhall_corrective_actions_open", system=sid) == len(s["open_actions"]), sid
    last = s["last_restore"]
    k = dict(system=sid, kind="restore")
    if last is None:
        assert val("drillhall_last_test_timestamp_seconds", **k) is None, sid
        assert abs(val("drillhall_test_due_timestamp_seconds", **k) - t(s["restore_due_at"])) <= 5, sid
    else:
        assert val("drillhall_last_test_timestamp_seconds", **k) == t(last["started_at"]), sid
        assert val("drillhall_last_test_passed", **k) == (1 if last["verdict"] == "passed" else 0), sid
        assert val("drillhall_last_test_rto_seconds", **k) == last["rto_actual_s"], sid
        assert val("drillhall_last_test_rpo_seconds", **k) == last["rpo_actual_s"], sid
        due = val("drillhall_test_due_timestamp_seconds", **k)
        if sid == "ekon":   # never passed: due "now", as of each of the two reads
            assert abs(due - t(s["restore_due_at"])) <= 5, sid
        else:
            assert due == t(s["restore_due_at"]), sid
    assert val("drillhall_test_overdue", **k) == 0, sid
    assert val("drillhall_last_test_passed", system=sid, kind="failover") is None, sid
by = {s["id"]: s for s in st["systems"]}
assert by["proc"]["compliant"] and not by["ekon"]["compliant"] and by["vard"]["last_restore"] is None
assert val("drillhall_corrective_actions_open", system="ekon") == 1
assert val("drillhall_tests_total", kind="restore", verdict="passed") == 1
assert val("drillhall_tests_total", kind="restore", verdict="failed") == 1
assert val("drillhall_tests_total", kind="failover", verdict="passed") == 0
assert val("drillhall_events_total", status="stored") >= 6   # accepted, steps, finished of two jobs
assert val("drillhall_notifications_pending") == 0            # no [notify] targets
PY

# a token file others may read: serve does not start, and says which file
chmod 644 "$work/token"
stop_serve
rc=0
timeout 10 "$bin/drillhall" --plans "$plans" --db "$db" serve --config "$work/controller.ini" --listen "127.0.0.1:$lport" 2>"$work/refused.err" || rc=$?
[ $rc = 2 ] || fail "serve with a world-readable token file: exit $rc, not 2"
grep -F "$work/token" "$work/refused.err" >/dev/null || fail "no file named: $(cat "$work/refused.err")"
grep -F "$token" "$work/refused.err" >/dev/null && fail "the token is in the message"

# no token file: a loopback peer scrapes without a token
printf '[controller]\npublic_url = https://drillhall.example.se\n' >"$work/open.ini"
start_serve "$work/open.ini"
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url")" = 200 ] || fail "loopback without a token file: not 200"
stop_serve
echo "ok: /metrics parsed and linted, matches status, 401 without the token, loopback rule"
