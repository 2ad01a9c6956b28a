/*
 * Database fixtures for the tests: fx_db_open makes a temporary
 * directory from a DH_TMPL template into dir (size dn) and opens a real
 * SQLite file dh.db in it with dh_db_open (its name into path, size pn);
 * fx_db_close closes it and removes the directory; fx_db_job1 stores
 * job-1 of system procapita on host b1 with the caller's token, as
 * dispatch stores a job (rpo and rto 60 s, timeout 120 s). Any failure
 * fails the test.
 */
#ifndef DH_TEST_DB_FX_H
#define DH_TEST_DB_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "store/db.h"
#include "store/jobs.h"
#include "sh_fx.h"

/*
 * SQL that undoes what migrations 3 to 7 added (store/db.c), newest
 * first: with a `PRAGMA user_version` after it, the tests make the
 * database an older controller left and check the upgrade.
 */
#define FX_DB_UNDO_3_TO_7                                                                           \
	"DROP TABLE records_newest; DROP TRIGGER records_newest_any;"                               \
	" DROP TRIGGER records_newest_evidence; DROP TRIGGER records_newest_passed;"                \
	" DROP TABLE deliveries; DROP TABLE outbox; DROP TABLE test_counts;"                        \
	" DROP TABLE event_count; DROP TABLE audit_checks; DROP TRIGGER records_count;"             \
	" DROP TRIGGER events_count; DROP INDEX records_latest; DROP INDEX records_latest_verdict;" \
	" DROP TABLE plan_sections; DROP TABLE drills; DROP TABLE actions;"                         \
	" ALTER TABLE jobs DROP COLUMN every_s;"

static inline void
fx_db_open(char *dir, size_t dn, char *path, size_t pn, struct dh_db **db, const char *tmpl)
{
	fx_mkdtemp(dir, dn, tmpl);
	snprintf(path, pn, "%s/dh.db", dir);
	assert_int_equal(dh_db_open(db, path, NULL), 0);
}

static inline void
fx_db_close(struct dh_db *db, const char *dir)
{
	dh_db_close(db);
	fx_rm_rf(dir);
}

static inline void
fx_db_job1(struct dh_db *db, const char *token)
{
	struct dh_job j = { .version = 1,
		.id = "job-1",
		.system = "procapita",
		.host = "b1",
		.token = (char *)token,
		.rpo_target_s = 60,
		.rto_target_s = 60,
		.timeout_s = 120 };

	assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
}

#endif
