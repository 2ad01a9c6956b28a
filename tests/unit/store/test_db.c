/*
 * The store (controller/db.c) against a real SQLite file in a temporary
 * directory: schema and pragmas, jobs with tokens, events idempotent on
 * (job, seq) in group-commit batches, records completed from their job,
 * history order and filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/records.h"
#include "dh/buf.h"
#include "dh/proto.h"
#include "tmpl.h"

struct fx {
	char dir[64];
	char path[128];
	struct dh_db *db;
};

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), DH_TMPL("/tmp/dh-test-db-"));
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
	char cmd[200];

	dh_db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
add_job(struct dh_db *db, const char *id, const char *system)
{
	struct dh_job j = { .version = 1, .kind = DH_JOB_RESTORE,
		.host = "backup-b1", .plan_revision = "rev1",
		.rpo_target_s = 3600, .rto_target_s = 7200, .timeout_s = 14400 };
	char tok[DH_TOKEN_HEX + 1];

	memset(tok, 'a', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	j.id = (char *)id;
	j.system = (char *)system;
	j.token = tok;
	assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
}

static struct dh_event *
event(const char *job, int64_t seq, const char *type, char **body)
{
	char *json = dh_xasprintf("{\"job\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
		"\"at\":\"2026-11-27T10:00:0%lldZ\",\"host\":\"b1\"%s}", job,
		(long long)seq, type, (long long)(seq % 10),
		strcmp(type, "finished") == 0 ? ",\"record\":{\"id\":\"x\",\"system\":\"evil\","
		"\"kind\":\"restore\",\"verdict\":\"passed\",\"started_at\":"
		"\"2026-11-27T09:00:00Z\",\"finished_at\":\"2026-11-27T09:30:00Z\","
		"\"rpo_target_s\":99999,\"rpo_actual_s\":600,\"rto_target_s\":99999,"
		"\"rto_actual_s\":1800,\"checks\":[],\"mismatches\":[]}" : "");
	struct dh_event *ev = NULL;
	struct dh_err err;

	assert_int_equal(dh_event_parse(json, strlen(json), &ev, &err), 0);
	*body = json;
	return ev;
}

static void
test_open_pragmas(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	sqlite3_stmt *st;

	dh_db_close(f->db);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0); /* reopen: no migration */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), DH_DB_SCHEMA_VERSION);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* A version 1 database gains what version 2 added. */
	assert_int_equal(sqlite3_exec(h, "DROP TABLE serves; PRAGMA user_version = 1",
		NULL, NULL, NULL), SQLITE_OK);
	dh_db_close(f->db);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0);
	assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 42, NULL), 0);
	{
		long pid = 0;

		assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), 0);
		assert_int_equal(pid, 42);
		assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 0, NULL), 0);
		assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), DH_ENOENT);
	}
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	dh_db_close(f->db);
	f->db = NULL;
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), DH_EDB);
	assert_null(f->db);
}

static void
test_jobs(void **state)
{
	struct fx *f = *state;
	struct dh_db_job *j = NULL;
	struct dh_job dup = { .id = "j1", .system = "s", .host = "h", .token = "t" };

	add_job(f->db, "j1", "procapita");
	assert_int_equal(dh_db_job_insert(f->db, &dup, "manual", NULL), DH_EEXIST);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->system, "procapita");
	assert_string_equal(j->state, "dispatched");
	assert_int_equal(strlen(j->token), DH_TOKEN_HEX);
	assert_int_equal(j->rto_target_s, 7200);
	dh_db_job_free(j);
	assert_int_equal(dh_db_job_get(f->db, "nope", &j, NULL), DH_ENOENT);
}

