/*
 * The newest records of every system and kind (store/newest.h) against a
 * real SQLite file, records stored through dh_db_record_store:
 *  - a history stored in random order, with ties on the start time and
 *    every verdict, read as of many times (now, and earlier times that
 *    make some pairs fall back to the per-pair queries): last, last
 *    passed-or-failed and last passed equal a brute-force choice over the
 *    records finished by then (newest start; the later stored on a tie);
 *  - the newest drill is the whole record, checks included; others are
 *    the columns, or whole records when asked for;
 *  - records of systems not in the plan are left out; asked for one
 *    system, only its pairs are read;
 *  - migration 7 fills the table from the records already stored;
 *  - records deleted or changed by hand: the rest decide.
 */
#include "store_fx.h"

#include <sqlite3.h>

#include "plan/check.h"
#include "plan/plan.h"
#include "policy_fx.h"
#include "store/newest.h"
#include "store/records.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z */
#define NREC 240

static const char policy[] = "[plan]\nname = K\nowner = IT\nunclassified_level = 2\n"
			     "failover_required_from = 3\n" FX_POLICY_LEVELS;
static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /k\nknown_hosts = /kh\n"
	"[hall A]\n[hall B]\n[host b1]\nhall = B\naddress = 127.0.0.3\nuser = dh\n";
static const char sys_text[] = "[system]\nname = S\nboard = B\nclassified = 2025-01-01\n"
			       "availability = 2\n[restore]\nhost = b1\nmethod = tar\n"
			       "repository = /srv/s\n";
static const char *const systems[] = { "a", "b", "c" }; /* c is not in the plan */

/* Systems a and b. */
static struct dh_plan *
plan_ab(void)
{
	struct dh_plan_file f[] = {
		{ .path = "inventory.ini", .text = inventory, .len = sizeof(inventory) - 1 },
		{ .path = "policy.ini", .text = policy, .len = sizeof(policy) - 1 },
		{ .path = "systems/a.ini", .text = sys_text, .len = sizeof(sys_text) - 1 },
		{ .path = "systems/b.ini", .text = sys_text, .len = sizeof(sys_text) - 1 },
	};
	struct dh_problems pr;
	struct dh_plan *p = NULL;

	dh_problems_init(&pr);
	dh_plan_load_files(&p, f, 4, &pr);
	dh_plan_check(p, T0, &pr);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 0);
	dh_problems_fini(&pr);
	return p;
}

struct stored {
	char id[16];
	int sys, kind;
	enum dh_verdict v;
	time_t started, finished;
};

static void
store(struct dh_db *db, const struct stored *s)
{
	struct dh_record *r = dh_record_new();

	add_job_as(db, s->id, systems[s->sys], (enum dh_job_kind)s->kind, "b1", 30 * DAY);
	r->id = dh_xstrdup(s->id);
	r->verdict = s->v;
	r->started_at = s->started;
	r->finished_at = s->finished;
	r->rpo_actual_s = 60; /* within the targets: a pass stays a pass */
	r->rto_actual_s = 60;
	if (s->kind == DH_JOB_FAILOVER)
		dh_record_add_check(r, "production", DH_VERDICT_PASSED, "back on %s", s->id);
	else
		dh_record_add_check(r, "files", DH_VERDICT_PASSED, "%d files", 3);
	assert_int_equal(dh_db_record_store(db, r, NULL), 0);
	dh_record_free(r);
}

/* The brute-force answer for system sys, kind, class (0 any, 1 evidence, 2 passed) as of now. */
static const char *
expected(const struct stored *v, size_t n, int sys, int kind, int class, time_t now)
{
	const struct stored *best = NULL;

	for (size_t i = 0; i < n; i++) { /* v is in the order stored */
		const struct stored *s = &v[i];

		if (s->sys != sys || s->kind != kind || s->finished > now)
			continue;
		if ((class == 1 && s->v != DH_VERDICT_PASSED && s->v != DH_VERDICT_FAILED) ||
			(class == 2 && s->v != DH_VERDICT_PASSED))
			continue;
		if (best == NULL || s->started >= best->started)
			best = s;
	}
	return best ? best->id : NULL;
}

static void
check_as_of(struct dh_db *db, const struct dh_plan *p, const struct stored *v, size_t n, time_t now,
	bool whole)
{
	struct dh_newest_set set;

	assert_int_equal(dh_db_newest(db, p, now, &(struct dh_newest_opt){ .whole = whole }, &set,
				 NULL),
		0);
	assert_int_equal(set.n, 2 * DH_NEWEST_KINDS);
	for (int sys = 0; sys < 2; sys++)
		for (int k = 0; k < DH_NEWEST_KINDS; k++) {
			const struct dh_newest *nw = &set.v[sys * DH_NEWEST_KINDS + k];
			const struct dh_record *got[3] = { nw->last, nw->last_evidence,
				nw->last_passed };

			for (int c = 0; c < 3; c++) {
				const char *want = expected(v, n, sys, k, c, now);

				if (want == NULL)
					assert_null(got[c]);
				else {
					assert_non_null(got[c]);
					assert_string_equal(got[c]->id, want);
					assert_string_equal(got[c]->system, systems[sys]);
				}
			}
			if (nw->last != NULL && k == DH_JOB_FAILOVER) {
				assert_int_equal(nw->last->nchecks, 1); /* the whole record */
				assert_string_equal(nw->last->checks[0].name, "production");
			}
			for (int c = 0; c < 3; c++) /* whole, or the columns */
				if (got[c] != NULL && (k == DH_JOB_RESTORE || got[c] != nw->last)) {
					assert_int_equal(got[c]->nchecks, whole ? 1 : 0);
					assert_int_equal(got[c]->rto_actual_s, 60);
				}
		}
	dh_db_newest_fini(&set);
}

