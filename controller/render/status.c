/*
 * `status` in text, JSON and CSV (render/status.h). The verdicts come
 * from eval/compliance.c; this file only lays them out. Times are RFC
 * 3339 UTC, durations as plans write them; "-" (text, CSV) and null
 * (JSON) stand for what is not known or not required.
 */
#include "render/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "dh/json.h"
#include "dh/timefmt.h"
#include "render/actions.h"
#include "render/fmt.h"

/* When a record is shown as the last test: when it finished, else when it started. */
static time_t
shown_time(const struct dh_record *r)
{
	return r->finished_at ? r->finished_at : r->started_at;
}

/* The reasons of one kind (-1: all) joined with "; " into b. */
static void
join_reasons(const struct dh_compliance *c, int kind, struct dh_buf *b)
{
	for (size_t i = 0; i < c->nreasons; i++) {
		if (kind >= 0 && c->reasons[i].kind != kind)
			continue;
		if (b->len > 0)
			dh_buf_puts(b, "; ");
		dh_buf_puts(b, c->reasons[i].text);
	}
}

bool
dh_status_left_on_standby(const struct dh_record *r)
{
	for (size_t i = 0; r != NULL && i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, "production") == 0 &&
			r->checks[i].verdict == DH_VERDICT_FAILED)
			return true;
	return false;
}

/* The drill line under a system with [failover] or a drill on record. */
static void
text_drill(const struct dh_status_row *row, struct dh_buf *out)
{
	const struct dh_record *last = row->tests[DH_JOB_FAILOVER].last;
	const struct dh_compliance_due *d = &row->c.kind[DH_JOB_FAILOVER];
	char at[DH_RFC3339_LEN], due[DH_RFC3339_LEN], ta[24];

	if (!row->sys->failover.present && last == NULL)
		return;
	dh_render_time(last ? shown_time(last) : 0, at, sizeof(at));
	dh_render_time(d->has_due ? d->due_at : 0, due, sizeof(due));
	dh_render_duration(last ? last->rto_actual_s : -1, ta, sizeof(ta));
	if (last == NULL)
		dh_buf_printf(out, "%-18s drill: never, due %s", "", due);
	else
		dh_buf_printf(out, "%-18s drill: last %s %s, rto %s, due %s", "", at,
			dh_verdict_name(last->verdict), ta, due);
	if (dh_status_left_on_standby(last))
		dh_buf_printf(out, "; PRODUCTION LEFT ON THE STANDBY (drill %s)",
			last->id ? last->id : "?");
	dh_buf_putc(out, '\n');
}

static void
text_row(const struct dh_status_row *row, struct dh_buf *out)
{
	const struct dh_record *last = row->tests[DH_JOB_RESTORE].last;
	const struct dh_compliance_due *d = &row->c.kind[DH_JOB_RESTORE];
	char rpo[24], rto[24], at[DH_RFC3339_LEN], due[DH_RFC3339_LEN], ra[24], ta[24];
	struct dh_buf why;

	dh_render_duration(row->sys->eff_rpo_s, rpo, sizeof(rpo));
	dh_render_duration(row->sys->eff_rto_s, rto, sizeof(rto));
	dh_render_time(last ? shown_time(last) : 0, at, sizeof(at));
	dh_render_time(d->has_due ? d->due_at : 0, due, sizeof(due));
	dh_render_duration(last ? last->rpo_actual_s : -1, ra, sizeof(ra));
	dh_render_duration(last ? last->rto_actual_s : -1, ta, sizeof(ta));
	dh_buf_printf(out, "%-18s %d%s %-6s %-6s %-20s %-8s %-7s %-7s %-20s %s", row->sys->id,
		row->sys->level, row->sys->set_by_it ? "*" : " ", rpo, rto, at,
		last ? dh_verdict_name(last->verdict) : "-", ra, ta, due,
		row->c.compliant ? "yes" : "NO");
	dh_buf_init(&why);
	join_reasons(&row->c, -1, &why);
	if (why.len > 0)
		dh_buf_printf(out, " (%s)", why.data);
	dh_buf_putc(out, '\n');
	dh_buf_fini(&why);
	text_drill(row, out);
}

