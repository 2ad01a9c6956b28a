/*
 * What /metrics and the periodic checks of serve read from the store
 * fast (controller/store/metrics.c): the newest records of a system and
 * kind found through the indexes of migration 5 and built from the
 * record columns (no JSON parsed), the counters kept by triggers (tests
 * by kind and verdict, events stored), and the outcome of the last audit
 * chain check, which serve's notifier writes. Callers: http/metrics.c,
 * notify/.
 */
#ifndef DH_STORE_METRICS_H
#define DH_STORE_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"
#include "store/audit.h"
#include "store/db.h"

/*
 * The newest records of one system and kind that finished by now, by
 * started time (finished when the start is unknown): any verdict, the
 * newest passed and the newest failed. Records are the caller's
 * (dh_record_free; NULL when none) and hold only the record's columns:
 * id, system, kind, trigger, verdict, started/finished/backup time,
 * targets, measured rpo/rto (-1 when not measured), plan revision and
 * record hash; no checks, hosts or snapshot. last_passed or last_failed
 * may be the same record as last (dh_db_latest_fini knows).
 */
struct dh_db_latest {
	struct dh_record *last, *last_passed, *last_failed;
};
void dh_db_latest_fini(struct dh_db_latest *l);

struct dh_db_latest_q; /* prepared queries, for one thread */

/* Prepare the queries on db; *out the caller's (dh_db_latest_q_free). */
int dh_db_latest_q_new(struct dh_db *db, struct dh_db_latest_q **out, struct dh_err *err);
void dh_db_latest_q_free(struct dh_db_latest_q *q);

/* Fill *out for system and kind ("restore", "failover") as of now. */
int dh_db_latest_get(struct dh_db_latest_q *q, const char *system, const char *kind, time_t now,
	struct dh_db_latest *out, struct dh_err *err);

/* Test records stored, by kind and verdict, as the records_count trigger counts them. */
int dh_db_tests_total(struct dh_db *db, int64_t out[2][4], struct dh_err *err);

/* Agent events stored, all time. */
int dh_db_events_total(struct dh_db *db, int64_t *out, struct dh_err *err);

/* Store the outcome of an audit chain check made at `at` (its own transaction). */
int dh_db_audit_check_save(struct dh_db *db, time_t at, const struct dh_audit_result *res,
	struct dh_err *err);

/*
 * The last audit chain check: *checked false when there was none; else
 * *at when and *intact whether the chain held.
 */
int dh_db_audit_check_last(struct dh_db *db, bool *checked, time_t *at, bool *intact,
	struct dh_err *err);

#endif
