/*
 * The web pages' frame, login, overview and actions (render/web.h). The
 * page frame comes from the report's shared look (render/html.h:
 * dh_html_page_begin/end); the pages add a header with the user and a
 * logout form. Everything taken from plans, records, users or the
 * configuration is written through dh_html_escape.
 */
#include "render/web.h"

#include <stdio.h>
#include <string.h>

#include "render/fmt.h"
#include "render/html.h"

static const char web_css[] =
	"nav{display:flex;gap:1em;align-items:center;border-bottom:2px solid #345;"
	"padding-bottom:.4em;margin-bottom:1em}nav .who{margin-left:auto}"
	"nav form{display:inline}.notice{background:#eef6ee;border:1px solid #2a7d2a;"
	"padding:.4em}.error{background:#fbeaea;border:1px solid #b02a2a;padding:.4em}"
	"label{display:block;margin:.5em 0}dt{font-weight:bold}dd{margin:0 0 .4em 1em}";

void
dh_web_time(struct dh_buf *out, time_t t)
{
	char s[40];
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL) {
		dh_buf_puts(out, "-");
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	dh_buf_puts(out, s);
}

void
dh_web_duration(struct dh_buf *out, int64_t v)
{
	char s[40];

	dh_render_duration(v, s, sizeof(s));
	dh_buf_puts(out, s);
}

void
dh_web_verdict(struct dh_buf *out, enum dh_verdict v)
{
	const char *cls = v == DH_VERDICT_PASSED ? "ok" : v == DH_VERDICT_FAILED ? "bad" : "warn";

	dh_buf_printf(out, "<span class=\"badge %s\">%s</span>", cls, dh_verdict_name(v));
}

/* A hidden CSRF field for a form. */
static void
csrf_field(struct dh_buf *out, const struct dh_web_ctx *ctx)
{
	dh_buf_puts(out, "<input type=\"hidden\" name=\"csrf\" value=\"");
	dh_html_escape(out, ctx->csrf);
	dh_buf_puts(out, "\">");
}

void
dh_web_begin(struct dh_buf *out, const struct dh_web_ctx *ctx, const char *title)
{
	dh_html_page_begin(out, title, web_css);
	dh_buf_puts(out, "<nav><strong>drillhall</strong>");
	if (ctx != NULL && ctx->user != NULL) {
		dh_buf_puts(out,
			"<a href=\"/\">Overview</a><a href=\"/actions\">Corrective "
			"actions</a><span class=\"who\">");
		dh_html_escape(out, ctx->user);
		dh_buf_printf(out, " (%s) </span><form method=\"post\" action=\"/logout\">",
			ctx->operator? "operator" : "auditor");
		csrf_field(out, ctx);
		dh_buf_puts(out, "<button type=\"submit\">Log out</button></form>");
	}
	dh_buf_puts(out, "</nav>\n<h1>");
	dh_html_escape(out, title);
	dh_buf_puts(out, "</h1>\n");
	if (ctx != NULL && ctx->plan_errors)
		dh_buf_puts(out,
			"<p class=\"error\">The plan has errors (see drillhall check): "
			"no system is compliant until they are fixed.</p>\n");
	if (ctx != NULL && ctx->notice != NULL) {
		dh_buf_puts(out, "<p class=\"notice\">");
		dh_html_escape(out, ctx->notice);
		dh_buf_puts(out, "</p>\n");
	}
}

void
dh_web_end(struct dh_buf *out)
{
	dh_html_page_end(out);
}

void
dh_web_render_login(struct dh_buf *out, const char *error, const char *user)
{
	dh_web_begin(out, NULL, "Log in");
	if (error != NULL) {
		dh_buf_puts(out, "<p class=\"error\" id=\"login-error\">");
		dh_html_escape(out, error);
		dh_buf_puts(out, "</p>\n");
	}
	dh_buf_puts(out,
		"<form method=\"post\" action=\"/login\">"
		"<label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" "
		"required value=\"");
	dh_html_escape(out, user);
	dh_buf_puts(out,
		"\"></label><label>Password <input type=\"password\" name=\"password\" "
		"id=\"password\" autocomplete=\"current-password\" required></label>"
		"<button type=\"submit\" id=\"login\">Log in</button></form>\n");
	dh_web_end(out);
}

