/*
 * The /metrics page (SPEC "Metrics"): Prometheus text exposition format
 * 0.0.4, every family with its HELP and TYPE lines, times and durations
 * in seconds, counters ending in _total. Pure: given the status rows
 * (eval/compliance.h verdicts on each system, as `status` shows them) and
 * the store's counts, it appends to a caller's buffer; it never opens
 * the store or the plans. Called by http/metrics.c.
 *
 * Families, labelled system and kind where they apply:
 * drillhall_last_test_timestamp_seconds (start of the newest test, any
 * verdict), drillhall_last_test_passed (1 when that test passed),
 * drillhall_last_test_rpo_seconds / _rto_seconds (what it measured; no
 * sample when it measured nothing), drillhall_rpo_target_seconds /
 * drillhall_rto_target_seconds (the requirement in force, per system),
 * drillhall_test_due_timestamp_seconds and drillhall_test_overdue (for
 * each kind the rules ask for; no due sample when one pass is enough),
 * drillhall_system_compliant, drillhall_corrective_actions_open (per
 * system), drillhall_tests_total{kind,verdict},
 * drillhall_events_total{status}, drillhall_notifications_pending,
 * drillhall_audit_chain_intact and
 * drillhall_audit_chain_checked_timestamp_seconds (no sample before the
 * first check).
 */
#ifndef DH_RENDER_METRICS_H
#define DH_RENDER_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/buf.h"
#include "render/status.h"

#define DH_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define DH_METRICS_VERDICTS 4 /* enum dh_verdict: passed failed error aborted */

/* One value of drillhall_events_total: the status label and the count. */
struct dh_metrics_events {
	const char *status; /* "stored", "duplicate", "rejected" */
	uint64_t n;
};

/* Everything one scrape shows; all borrowed. */
struct dh_metrics {
	const struct dh_status_row *rows; /* per system, judged as of the scrape */
	const int64_t *open_actions;      /* per row: corrective actions open */
	size_t nrows;
	int64_t tests_total[DH_COMPLIANCE_KINDS][DH_METRICS_VERDICTS]; /* by kind, verdict */
	const struct dh_metrics_events *events;
	size_t nevents;
	int64_t notifications_pending;
	bool audit_checked; /* false: no check yet (no audit samples) */
	bool audit_intact;
	time_t audit_checked_at;
};

/* Append the exposition of m to out. */
void dh_metrics_render(const struct dh_metrics *m, struct dh_buf *out);

/*
 * Append s to out as a label value: backslash, double quote and newline
 * escaped as the format requires (`\\`, `\"`, `\n`).
 */
void dh_metrics_label(struct dh_buf *out, const char *s);

#endif
