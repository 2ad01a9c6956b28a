/*
 * Plan value parsers: KLASSA levels, ids, ports, counts, "HOST NAME"
 * actions, verify and health entries (windows: test_window.c); and the durations the
 * plan uses (dh_duration_parse) with the forms SPEC names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dh/duration.h"
#include "plan/value.h"
#include "tmpl.h"

static void
test_durations(void **state)
{
	static const struct {
		const char *s;
		bool never;
		int64_t v;
	} ok[] = {
		{ "90s", false, 90 },
		{ "15m", false, 900 },
		{ "4h", false, 14400 },
		{ "7d", false, 604800 },
		{ "1h30m", false, 5400 },
		{ "0", false, 0 },
		{ "never", true, DH_DURATION_NEVER },
	};
	static const char *const bad[] = { "", "4 h", "4H", "1m1h", "-1h", "h", "1.5h", "never",
		"0s0", "1w" };
	int64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(dh_duration_parse(ok[i].s, ok[i].never, &v), 0);
		assert_int_equal(v, ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dh_duration_parse(bad[i], false, &v), DH_EPARSE);
}

static void
test_levels(void **state)
{
	struct dh_err err;
	int v = -1;

	for (int i = 0; i <= 4; i++) {
		char s[2] = { (char)('0' + i), 0 };

		assert_int_equal(dh_plan_value_level(s, &v, &err), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(dh_plan_value_level("5", &v, &err), DH_EPARSE);
	assert_string_equal(err.msg, "'5' is not a KLASSA level (0, 1, 2, 3 or 4)");
	assert_int_equal(dh_plan_value_level("03", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_level("-1", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_level("", &v, &err), DH_EPARSE);
}

static void
test_ids(void **state)
{
	char longid[80];

	assert_true(dh_plan_value_is_id("sql-kluster"));
	assert_true(dh_plan_value_is_id("a"));
	assert_true(dh_plan_value_is_id("0ad"));
	assert_false(dh_plan_value_is_id("-ad"));
	assert_false(dh_plan_value_is_id("Ad"));
	assert_false(dh_plan_value_is_id("a_b"));
	assert_false(dh_plan_value_is_id("a.b"));
	assert_false(dh_plan_value_is_id("a b"));
	assert_false(dh_plan_value_is_id(""));
	assert_false(dh_plan_value_is_id("../x"));
	memset(longid, 'a', 64);
	longid[64] = '\0';
	assert_true(dh_plan_value_is_id(longid));
	longid[64] = 'a';
	longid[65] = '\0';
	assert_false(dh_plan_value_is_id(longid));
	assert_true(dh_plan_value_is_hall_id("A"));
	assert_false(dh_plan_value_is_hall_id("A B"));
	assert_true(dh_plan_value_is_action_name("check_db.v2"));
	assert_false(dh_plan_value_is_action_name("rm -rf"));
	assert_false(dh_plan_value_is_action_name("$(x)"));
}

/* restic's snapshot filters: a host name, one tag as restic takes it. */
static void
test_snapshot_filters(void **state)
{
	char longname[260];

	assert_true(dh_plan_value_is_hostname("app-a1"));
	assert_true(dh_plan_value_is_hostname("App_B2.example.se"));
	assert_false(dh_plan_value_is_hostname(""));
	assert_false(dh_plan_value_is_hostname("-v"));
	assert_false(dh_plan_value_is_hostname(".hidden"));
	assert_false(dh_plan_value_is_hostname("a b"));
	assert_false(dh_plan_value_is_hostname("a/b"));
	memset(longname, 'a', 254);
	longname[254] = '\0';
	assert_false(dh_plan_value_is_hostname(longname));
	longname[253] = '\0';
	assert_true(dh_plan_value_is_hostname(longname));
	assert_true(dh_plan_value_is_restic_tag("nightly"));
	assert_true(dh_plan_value_is_restic_tag("sys=procapita"));
	assert_false(dh_plan_value_is_restic_tag(""));
	assert_false(dh_plan_value_is_restic_tag("a,b")); /* restic: two tags */
	assert_false(dh_plan_value_is_restic_tag("a b"));
	assert_false(dh_plan_value_is_restic_tag("a\tb"));
	assert_false(dh_plan_value_is_restic_tag("a\x7f"));
}

