/*
 * The continuity plan as a municipality prints and signs it: plain text,
 * Markdown and one self-contained HTML page (render/plan.h). One entry per
 * system in recovery order with rto, urgency and rpo and where each came
 * from, board and owner, dependencies, reserve routine, supplier and
 * deviation; systems whose requirements IT set because the business has
 * not classified them are flagged in every format. All plan text that
 * goes into HTML is escaped (render/html.c). JSON is in plan_json.c, and
 * the problem lines of `check` are here too.
 */
#include "render/plan.h"

#include <string.h>

#include "dh/duration.h"
#include "dh/timefmt.h"
#include "plan/derive.h"
#include "render/html.h"

static const char *const level_names[DH_PLAN_LEVELS] = {
	"försumbar",
	"måttlig",
	"betydande",
	"allvarlig",
	"synnerligen allvarlig",
};

#define SET_BY_IT "requirements set by IT, not by the business (not classified)"

static const char *
dur(int64_t v, char *b, size_t n)
{
	if (v == DH_PLAN_UNSET)
		snprintf(b, n, "-");
	else
		dh_duration_format(v, b, n);
	return b;
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Width on screen: UTF-8 continuation bytes take no column. */
static size_t
columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
pad(struct dh_buf *b, const char *s, size_t width)
{
	size_t c = columns(s);

	dh_buf_puts(b, s);
	for (; c < width; c++)
		dh_buf_putc(b, ' ');
}

static void
deps_list(const struct dh_system *s, struct dh_buf *b, const char *none)
{
	if (s->ndeps == 0)
		dh_buf_puts(b, none);
	for (size_t i = 0; i < s->ndeps; i++)
		dh_buf_printf(b, "%s%s", i ? ", " : "", s->depends_on[i]);
}

static void
date_of(time_t now, char *d, size_t n)
{
	char at[DH_RFC3339_LEN];

	dh_time_format(now, at, sizeof(at));
	snprintf(d, n, "%.10s", at);
}

static size_t
count_set_by_it(const struct dh_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsystems; i++)
		n += p->systems[i].set_by_it;
	return n;
}

/* " (snapshots of host H, tag T, path P)": which snapshots are the system's */
static void
snapshot_filters(const struct dh_restore *r, struct dh_buf *b)
{
	const char *sep = " (snapshots of ";

	if (r->snapshot_host == NULL && r->snapshot_tag == NULL && r->snapshot_path == NULL)
		return;
	if (r->snapshot_host != NULL) {
		dh_buf_printf(b, "%shost %s", sep, r->snapshot_host);
		sep = ", ";
	}
	if (r->snapshot_tag != NULL) {
		dh_buf_printf(b, "%stag %s", sep, r->snapshot_tag);
		sep = ", ";
	}
	if (r->snapshot_path != NULL)
		dh_buf_printf(b, "%spath %s", sep, r->snapshot_path);
	dh_buf_putc(b, ')');
}

/* "restic on backup-b1, every 30d" / "none: never tested" */
static void
restore_summary(const struct dh_system *s, struct dh_buf *b)
{
	char e[32];

	if (!s->restore.present) {
		dh_buf_puts(b, "none: restores are never tested");
		return;
	}
	dh_buf_printf(b, "%s on %s, every %s", or_dash(dh_plan_method_name(s->restore.method)),
		or_dash(s->restore.host), dur(s->eff_restore_every_s, e, sizeof(e)));
	snapshot_filters(&s->restore, b);
}

static void
failover_summary(const struct dh_system *s, struct dh_buf *b)
{
	char e[32];

	if (!s->failover.present) {
		dh_buf_puts(b, "none");
		return;
	}
	dh_buf_printf(b, "%s -> %s, every %s", or_dash(s->failover.primary),
		or_dash(s->failover.standby), dur(s->eff_failover_every_s, e, sizeof(e)));
}

/* ---- text ---- */

