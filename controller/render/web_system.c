/*
 * The system and record pages (render/web.h): a system's requirement in
 * force with where each value comes from, its owners and reserve
 * routine, its tests and drills, its corrective actions; a record's
 * whole evidence. Every plan and record text is escaped.
 */
#include "render/web.h"

#include <stdio.h>

#include "dh/duration.h"
#include "render/html.h"

/* <dt>label</dt><dd>escaped value</dd>, or "-" when NULL. */
static void
item(struct dh_buf *out, const char *label, const char *value)
{
	dh_buf_printf(out, "<dt>%s</dt><dd>", label);
	dh_html_escape(out, value ? value : "-");
	dh_buf_puts(out, "</dd>");
}

/* A requirement row: name, effective value, its source. */
static void
req_row(struct dh_buf *out, const char *name, int64_t v, enum dh_plan_source src)
{
	dh_buf_printf(out, "<tr><td>%s</td><td>", name);
	if (v == DH_DURATION_NEVER)
		dh_buf_puts(out, "never");
	else
		dh_web_duration(out, v);
	dh_buf_printf(out, "</td><td>%s</td></tr>\n", dh_plan_source_name(src));
}

static void
requirements(struct dh_buf *out, const struct dh_system *s)
{
	dh_buf_printf(out, "<h2>Requirement in force</h2>\n<p>T-level %d", s->level);
	dh_buf_puts(out,
		s->set_by_it ? " — <strong>requirements set by IT, not by the business"
			       "</strong> (not classified)"
			     : "");
	dh_buf_puts(out,
		"</p>\n<table><tr><th>Requirement</th><th>Value</th><th>Source</th>"
		"</tr>\n");
	req_row(out, "rpo (a hall lost)", s->eff_rpo_s, s->rpo_source);
	req_row(out, "backup_rpo (from backup)", s->eff_backup_rpo_s, s->backup_rpo_source);
	req_row(out, "rto", s->eff_rto_s, s->rto_source);
	req_row(out, "restore test every", s->eff_restore_every_s, s->restore_every_source);
	if (s->failover.present)
		req_row(out, "failover drill every", s->eff_failover_every_s,
			s->failover_every_source);
	dh_buf_puts(out, "</table>\n");
	if (s->deviation != NULL) {
		dh_buf_puts(out, "<p><strong>Deviation:</strong> ");
		dh_html_escape(out, s->deviation);
		dh_buf_puts(out, "</p>\n");
	}
}

static void
owners(struct dh_buf *out, const struct dh_system *s)
{
	dh_buf_puts(out, "<dl>");
	item(out, "Board", s->board);
	item(out, "Object", s->object);
	item(out, "System owner", s->system_owner);
	item(out, "Contact", s->contact);
	item(out, "Supplier", s->supplier);
	item(out, "Classified", s->classified ? s->classified_text : "not classified");
	if (s->classified) {
		char krt[64];

		snprintf(krt, sizeof(krt), "K%d R%d T%d", s->confidentiality, s->integrity,
			s->availability);
		item(out, "Classification (KLASSA)", krt);
	}
	item(out, "Reserve routine", s->reserve_routine);
	dh_buf_puts(out, "</dl>\n");
}

static void
verdict_block(struct dh_buf *out, const struct dh_status_row *row)
{
	dh_buf_printf(out, "<p id=\"compliance\">Compliant: %s",
		row->c.compliant ? "<span class=\"badge ok\">yes</span>"
				 : "<span class=\"badge bad\">no</span>");
	if (row->c.nreasons > 0) {
		dh_buf_puts(out, "</p>\n<ul>");
		for (size_t i = 0; i < row->c.nreasons; i++) {
			dh_buf_puts(out, "<li>");
			dh_html_escape(out, row->c.reasons[i].text);
			dh_buf_puts(out, "</li>");
		}
		dh_buf_puts(out, "</ul>\n");
	} else {
		dh_buf_puts(out, "</p>\n");
	}
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
		if (!row->c.kind[k].has_due)
			continue;
		dh_buf_printf(out, "<p>Next %s due ",
			k == DH_JOB_RESTORE ? "restore test" : "failover drill");
		dh_web_time(out, row->c.kind[k].due_at);
		dh_buf_puts(out, row->c.kind[k].overdue ? " (overdue)</p>\n" : "</p>\n");
	}
}