void
dh_status_render_text(const struct dh_status_row *rows, size_t n, time_t now, struct dh_buf *out)
{
	dh_buf_printf(out, "%-18s %-2s %-6s %-6s %-20s %-8s %-7s %-7s %-20s %s\n", "SYSTEM", "T",
		"RPO", "RTO", "LAST RESTORE", "VERDICT", "RPO", "RTO", "RESTORE DUE", "COMPLIANT");
	for (size_t i = 0; i < n; i++)
		text_row(&rows[i], out);
	dh_buf_puts(out, "* requirements set by IT, not by the business (unclassified)\n");
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			if (rows[i].tests[k].open_action != NULL)
				dh_action_render_line(rows[i].tests[k].open_action, now, out);
}

/* The system's open corrective actions (eval/actions.h), as `actions` shows them. */
static json_t *
open_actions_json(const struct dh_status_row *row, time_t now)
{
	json_t *arr = json_array();

	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		if (row->tests[k].open_action != NULL)
			json_array_append_new(arr, dh_action_json(row->tests[k].open_action, now));
	return arr;
}

static json_t *
time_json(time_t t)
{
	char s[DH_RFC3339_LEN];

	if (t <= 0)
		return json_null();
	dh_time_format(t, s, sizeof(s));
	return json_string(s);
}

static json_t *
actual_json(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* SPEC's record summary {"id","started_at","verdict","rpo_actual_s","rto_actual_s"}. */
static json_t *
summary_json(const struct dh_record *r)
{
	json_t *o;

	if (r == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "id", json_string(r->id ? r->id : ""));
	json_object_set_new(o, "started_at", time_json(dh_compliance_started(r)));
	json_object_set_new(o, "verdict", json_string(dh_verdict_name(r->verdict)));
	json_object_set_new(o, "rpo_actual_s", actual_json(r->rpo_actual_s));
	json_object_set_new(o, "rto_actual_s", actual_json(r->rto_actual_s));
	return o;
}

/* The per-kind object status has always had: {"last","required","due","ok","problem"}. */
static json_t *
kind_json(const struct dh_status_row *row, int kind)
{
	const struct dh_record *r = row->tests[kind].last;
	const struct dh_compliance_due *d = &row->c.kind[kind];
	json_t *o = json_object(), *l = json_null();
	struct dh_buf why;

	if (r) {
		l = json_object();
		json_object_set_new(l, "id", json_string(r->id ? r->id : ""));
		json_object_set_new(l, "verdict", json_string(dh_verdict_name(r->verdict)));
		json_object_set_new(l, "at", time_json(shown_time(r)));
		json_object_set_new(l, "rpo_actual_s", actual_json(r->rpo_actual_s));
		json_object_set_new(l, "rto_actual_s", actual_json(r->rto_actual_s));
	}
	json_object_set_new(o, "last", l);
	json_object_set_new(o, "required", json_boolean(d->required));
	json_object_set_new(o, "due", d->has_due ? time_json(d->due_at) : json_null());
	json_object_set_new(o, "ok", json_boolean(d->ok));
	dh_buf_init(&why);
	join_reasons(&row->c, kind, &why);
	json_object_set_new(o, "problem", why.len ? json_string(why.data) : json_null());
	dh_buf_fini(&why);
	return o;
}

static json_t *
due_json(const struct dh_compliance_due *d)
{
	return d->has_due ? time_json(d->due_at) : json_null();
}

json_t *
dh_status_row_json(const struct dh_status_row *row, time_t now)
{
	const struct dh_system *s = row->sys;
	json_t *o = json_object(), *reasons = json_array();

	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "name", s->name ? json_string(s->name) : json_null());
	json_object_set_new(o, "availability", json_integer(s->level));
	json_object_set_new(o, "set_by_it", json_boolean(s->set_by_it));
	json_object_set_new(o, "rpo_s", json_integer(s->eff_rpo_s));
	json_object_set_new(o, "backup_rpo_s", json_integer(s->eff_backup_rpo_s));
	json_object_set_new(o, "rto_s", json_integer(s->eff_rto_s));
	json_object_set_new(o, "last_restore", summary_json(row->tests[DH_JOB_RESTORE].last));
	json_object_set_new(o, "last_drill", summary_json(row->tests[DH_JOB_FAILOVER].last));
	json_object_set_new(o, "restore_due_at", due_json(&row->c.kind[DH_JOB_RESTORE]));
	json_object_set_new(o, "drill_due_at", due_json(&row->c.kind[DH_JOB_FAILOVER]));
	json_object_set_new(o, "restore", kind_json(row, DH_JOB_RESTORE));
	json_object_set_new(o, "failover", kind_json(row, DH_JOB_FAILOVER));
	json_object_set_new(o, "open_actions", open_actions_json(row, now));
	json_object_set_new(o, "production_left_on_standby",
		json_boolean(dh_status_left_on_standby(row->tests[DH_JOB_FAILOVER].last)));
	json_object_set_new(o, "compliant", json_boolean(row->c.compliant));
	for (size_t i = 0; i < row->c.nreasons; i++)
		json_array_append_new(reasons, json_string(row->c.reasons[i].text));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

void
dh_status_render_json(const struct dh_status_row *rows, size_t n, time_t now, struct dh_buf *out)
{
	json_t *root = json_object(), *arr = json_array();

	json_object_set_new(root, "now", time_json(now));
	json_object_set_new(root, "as_of", time_json(now));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, dh_status_row_json(&rows[i], now));
	json_object_set_new(root, "systems", arr);
	dh_json_print(out, root);
}