static void
text_policy(const struct dh_plan *p, struct dh_buf *b)
{
	char v[5][32];

	dh_buf_puts(b,
		"REQUIREMENTS BY AVAILABILITY LEVEL (policy.ini)\n\n"
		"  T  level                   rpo     backup rpo  rto     restore test  "
		"failover drill\n");
	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		const struct dh_level *l = &p->policy.levels[n];

		dh_buf_printf(b, "  %d  ", n);
		pad(b, level_names[n], 24);
		pad(b, dur(l->rpo_s, v[0], 32), 8);
		pad(b, dur(dh_plan_derive_level_backup_rpo(l), v[4], 32), 12);
		pad(b, dur(l->rto_s, v[1], 32), 8);
		pad(b, dur(l->restore_every_s, v[2], 32), 14);
		dh_buf_printf(b, "%s\n", dur(l->failover_every_s, v[3], 32));
	}
	dh_buf_printf(b,
		"\n  rpo: most data lost when a hall is lost (proven by a failover drill);"
		"\n  backup rpo: most data lost when restoring from backup (proven by a "
		"restore test).\n"
		"\n  Systems not yet classified get T-level %d. A failover "
		"drill is expected from T-level %d.\n\n",
		p->policy.unclassified_level, p->policy.failover_required_from);
}

static void
text_system(const struct dh_system *s, struct dh_buf *b)
{
	char rto[48], rpo[48], brpo[48], urg[32], t[32];
	char r[32], q[32];

	snprintf(rto, sizeof(rto), "%s %s", dur(s->eff_rto_s, r, sizeof(r)),
		dh_plan_source_name(s->rto_source));
	snprintf(rpo, sizeof(rpo), "%s %s", dur(s->eff_rpo_s, q, sizeof(q)),
		dh_plan_source_name(s->rpo_source));
	snprintf(brpo, sizeof(brpo), "%s %s", dur(s->eff_backup_rpo_s, q, sizeof(q)),
		dh_plan_source_name(s->backup_rpo_source));
	dur(s->urgency_s, urg, sizeof(urg));
	snprintf(t, sizeof(t), "%d%s", s->level, s->set_by_it ? "*" : "");
	dh_buf_printf(b, "%3zu  ", s->order);
	pad(b, s->id, 22);
	pad(b, t, 4);
	pad(b, rto, 15);
	pad(b, urg, 9);
	pad(b, rpo, 15);
	pad(b, brpo, 15);
	dh_buf_printf(b, "%s\n", or_dash(s->board));
	dh_buf_printf(b, "     %s\n", or_dash(s->name));
	if (s->set_by_it)
		dh_buf_printf(b, "     !! %s\n", SET_BY_IT);
	dh_buf_printf(b, "     Owner: %s; object: %s; contact: %s\n", or_dash(s->system_owner),
		or_dash(s->object), or_dash(s->contact));
	dh_buf_puts(b, "     Depends on: ");
	deps_list(s, b, "nothing");
	dh_buf_printf(b, "\n     Reserve routine: %s\n",
		s->reserve_routine ? s->reserve_routine : "NONE DECLARED");
	if (s->supplier)
		dh_buf_printf(b, "     Supplier: %s; contracted restore time %s\n", s->supplier,
			dur(s->supplier_rto_s, r, sizeof(r)));
	if (s->deviation)
		dh_buf_printf(b, "     Deviation: %s\n", s->deviation);
	dh_buf_puts(b, "     Restore test: ");
	restore_summary(s, b);
	dh_buf_puts(b, ". Failover drill: ");
	failover_summary(s, b);
	dh_buf_puts(b, ".\n\n");
}

static void
text_problems(const struct dh_problems *pr, struct dh_buf *b)
{
	if (pr->n == 0)
		return;
	dh_buf_printf(b, "OPEN WARNINGS (%zu, from drillhall check)\n\n", pr->n);
	for (size_t i = 0; i < pr->n; i++)
		dh_buf_printf(b, "  %s:%d: %s\n", pr->v[i].file, pr->v[i].line, pr->v[i].message);
	dh_buf_putc(b, '\n');
}