static void
record_row(struct dh_buf *out, const struct dh_record *r)
{
	dh_buf_puts(out, "<tr><td><a href=\"/records/");
	dh_html_escape(out, r->id);
	dh_buf_puts(out, "\">");
	dh_web_time(out, r->started_at > 0 ? r->started_at : r->finished_at);
	dh_buf_printf(out, "</a></td><td>%s</td><td>", dh_job_kind_name(r->kind));
	dh_web_verdict(out, r->verdict);
	dh_buf_puts(out, "</td><td>");
	dh_web_duration(out, r->rpo_actual_s);
	dh_buf_puts(out, " / ");
	dh_web_duration(out, r->rpo_target_s);
	dh_buf_puts(out, "</td><td>");
	dh_web_duration(out, r->rto_actual_s);
	dh_buf_puts(out, " / ");
	dh_web_duration(out, r->rto_target_s);
	dh_buf_puts(out, "</td><td>");
	dh_html_escape(out, r->trigger ? r->trigger : "-");
	dh_buf_puts(out, "</td></tr>\n");
}

void
dh_web_render_system(struct dh_buf *out, const struct dh_web_ctx *ctx,
	const struct dh_status_row *row, struct dh_record *const *recs, size_t nrecs,
	const struct dh_action *acts, size_t nacts)
{
	const struct dh_system *s = row->sys;

	dh_web_begin(out, ctx, s->name ? s->name : s->id);
	dh_buf_puts(out, "<p>System <code>");
	dh_html_escape(out, s->id);
	dh_buf_puts(out, "</code></p>\n");
	verdict_block(out, row);
	if (ctx->operator&& s->restore.present) {
		dh_buf_puts(out, "<form method=\"post\" action=\"/systems/");
		dh_html_escape(out, s->id);
		dh_buf_puts(out, "/run\"><input type=\"hidden\" name=\"csrf\" value=\"");
		dh_html_escape(out, ctx->csrf);
		dh_buf_puts(out,
			"\"><button type=\"submit\">Start a restore test now</button>"
			"</form>\n");
	}
	requirements(out, s);
	owners(out, s);
	dh_buf_puts(out, "<h2>Tests and drills</h2>\n");
	if (nrecs == 0) {
		dh_buf_puts(out, "<p>No test on record.</p>\n");
	} else {
		dh_buf_puts(out,
			"<table><tr><th>Started</th><th>Kind</th><th>Verdict</th>"
			"<th>RPO measured / target</th><th>RTO measured / target</th>"
			"<th>Trigger</th></tr>\n");
		for (size_t i = 0; i < nrecs; i++)
			if (recs[i]->finished_at <= ctx->now)
				record_row(out, recs[i]);
		dh_buf_puts(out, "</table>\n");
	}
	dh_buf_puts(out, "<h2>Corrective actions</h2>\n");
	dh_web_actions_table(out, ctx, acts, nacts);
	dh_web_end(out);
}

static void
checks(struct dh_buf *out, const struct dh_record *r)
{
	dh_buf_puts(out, "<h2>Checks</h2>\n");
	if (r->nchecks == 0) {
		dh_buf_puts(out, "<p>No checks recorded.</p>\n");
		return;
	}
	dh_buf_puts(out,
		"<table><tr><th>#</th><th>Check</th><th>Verdict</th><th>Detail</th>"
		"</tr>\n");
	for (size_t i = 0; i < r->nchecks; i++) {
		dh_buf_printf(out, "<tr><td>%zu</td><td>", i + 1);
		dh_html_escape(out, r->checks[i].name);
		dh_buf_puts(out, "</td><td>");
		dh_web_verdict(out, r->checks[i].verdict);
		dh_buf_puts(out, "</td><td>");
		dh_html_escape(out, r->checks[i].detail);
		dh_buf_puts(out, "</td></tr>\n");
	}
	dh_buf_puts(out, "</table>\n");
}

static void
mismatches(struct dh_buf *out, const struct dh_record *r)
{
	dh_buf_printf(out,
		"<h2>Mismatches</h2>\n<p>%lld file%s verified, %lld bytes; %lld "
		"mismatch%s.</p>\n",
		(long long)r->files_verified, r->files_verified == 1 ? "" : "s",
		(long long)r->bytes_verified, (long long)r->mismatches_total,
		r->mismatches_total == 1 ? "" : "es");
	if (r->nmismatches == 0)
		return;
	dh_buf_puts(out, "<table><tr><th>Path</th><th>Problem</th></tr>\n");
	for (size_t i = 0; i < r->nmismatches; i++) {
		dh_buf_puts(out, "<tr><td>");
		dh_html_escape(out, r->mismatches[i].path);
		dh_buf_puts(out, "</td><td>");
		dh_html_escape(out, r->mismatches[i].problem);
		dh_buf_puts(out, "</td></tr>\n");
	}
	dh_buf_puts(out, "</table>\n");
}

