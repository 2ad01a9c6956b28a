/*
 * The web pages' HTML (render/web.c, render/web_system.c), SPEC "Web
 * pages and roles": the login form, the overview (compliance per board,
 * what is overdue, failing or open), a system (requirements with their
 * sources, tests, drills, corrective actions), a record (the whole
 * evidence of one test) and the corrective actions. Server-rendered, no
 * script; every text that comes from a plan, a record, a user or the
 * configuration goes through dh_html_escape. Pure: given the data and
 * who is looking, it appends to out; it opens no store and no plan. The
 * caller has already left out what the user may not see.
 */
#ifndef DH_RENDER_WEB_H
#define DH_RENDER_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dh/buf.h"
#include "dh/proto.h"
#include "eval/actions.h"
#include "eval/compliance.h"
#include "plan/plan.h"

/* Who is looking, and what every page's header needs. Strings borrowed. */
struct dh_web_ctx {
	const char *user;   /* NULL on the login page */
	bool operator;      /* may start tests and close actions */
	const char *csrf;   /* the session's token, put in every form */
	const char *plan;   /* the plan's name */
	time_t now;         /* the time the page judges as of */
	const char *notice; /* one line shown on top (e.g. "test started"), or NULL */
	bool plan_errors;   /* the plan does not check: say so on every page */
};

/* The login form; error (NULL: none) is shown above it, user prefilled. */
void dh_web_render_login(struct dh_buf *out, const char *error, const char *user);

/* The overview: a table per board of its systems' compliance, then the reasons. */
void dh_web_render_home(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_status_row *rows, size_t n);

/*
 * One system: its requirement in force with sources, owners, reserve
 * routine, the compliance verdict and reasons, its records newest first
 * (recs, any kind), its corrective actions, and for an operator a button
 * that starts a restore test.
 */
void dh_web_render_system(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_status_row *row, struct dh_record *const *recs, size_t nrecs,
	const struct dh_action *acts, size_t nacts);

/* One record: what ran, verdict, checks, mismatches, timeline, requirement, hash. */
void dh_web_render_record(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_record *r, const struct dh_system *sys);

/* Corrective actions, newest first; for an operator a close form on each open one. */
void dh_web_render_actions(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_action *v, size_t n);

/* The actions table alone, newest first (the actions page, a system's page). */
void dh_web_actions_table(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_action *v, size_t n);

/* A short page that says why (404, 403, 500); msg is escaped. */
void dh_web_render_message(struct dh_buf *out, const struct dh_web_ctx *ctx, const char *title,
	const char *msg);

/* Shared by the page renderers: the page's head, header and nav; and its end. */
void dh_web_begin(struct dh_buf *out, const struct dh_web_ctx *ctx, const char *title);
void dh_web_end(struct dh_buf *out);
/* A verdict as a badge: <span class="badge ok|bad|warn">passed</span>. */
void dh_web_verdict(struct dh_buf *out, enum dh_verdict v);
/* A time (UTC, "YYYY-MM-DD HH:MM") or "-". */
void dh_web_time(struct dh_buf *out, time_t t);
/* A duration as plans write it, or "-" when negative. */
void dh_web_duration(struct dh_buf *out, int64_t s);

#endif