void
dh_plan_render_text(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *b)
{
	char day[16];

	date_of(now, day, sizeof(day));
	dh_buf_printf(b,
		"CONTINUITY PLAN: %s\nOwner: %s\nAs of: %s\n"
		"Plan revision (SHA-256 of the plan files): %s\n"
		"Systems: %zu, of which %zu have requirements set by IT, not by "
		"the business\n\n",
		or_dash(p->policy.name), or_dash(p->policy.owner), day, p->revision, p->nsystems,
		count_set_by_it(p));
	text_policy(p, b);
	dh_buf_puts(b,
		"RECOVERY ORDER AFTER LOSING A DATA HALL\n\n"
		"Systems come back in this order: each after everything it depends\n"
		"on, the most urgent first. Urgency is the shortest rto among the\n"
		"system and every system that depends on it. Source: 'policy' = the\n"
		"T-level's value, 'declared' = the business's own. * = T-level set "
		"by IT.\n\n"
		"  #  system                T   rto            urgency  rpo"
		"            backup rpo     board\n");
	for (size_t i = 0; i < p->nsystems; i++)
		text_system(&p->systems[p->order[i]], b);
	text_problems(pr, b);
	dh_buf_puts(b,
		"APPROVAL\n\n  Approved by (name, role): ______________________"
		"\n  Date and signature:       ______________________\n");
}

/* ---- Markdown ---- */

/* Plan text inside a Markdown table cell: nothing may become markup. */
static void
md_esc(struct dh_buf *b, const char *s)
{
	for (s = or_dash(s); *s; s++) {
		if (*s == '<')
			dh_buf_puts(b, "&lt;");
		else if (*s == '>')
			dh_buf_puts(b, "&gt;");
		else if (*s == '&')
			dh_buf_puts(b, "&amp;");
		else if (strchr("\\|*_[]`#~", *s) != NULL) {
			dh_buf_putc(b, '\\');
			dh_buf_putc(b, *s);
		} else
			dh_buf_putc(b, *s);
	}
}

static void
md_system(const struct dh_system *s, struct dh_buf *b)
{
	char r[32], q[32], u[32];
	struct dh_buf d;

	dh_buf_printf(b, "| %zu | **", s->order);
	md_esc(b, s->id);
	dh_buf_puts(b, "** ");
	md_esc(b, s->name);
	if (s->set_by_it)
		dh_buf_puts(b, " — **" SET_BY_IT "**");
	dh_buf_printf(b, " | %d | %s (%s) | %s | %s (%s) | ", s->level,
		dur(s->eff_rto_s, r, sizeof(r)), dh_plan_source_name(s->rto_source),
		dur(s->urgency_s, u, sizeof(u)), dur(s->eff_rpo_s, q, sizeof(q)),
		dh_plan_source_name(s->rpo_source));
	dh_buf_printf(b, "%s (%s) | ", dur(s->eff_backup_rpo_s, q, sizeof(q)),
		dh_plan_source_name(s->backup_rpo_source));
	md_esc(b, s->board);
	dh_buf_puts(b, " | ");
	md_esc(b, s->system_owner);
	dh_buf_puts(b, " | ");
	dh_buf_init(&d);
	deps_list(s, &d, "-");
	md_esc(b, d.data);
	dh_buf_puts(b, " | ");
	md_esc(b, s->reserve_routine ? s->reserve_routine : "NONE DECLARED");
	if (s->deviation) {
		dh_buf_puts(b, " Deviation: ");
		md_esc(b, s->deviation);
	}
	dh_buf_puts(b, " |\n");
	dh_buf_fini(&d);
}

void
dh_plan_render_md(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *b)
{
	char day[16], v[5][32];

	date_of(now, day, sizeof(day));
	dh_buf_puts(b, "# Continuity plan: ");
	md_esc(b, p->policy.name);
	dh_buf_puts(b, "\n\nOwner: ");
	md_esc(b, p->policy.owner);
	dh_buf_printf(b,
		"  \nAs of: %s  \nPlan revision (SHA-256): `%s`  \n"
		"Systems: %zu, of which %zu have requirements set by IT, not by the "
		"business.\n\n## Requirements by availability level\n\n"
		"| T | level | rpo | backup rpo | rto | restore test every | failover drill "
		"every |\n| --- | --- | --- | --- | --- | --- | --- |\n",
		day, p->revision, p->nsystems, count_set_by_it(p));
	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		const struct dh_level *l = &p->policy.levels[n];

		dh_buf_printf(b, "| %d | %s | %s | %s | %s | %s | %s |\n", n, level_names[n],
			dur(l->rpo_s, v[0], 32), dur(dh_plan_derive_level_backup_rpo(l), v[4], 32),
			dur(l->rto_s, v[1], 32), dur(l->restore_every_s, v[2], 32),
			dur(l->failover_every_s, v[3], 32));
	}
	dh_buf_puts(b,
		"\n## Recovery order after losing a data hall\n\n"
		"Each system comes after everything it depends on, the most urgent "
		"first. Urgency is the shortest rto among the system and every "
		"system that depends on it.\n\n"
		"| # | system | T | rto (source) | urgency | rpo (source) | backup rpo "
		"(source) | board | owner | depends on | reserve routine |\n"
		"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < p->nsystems; i++)
		md_system(&p->systems[p->order[i]], b);
	if (pr->n > 0) {
		dh_buf_printf(b, "\n## Open warnings (%zu)\n\n", pr->n);
		for (size_t i = 0; i < pr->n; i++) {
			dh_buf_puts(b, "- ");
			md_esc(b, pr->v[i].file);
			dh_buf_printf(b, ":%d: ", pr->v[i].line);
			md_esc(b, pr->v[i].message);
			dh_buf_putc(b, '\n');
		}
	}
	dh_buf_puts(b,
		"\n## Approval\n\nApproved by (name, role): "
		"______________________  \nDate and signature: "
		"______________________\n");
}