static void
timeline(struct dh_buf *out, const struct dh_record *r)
{
	dh_buf_puts(out, "<h2>Timeline</h2>\n<table><tr><th>When</th><th>What</th></tr>\n");
	if (r->backup_at > 0 || r->snapshot.time > 0) {
		dh_buf_puts(out, "<tr><td>");
		dh_web_time(out, r->backup_at > 0 ? r->backup_at : r->snapshot.time);
		dh_buf_puts(out, "</td><td>the backup restored was taken");
		if (r->snapshot.id != NULL || r->snapshot.archive != NULL) {
			dh_buf_puts(out, " (");
			dh_html_escape(out, r->snapshot.id ? r->snapshot.id : r->snapshot.archive);
			dh_buf_puts(out, ")");
		}
		dh_buf_puts(out, "</td></tr>\n");
	}
	dh_buf_puts(out, "<tr><td>");
	dh_web_time(out, r->started_at);
	dh_buf_puts(out, "</td><td>started on ");
	for (size_t i = 0; i < r->nhosts; i++) {
		dh_buf_puts(out, i ? ", " : "");
		dh_html_escape(out, r->hosts[i]);
	}
	dh_buf_puts(out, "</td></tr>\n<tr><td>");
	dh_web_time(out, r->finished_at);
	dh_buf_puts(out, "</td><td>finished: ");
	dh_buf_puts(out, dh_verdict_name(r->verdict));
	dh_buf_puts(out, "</td></tr>\n</table>\n");
}

static void
record_facts(struct dh_buf *out, const struct dh_record *r, const struct dh_system *sys)
{
	dh_buf_puts(out, "<dl>");
	item(out, "System", sys && sys->name ? sys->name : r->system);
	item(out, "Kind", dh_job_kind_name(r->kind));
	item(out, "Trigger", r->trigger);
	dh_buf_puts(out, "<dt>Verdict</dt><dd id=\"verdict\">");
	dh_web_verdict(out, r->verdict);
	dh_buf_puts(out, "</dd><dt>Requirement in force when it ran</dt><dd>rpo ");
	dh_web_duration(out, r->rpo_target_s);
	dh_buf_puts(out, ", rto ");
	dh_web_duration(out, r->rto_target_s);
	dh_buf_puts(out, " (plan revision ");
	dh_html_escape(out, r->plan_revision ? r->plan_revision : "-");
	dh_buf_puts(out, ")</dd><dt>Measured</dt><dd>rpo ");
	dh_web_duration(out, r->rpo_actual_s);
	dh_buf_puts(out,
		r->kind == DH_JOB_FAILOVER && r->rpo_actual_s < 0
			? " (the drill did not measure data loss)"
			: "");
	dh_buf_puts(out, ", rto ");
	dh_web_duration(out, r->rto_actual_s);
	dh_buf_puts(out, "</dd>");
	if (r->error != NULL)
		item(out, "Error", r->error);
	item(out, "Agent", r->agent_host);
	item(out, "Agent version", r->agent_version);
	dh_buf_puts(out, "<dt>Record hash (SHA-256)</dt><dd><code id=\"record-hash\">");
	dh_html_escape(out, r->record_hash ? r->record_hash : "-");
	dh_buf_puts(out, "</code></dd></dl>\n");
}

void
dh_web_render_record(struct dh_buf *out, const struct dh_web_ctx *ctx, const struct dh_record *r,
	const struct dh_system *sys)
{
	char title[160];

	snprintf(title, sizeof(title), "%s of %s", dh_job_kind_name(r->kind),
		r->system ? r->system : "?");
	dh_web_begin(out, ctx, title);
	dh_buf_puts(out, "<p>Record <code>");
	dh_html_escape(out, r->id);
	dh_buf_puts(out, "</code> — <a href=\"/systems/");
	dh_html_escape(out, r->system);
	dh_buf_puts(out, "\">the system</a></p>\n");
	record_facts(out, r, sys);
	checks(out, r);
	mismatches(out, r);
	timeline(out, r);
	if (r->output != NULL) {
		dh_buf_puts(out, "<h2>Output</h2>\n<pre>");
		dh_html_escape(out, r->output);
		dh_buf_puts(out, "</pre>\n");
	}
	dh_web_end(out);
}