void
dh_web_render_message(struct dh_buf *out, const struct dh_web_ctx *ctx, const char *title,
	const char *msg)
{
	dh_web_begin(out, ctx, title);
	dh_buf_puts(out, "<p>");
	dh_html_escape(out, msg);
	dh_buf_puts(out, "</p>\n<p><a href=\"/\">Back to the overview</a></p>\n");
	dh_web_end(out);
}

/* The reasons of one row, joined by "; " (escaped). */
static void
reasons(struct dh_buf *out, const struct dh_compliance *c)
{
	for (size_t i = 0; i < c->nreasons; i++) {
		if (i > 0)
			dh_buf_puts(out, "; ");
		dh_html_escape(out, c->reasons[i].text);
	}
}

/* The last test of one kind: date and verdict, or "never". */
static void
last_cell(struct dh_buf *out, const struct dh_compliance_tests *t)
{
	dh_buf_puts(out, "<td>");
	if (t->last == NULL) {
		dh_buf_puts(out, "never");
	} else {
		dh_buf_puts(out, "<a href=\"/records/");
		dh_html_escape(out, t->last->id);
		dh_buf_puts(out, "\">");
		dh_web_time(out, dh_compliance_started(t->last));
		dh_buf_puts(out, "</a> ");
		dh_web_verdict(out, t->last->verdict);
	}
	dh_buf_puts(out, "</td>");
}

static void
home_row(struct dh_buf *out, const struct dh_status_row *r)
{
	dh_buf_puts(out, "<tr><td><a href=\"/systems/");
	dh_html_escape(out, r->sys->id);
	dh_buf_puts(out, "\">");
	dh_html_escape(out, r->sys->id);
	dh_buf_puts(out, "</a></td><td>");
	dh_html_escape(out, r->sys->name);
	dh_buf_printf(out, "</td><td>%d%s</td>", r->sys->level, r->sys->set_by_it ? " (IT)" : "");
	last_cell(out, &r->tests[DH_JOB_RESTORE]);
	if (r->sys->failover.present)
		last_cell(out, &r->tests[DH_JOB_FAILOVER]);
	else
		dh_buf_puts(out,
			r->c.kind[DH_JOB_FAILOVER].required ? "<td>none (required)</td>"
							    : "<td>not required</td>");
	dh_buf_printf(out, "<td>%s</td><td>",
		r->c.compliant ? "<span class=\"badge ok\">yes</span>"
			       : "<span class=\"badge bad\">no</span>");
	reasons(out, &r->c);
	dh_buf_puts(out, "</td></tr>\n");
}

/* Whether board b (NULL = none) was shown before index i. */
static bool
board_seen(const struct dh_status_row *rows, size_t i, const char *b)
{
	for (size_t j = 0; j < i; j++)
		if ((rows[j].sys->board == NULL) == (b == NULL) &&
			(b == NULL || strcmp(rows[j].sys->board, b) == 0))
			return true;
	return false;
}

static bool
same_board(const struct dh_system *s, const char *b)
{
	return (s->board == NULL) == (b == NULL) && (b == NULL || strcmp(s->board, b) == 0);
}

/* One board's heading, its count of compliant systems, and its table. */
static void
home_board(struct dh_buf *out, const struct dh_status_row *rows, size_t n, const char *b)
{
	size_t total = 0, ok = 0;

	for (size_t i = 0; i < n; i++)
		if (same_board(rows[i].sys, b)) {
			total++;
			ok += rows[i].c.compliant;
		}
	dh_buf_puts(out, "<h2>");
	dh_html_escape(out, b ? b : "(no board)");
	dh_buf_printf(out, "</h2>\n<p>%zu of %zu systems compliant</p>\n", ok, total);
	dh_buf_puts(out,
		"<table><tr><th>System</th><th>Name</th><th>T</th><th>Last restore "
		"test</th><th>Last failover drill</th><th>Compliant</th><th>Why not"
		"</th></tr>\n");
	for (size_t i = 0; i < n; i++)
		if (same_board(rows[i].sys, b))
			home_row(out, &rows[i]);
	dh_buf_puts(out, "</table>\n");
}