/* A CSV field of seconds: empty when not known (negative). */
static void
csv_secs(struct dh_buf *out, int64_t v)
{
	if (v >= 0)
		dh_buf_printf(out, "%lld", (long long)v);
	dh_buf_puts(out, ",");
}

/* A CSV field of a time: empty when there is none. */
static void
csv_time(struct dh_buf *out, bool has, time_t t)
{
	char s[DH_RFC3339_LEN];

	if (has) {
		dh_render_time(t, s, sizeof(s));
		dh_buf_puts(out, s);
	}
	dh_buf_puts(out, ",");
}

/* One system: empty fields for what is not known or not required. */
static void
csv_row(const struct dh_status_row *row, struct dh_buf *out)
{
	const struct dh_record *r = row->tests[DH_JOB_RESTORE].last;
	const struct dh_record *f = row->tests[DH_JOB_FAILOVER].last;
	const struct dh_compliance_due *rd = &row->c.kind[DH_JOB_RESTORE];
	const struct dh_compliance_due *fd = &row->c.kind[DH_JOB_FAILOVER];
	struct dh_buf why;

	dh_buf_printf(out, "%s,%d,", row->sys->id, row->sys->level);
	csv_secs(out, row->sys->eff_rpo_s);
	csv_secs(out, row->sys->eff_backup_rpo_s);
	csv_secs(out, row->sys->eff_rto_s);
	csv_time(out, r != NULL, r ? shown_time(r) : 0);
	dh_buf_printf(out, "%s,", r ? dh_verdict_name(r->verdict) : "");
	csv_secs(out, r ? r->rpo_actual_s : -1);
	csv_secs(out, r ? r->rto_actual_s : -1);
	csv_time(out, rd->has_due, rd->due_at);
	csv_time(out, f != NULL, f ? shown_time(f) : 0);
	dh_buf_printf(out, "%s,", f ? dh_verdict_name(f->verdict) : "");
	csv_time(out, fd->has_due, fd->due_at);
	dh_buf_printf(out, "%s,", row->c.compliant ? "yes" : "no");
	dh_buf_init(&why);
	join_reasons(&row->c, -1, &why);
	dh_render_csv_field(out, why.data ? why.data : "");
	dh_buf_puts(out, "\r\n");
	dh_buf_fini(&why);
}

void
dh_status_render_csv(const struct dh_status_row *rows, size_t n, time_t now, struct dh_buf *out)
{
	dh_buf_puts(out,
		"id,availability,rpo_s,backup_rpo_s,rto_s,last_restore,restore_verdict,"
		"rpo_actual_s,rto_actual_s,restore_due,last_failover,failover_verdict,"
		"failover_due,compliant,reasons\r\n");
	for (size_t i = 0; i < n; i++)
		csv_row(&rows[i], out);
}
