#!/usr/bin/python3
"""The browser half of web_pages.sh, and the HTTP checks around it.

usage: web_browser.py BASE SHOTS_DIR RECORD_ID DB

Debian's chromium, headless, through chromedriver (python3-selenium):
log in as the auditor `anna` through the form, read /, /systems/procapita,
/records/RECORD_ID, /actions and /report from the DOM, save a screenshot of
each into SHOTS_DIR/web-*.png. Then over plain HTTP (http.client, cookies by hand):
roles, CSRF, boards, the login brake, the audit entries. Exits non-zero
with a message naming what failed.
"""
import base64
import http.client
import re
import sqlite3
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, SHOTS, RECORD, DB = sys.argv[1:5]
HOST = urllib.parse.urlsplit(BASE)


def check(cond, what):
    if not cond:
        print("web_browser: FAIL: " + what, file=sys.stderr)
        sys.exit(1)


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
              "--disable-dev-shm-usage"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def shoot(d, name):
    # the whole page, not only the window (DevTools: beyond the viewport)
    shot = d.execute_cdp_cmd("Page.captureScreenshot",
                             {"format": "png", "captureBeyondViewport": True})
    with open("%s/web-%s.png" % (SHOTS, name), "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def in_browser():
    d = browser()
    try:
        d.get(BASE + "/")
        check(d.current_url.endswith("/login"), "/ without a session did not go to /login")
        shoot(d, "login")
        d.find_element(By.ID, "user").send_keys("anna")
        d.find_element(By.ID, "password").send_keys("anna-secret")
        d.find_element(By.ID, "login").click()
        # the click returns before the next page has loaded: wait for it
        try:
            WebDriverWait(d, 30).until(lambda d: d.find_elements(By.ID, "summary"))
        except TimeoutException:
            pass
        check(d.current_url == BASE + "/", "login did not land on / but %s: %s"
              % (d.current_url, d.find_element(By.TAG_NAME, "body").text))
        body = d.find_element(By.TAG_NAME, "body").text
        for want in ("Testkommun", "Äldrenämnden", "Miljönämnden", "procapita", "ecos-fail",
                     "1 of 2 systems compliant", "anna (auditor)"):
            check(want in body, "/ does not show %r" % want)
        check("Procapita <script>alert(1)</script>" in body, "the <script> name is not shown as text")
        check(not d.find_elements(By.XPATH, "//body//script"), "a <script> element on /")
        check("failed" in body and "passed" in body, "/ lacks the verdicts")
        shoot(d, "home")

        d.get(BASE + "/systems/procapita")
        body = d.find_element(By.TAG_NAME, "body").text
        for want in ("Requirement in force", "backup_rpo", "policy", "Äldrenämnden",
                     "Papper & penna.", "Tests and drills", "Corrective actions",
                     "manual", "Compliant: yes"):
            check(want in body, "system page does not show %r" % want)
        check(d.title == "Procapita <script>alert(1)</script>", "system page title: %r" % d.title)
        check(not d.find_elements(By.XPATH, "//body//script"), "a <script> element on the system page")
        check(not d.find_elements(By.XPATH, "//form[contains(@action,'/run')]"),
              "an auditor is offered the run button")
        shoot(d, "system")

        d.get(BASE + "/records/" + RECORD)
        body = d.find_element(By.TAG_NAME, "body").text
        for want in ("Checks", "min_files 1", "3 files", "Mismatches", "Timeline",
                     "Requirement in force when it ran", "rpo 4h", "rto 24h", "plan revision",
                     "Record hash"):
            check(want in body, "record page does not show %r" % want)
        h = d.find_element(By.ID, "record-hash").text
        check(re.fullmatch("[0-9a-f]{64}", h) is not None, "record hash %r" % h)
        check(d.find_element(By.ID, "verdict").text == "passed", "record verdict")
        shoot(d, "record")

        d.get(BASE + "/actions")
        body = d.find_element(By.TAG_NAME, "body").text
        for want in ("Corrective actions", "ecos-fail", "open"):
            check(want in body, "/actions does not show %r" % want)
        shoot(d, "actions")

        d.get(BASE + "/report")
        body = d.find_element(By.TAG_NAME, "body").text
        for want in ("1 of 2 systems compliant", "Äldrenämnden", "Miljönämnden",
                     "Procapita <script>alert(1)</script>", "Audit chain"):
            check(want in body, "/report does not show %r" % want)
        check(not d.find_elements(By.XPATH, "//body//script"), "a <script> element on /report")
        check(d.find_elements(By.CSS_SELECTOR, "svg"), "/report has no chart")
        shoot(d, "report")
        cookie = d.get_cookie("dh_session")
        check(cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict",
              "session cookie flags: %r" % cookie)
    finally:
        d.quit()


def req(method, path, body=None, cookie=None):
    c = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=60)
    h = {}
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    if cookie:
        h["Cookie"] = "dh_session=" + cookie
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def login(user, pw):
    st, h, _ = req("POST", "/login", {"user": user, "password": pw})
    check(st == 303, "login %s: status %d" % (user, st))
    sc = h.get("set-cookie", "")
    check("HttpOnly" in sc and "SameSite=Strict" in sc and "Secure" not in sc,
          "Set-Cookie on plain loopback: %r" % sc)
    return re.match(r"dh_session=([0-9a-f]{64});", sc).group(1)