void
dh_web_render_home(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_status_row *rows, size_t n)
{
	size_t ok = 0, open = 0;

	for (size_t i = 0; i < n; i++) {
		ok += rows[i].c.compliant;
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			open += rows[i].tests[k].open_action != NULL;
	}
	dh_web_begin(out, ctx, ctx->plan ? ctx->plan : "Continuity plan");
	dh_buf_puts(out, "<p id=\"summary\">As of ");
	dh_web_time(out, ctx->now);
	dh_buf_printf(out, ": %zu of %zu systems compliant, %zu open corrective action%s.</p>\n",
		ok, n, open, open == 1 ? "" : "s");
	if (n == 0)
		dh_buf_puts(out, "<p>No system to show.</p>\n");
	for (size_t i = 0; i < n; i++)
		if (!board_seen(rows, i, rows[i].sys->board))
			home_board(out, rows, n, rows[i].sys->board);
	dh_web_end(out);
}

static void
action_row(struct dh_buf *out, const struct dh_web_ctx *ctx, const struct dh_action *a)
{
	bool open = dh_action_is_open(a, ctx->now);

	dh_buf_printf(out, "<tr><td>%lld</td><td><a href=\"/systems/", (long long)a->id);
	dh_html_escape(out, a->system);
	dh_buf_puts(out, "\">");
	dh_html_escape(out, a->system);
	dh_buf_printf(out, "</a></td><td>%s</td><td>", dh_job_kind_name(a->kind));
	dh_web_time(out, a->opened_at);
	dh_buf_puts(out, " by <a href=\"/records/");
	dh_html_escape(out, a->opened_by);
	dh_buf_puts(out, "\">");
	dh_html_escape(out, a->opened_by);
	dh_buf_puts(out, "</a></td><td>");
	dh_web_time(out, a->due_at);
	if (open && dh_action_is_past_due(a, ctx->now))
		dh_buf_puts(out, " <span class=\"badge bad\">past due</span>");
	dh_buf_puts(out, "</td><td>");
	if (!open) {
		dh_web_time(out, a->closed_at);
		dh_buf_puts(out, " by ");
		dh_html_escape(out, a->closed_by);
		dh_buf_puts(out, a->note ? ": " : "");
		dh_html_escape(out, a->note);
	} else if (ctx->operator) {
		dh_buf_printf(out, "<form method=\"post\" action=\"/actions/%lld/close\">",
			(long long)a->id);
		csrf_field(out, ctx);
		dh_buf_puts(out,
			"<input name=\"note\" required placeholder=\"why it is closed\">"
			"<button type=\"submit\">Close</button></form>");
	} else {
		dh_buf_puts(out, "open");
	}
	dh_buf_puts(out, "</td></tr>\n");
}

void
dh_web_actions_table(struct dh_buf *out, const struct dh_web_ctx *ctx, const struct dh_action *v,
	size_t n)
{
	if (n == 0) {
		dh_buf_puts(out, "<p>No corrective actions.</p>\n");
		return;
	}
	dh_buf_puts(out,
		"<table><tr><th>#</th><th>System</th><th>Kind</th><th>Opened</th>"
		"<th>Due</th><th>Closed</th></tr>\n");
	for (size_t i = n; i-- > 0;)
		if (dh_action_is_seen(&v[i], ctx->now))
			action_row(out, ctx, &v[i]);
	dh_buf_puts(out, "</table>\n");
}

void
dh_web_render_actions(struct dh_buf *out, const struct dh_web_ctx *ctx, const struct dh_action *v,
	size_t n)
{
	dh_web_begin(out, ctx, "Corrective actions");
	dh_buf_puts(out,
		"<p>A failed or error test opens one; the next passed test of the same "
		"system and kind closes it, or an operator with a note.</p>\n");
	dh_web_actions_table(out, ctx, v, n);
	dh_web_end(out);
}
