/*
 * `due` output (SPEC "Commands": due, "JSON shapes"): the tests due or
 * overdue as of a time, oldest first, never-run first. Pure: given the
 * rows (already chosen and sorted by dh_due_rows_sort) and the time they
 * were judged at, it appends to a caller's buffer; text for people, JSON
 * for tools.
 */
#ifndef DH_RENDER_DUE_H
#define DH_RENDER_DUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/buf.h"
#include "store/compliance.h"

/*
 * One line per test: system, kind, due since (or "never run"), overdue by
 * (a duration, or "-"), last test (time and verdict), next window; a
 * header line; "nothing is due" when n is 0.
 */
void dh_due_render_text(const struct dh_due_row *rows, size_t n, time_t now, struct dh_buf *out);

/*
 * {"now","due":[{"system","kind","due_at","overdue_s","last_started_at",
 * "last_verdict","next_window_at"}]}: due_at null when never run;
 * overdue_s 0 when due but not overdue; last_* null without a record;
 * next_window_at null when the plan gives no window for the kind.
 */
void dh_due_render_json(const struct dh_due_row *rows, size_t n, time_t now, struct dh_buf *out);

#endif