static void
test_ports_counts_bools(void **state)
{
	struct dh_err err;
	int port;
	int64_t n;
	bool b;

	assert_int_equal(dh_plan_value_port("2201", &port, &err), 0);
	assert_int_equal(port, 2201);
	assert_int_equal(dh_plan_value_port("0", &port, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_port("65536", &port, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_port("+22", &port, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_count("1000", &n, &err), 0);
	assert_int_equal(n, 1000);
	assert_int_equal(dh_plan_value_count("99999999999999999999", &n, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_bool("yes", &b, &err), 0);
	assert_true(b);
	assert_int_equal(dh_plan_value_bool("true", &b, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_url("https://app-b1/health", &err), 0);
	assert_int_equal(dh_plan_value_url("ftp://x", &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_url("http://", &err), DH_EPARSE);
	assert_true(dh_plan_value_is_abs_path("/srv/backup/x"));
	assert_false(dh_plan_value_is_abs_path("srv/backup"));
	assert_false(dh_plan_value_is_abs_path("/srv/../etc"));
}

static void
test_actions(void **state)
{
	struct dh_err err;
	char *h = NULL, *a = NULL;

	assert_int_equal(dh_plan_value_action("app-b1  promote", &h, &a, &err), 0);
	assert_string_equal(h, "app-b1");
	assert_string_equal(a, "promote");
	free(h);
	free(a);
	assert_int_equal(dh_plan_value_action("promote", &h, &a, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_action("app-b1 pg_ctl promote", &h, &a, &err), DH_EPARSE);
	assert_string_equal(err.msg, "'app-b1 pg_ctl promote' is not 'HOST ACTION'");
	assert_int_equal(dh_plan_value_action("App promote", &h, &a, &err), DH_EPARSE);
}

static void
test_verify(void **state)
{
	struct dh_err err;
	struct dh_plan_verify v;

	assert_int_equal(dh_plan_value_verify("min_files 1000", &v, &err), 0);
	assert_int_equal(v.kind, DH_VERIFY_MIN_FILES);
	assert_int_equal(v.n, 1000);
	assert_null(v.arg);
	assert_int_equal(dh_plan_value_verify("file var/lib/db.sqlite", &v, &err), 0);
	assert_int_equal(v.kind, DH_VERIFY_FILE);
	assert_string_equal(v.arg, "var/lib/db.sqlite");
	free(v.arg);
	assert_int_equal(dh_plan_value_verify("manifest /srv/m.sha256", &v, &err), 0);
	free(v.arg);
	assert_int_equal(dh_plan_value_verify("file /etc/passwd", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_verify("file a/../../b", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_verify("manifest rel", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_verify("sha256 x", &v, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_verify("min_bytes", &v, &err), DH_EPARSE);
}

static void
test_health(void **state)
{
	struct dh_err err;
	struct dh_health h;

	assert_int_equal(dh_plan_value_health("tcp app-b1:5432", &h, &err), 0);
	assert_int_equal(h.kind, DH_HEALTH_TCP);
	assert_string_equal(h.host, "app-b1");
	assert_int_equal(h.port, 5432);
	free(h.host);
	assert_int_equal(dh_plan_value_health("http https://x/health", &h, &err), 0);
	assert_int_equal(h.kind, DH_HEALTH_HTTP);
	assert_string_equal(h.url, "https://x/health");
	free(h.url);
	assert_int_equal(dh_plan_value_health("app-b1 check-db", &h, &err), 0);
	assert_int_equal(h.kind, DH_HEALTH_ACTION);
	assert_string_equal(h.action, "check-db");
	free(h.host);
	free(h.action);
	assert_int_equal(dh_plan_value_health("tcp app-b1", &h, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_health("tcp app-b1:0", &h, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_health("http ftp://x", &h, &err), DH_EPARSE);
	/* tcp: an inventory host, a DNS name, an IPv4 or a bracketed IPv6 address */
	assert_int_equal(dh_plan_value_health("tcp db.example.se:5432", &h, &err), 0);
	assert_string_equal(h.host, "db.example.se");
	free(h.host);
	assert_int_equal(dh_plan_value_health("tcp 10.20.0.11:5432", &h, &err), 0);
	assert_string_equal(h.host, "10.20.0.11");
	free(h.host);
	assert_int_equal(dh_plan_value_health("tcp [2001:db8::1]:443", &h, &err), 0);
	assert_string_equal(h.host, "2001:db8::1");
	assert_int_equal(h.port, 443);
	free(h.host);
	assert_int_equal(dh_plan_value_health("tcp 2001:db8::1:443", &h, &err), DH_EPARSE);
	assert_non_null(strstr(err.msg, "IPv6 address in brackets"));
	assert_int_equal(dh_plan_value_health("tcp [db]:443", &h, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_health("tcp :443", &h, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_health("tcp a b:1", &h, &err), DH_EPARSE);
	assert_int_equal(dh_plan_value_health("app-b1 check db", &h, &err), DH_EPARSE);
}

/* SPEC "Checks": a timezone the tz database does not know is an error. */
static void
test_timezones(void **state)
{
	static const char *const good[] = { "Europe/Stockholm", "UTC", "America/Port-au-Prince",
		"Etc/GMT+1", "America/Argentina/Buenos_Aires" };
	static const char *const unknown[] = { "Europe/Stokholm", "Mars/Olympus_Mons", "Europe",
		"Europe/Stockholm/x" };
	static const char *const bad_name[] = { "", "/etc/localtime", "../../../etc/passwd",
		"Europe/../UTC", "Europe//Stockholm", "Europe/Stockholm/", "zone.tab",
		"Europe/Stockholm ", "-UTC", "Europe/\x1b" };
	struct dh_err err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(dh_plan_value_timezone(good[i], &err), 0);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_int_equal(dh_plan_value_timezone(unknown[i], &err), DH_EPARSE);
		assert_non_null(strstr(err.msg, "unknown time zone"));
	}
	for (size_t i = 0; i < sizeof(bad_name) / sizeof(bad_name[0]); i++) {
		assert_int_equal(dh_plan_value_timezone(bad_name[i], &err), DH_EPARSE);
		assert_non_null(strstr(err.msg, "is not a time zone name"));
	}
}

/* A file in the database that is not a TZif file, and no database at all. */
static void
test_timezone_database(void **state)
{
	char dir[] = DH_TMPL("/tmp/dh-test-tz-"), path[64];
	struct dh_err err;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/Fake", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("not a zone\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Real", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("TZif2 rest of a zone file", f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	assert_int_equal(dh_plan_value_timezone("Real", &err), 0);
	assert_int_equal(dh_plan_value_timezone("Fake", &err), DH_EPARSE);
	assert_non_null(strstr(err.msg, "unknown time zone 'Fake'"));
	setenv("TZDIR", "/nonexistent/zoneinfo", 1);
	assert_int_equal(dh_plan_value_timezone("Europe/Stockholm", &err), DH_EPARSE);
	assert_non_null(strstr(err.msg, "no tz database"));
	unsetenv("TZDIR");
	snprintf(path, sizeof(path), "%s/Fake", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/Real", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_filters),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_timezones),
		cmocka_unit_test(test_timezone_database),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_ports_counts_bools),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_health),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
