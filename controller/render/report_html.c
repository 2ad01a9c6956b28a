/*
 * The report as one HTML page an auditor reads on screen or on paper
 * (render/report.h): the summary first (compliant or not, per board, as
 * a table and a chart), then the gaps named plainly, then per system the
 * requirement in force with its source and the last test and drill
 * against the targets they ran under, the RTO chart, the corrective
 * actions, the records, and the audit chain's state. Every text from a
 * plan, a record or a user goes through dh_html_escape; the page frame
 * and its style sheet are render/html.c's, shared with the web pages.
 */
#include "render/report.h"

#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "plan/plan.h"
#include "render/html.h"

#define RTO_CHART_MAX 40 /* bars in the RTO chart; the worst come first */

static const char report_css[] = ".summary td.num{font-size:12pt}"
				 ".verdict{font-size:12pt;margin:.5rem 0}"
				 "table.sys td{font-size:8.5pt}"
				 "table.sys .meta{font-size:inherit}"
				 "table.sys td:first-child{width:17%}"
				 "ul.gaps{margin:.2rem 0 .6rem;padding-left:1.2rem}"
				 "ul.gaps li{margin:.15rem 0}"
				 ".chart{max-width:100%;height:auto;display:block;margin:.3rem 0}";

static void
esc(struct dh_buf *out, const char *s)
{
	dh_html_escape(out, s);
}

/* "YYYY-MM-DD HH:MM" UTC; "–" when t <= 0. */
static void
when(struct dh_buf *out, time_t t)
{
	struct tm tm;
	char s[32];

	if (t <= 0) {
		dh_buf_puts(out, "–");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M", &tm);
	dh_buf_puts(out, s);
}

static void
dur(struct dh_buf *out, int64_t v)
{
	char s[32];

	if (v < 0) {
		dh_buf_puts(out, "–");
		return;
	}
	dh_duration_format(v, s, sizeof(s));
	dh_buf_puts(out, s);
}

static void
head(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out, "<h1>Recovery report");
	if (r->plan_name) {
		dh_buf_puts(out, ": ");
		esc(out, r->plan_name);
	}
	dh_buf_puts(out, "</h1>\n<p class=\"meta\">As of <b>");
	when(out, r->as_of);
	dh_buf_puts(out, " UTC</b> · generated ");
	when(out, r->generated_at);
	dh_buf_puts(out, " UTC · plan revision <span class=\"mono\">");
	esc(out, r->revision);
	dh_buf_puts(out, "</span>");
	if (r->since > 0) {
		dh_buf_puts(out, " · records since ");
		when(out, r->since);
	}
	dh_buf_puts(out, "</p>\n");
}

static void
summary(const struct dh_report *r, struct dh_buf *out)
{
	struct dh_report_summary s;
	struct dh_report_board *b;
	size_t nb;

	dh_report_summarize(r, &s);
	dh_buf_puts(out, "<h2>Summary</h2>\n<p class=\"verdict\">");
	dh_buf_printf(out, "<span class=\"%s\">%zu of %zu systems compliant</span>",
		s.non_compliant ? "bad" : "ok", s.compliant, s.systems);
	dh_buf_printf(out, "; %zu not compliant.</p>\n", s.non_compliant);
	dh_buf_printf(out,
		"<table class=\"summary\"><tr><th>Systems</th><th>Compliant</th>"
		"<th>Not compliant</th><th>Never tested</th><th>Overdue</th>"
		"<th>Unclassified</th><th>Open corrective actions</th></tr>"
		"<tr><td class=\"num\">%zu</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		"<td class=\"num\">%zu</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		"<td class=\"num\">%zu</td></tr></table>\n",
		s.systems, s.compliant, s.non_compliant, s.never_tested, s.overdue, s.unclassified,
		s.open_actions);
	dh_report_boards(r, &b, &nb);
	dh_buf_puts(out,
		"<h3>Per board</h3>\n<table><thead><tr><th>Board</th>"
		"<th class=\"num\">Systems</th><th class=\"num\">Compliant</th>"
		"<th class=\"num\">Not compliant</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nb; i++) {
		dh_buf_puts(out, "<tr><td>");
		esc(out, b[i].board ? b[i].board : "(no board)");
		dh_buf_printf(out,
			"</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			"<td class=\"num\">%zu</td></tr>\n",
			b[i].systems, b[i].compliant, b[i].systems - b[i].compliant);
	}
	dh_buf_puts(out, "</tbody></table>\n");
	dh_report_svg_boards(b, nb, out);
	free(b);
}