/* A history in random order (fixed seed) with ties; times across 60 days. */
static size_t
random_history(struct stored *v)
{
	static const enum dh_verdict verdicts[] = { DH_VERDICT_PASSED, DH_VERDICT_FAILED,
		DH_VERDICT_ERROR, DH_VERDICT_ABORTED };

	srand(4711);
	for (size_t i = 0; i < NREC; i++) {
		struct stored *s = &v[i];

		snprintf(s->id, sizeof(s->id), "j%04zu", i);
		s->sys = rand() % 3;
		s->kind = rand() % 4 == 0 ? DH_JOB_FAILOVER : DH_JOB_RESTORE;
		s->v = verdicts[rand() % 4];
		s->started = T0 + (time_t)(rand() % 60) * DAY; /* many ties on a day */
		s->finished = s->started + 60 + rand() % (3 * DAY);
	}
	return NREC;
}

static void
test_random_history(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_ab();
	static struct stored v[NREC];
	size_t n = random_history(v);

	for (size_t i = 0; i < n; i++)
		store(f->db, &v[i]);
	for (int whole = 0; whole < 2; whole++) {
		check_as_of(f->db, p, v, n, T0 + 100 * DAY, whole); /* every pair from the table */
		for (time_t t = T0 - DAY; t < T0 + 64 * DAY; t += DAY / 3)
			check_as_of(f->db, p, v, n, t, whole);
	}
	dh_plan_free(p);
}

/* Only system b's pairs read: a's stay empty, b's are as when all are read. */
static void
test_one_system(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_ab();
	static struct stored v[NREC];
	size_t n = random_history(v);
	struct dh_newest_set set;

	for (size_t i = 0; i < n; i++)
		store(f->db, &v[i]);
	for (time_t now = T0 + 20 * DAY; now <= T0 + 100 * DAY; now += 80 * DAY) {
		assert_int_equal(dh_db_newest(f->db, p, now,
					 &(struct dh_newest_opt){ .system = "b" }, &set, NULL),
			0);
		for (int k = 0; k < DH_NEWEST_KINDS; k++) {
			const struct dh_newest *a = &set.v[k], *b = &set.v[DH_NEWEST_KINDS + k];
			const char *want = expected(v, n, 1, k, 0, now);

			assert_null(a->last);
			assert_null(a->last_passed);
			assert_non_null(want);
			assert_non_null(b->last);
			assert_string_equal(b->last->id, want);
		}
		dh_db_newest_fini(&set);
	}
	dh_plan_free(p);
}

static void
test_migration_fills(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_ab();
	static struct stored v[NREC];
	size_t n = random_history(v);
	sqlite3 *raw;

	for (size_t i = 0; i < n; i++)
		store(f->db, &v[i]);
	dh_db_close(f->db);
	/* back to schema 6, as a controller before this change left it */
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(raw,
			"DROP TABLE records_newest; PRAGMA user_version = 6;"
			"DROP TRIGGER records_newest_any; DROP TRIGGER records_newest_evidence;"
			"DROP TRIGGER records_newest_passed; DROP TRIGGER records_newest_deleted;"
			"DROP TRIGGER records_newest_updated;",
			NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0);
	check_as_of(f->db, p, v, n, T0 + 100 * DAY, false);
	check_as_of(f->db, p, v, n, T0 + 30 * DAY, false);
	dh_plan_free(p);
}

/* Records removed or moved by hand (the audit chain would show it): the rest decide. */
static void
test_records_changed_by_hand(void **state)
{
	struct fx *f = *state;
	struct dh_plan *p = plan_ab();
	static struct stored v[NREC];
	size_t n = random_history(v), kept = 0;
	sqlite3 *raw;

	for (size_t i = 0; i < n; i++)
		store(f->db, &v[i]);
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	/* every third record gone; j0001 a week earlier, j0002 system b's */
	assert_int_equal(
		sqlite3_exec(raw,
			"DELETE FROM records WHERE CAST(substr(job, 2) AS INTEGER) % 3 = 0;"
			"UPDATE records SET started_at = started_at - 7 * 86400,"
			" finished_at = finished_at - 7 * 86400 WHERE job = 'j0001';"
			"UPDATE records SET system = 'b' WHERE job = 'j0002';",
			NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
	v[1].started -= 7 * DAY;
	v[1].finished -= 7 * DAY;
	v[2].sys = 1;
	for (size_t i = 0; i < n; i++)
		if (i % 3 != 0)
			v[kept++] = v[i];
	check_as_of(f->db, p, v, kept, T0 + 100 * DAY, false);
	for (time_t t = T0; t < T0 + 64 * DAY; t += 5 * DAY)
		check_as_of(f->db, p, v, kept, t, false);
	dh_plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_system, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_fills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_changed_by_hand, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
