#!/usr/bin/env bash
# The web pages of `serve` end to end (SPEC "Web pages and roles"): a real
# serve with users from controller.ini (hashes made by `drillhall passwd`),
# a real SQLite file with records made by `run restore` against a real sshd
# whose forced command is the stand-in agent (tests/data/fake_agent.py),
# and Debian's headless chromium driven by Selenium (web_browser.py): an
# auditor logs in through the form and reads /, a system page and a record
# page (DOM asserts; screenshots into $DH_BIN/screenshots/web-*.png); a
# system name with <script> shows as text. Then, over plain HTTP from
# Python: an auditor's POST /systems/ID/run is 403 and dispatches nothing;
# an operator's starts a test whose record says trigger web:op; a POST
# without the CSRF token is 403; a board-limited user gets 404 for another
# board's system; five wrong passwords make the sixth attempt slower; every
# login, failed login and POST is in the audit chain, which verifies.
# Needs root for sshd.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
[ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ] || { echo "FAIL: web_pages needs root and sshd" >&2; exit 1; }
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
	{ echo "FAIL: web_pages needs chromium and chromium-driver (scripts/deps.sh)" >&2; exit 1; }
bin=${DH_BIN:?}/drillhall
data=${DH_SRC:?}/tests/data
work=$(mktemp -d)
chmod 755 "$work"
spid=
cleanup() {
	if [ -n "$spid" ]; then kill "$spid" 2>/dev/null || true; fi
	bash "$data/ssh_fixture.sh" stop "$work/ssh" || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -40 "$work/serve.err" >&2 2>/dev/null || true; exit 1; }

sport=$(freeport 127.0.0.2) lport=$(freeport 127.0.0.1)
bash "$data/ssh_fixture.sh" start "$work/ssh" 127.0.0.2 "$sport" >/dev/null
cp "$data/fake_agent.py" "$work/ssh/agent"; chmod 755 "$work/ssh/agent"

plans=$work/plans; mkdir -p "$plans/systems"
write_policy "$plans/policy.ini" Testkommun IT
cat >"$plans/inventory.ini" <<INV
[controller]
url = http://127.0.0.1:$lport
ssh_key = $work/ssh/client_key
known_hosts = $work/ssh/known_hosts
[hall A]
name = Öst
[hall B]
name = Väst
[host b1]
hall = B
address = 127.0.0.2
port = $sport
user = dh-fixture
INV
# procapita's name carries markup; ecos-fail belongs to another board
sysfile() { # ID NAME BOARD
	printf '[system]\nname = %s\nboard = %s\nobject = Objekt\nsystem_owner = Ägare\ncontact = it@example.se\n' \
		"$2" "$3" >"$plans/systems/$1.ini"
	printf 'classified = 2026-01-15\nconfidentiality = 2\nintegrity = 2\navailability = 2\n' >>"$plans/systems/$1.ini"
	printf 'reserve_routine = Papper & penna.\n[restore]\nhost = b1\nmethod = restic\nrepository = /srv/backup/%s\npassword_file = /etc/p\nverify = min_files 1\n' \
		"$1" >>"$plans/systems/$1.ini"
}
sysfile procapita 'Procapita <script>alert(1)</script>' 'Äldrenämnden'
sysfile ecos-fail 'Ecos' 'Miljönämnden'
db=$work/dh.db
dh() { "$bin" "$@" --plans "$plans" --db "$db" --config /dev/null --listen "127.0.0.1:$lport"; }
dh run restore procapita >"$work/a.out" 2>"$work/a.err" || fail "procapita run: exit $?"
rc=0; dh run restore ecos-fail >"$work/b.out" 2>"$work/b.err" || rc=$?
[ $rc = 1 ] || fail "ecos-fail run: exit $rc"