/* One kind of gap: which field of dh_report_gaps, and how the page names it. */
static const struct gap_kind {
	size_t off;
	const char *title;
} gap_kinds[] = {
	{ offsetof(struct dh_report_gaps, never_tested), "Never tested" },
	{ offsetof(struct dh_report_gaps, overdue), "Test overdue" },
	{ offsetof(struct dh_report_gaps, failed), "Last test failed" },
	{ offsetof(struct dh_report_gaps, action_past_due), "Corrective action past its due date" },
	{ offsetof(struct dh_report_gaps, left_on_standby),
		"Production left on the standby (failback failed)" },
	{ offsetof(struct dh_report_gaps, set_by_it),
		"Requirements set by IT, not by the business (unclassified)" },
	{ offsetof(struct dh_report_gaps, deviation), "Deviation from policy, with its reason" },
	{ offsetof(struct dh_report_gaps, expired), "Classification older than 3 years" },
};

static void
gap_list(const struct dh_report *r, const struct gap_kind *k, struct dh_buf *out)
{
	struct dh_report_gaps g;
	size_t n = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		const struct dh_system *s = r->rows[i].sys;

		dh_report_gaps_of(r, &r->rows[i], &g);
		if (!*(const bool *)((const char *)&g + k->off))
			continue;
		dh_buf_puts(out, n++ ? ", " : "<li><b>");
		if (n == 1) {
			esc(out, k->title);
			dh_buf_puts(out, ":</b> ");
		}
		esc(out, s->id);
		if (k->off == offsetof(struct dh_report_gaps, deviation)) {
			dh_buf_puts(out, " (“");
			esc(out, s->deviation);
			dh_buf_puts(out, "”)");
		}
	}
	if (n > 0)
		dh_buf_printf(out, " <span class=\"meta\">(%zu)</span></li>\n", n);
}

static void
gaps(const struct dh_report *r, struct dh_buf *out)
{
	size_t start;

	dh_buf_puts(out, "<h2>Gaps</h2>\n<ul class=\"gaps\">\n");
	start = out->len;
	for (size_t i = 0; i < sizeof(gap_kinds) / sizeof(gap_kinds[0]); i++)
		gap_list(r, &gap_kinds[i], out);
	if (out->len == start)
		dh_buf_puts(out,
			"<li class=\"ok\">None: every system was tested in time and "
			"passed.</li>\n");
	dh_buf_puts(out, "</ul>\n");
}

/* The requirement cell: T-level and who set it, rpo / backup rpo / rto with sources. */
static void
requirement(const struct dh_system *s, struct dh_buf *out)
{
	dh_buf_printf(out, "<td>T%d, set by %s<br>RPO ", s->level,
		s->set_by_it ? "<span class=\"warn\">IT (unclassified)</span>" : "the business");
	dur(out, s->eff_rpo_s);
	dh_buf_printf(out, " (%s)<br>backup RPO ", dh_plan_source_name(s->rpo_source));
	dur(out, s->eff_backup_rpo_s);
	dh_buf_printf(out, " (%s)<br>RTO ", dh_plan_source_name(s->backup_rpo_source));
	dur(out, s->eff_rto_s);
	dh_buf_printf(out, " (%s)", dh_plan_source_name(s->rto_source));
	if (s->classified) {
		dh_buf_puts(out, "<br><span class=\"meta\">classified ");
		esc(out, s->classified_text);
		dh_buf_puts(out, "</span>");
	}
	dh_buf_puts(out, "</td>");
}

/* measured / target, red when over: the target the test ran under (its record's). */
static void
measured(const char *what, int64_t actual, int64_t target, struct dh_buf *out)
{
	bool over = actual >= 0 && target > 0 && actual > target;

	dh_buf_printf(out, "<br>%s <span class=\"%s\">", what, over ? "bad" : "");
	dur(out, actual);
	dh_buf_puts(out, "</span> of ");
	dur(out, target);
}

