#!/usr/bin/env bash
# The auditor's report end to end (SPEC "Commands": report, "Compliance",
# "Corrective actions"): the two-hall lab with the real agent behind
# sshd's forced command, real tar backups and a real SQLite file. Two
# systems: proc (its name carries a <script>, its reserve routine a `;`,
# quotes) passes; bad fails (opening corrective action 1). At time T the
# report is taken as of T; then proc passes again and bad is repaired and
# passes (closing action 1). Checked:
#  - the report as of T equals the report computed from a copy of the
#    database with everything after T deleted (records, jobs, events,
#    actions, audit records);
#  - `report --format json` agrees with `status --format json` on every
#    system's compliance, reasons, last tests and due dates (now and at T);
#  - the CSV read by Python's csv module with delimiter ';' gives one row
#    per system with the right values, the reserve routine one field;
#  - the HTML shows the <script> name as text, and printed to PDF by
#    headless chromium has the summary and a system row on page 1; a
#    screenshot goes to the build directory (report-screenshot.png);
#  - a plan change noted after T: the report now says "plan changed" as
#    status does; the report as of T, judged under the plan then, does not.
# Needs root (the lab starts sshd).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
src=${DH_SRC:?} bin=${DH_BIN:?}
lab=$src/tests/lab/lab.sh
[ "$(id -u)" = 0 ] || { echo "FAIL: report needs root (the lab starts sshd)" >&2; exit 1; }
work=$(mktemp -d)
trap 'lab_cleanup "$work"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/*.out "$work"/*.err 2>/dev/null >&2; exit 1; }

lport=$(freeport 127.0.0.1) pb=$(freeport 127.0.0.3)
mkdir -p "$work/lab"
bash "$lab" start "$work/lab" --agent "$bin/drillhall-agent" --url "http://127.0.0.1:$lport" \
	"app-b=127.0.0.3:$pb" >/dev/null
backup() { # SYSTEM FILES: a tar backup of FILES files
	mkdir -p "$work/data/$1/var/lib/$1" "$work/lab/backup/$1"
	for i in $(seq 1 "$2"); do echo "rad $i" >"$work/data/$1/var/lib/$1/f$i.txt"; done
	tar -C "$work/data/$1" -czf "$work/lab/backup/$1/$1.tar.gz" var
}
backup proc 3
backup bad 2
plans=$work/plans
mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT nowindows
cp "$work/lab/inventory.ini" "$plans/"
system() { # ID NAME BOARD
	cat >"$plans/systems/$1.ini" <<INI
[system]
name = $2
board = $3
object = Socialtjänst
system_owner = Anna Exempel
contact = it@example.se
classified = 2026-01-15
confidentiality = 2
integrity = 2
availability = 2
reserve_routine = Papper;blanketter "nöd" i pärm
[restore]
host = app-b
method = tar
repository = $work/lab/backup/$1
verify = min_files 3
INI
}
system proc "Procapita <script>alert(1)</script>" "Socialnämnden"
system bad "Bokning" "Kultur & fritid"
db=$work/dh.db
dh() { "$bin/drillhall" "$@" --plans "$plans" --db "$db" --config /dev/null; }
run() { # NAME SYSTEM [exit]
	local rc=0
	dh run restore "$2" --format json --listen "127.0.0.1:$lport" >"$work/$1.out" 2>"$work/$1.err" || rc=$?
	[ $rc = "${3:-0}" ] || fail "run restore $2 ($1): exit $rc"
}
json_of() { jq -S 'del(.report.generated_at, .report.audit.verified)' "$1"; }

# 1. before T: proc passes, bad fails (action 1)
run p1 proc
run f1 bad 1
sleep 2
T=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 2
dh report --now "$T" --format json >"$work/past.json" || fail "report --now T: exit $?"
# 2. after T: proc passes again, bad is repaired and passes (closing action 1)
run p2 proc
backup bad 4
run p3 bad
dh audit verify >/dev/null || fail "audit verify"
dh report --now "$T" --format json >"$work/past2.json" || fail "report --now T later: exit $?"
diff <(json_of "$work/past.json") <(json_of "$work/past2.json") >/dev/null ||
	fail "the report as of T changed after later tests: $(diff <(json_of "$work/past.json") <(json_of "$work/past2.json") | head -20)"
