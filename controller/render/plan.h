/*
 * Output of the plan and of its problems in every format `check` and
 * `plan` offer (SPEC "Commands", JSON shapes). render/plan.c writes text,
 * Markdown and HTML; render/plan_json.c writes JSON with jansson. All functions
 * append to a caller's buffer and never print themselves.
 */
#ifndef DH_PLAN_RENDER_H
#define DH_PLAN_RENDER_H

#include <time.h>

#include "dh/buf.h"
#include "dh/problems.h"
#include "plan/plan.h"

/* One "PATH:LINE: severity: message" line per problem (check's text). */
void dh_plan_render_check_text(const struct dh_problems *pr, struct dh_buf *out);

/* {"problems":[{"file","line","severity","message"}]} plus a summary. */
void dh_plan_render_check_json(const struct dh_problems *pr, struct dh_buf *out);

/* The plan JSON (SPEC shape); plan must be ordered (no errors). */
void dh_plan_render_json(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *out);

/* The printable plan as plain text, Markdown or one HTML page. */
void dh_plan_render_text(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *out);
void dh_plan_render_md(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *out);
void dh_plan_render_html(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *out);

#endif
