/*
 * The report's model summarised (per board, the gaps of each system, the
 * SPEC's summary counts) and its JSON layout (render/report.h). The
 * verdicts are eval/compliance.c's, already in the rows; this file only
 * counts and lays out. The HTML and CSV layouts are report_html.c and
 * report_csv.c, the charts report_svg.c.
 */
#include "render/report.h"

#include <stdlib.h>
#include <string.h>

#include "dh/json.h"
#include "dh/timefmt.h"
#include "render/actions.h"

bool
dh_report_classification_expired(const struct dh_system *s, time_t t)
{
	struct tm tm;

	if (!s->classified)
		return false;
	gmtime_r(&s->classified_at, &tm);
	tm.tm_year += 3; /* the same rule as `check`'s warning (plan/check.c) */
	return t > timegm(&tm);
}

void
dh_report_gaps_of(const struct dh_report *r, const struct dh_status_row *row,
	struct dh_report_gaps *out)
{
	*out = (struct dh_report_gaps){ 0 };
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
		const struct dh_compliance_due *d = &row->c.kind[k];
		const struct dh_compliance_tests *t = &row->tests[k];

		if (d->required && t->last_evidence == NULL)
			out->never_tested = true;
		if (d->required && d->overdue && t->last_passed != NULL)
			out->overdue = true;
		if (t->last_evidence != NULL && t->last_evidence->verdict == DH_VERDICT_FAILED)
			out->failed = true;
		if (t->open_action != NULL && dh_action_is_past_due(t->open_action, r->as_of))
			out->action_past_due = true;
	}
	out->set_by_it = row->sys->set_by_it;
	out->deviation = row->sys->deviation != NULL;
	out->expired = dh_report_classification_expired(row->sys, r->as_of);
	out->left_on_standby = dh_status_left_on_standby(row->tests[DH_JOB_FAILOVER].last);
}

void
dh_report_summarize(const struct dh_report *r, struct dh_report_summary *out)
{
	struct dh_report_gaps g;

	*out = (struct dh_report_summary){ .systems = r->nrows };
	for (size_t i = 0; i < r->nrows; i++) {
		dh_report_gaps_of(r, &r->rows[i], &g);
		if (r->rows[i].c.compliant)
			out->compliant++;
		out->unclassified += g.set_by_it;
		out->overdue += g.overdue;
		out->never_tested += g.never_tested;
	}
	out->non_compliant = out->systems - out->compliant;
	for (size_t i = 0; i < r->nactions; i++)
		out->open_actions += dh_action_is_open(&r->actions[i], r->as_of);
}

static int
board_cmp(const void *a, const void *b)
{
	const struct dh_report_board *x = a, *y = b;

	if (x->board == NULL || y->board == NULL)
		return (x->board == NULL) - (y->board == NULL);
	return strcmp(x->board, y->board);
}

void
dh_report_boards(const struct dh_report *r, struct dh_report_board **out, size_t *n)
{
	struct dh_report_board *v = NULL;
	size_t nv = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		const char *b = r->rows[i].sys->board;
		size_t j = 0;

		while (j < nv &&
			!(v[j].board == b || (v[j].board && b && strcmp(v[j].board, b) == 0)))
			j++;
		if (j == nv) {
			v = dh_xrealloc(v, (nv + 1) * sizeof(*v));
			v[nv++] = (struct dh_report_board){ .board = b };
		}
		v[j].systems++;
		v[j].compliant += r->rows[i].c.compliant;
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), board_cmp);
	*out = v;
	*n = nv;
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
str_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
head_json(const struct dh_report *r)
{
	json_t *o = json_object(), *a = json_object();

	json_object_set_new(o, "plan", str_json(r->plan_name));
	json_object_set_new(o, "revision", str_json(r->revision));
	json_object_set_new(o, "as_of", time_json(r->as_of));
	json_object_set_new(o, "generated_at", time_json(r->generated_at));
	json_object_set_new(o, "since", time_json(r->since));
	json_object_set_new(a, "intact", json_boolean(r->audit.intact));
	json_object_set_new(a, "records", json_integer(r->audit.records));
	json_object_set_new(a, "head", json_string(r->audit.head));
	json_object_set_new(a, "verified", json_integer(r->audit.verified));
	json_object_set_new(a, "problem",
		r->audit.intact ? json_null() : json_string(r->audit.why));
	json_object_set_new(o, "audit", a);
	return o;
}

static json_t *
summary_json(const struct dh_report *r)
{
	struct dh_report_summary s;
	struct dh_report_gaps g;
	size_t failed = 0, standby = 0;

	dh_report_summarize(r, &s);
	for (size_t i = 0; i < r->nrows; i++) {
		dh_report_gaps_of(r, &r->rows[i], &g);
		failed += g.failed;
		standby += g.left_on_standby;
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "systems", (json_int_t)s.systems,
		"compliant", (json_int_t)s.compliant, "non_compliant", (json_int_t)s.non_compliant,
		"unclassified", (json_int_t)s.unclassified, "overdue", (json_int_t)s.overdue,
		"never_tested", (json_int_t)s.never_tested, "open_actions",
		(json_int_t)s.open_actions, "failed", (json_int_t)failed, "left_on_standby",
		(json_int_t)standby);
}

static json_t *
boards_json(const struct dh_report *r)
{
	struct dh_report_board *b;
	size_t n;
	json_t *arr = json_array();

	dh_report_boards(r, &b, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr,
			json_pack("{s:o,s:I,s:I}", "board", str_json(b[i].board), "systems",
				(json_int_t)b[i].systems, "compliant", (json_int_t)b[i].compliant));
	free(b);
	return arr;
}

static json_t *
gaps_json(const struct dh_report_gaps *g)
{
	return json_pack("{s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "never_tested", g->never_tested,
		"overdue", g->overdue, "failed", g->failed, "requirements_set_by_it", g->set_by_it,
		"deviation", g->deviation, "classification_expired", g->expired,
		"production_left_on_standby", g->left_on_standby, "action_past_due",
		g->action_past_due);
}

static json_t *
system_json(const struct dh_report *r, const struct dh_status_row *row)
{
	const struct dh_system *s = row->sys;
	json_t *o = dh_status_row_json(row, r->as_of);
	struct dh_report_gaps g;

	dh_report_gaps_of(r, row, &g);
	json_object_set_new(o, "board", str_json(s->board));
	json_object_set_new(o, "classified",
		s->classified ? json_string(s->classified_text) : json_null());
	json_object_set_new(o, "requirements_by", json_string(s->set_by_it ? "it" : "business"));
	json_object_set_new(o, "deviation", str_json(s->deviation));
	json_object_set_new(o, "gaps", gaps_json(&g));
	return o;
}

void
dh_report_render_json(const struct dh_report *r, struct dh_buf *out)
{
	json_t *root = json_object(), *sys = json_array(), *acts = json_array();
	json_t *recs = json_array();

	json_object_set_new(root, "report", head_json(r));
	json_object_set_new(root, "summary", summary_json(r));
	json_object_set_new(root, "boards", boards_json(r));
	for (size_t i = 0; i < r->nrows; i++)
		json_array_append_new(sys, system_json(r, &r->rows[i]));
	json_object_set_new(root, "systems", sys);
	for (size_t i = 0; i < r->nactions; i++)
		json_array_append_new(acts, dh_action_json(&r->actions[i], r->as_of));
	json_object_set_new(root, "actions", acts);
	for (size_t i = 0; i < r->nrecords; i++)
		json_array_append_new(recs,
			dh_record_json(r->records[i])); /* as `history` shows it */
	json_object_set_new(root, "records", recs);
	dh_json_print(out, root);
}
