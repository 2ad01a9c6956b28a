/*
 * Shared fixture for the store's tests (tests/unit/store/): a real
 * SQLite file in a temporary directory opened with dh_db_open, a job
 * inserted the way dispatch stores one, and an agent event parsed from
 * the JSON an agent would send. Static functions: include from one test
 * file each.
 */
#ifndef DH_TEST_STORE_FX_H
#define DH_TEST_STORE_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/db.h"
#include "store/jobs.h"
#include "dh/buf.h"
#include "dh/proto.h"
#include "db_fx.h"

struct fx {
	char dir[64];
	char path[128];
	struct dh_db *db;
};

static __attribute__((unused)) int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));

	fx_db_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), &f->db,
		DH_TMPL("/tmp/dh-test-db-"));
	*state = f;
	return 0;
}

static __attribute__((unused)) int
teardown(void **state)
{
	struct fx *f = *state;

	fx_db_close(f->db, f->dir);
	free(f);
	return 0;
}

/* A job of kind on host, every_s its test interval (0: none given), as the controller inserts it.
 */
static __attribute__((unused)) void
add_job_as(struct dh_db *db, const char *id, const char *system, enum dh_job_kind kind,
	const char *host, int64_t every_s)
{
	struct dh_job j = { .version = 1,
		.kind = kind,
		.plan_revision = "rev1",
		.rpo_target_s = 3600,
		.rto_target_s = 7200,
		.timeout_s = 14400,
		.every_s = every_s };
	char tok[DH_TOKEN_HEX + 1];

	memset(tok, 'a', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	j.id = (char *)id;
	j.system = (char *)system;
	j.host = (char *)host;
	j.token = tok;
	assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
}

/* A restore test's job on backup-b1. */
static __attribute__((unused)) void
add_job(struct dh_db *db, const char *id, const char *system)
{
	add_job_as(db, id, system, DH_JOB_RESTORE, "backup-b1", 0);
}

/* An event of job as an agent sends it; *body is the caller's JSON text. */
static __attribute__((unused)) struct dh_event *
event(const char *job, int64_t seq, const char *type, char **body)
{
	char *json = dh_xasprintf("{\"job\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
				  "\"at\":\"2026-11-27T10:00:0%lldZ\",\"host\":\"b1\"%s}",
		job, (long long)seq, type, (long long)(seq % 10),
		strcmp(type, "finished") == 0
			? ",\"record\":{\"id\":\"x\",\"system\":\"evil\","
			  "\"kind\":\"restore\",\"verdict\":\"passed\",\"started_at\":"
			  "\"2026-11-27T09:00:00Z\",\"finished_at\":\"2026-11-27T09:30:00Z\","
			  "\"rpo_target_s\":99999,\"rpo_actual_s\":600,\"rto_target_s\":99999,"
			  "\"rto_actual_s\":1800,\"checks\":[],\"mismatches\":[]}"
			: "");
	struct dh_event *ev = NULL;
	struct dh_err err;

	assert_int_equal(dh_event_parse(json, strlen(json), &ev, &err), 0);
	*body = json;
	return ev;
}

#endif