jq -e --arg f "$(jq -r .id "$work/f1.out")" --arg p "$(jq -r .id "$work/p1.out")" '
	.summary.systems == 2 and .summary.compliant == 1 and .summary.open_actions == 1 and
	(.actions | length == 1 and .[0].open) and
	(.systems[] | select(.id == "bad") | .compliant == false and .last_restore.id == $f) and
	(.systems[] | select(.id == "proc") | .compliant and .last_restore.id == $p and
		.requirements_by == "business" and .board == "Socialnämnden") and
	.report.audit.intact and (.report.audit.head | test("^[0-9a-f]{64}$"))' "$work/past.json" >/dev/null ||
	fail "the report as of T: $(jq -c '{summary, actions}' "$work/past.json")"

# 3. the same report from a copy holding only what existed at T
Ts=$(date -u -d "$T" +%s)
cp "$db" "$work/cut.db"
sqlite3 "$work/cut.db" <<SQL
PRAGMA foreign_keys = OFF;
DELETE FROM actions WHERE opened_at > $Ts;
UPDATE actions SET closed_at = NULL, closed_by = NULL, closed_record = NULL, note = NULL
	WHERE closed_at > $Ts;
DELETE FROM events WHERE job IN (SELECT id FROM jobs WHERE created_at > $Ts);
DELETE FROM records WHERE coalesce(finished_at, started_at) > $Ts;
DELETE FROM jobs WHERE created_at > $Ts;
DELETE FROM plan_revisions WHERE loaded_at > $Ts;
DELETE FROM audit WHERE at > $Ts;
SQL
[ "$(sqlite3 "$work/cut.db" 'SELECT count(*) FROM records')" = 2 ] || fail "the copy does not hold 2 records"
"$bin/drillhall" audit verify --db "$work/cut.db" --config /dev/null >/dev/null || fail "the copy's chain"
"$bin/drillhall" report --now "$T" --format json --plans "$plans" --db "$work/cut.db" --config /dev/null \
	>"$work/cut.json" || fail "report on the copy: exit $?"
diff <(json_of "$work/past.json") <(json_of "$work/cut.json") >"$work/cut.diff" ||
	fail "report as of T differs from the report of the records before T: $(head -30 "$work/cut.diff")"

# 4. report json agrees with status json on compliance (now and at T)
for when in "$T" ""; do
	now=(); [ -z "$when" ] || now=(--now "$when")
	dh report "${now[@]}" --format json >"$work/r.json" || fail "report json"
	dh status "${now[@]}" --format json >"$work/s.json" || fail "status json"
	pick='[.systems[] | {id, compliant, reasons, last_restore, last_drill, restore_due_at, drill_due_at, open_actions}]'
	diff <(jq -S "$pick" "$work/r.json") <(jq -S "$pick" "$work/s.json") >"$work/rs.diff" ||
		fail "report and status disagree${when:+ at $when}: $(head -30 "$work/rs.diff")"
done
jq -e '.summary.compliant == 2 and .summary.open_actions == 0 and (.actions[0] | .open == false)' \
	"$work/r.json" >/dev/null || fail "report now: $(jq -c .summary "$work/r.json")"

# 5. CSV for Swedish Excel, read by Python's csv module
dh report --format csv >"$work/r.csv" || fail "report csv"
python3 - "$work/r.csv" "$work/r.json" <<'PY' || fail "csv"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
assert raw.count(b"\r\n") == 3 and b"\n" not in raw.replace(b"\r\n", b""), "not CRLF"
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
rep = {s["id"]: s for s in json.load(open(sys.argv[2]))["systems"]}
assert [r["system"] for r in rows] == ["bad", "proc"], rows
for r in rows:
    s = rep[r["system"]]
    assert r["name"] == s["name"] and r["board"] == s["board"], r
    assert r["reserve_routine"] == 'Papper;blanketter "nöd" i pärm', r["reserve_routine"]
    assert r["compliant"] == ("yes" if s["compliant"] else "no"), r
    assert r["restore_verdict"] == s["last_restore"]["verdict"] == "passed", r
    assert r["rpo_h"] == "4" and r["rto_h"] == "24", r     # policy level 2: 4h, 24h
    assert r["availability"] == "2" and r["requirements_by"] == "business", r