def csrf_of(cookie, path):
    st, _, page = req("GET", path, cookie=cookie)
    check(st == 200, "GET %s: %d" % (path, st))
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


def jobs():
    with sqlite3.connect(DB, timeout=10) as c:
        return c.execute("SELECT count(*) FROM jobs").fetchone()[0]


def roles_and_csrf():
    anna = login("anna", "anna-secret")
    tok = csrf_of(anna, "/systems/procapita")
    before = jobs()
    st, _, _ = req("POST", "/systems/procapita/run", {"csrf": tok}, anna)
    check(st == 403, "auditor POST run: %d" % st)
    op = login("op", "op-secret")
    st, _, _ = req("POST", "/systems/procapita/run", {}, op)
    check(st == 403, "POST without CSRF token: %d" % st)
    st, _, _ = req("POST", "/systems/procapita/run", {"csrf": tok}, op)
    check(st == 403, "POST with another session's CSRF token: %d" % st)
    time.sleep(0.5)
    check(jobs() == before, "a refused POST dispatched a job")
    optok = csrf_of(op, "/systems/procapita")
    st, _, page = req("POST", "/systems/procapita/run", {"csrf": optok}, op)
    check(st == 202, "operator POST run: %d" % st)
    job = re.search(r"Restore test (\S+) started", page).group(1)
    for _ in range(100):
        with sqlite3.connect(DB, timeout=10) as c:
            row = c.execute("SELECT trigger, verdict FROM records WHERE job=?", (job,)).fetchone()
        if row:
            break
        time.sleep(0.1)
    check(row == ("web:op", "passed"), "record of %s: %r" % (job, row))
    st, _, page = req("GET", "/systems/procapita", cookie=op)
    check("web:op" in page, "the system page does not show the web:op test")
    st, h, _ = req("POST", "/logout", {"csrf": optok}, op)
    check(st == 303 and h.get("location") == "/login", "logout: %d" % st)
    st, h, _ = req("GET", "/", cookie=op)
    check(st == 303 and h.get("location") == "/login", "session still alive after logout")


def boards():
    bu = login("bu", "bu-secret")
    st, _, _ = req("GET", "/systems/procapita", cookie=bu)
    check(st == 200, "board user, own system: %d" % st)
    st, _, page = req("GET", "/systems/ecos-fail", cookie=bu)
    check(st == 404, "board user, other board's system: %d" % st)
    st, _, page = req("GET", "/", cookie=bu)
    check("ecos-fail" not in page and "procapita" in page, "board user's overview")
    with sqlite3.connect(DB, timeout=10) as c:
        other = c.execute("SELECT job FROM records WHERE system='ecos-fail'").fetchone()[0]
    st, _, _ = req("GET", "/records/" + other, cookie=bu)
    check(st == 404, "board user, other board's record: %d" % st)
    st, _, page = req("GET", "/actions", cookie=bu)
    check(st == 200 and "ecos-fail" not in page, "board user's actions page")


def brake():
    times = []
    for i in range(6):
        t = time.monotonic()
        st, _, _ = req("POST", "/login", {"user": "anna", "password": "wrong%d" % i})
        times.append(time.monotonic() - t)
        check(st == 401, "wrong password %d: %d" % (i + 1, st))
    print("web_browser: failed logins took " + ", ".join("%.2f s" % x for x in times))
    check(times[5] - times[0] >= 1.5, "the sixth attempt was not slowed: %r" % times)


def audited():
    with sqlite3.connect(DB, timeout=10) as c:
        refs = [r[0] for r in c.execute("SELECT ref FROM audit WHERE kind='web' ORDER BY seq")]
    text = "\n".join(refs)
    for want in ('"event":"login","peer":"127.0.0.1","user":"anna"',
                 '"event":"login_failed","peer":"127.0.0.1","user":"anna"',
                 '"event":"refused","peer":"127.0.0.1","user":"anna"',
                 '"event":"run","peer":"127.0.0.1","user":"op"',
                 '"event":"logout","peer":"127.0.0.1","user":"op"'):
        check(want in text, "audit has no entry %s" % want)


in_browser()
roles_and_csrf()
boards()
brake()
audited()
print("web_browser: ok")