static void
test_cell(const struct dh_report *r, const struct dh_status_row *row, int kind, struct dh_buf *out)
{
	const struct dh_record *t = row->tests[kind].last;
	const struct dh_compliance_due *d = &row->c.kind[kind];

	dh_buf_puts(out, "<td>");
	if (t == NULL) {
		dh_buf_printf(out, "<span class=\"%s\">never</span>", d->required ? "bad" : "meta");
	} else {
		when(out, dh_compliance_started(t));
		dh_buf_printf(out, " <span class=\"%s\">%s</span>",
			t->verdict == DH_VERDICT_PASSED ? "ok" : "bad",
			dh_verdict_name(t->verdict));
		measured("RPO", t->rpo_actual_s, t->rpo_target_s, out);
		measured("RTO", t->rto_actual_s, t->rto_target_s, out);
		if (t->plan_revision && r->revision && strcmp(t->plan_revision, r->revision) != 0) {
			dh_buf_puts(out, "<br><span class=\"meta\">under plan revision ");
			dh_buf_append(out, t->plan_revision, strnlen(t->plan_revision, 12));
			dh_buf_puts(out, "</span>");
		}
	}
	if (d->required && d->has_due && d->due_at == r->as_of) {
		dh_buf_puts(out, "<br><span class=\"bad\">due now");
	} else if (d->required && d->has_due) {
		dh_buf_printf(out, "<br><span class=\"%s\">%s ", d->overdue ? "bad" : "meta",
			d->overdue ? "overdue since" : "due");
		when(out, d->due_at);
		dh_buf_puts(out, "</span>");
	}
	dh_buf_puts(out, "</td>");
}

static void
system_row(const struct dh_report *r, const struct dh_status_row *row, struct dh_buf *out)
{
	const struct dh_system *s = row->sys;

	dh_buf_puts(out, "<tr><td><b>");
	esc(out, s->id);
	dh_buf_puts(out, "</b><br>");
	esc(out, s->name);
	dh_buf_puts(out, "<br><span class=\"meta\">");
	esc(out, s->board);
	dh_buf_puts(out, "</span></td>");
	requirement(s, out);
	test_cell(r, row, DH_JOB_RESTORE, out);
	if (s->failover.present || row->tests[DH_JOB_FAILOVER].last != NULL)
		test_cell(r, row, DH_JOB_FAILOVER, out);
	else
		dh_buf_puts(out, "<td><span class=\"meta\">no [failover]</span></td>");
	dh_buf_printf(out, "<td><span class=\"%s\">%s</span>", row->c.compliant ? "ok" : "bad",
		row->c.compliant ? "yes" : "NO");
	for (size_t i = 0; i < row->c.nreasons; i++) {
		dh_buf_puts(out, "<br>");
		esc(out, row->c.reasons[i].text);
	}
	dh_buf_puts(out, "</td></tr>\n");
}

static void
systems(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out,
		"<h2>Systems</h2>\n<p class=\"meta\">Measured values against the "
		"target in force when the test ran (its record's), so a past report "
		"stays true after the plan changed; times UTC.</p>\n"
		"<table class=\"sys\"><thead><tr><th>System</th><th>Requirement "
		"(source)</th><th>Last restore test</th><th>Last failover drill</th>"
		"<th>Compliant</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nrows; i++)
		system_row(r, &r->rows[i], out);
	dh_buf_puts(out, "</tbody></table>\n");
}

static void
rto_chart(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out,
		"<h2 class=\"keep\">Measured RTO against target</h2>\n"
		"<p class=\"meta\">Last restore test per system");
	if (r->nrows > RTO_CHART_MAX)
		dh_buf_printf(out, "; the %d furthest from their target", RTO_CHART_MAX);
	dh_buf_puts(out, ".</p>\n");
	dh_report_svg_rto(r, RTO_CHART_MAX, out);
}

static void
action_row(const struct dh_action *a, time_t now, struct dh_buf *out)
{
	dh_buf_printf(out, "<tr><td class=\"num\">%lld</td><td>", (long long)a->id);
	esc(out, a->system);
	dh_buf_printf(out, "</td><td>%s</td><td>", dh_job_kind_name(a->kind));
	when(out, a->opened_at);
	dh_buf_puts(out, "<br><span class=\"mono\">");
	esc(out, a->opened_by);
	dh_buf_puts(out, "</span></td><td>");
	when(out, a->due_at);
	dh_buf_puts(out, "</td><td>");
	if (dh_action_is_open(a, now)) {
		dh_buf_puts(out,
			dh_action_is_past_due(a, now) ? "<span class=\"bad\">PAST DUE</span>"
						      : "<span class=\"warn\">open</span>");
	} else {
		dh_buf_puts(out, "<span class=\"ok\">closed</span> ");
		when(out, a->closed_at);
		dh_buf_puts(out, " by <span class=\"mono\">");
		esc(out, a->closed_by);
		dh_buf_puts(out, "</span>");
		if (a->note) {
			dh_buf_puts(out, ": ");
			esc(out, a->note);
		}
	}
	dh_buf_puts(out, "</td></tr>\n");
}

