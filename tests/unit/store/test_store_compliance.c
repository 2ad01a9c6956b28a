/*
 * Where every system stands, from a real SQLite file and a plan loaded
 * from text (store/compliance.h): "plan changed since the last test" from
 * the fingerprints each plan revision noted (dh_db_plan_note) — the same
 * revision, another revision that asks the same, a changed [restore]
 * section (the current revision's fingerprints read when noted, computed
 * before), a tightened requirement, a revision noted before fingerprints
 * (judged by the record's targets); an open corrective action past due;
 * and `due`'s list: never run first, then never passed, then oldest due,
 * with the next opening of the window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/timefmt.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "store/compliance.h"
#include "store/db.h"
#include "store/jobs.h"
#include "store/records.h"
#include "store/revisions.h"
#include "tmpl.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z, a Tuesday */

static const char policy[] =
	"[plan]\nname = K\nowner = IT\ntimezone = Europe/Stockholm\nunclassified_level = 2\n"
	"failover_required_from = 3\n"
	"[availability 0]\nrpo = 7d\nrto = 14d\nrestore_test_every = 365d\nfailover_drill_every = never\n"
	"[availability 1]\nrpo = 24h\nrto = 72h\nrestore_test_every = 180d\nfailover_drill_every = never\n"
	"[availability 2]\nrpo = 4h\nrto = 24h\nrestore_test_every = 30d\nfailover_drill_every = 365d\n"
	"[availability 3]\nrpo = 1h\nrto = 4h\nrestore_test_every = 30d\nfailover_drill_every = 180d\n"
	"[availability 4]\nrpo = 0\nbackup_rpo = 1h\nrto = 1h\nrestore_test_every = 7d\nfailover_drill_every = 90d\n"
	"[windows]\nrestore = mon-fri 22:00-23:00\nfailover = sat 01:00-05:00\n";
static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /k\nknown_hosts = /kh\n"
	"[hall A]\n[hall B]\n[host b1]\nhall = B\naddress = 127.0.0.3\nuser = dh\n";

struct fx {
	char dir[64], path[96];
	struct dh_db *db;
};

/* Systems a (T2) and b (T3, no [failover]); extra [system] keys of a, [restore] keys of a. */
static struct dh_plan *
plan_of(const char *sys_a, const char *restore_a, const char *sys_b)
{
	char *a = dh_xasprintf("[system]\nname = A\nboard = B\nclassified = 2025-01-01\n"
			       "availability = 2\n%s[restore]\nhost = b1\nmethod = tar\n"
			       "repository = /srv/a\n%s",
		sys_a, restore_a);
	char *b = dh_xasprintf("[system]\nname = B\nboard = B\nclassified = 2025-01-01\n"
			       "availability = 3\n[restore]\nhost = b1\nmethod = tar\n"
			       "repository = /srv/b\n%s",
		sys_b);
	struct dh_plan_file f[] = {
		{ .path = "inventory.ini", .text = inventory, .len = sizeof(inventory) - 1 },
		{ .path = "policy.ini", .text = policy, .len = sizeof(policy) - 1 },
		{ .path = "systems/a.ini", .text = a, .len = strlen(a) },
		{ .path = "systems/b.ini", .text = b, .len = strlen(b) },
	};
	struct dh_problems pr;
	struct dh_plan *p = NULL;

	dh_problems_init(&pr);
	dh_plan_load_files(&p, f, 4, &pr);
	dh_plan_check(p, T0, &pr);
	for (size_t i = 0; i < pr.n; i++)
		if (pr.v[i].severity == DH_SEV_ERROR)
			fail_msg("%s:%d: %s", pr.v[i].file, pr.v[i].line, pr.v[i].message);
	dh_problems_fini(&pr);
	free(a);
	free(b);
	return p;
}