static void
test_events_idempotent(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in[4];
	char *bodies[4];
	int64_t n = 0;

	add_job(f->db, "j1", "procapita");
	in[0].ev = event("j1", 1, "accepted", &bodies[0]);
	in[1].ev = event("j1", 2, "step", &bodies[1]);
	in[2].ev = event("j1", 1, "accepted", &bodies[2]);  /* duplicate in batch */
	in[3].ev = event("ghost", 1, "accepted", &bodies[3]); /* unknown job */
	for (int i = 0; i < 4; i++) {
		in[i].body = bodies[i];
		in[i].len = strlen(bodies[i]);
	}
	assert_int_equal(dh_db_event_batch(f->db, in, 4, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_NEW);
	assert_int_equal(in[1].result, DH_DB_NEW);
	assert_int_equal(in[2].result, DH_DB_DUPLICATE);
	assert_int_equal(in[3].result, DH_ENOENT);
	assert_int_equal(dh_db_event_batch(f->db, in, 2, NULL), 0); /* resend */
	assert_int_equal(in[0].result, DH_DB_DUPLICATE);
	assert_int_equal(in[1].result, DH_DB_DUPLICATE);
	in[0].len--; /* same (job, seq), other bytes: reported, first one kept */
	assert_int_equal(dh_db_event_batch(f->db, in, 1, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_CONFLICT);
	assert_int_equal(dh_db_event_count(f->db, "j1", &n, NULL), 0);
	assert_int_equal(n, 2);
	for (int i = 0; i < 4; i++) {
		dh_event_free(in[i].ev);
		free(bodies[i]);
	}
}

static void
test_finished_record(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in = { 0 };
	struct dh_record *r = NULL;
	struct dh_db_job *j = NULL;
	char *body;

	add_job(f->db, "j1", "procapita");
	in.ev = event("j1", 3, "finished", &body);
	in.body = body;
	in.len = strlen(body);
	assert_int_equal(dh_db_event_batch(f->db, &in, 1, NULL), 0);
	assert_int_equal(in.result, DH_DB_NEW);
	assert_int_equal(dh_db_record_get(f->db, "j1", &r, NULL), 0);
	/* The job's word, not the agent's: system, targets, revision, trigger. */
	assert_string_equal(r->system, "procapita");
	assert_int_equal(r->rpo_target_s, 3600);
	assert_int_equal(r->rto_target_s, 7200);
	assert_string_equal(r->plan_revision, "rev1");
	assert_string_equal(r->trigger, "manual");
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	assert_int_equal(strlen(r->record_hash), 64);
	assert_int_equal(r->nhosts, 1);
	assert_string_equal(r->hosts[0], "backup-b1");
	dh_record_free(r);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->state, "finished");
	dh_db_job_free(j);
	dh_event_free(in.ev);
	free(body);
}

static void
test_record_store_and_history(void **state)
{
	struct fx *f = *state;
	struct dh_record **recs = NULL;
	size_t n = 0;
	const char *ids[] = { "a1", "a2", "b1" };
	const char *sys[] = { "alpha", "alpha", "beta" };

	for (int i = 0; i < 3; i++) {
		struct dh_record *r = dh_record_new();

		add_job(f->db, ids[i], sys[i]);
		r->id = dh_xstrdup(ids[i]);
		r->verdict = DH_VERDICT_ERROR;
		r->started_at = 1000 + i;
		r->finished_at = 1000 + i;
		r->error = dh_xstrdup("host key changed");
		assert_int_equal(dh_db_record_store(f->db, r, NULL), 0);
		assert_int_equal(dh_db_record_store(f->db, r, NULL), DH_EEXIST);
		dh_record_free(r);
	}
	assert_int_equal(dh_db_history(f->db, NULL, NULL, 0, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(recs[0]->id, "b1"); /* newest first */
	assert_string_equal(recs[2]->id, "a1");
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, "alpha", "restore", 1001, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0]->id, "a2");
	assert_string_equal(recs[0]->error, "host key changed");
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, "alpha", "failover", 0, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 0);
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, NULL, NULL, 0, 1, &recs, &n, NULL), 0);
	assert_int_equal(n, 1);
	dh_db_records_free(recs, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finished_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_store_and_history, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