/* ---- HTML ---- */

static void
h(struct dh_buf *b, const char *s)
{
	dh_html_escape(b, or_dash(s));
}

static const char css[] = "body{font-family:system-ui,sans-serif;font-size:10pt;margin:1.5em;"
			  "color:#111}h1{font-size:16pt;margin-bottom:.2em}h2{font-size:12pt;"
			  "margin-top:1.5em}table{border-collapse:collapse;width:100%}"
			  "th,td{border:1px solid #999;padding:3px 5px;vertical-align:top;"
			  "text-align:left}th{background:#eee}tr.it td{background:#fff3cd}"
			  ".flag{font-weight:bold;color:#8a4b00}.src{color:#555;font-size:8pt}"
			  ".meta{color:#333}.sign td{height:3em;border:none;border-bottom:1px "
			  "solid #000}code{font-size:8pt}"
			  "@media print{@page{size:A4 landscape;margin:12mm}body{margin:0}"
			  "tr{page-break-inside:avoid}}";

static void
html_policy(const struct dh_plan *p, struct dh_buf *b)
{
	char v[5][32];

	dh_buf_puts(b,
		"<h2>Requirements by availability level</h2>\n<table>"
		"<tr><th>T</th><th>level</th><th>rpo</th><th>backup rpo</th><th>rto</th>"
		"<th>restore test every</th><th>failover drill every</th></tr>\n");
	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		const struct dh_level *l = &p->policy.levels[n];

		dh_buf_printf(b,
			"<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			"<td>%s</td><td>%s</td></tr>\n",
			n, level_names[n], dur(l->rpo_s, v[0], 32),
			dur(dh_plan_derive_level_backup_rpo(l), v[4], 32), dur(l->rto_s, v[1], 32),
			dur(l->restore_every_s, v[2], 32), dur(l->failover_every_s, v[3], 32));
	}
	dh_buf_puts(b, "</table>\n");
}

