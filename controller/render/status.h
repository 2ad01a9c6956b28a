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

#include "dh/buf.h"
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

/* CSV (RFC 4180, CRLF) with a header row; the reasons are the last column. */
void dh_status_render_csv(const struct dh_status_row *rows, size_t n, time_t now,
	struct dh_buf *out);

#endif