/* A record of system/kind under revision rev with targets, verdict, started at. */
static void
rec(struct dh_db *db, const char *id, const char *system, const char *rev, int64_t rpo, int64_t rto,
	enum dh_verdict v, time_t at)
{
	char tok[DH_TOKEN_HEX + 1];
	struct dh_job j = { .version = 1,
		.kind = DH_JOB_RESTORE,
		.host = "b1",
		.plan_revision = (char *)rev,
		.rpo_target_s = rpo,
		.rto_target_s = rto,
		.timeout_s = 3600,
		.every_s = 30 * DAY };
	struct dh_record *r = dh_record_new();

	memset(tok, 'a', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	j.id = (char *)id;
	j.system = (char *)system;
	j.token = tok;
	assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
	r->id = dh_xstrdup(id);
	r->verdict = v;
	r->started_at = at;
	r->finished_at = at + 600;
	r->rpo_actual_s = 60;
	r->rto_actual_s = 600;
	assert_int_equal(dh_db_record_store(db, r, NULL), 0);
	dh_record_free(r);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "%s", DH_TMPL("/tmp/dh-test-standing-"));
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/dh.db", f->dir);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	dh_db_close(f->db);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *
reasons(const struct dh_standing *st, char *buf, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < st->c.nreasons; i++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "; " : "",
			st->c.reasons[i].text);
	return buf;
}

static void
test_plan_changed(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p1 = plan_of("", "", ""), *p2 = plan_of("", "verify = min_files 3\n", "");
	struct dh_plan *p3 = plan_of("rto = 2h\n", "verify = min_files 3\n", "; a comment\n");
	struct dh_standings sd = { 0 };
	char buf[512];

	assert_int_equal(dh_db_plan_note(f->db, p1, NULL), 0);
	rec(f->db, "a1", "a", p1->revision, 4 * 3600, DAY, DH_VERDICT_PASSED, T0);
	rec(f->db, "b1", "b", p1->revision, 3600, 4 * 3600, DH_VERDICT_PASSED, T0);
	/* the same plan: nothing changed */
	assert_int_equal(dh_db_standings(f->db, p1, false, T0 + DAY, &sd, NULL), 0);
	assert_false(sd.v[0].tests[DH_JOB_RESTORE].plan_changed);
	assert_true(sd.v[0].c.compliant);
	dh_db_standings_fini(&sd);
	/* a's [restore] gained a verify: a's test is due now; b's is not; the
	 * same whether p2's fingerprints are computed (not yet noted) or read */
	for (int noted = 0; noted < 2; noted++) {
		if (noted)
			assert_int_equal(dh_db_plan_note(f->db, p2, NULL), 0);
		assert_int_equal(dh_db_standings(f->db, p2, false, T0 + DAY, &sd, NULL), 0);
		assert_true(sd.v[0].tests[DH_JOB_RESTORE].plan_changed);
		assert_string_equal(reasons(&sd.v[0], buf, sizeof(buf)),
			"plan changed since the last restore test on 2026-12-01");
		assert_int_equal(sd.v[0].c.kind[DH_JOB_RESTORE].due_at, T0 + DAY);
		assert_false(sd.v[1].tests[DH_JOB_RESTORE].plan_changed);
		dh_db_standings_fini(&sd);
	}
	/* a passes under p2; then p3 tightens a's rto (b only gains a comment) */
	rec(f->db, "a2", "a", p2->revision, 4 * 3600, DAY, DH_VERDICT_PASSED, T0 + 2 * DAY);
	assert_int_equal(dh_db_plan_note(f->db, p3, NULL), 0);
	assert_int_equal(dh_db_standings(f->db, p3, false, T0 + 3 * DAY, &sd, NULL), 0);
	assert_true(sd.v[0].tests[DH_JOB_RESTORE].plan_changed);
	assert_false(sd.v[1].tests[DH_JOB_RESTORE].plan_changed);
	dh_db_standings_fini(&sd);
	/* a revision never noted (before fingerprints): the record's targets decide */
	rec(f->db, "b2", "b", "0123old", 3600, 4 * 3600, DH_VERDICT_PASSED, T0 + 3 * DAY);
	rec(f->db, "a3", "a", "0123old", 4 * 3600, DAY, DH_VERDICT_PASSED, T0 + 3 * DAY);
	assert_int_equal(dh_db_standings(f->db, p3, false, T0 + 4 * DAY, &sd, NULL), 0);
	assert_true(sd.v[0].tests[DH_JOB_RESTORE].plan_changed); /* rto 24h then, 2h now */
	assert_false(sd.v[1].tests[DH_JOB_RESTORE].plan_changed);
	dh_db_standings_fini(&sd);
	dh_plan_free(p1);
	dh_plan_free(p2);
	dh_plan_free(p3);
}