static void
html_system(const struct dh_system *s, struct dh_buf *b)
{
	char r[32], q[32], u[32];
	struct dh_buf d;

	dh_buf_init(&d);
	dh_buf_printf(b, "<tr%s><td>%zu</td><td><b>", s->set_by_it ? " class=\"it\"" : "",
		s->order);
	h(b, s->id);
	dh_buf_puts(b, "</b><br>");
	h(b, s->name);
	if (s->set_by_it)
		dh_buf_puts(b, "<br><span class=\"flag\">" SET_BY_IT "</span>");
	dh_buf_printf(b,
		"</td><td>%d</td><td>%s <span class=\"src\">%s</span>"
		"</td><td>%s</td><td>%s <span class=\"src\">%s</span></td><td>",
		s->level, dur(s->eff_rto_s, r, sizeof(r)), dh_plan_source_name(s->rto_source),
		dur(s->urgency_s, u, sizeof(u)), dur(s->eff_rpo_s, q, sizeof(q)),
		dh_plan_source_name(s->rpo_source));
	dh_buf_printf(b, "%s <span class=\"src\">%s</span></td><td>",
		dur(s->eff_backup_rpo_s, q, sizeof(q)), dh_plan_source_name(s->backup_rpo_source));
	h(b, s->board);
	dh_buf_puts(b, "</td><td>");
	h(b, s->system_owner);
	dh_buf_puts(b, "</td><td>");
	deps_list(s, &d, "-");
	h(b, d.data);
	dh_buf_puts(b, "</td><td>");
	h(b, s->reserve_routine ? s->reserve_routine : "NONE DECLARED");
	if (s->supplier) {
		dh_buf_puts(b, "<br><i>Supplier:</i> ");
		h(b, s->supplier);
		if (s->supplier_rto_s != DH_PLAN_UNSET)
			dh_buf_printf(b, " (contracted %s)", dur(s->supplier_rto_s, r, sizeof(r)));
	}
	if (s->deviation) {
		dh_buf_puts(b, "<br><i>Deviation:</i> ");
		h(b, s->deviation);
	}
	dh_buf_reset(&d);
	dh_buf_puts(&d, "Restore test: ");
	restore_summary(s, &d);
	dh_buf_puts(&d, ". Failover drill: ");
	failover_summary(s, &d);
	dh_buf_puts(b, "<br><span class=\"src\">");
	h(b, d.data);
	dh_buf_puts(b, ".</span></td></tr>\n");
	dh_buf_fini(&d);
}

static void
html_problems(const struct dh_problems *pr, struct dh_buf *b)
{
	if (pr->n == 0)
		return;
	dh_buf_printf(b, "<h2>Open warnings (%zu)</h2>\n<ul>\n", pr->n);
	for (size_t i = 0; i < pr->n; i++) {
		dh_buf_puts(b, "<li><code>");
		h(b, pr->v[i].file);
		dh_buf_printf(b, ":%d</code> ", pr->v[i].line);
		h(b, pr->v[i].message);
		dh_buf_puts(b, "</li>\n");
	}
	dh_buf_puts(b, "</ul>\n");
}

void
dh_plan_render_html(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *b)
{
	char day[16];

	date_of(now, day, sizeof(day));
	dh_buf_puts(b,
		"<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset="
		"\"utf-8\"><title>Continuity plan: ");
	h(b, p->policy.name);
	dh_buf_printf(b,
		"</title><style>%s</style></head><body>\n<h1>"
		"Continuity plan: ",
		css);
	h(b, p->policy.name);
	dh_buf_puts(b, "</h1>\n<p class=\"meta\">Owner: ");
	h(b, p->policy.owner);
	dh_buf_printf(b,
		"<br>As of: %s<br>Plan revision (SHA-256 of the plan "
		"files): <code>%s</code><br>Systems: %zu, of which %zu have "
		"requirements set by IT, not by the business (highlighted).</p>\n",
		day, p->revision, p->nsystems, count_set_by_it(p));
	html_policy(p, b);
	dh_buf_puts(b,
		"<h2>Recovery order after losing a data hall</h2>\n<p>Each "
		"system comes after everything it depends on, the most urgent first. "
		"Urgency is the shortest rto among the system and every system that "
		"depends on it. <i>policy</i> = the T-level's value, <i>declared</i> "
		"= the business's own.</p>\n<table><tr><th>#</th><th>system</th>"
		"<th>T</th><th>rto</th><th>urgency</th><th>rpo</th><th>backup rpo</th><th>board</th>"
		"<th>owner</th><th>depends on</th><th>reserve routine</th></tr>\n");
	for (size_t i = 0; i < p->nsystems; i++)
		html_system(&p->systems[p->order[i]], b);
	dh_buf_puts(b, "</table>\n");
	html_problems(pr, b);
	dh_buf_puts(b,
		"<h2>Approval</h2>\n<table class=\"sign\"><tr><td>Approved "
		"by (name, role)</td><td></td></tr><tr><td>Date and signature</td>"
		"<td></td></tr></table>\n</body></html>\n");
}

/* ---- check ---- */

void
dh_plan_render_check_text(const struct dh_problems *pr, struct dh_buf *out)
{
	for (size_t i = 0; i < pr->n; i++)
		dh_buf_printf(out, "%s:%d: %s: %s\n", pr->v[i].file, pr->v[i].line,
			dh_problems_severity_name(pr->v[i].severity), pr->v[i].message);
}