print("csv ok")
PY

# 6. HTML: escaped, printed to PDF with the summary and a system row on page 1, a screenshot
dh report --now "$T" >"$work/r.html" || fail "report html"
grep -F "Procapita &lt;script&gt;alert(1)&lt;/script&gt;" "$work/r.html" >/dev/null || fail "name not escaped"
! grep -F "<script" "$work/r.html" >/dev/null || fail "a <script> in the report"
grep -F "Kultur &amp; fritid" "$work/r.html" >/dev/null || fail "board not escaped"
chrome() { timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chrome" "$@" \
	"file://$work/r.html" >"$work/chrome.out" 2>&1 || fail "chromium $*: $(tail -5 "$work/chrome.out")"; }
chrome --print-to-pdf="$work/r.pdf" --no-pdf-header-footer
pdftotext -f 1 -l 1 -layout "$work/r.pdf" "$work/page1.txt"
grep -F "1 of 2 systems compliant" "$work/page1.txt" >/dev/null || fail "no summary on page 1: $(head -30 "$work/page1.txt")"
# proc's row: its id with the verdict "yes", its name (wrapped in the cell), its test
grep -E "^ *proc +T2, set by the business +[0-9-]+ [0-9:]+ +no \[failover\] +yes$" "$work/page1.txt" >/dev/null &&
	grep -E "^ *Procapita +RPO 4h \(policy\) +passed$" "$work/page1.txt" >/dev/null &&
	grep -E "^ *<script>alert\(1\) " "$work/page1.txt" >/dev/null ||
	fail "no system row on page 1: $(cat "$work/page1.txt")"
pdfinfo "$work/r.pdf" | grep -E "^Page size: .*\(A4\)$" >/dev/null ||
	fail "not A4: $(pdfinfo "$work/r.pdf" | grep 'Page size')"
chrome --screenshot="$bin/report-screenshot.png" --window-size=1100,1500
[ -s "$bin/report-screenshot.png" ] || fail "no screenshot"
cp "$work/r.pdf" "$bin/report-print.pdf"
# 7. proc's [restore] changes after its passes, noted by a later run (of bad): now
#    proc's test is due for the changed plan; as of T, under the plan then, nothing moved
sed -i 's/^verify = min_files 3$/verify = min_files 2/' "$plans/systems/proc.ini"
run p4 bad
sleep 1
now=(--now "$(date -u +%Y-%m-%dT%H:%M:%SZ)") # one time for both: proc is due "now"
dh report "${now[@]}" --format json >"$work/changed.json" || fail "report after the plan changed"
jq -e '.systems[] | select(.id == "proc") | (.compliant | not) and
	any(.reasons[]; test("^plan changed since the last restore test"))' "$work/changed.json" >/dev/null ||
	fail "report now does not say proc's plan changed: $(jq -c '.systems[] | select(.id == "proc") | .reasons' "$work/changed.json")"
dh status "${now[@]}" --format json >"$work/s.json" || fail "status json"
diff <(jq -S "$pick" "$work/changed.json") <(jq -S "$pick" "$work/s.json") >"$work/rs.diff" ||
	fail "report and status disagree after the plan changed: $(head -30 "$work/rs.diff")"
dh report --now "$T" --format json >"$work/past3.json" || fail "report --now T after the plan changed"
diff <(json_of "$work/past.json" | jq 'del(.report.revision)') <(json_of "$work/past3.json" | jq 'del(.report.revision)') \
	>"$work/past3.diff" || fail "the report as of T changed with the plan: $(head -20 "$work/past3.diff")"
echo "report: ok (screenshot $bin/report-screenshot.png)"