/* A failure opens an action due a quarter of 30d later; past that, a reason. */
static void
test_action_past_due(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_of("", "", "");
	struct dh_standings sd = { 0 };
	char buf[512];

	rec(f->db, "a1", "a", p->revision, 4 * 3600, DAY, DH_VERDICT_PASSED, T0);
	rec(f->db, "a2", "a", p->revision, 4 * 3600, DAY, DH_VERDICT_FAILED, T0 + DAY);
	assert_int_equal(dh_db_standings(f->db, p, false, T0 + 2 * DAY, &sd, NULL), 0);
	assert_non_null(sd.v[0].tests[DH_JOB_RESTORE].open_action);
	assert_string_equal(reasons(&sd.v[0], buf, sizeof(buf)),
		"last restore test failed on 2026-12-02");
	dh_db_standings_fini(&sd);
	assert_int_equal(dh_db_standings(f->db, p, false, T0 + 10 * DAY, &sd, NULL), 0);
	assert_non_null(strstr(reasons(&sd.v[0], buf, sizeof(buf)),
		"corrective action 1 (restore test, opened 2026-12-02) past its due date since "
		"2026-12-09"));
	dh_db_standings_fini(&sd);
	dh_plan_free(p);
}

/* `due`: never run, never passed, then oldest due; the next window opening. */
static void
test_due_order(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_of("restore_test_every = 7d\n", "", "");
	struct dh_standings sd = { 0 };
	struct dh_due_row *rows = NULL;
	size_t n = 0;
	time_t now = T0 + 40 * DAY + 12 * 3600; /* 2027-01-10 12:00Z, a Sunday */

	rec(f->db, "a1", "a", p->revision, 4 * 3600, DAY, DH_VERDICT_PASSED, T0);
	assert_int_equal(dh_db_standings(f->db, p, false, now, &sd, NULL), 0);
	dh_db_standings_due(&sd, p, now, &rows, &n);
	/* b: restore never run (b has no [failover]: no drill to list); a: overdue since T0 + 7d */
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].sys->id, "b");
	assert_true(rows[0].never_run);
	assert_int_equal(rows[0].kind, DH_JOB_RESTORE);
	assert_string_equal(rows[1].sys->id, "a");
	assert_true(rows[1].overdue);
	assert_int_equal(rows[1].due_at, T0 + 7 * DAY);
	/* mon-fri 22:00-23:00 Stockholm: Monday 2027-01-11 21:00Z */
	assert_int_equal(rows[1].next_window_at, T0 + 41 * DAY + 21 * 3600);
	free(rows);
	dh_db_standings_fini(&sd);
	/* a failure makes b "never passed": still before the oldest due */
	rec(f->db, "b1", "b", p->revision, 3600, 4 * 3600, DH_VERDICT_FAILED, T0 + DAY);
	rec(f->db, "c1", "a", p->revision, 4 * 3600, DAY, DH_VERDICT_PASSED, T0 + 2 * DAY);
	assert_int_equal(dh_db_standings(f->db, p, false, now, &sd, NULL), 0);
	dh_db_standings_due(&sd, p, now, &rows, &n);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].sys->id, "b");
	assert_true(rows[0].never_passed);
	assert_false(rows[0].never_run);
	assert_int_equal(rows[0].due_at, now); /* eval/compliance: never passed = due now */
	assert_string_equal(rows[1].sys->id, "a");
	assert_int_equal(rows[1].due_at, T0 + 9 * DAY);
	free(rows);
	dh_db_standings_fini(&sd);
	dh_plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_action_past_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_due_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