static void
actions(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out, "<h2>Corrective actions</h2>\n");
	if (r->nactions == 0) {
		dh_buf_puts(out, "<p>None opened by this date.</p>\n");
		return;
	}
	dh_buf_puts(out,
		"<table><thead><tr><th class=\"num\">#</th><th>System</th><th>Kind</th>"
		"<th>Opened, by record</th><th>Due</th><th>State</th></tr></thead>"
		"<tbody>\n");
	for (size_t i = 0; i < r->nactions; i++)
		action_row(&r->actions[i], r->as_of, out);
	dh_buf_puts(out, "</tbody></table>\n");
}

static void
record_row(const struct dh_record *t, struct dh_buf *out)
{
	dh_buf_puts(out, "<tr><td class=\"mono\">");
	esc(out, t->id);
	dh_buf_puts(out, "</td><td>");
	esc(out, t->system);
	dh_buf_printf(out, "</td><td>%s</td><td>", dh_job_kind_name(t->kind));
	when(out, dh_compliance_started(t));
	dh_buf_printf(out, "</td><td class=\"%s\">%s</td><td class=\"num\">",
		t->verdict == DH_VERDICT_PASSED ? "ok" : "bad", dh_verdict_name(t->verdict));
	dur(out, t->rpo_actual_s);
	dh_buf_puts(out, " / ");
	dur(out, t->rpo_target_s);
	dh_buf_puts(out, "</td><td class=\"num\">");
	dur(out, t->rto_actual_s);
	dh_buf_puts(out, " / ");
	dur(out, t->rto_target_s);
	dh_buf_puts(out, "</td><td class=\"mono\">");
	esc(out, t->record_hash);
	dh_buf_puts(out, "</td></tr>\n");
}

static void
records(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out, "<h2>Test records</h2>\n<p class=\"meta\">");
	if (r->since > 0) {
		dh_buf_puts(out, "Every record from ");
		when(out, r->since);
		dh_buf_puts(out, " to ");
		when(out, r->as_of);
	} else {
		dh_buf_puts(out, "The records the verdicts above rest on");
	}
	dh_buf_puts(out,
		", newest first. <code>drillhall history</code> shows each in full.</p>\n");
	if (r->nrecords == 0) {
		dh_buf_puts(out, "<p>None.</p>\n");
		return;
	}
	dh_buf_puts(out,
		"<table class=\"small\"><thead><tr><th>Record</th><th>System</th>"
		"<th>Kind</th><th>Started</th><th>Verdict</th><th class=\"num\">RPO / "
		"target</th><th class=\"num\">RTO / target</th><th>Record hash</th></tr>"
		"</thead><tbody>\n");
	for (size_t i = 0; i < r->nrecords; i++)
		record_row(r->records[i], out);
	dh_buf_puts(out, "</tbody></table>\n");
}

static void
audit(const struct dh_report *r, struct dh_buf *out)
{
	const struct dh_report_audit *a = &r->audit;

	dh_buf_puts(out,
		"<h2>Audit chain</h2>\n<table class=\"keep\"><tr><th>State when this "
		"report was made</th><td>");
	if (a->intact) {
		dh_buf_printf(out,
			"<span class=\"ok\">intact</span>: all %lld audit records "
			"verified",
			(long long)a->verified);
	} else {
		dh_buf_puts(out, "<span class=\"bad\">BROKEN</span>: ");
		esc(out, a->why);
	}
	dh_buf_printf(out,
		"</td></tr><tr><th>Audit records as of this date</th><td>%lld</td></tr>"
		"<tr><th>Head hash as of this date</th><td class=\"mono\">",
		(long long)a->records);
	esc(out, a->head);
	dh_buf_puts(out,
		"</td></tr></table>\n<p class=\"meta\">Each audit record's hash is "
		"SHA-256(previous hash || record); <code>drillhall audit verify</code> "
		"recomputes the chain, <code>drillhall audit export</code> prints it.</p>\n");
}

void
dh_report_render_html(const struct dh_report *r, struct dh_buf *out)
{
	struct dh_buf title;

	dh_buf_init(&title);
	dh_buf_printf(&title, "Recovery report%s%s", r->plan_name ? ": " : "",
		r->plan_name ? r->plan_name : "");
	dh_html_page_begin(out, title.data, report_css);
	dh_buf_fini(&title);
	head(r, out);
	summary(r, out);
	gaps(r, out);
	systems(r, out);
	rto_chart(r, out);
	actions(r, out);
	records(r, out);
	audit(r, out);
	dh_html_page_end(out);
}