hash() { printf '%s\n' "$1" | "$bin" passwd "$2" 2>/dev/null | sed 's/^password = //'; }
cat >"$work/controller.ini" <<INI
[user anna]
role = auditor
password = $(hash 'anna-secret' anna)
[user op]
role = operator
password = $(hash 'op-secret' op)
[user bu]
role = auditor
password = $(hash 'bu-secret' bu)
boards = Äldrenämnden
INI
rc=0; printf '' | "$bin" passwd anna >"$work/p.out" 2>&1 || rc=$?
[ $rc = 2 ] && grep 'no password given' "$work/p.out" >/dev/null || fail "passwd without a password: exit $rc"
rc=0; printf 'x\n' | "$bin" passwd 'a]b' >"$work/p.out" 2>&1 || rc=$?
[ $rc = 2 ] && grep 'cannot be a user name' "$work/p.out" >/dev/null || fail "passwd 'a]b': exit $rc"
grep '^password = \$argon2id\$v=19\$m=65536,t=2,p=1\$' "$work/controller.ini" >/dev/null ||
	fail "passwd did not print an argon2id line"

"$bin" serve --plans "$plans" --db "$db" --config "$work/controller.ini" \
	--listen "127.0.0.1:$lport" 2>"$work/serve.err" &
spid=$!
python3 "$DH_SRC/tests/integration/evsend.py" up "http://127.0.0.1:$lport/healthz" --wait 10 ||
	fail "serve did not come up"

rec=$(sqlite3 "$db" "SELECT job FROM records WHERE system='procapita'")
shots=$DH_BIN/screenshots
mkdir -p "$shots"
/usr/bin/python3 "$DH_SRC/tests/integration/web_browser.py" "http://127.0.0.1:$lport" \
	"$shots" "$rec" "$db" || fail "web_browser.py"

kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
dh audit verify >"$work/v.out" 2>&1 || fail "audit verify after the web session: $(cat "$work/v.out")"
# over TLS the session cookie is Secure as well
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
tport=$(freeport 127.0.0.1)
"$bin" serve --plans "$plans" --db "$db" --config "$work/controller.ini" --listen "127.0.0.1:$tport" \
	--tls-cert "$work/tls.pem" --tls-key "$work/tls.key" 2>>"$work/serve.err" &
spid=$!
for _ in $(seq 100); do
	curl -sf --cacert "$work/tls.pem" "https://127.0.0.1:$tport/healthz" >/dev/null && break
	sleep 0.1
done
curl -s --cacert "$work/tls.pem" -D "$work/tls.hdr" -o /dev/null \
	--data-urlencode user=anna --data-urlencode password=anna-secret "https://127.0.0.1:$tport/login" ||
	fail "login over TLS"
grep -i '^set-cookie: dh_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure' "$work/tls.hdr" >/dev/null ||
	fail "cookie over TLS: $(grep -i set-cookie "$work/tls.hdr")"
# GET /report: the auditor's report as a page, as of now or as of a date;
# a board-limited user's report names only its boards' systems
page() { # USER PASSWORD PATH OUT: log in, GET PATH into OUT, print the status
	curl -s --cacert "$work/tls.pem" -c "$work/$1.jar" -o /dev/null \
		--data-urlencode "user=$1" --data-urlencode "password=$2" "https://127.0.0.1:$tport/login"
	curl -s --cacert "$work/tls.pem" -b "$work/$1.jar" -o "$4" -w '%{http_code}' \
		"https://127.0.0.1:$tport$3"
}
[ "$(page anna anna-secret /report "$work/r.html")" = 200 ] || fail "anna's /report"
grep -F 'Procapita &lt;script&gt;alert(1)&lt;/script&gt;' "$work/r.html" >/dev/null ||
	fail "/report lacks the escaped procapita"
grep -F '<script' "$work/r.html" >/dev/null && fail "/report carries a script element"
grep -F 'Ecos' "$work/r.html" >/dev/null || fail "anna's /report lacks Ecos"
[ "$(page bu bu-secret /report "$work/rb.html")" = 200 ] || fail "bu's /report"
grep -F 'Procapita' "$work/rb.html" >/dev/null || fail "bu's /report lacks procapita"
grep -F 'Ecos' "$work/rb.html" >/dev/null && fail "bu's /report names Miljönämnden's Ecos"
[ "$(page anna anna-secret '/report?as_of=2020-01-01' "$work/r0.html")" = 200 ] ||
	fail "/report?as_of=2020-01-01"
grep -F '2020-01-01' "$work/r0.html" >/dev/null || fail "/report as of 2020-01-01 does not say so"
[ "$(page anna anna-secret '/report?as_of=yesterday' "$work/rx.html")" = 400 ] ||
	fail "/report?as_of=yesterday is not refused"
kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
echo "web_pages: ok (screenshots in $shots)"
