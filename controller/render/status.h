/*
 * `status` output (SPEC "Commands": status, "JSON shapes"): per system
 * the requirement in force, the last restore test and failover drill with
 * verdict and measured rpo/rto, when each is next due, and whether the
 * system is compliant, with the reasons (eval/compliance.h). Text for
 * people, JSON for tools, CSV for spreadsheets. Pure: given the rows and
 * the time they were judged at, it appends to a caller's buffer; it never
 * opens the store or the plans and never prints. All three take the same
 * arguments, so that a command picks one from a table.
 */
#ifndef DH_RENDER_STATUS_H
#define DH_RENDER_STATUS_H

#include <stddef.h>
#include <time.h>

#include <stdbool.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "eval/compliance.h"
#include "plan/plan.h"

/*
 * A table, one line per system: id, T-level (`*` when set by IT), rpo,
 * rto, the last restore test (time, verdict, measured rpo/rto), when it
 * is due, and "yes" or "NO (reasons; ...)"; under a system with
 * [failover] (or a drill on record) a line with the last drill (time,
 * verdict, measured rto), its due date, and "PRODUCTION LEFT ON THE
 * STANDBY" when that drill's failback failed; then the `*` legend, then
 * one line per open corrective action (render/actions.h).
 */
void dh_status_render_text(const struct dh_status_row *rows, size_t n, time_t now,
	struct dh_buf *out);

/*
 * {"now","as_of","systems":[{"id","name","availability","set_by_it",
 * "rpo_s","backup_rpo_s","rto_s","last_restore","last_drill",
 * "restore_due_at","drill_due_at","restore":{...},"failover":{...},
 * "open_actions":[action as `actions` shows it],
 * "production_left_on_standby","compliant","reasons"}]}: the SPEC keys
 * (production_left_on_standby: the last drill's failback failed), and
 * the per-kind objects
 * {"last","required","due","ok","problem"} tools already read.
 */
void dh_status_render_json(const struct dh_status_row *rows, size_t n, time_t now,
	struct dh_buf *out);

/* One system as `status` JSON shows it (a new reference), for the report. */
json_t *dh_status_row_json(const struct dh_status_row *row, time_t now);

/* r (NULL: false) is a drill whose failback failed: its "production" check failed. */
bool dh_status_left_on_standby(const struct dh_record *r);

/*
 * CSV (RFC 4180, CRLF) with a header row, one row per system:
 * id,availability,rpo_s,backup_rpo_s,rto_s,last_restore,restore_verdict,
 * rpo_actual_s,rto_actual_s,restore_due,last_failover,failover_verdict,
 * failover_due,compliant,reasons; a field is empty when not known or not
 * required; the reasons ("; "-joined) are the last column.
 */
void dh_status_render_csv(const struct dh_status_row *rows, size_t n, time_t now,
	struct dh_buf *out);

#endif
