/*
 * What /metrics and the periodic checks of serve read from the store
 * besides where each system stands (store/compliance.h), fast
 * (controller/store/metrics.c): the counters kept by triggers (tests by
 * kind and verdict, events stored), and the outcome of the last audit
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
