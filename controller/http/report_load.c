/*
 * The report's model from the plan and the store (http/report_load.h).
 */
#include "http/report_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "eval/compliance.h"
#include "store/actions.h"
#include "store/records.h"
#include "store/revisions.h"
#include "store/verify.h"

static int
system_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dh_status_row *)elem)->sys->id);
}

/*
 * Each row's tests and verdict from the standings as of m->as_of, passes
 * compared with the plan revision in force then (so a report as of last
 * year is not changed by this year's plan), every record whole.
 */
static int
load_standings(struct dh_db *db, const struct dh_plan *p, struct dh_report_load *rl,
	struct dh_err *err)
{
	struct dh_standings_opt opt = { .whole_records = true };
	int r;

	if ((r = dh_db_revision_at(db, rl->m.as_of, &rl->revision, err)) != 0)
		return r;
	opt.revision = rl->revision;
	if ((r = dh_db_standings_with(db, p, rl->m.as_of, &opt, &rl->sd, err)) != 0)
		return r;
	for (size_t i = 0; i < rl->m.nrows; i++) {
		const struct dh_standing *st = &rl->sd.v[rl->rows[i].sys - p->systems];

		memcpy(rl->rows[i].tests, st->tests, sizeof(rl->rows[i].tests));
		rl->rows[i].c = st->c;
	}
	return 0;
}

/* The corrective actions opened by as_of of the systems among the rows (by id). */
static void
load_actions(struct dh_report_load *rl)
{
	const struct dh_standings *sd = &rl->sd;

	rl->actions = dh_xcalloc(sd->nactions + 1, sizeof(*rl->actions));
	for (size_t i = 0; i < sd->nactions; i++) {
		const struct dh_action *a = &sd->actions[i];

		if (dh_action_is_seen(a, rl->m.as_of) && a->system != NULL &&
			bsearch(a->system, rl->rows, rl->m.nrows, sizeof(*rl->rows), system_cmp) !=
				NULL)
			rl->actions[rl->m.nactions++] = *a; /* strings borrowed from sd */
	}
	rl->m.actions = rl->actions;
}

static int
newest_first(const void *a, const void *b)
{
	const struct dh_record *x = *(const struct dh_record *const *)a;
	const struct dh_record *y = *(const struct dh_record *const *)b;
	time_t tx = dh_compliance_started(x), ty = dh_compliance_started(y);

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return strcmp(y->id ? y->id : "", x->id ? x->id : "");
}

/* Without --since: each record a verdict rests on, once, newest first. */
static const struct dh_record **
rested_on(const struct dh_status_row *rows, size_t n, size_t *out_n)
{
	const struct dh_record **v = dh_xcalloc(n * 3 * DH_COMPLIANCE_KINDS + 1, sizeof(*v));
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
			const struct dh_compliance_tests *t = &rows[i].tests[k];
			const struct dh_record *c[3] = { t->last, t->last_evidence,
				t->last_passed };

			for (int j = 0; j < 3; j++) {
				bool dup = c[j] == NULL;

				for (int m = 0; m < j && !dup; m++)
					dup = c[m] == c[j];
				if (!dup)
					v[cnt++] = c[j];
			}
		}
	qsort(v, cnt, sizeof(*v), newest_first);
	*out_n = cnt;
	return v;
}

/*
 * since: every record started since then and known by now, newest first,
 * of the systems among the rows (which are by system id).
 */
static int
load_listed(struct dh_db *db, struct dh_report_load *rl, struct dh_err *err)
{
	struct dh_report *m = &rl->m;
	size_t cnt = 0;
	int r;

	if ((r = dh_db_history(db, NULL, NULL, m->since, 0, &rl->history, &rl->nhistory, err)) != 0)
		return r;
	rl->listed = dh_xcalloc(rl->nhistory + 1, sizeof(*rl->listed));
	for (size_t i = 0; i < rl->nhistory; i++) {
		const struct dh_record *t = rl->history[i];

		if ((t->finished_at ? t->finished_at : t->started_at) <= m->as_of &&
			t->system != NULL &&
			bsearch(t->system, m->rows, m->nrows, sizeof(*m->rows), system_cmp) != NULL)
			rl->listed[cnt++] = t;
	}
	m->nrecords = cnt;
	return 0;
}

static int
load_audit(struct dh_db *db, struct dh_report *m, struct dh_err *err)
{
	struct dh_audit_result res;
	int r;

	if ((r = dh_db_audit_verify(db, &res, err)) != 0)
		return r;
	m->audit.intact = res.bad_seq == 0;
	m->audit.verified = res.records;
	snprintf(m->audit.why, sizeof(m->audit.why), "%s", m->audit.intact ? "" : res.why);
	return dh_db_audit_head(db, (int64_t)m->as_of, &m->audit.records, m->audit.head, err);
}

/* Fill the model from the store; rows[i].sys are set, m->nrows of them. */
static int
load(struct dh_db *db, const struct dh_plan *p, struct dh_report_load *rl, struct dh_err *err)
{
	int r;

	if ((r = load_standings(db, p, rl, err)) != 0)
		return r;
	load_actions(rl);
	if (rl->m.since > 0)
		r = load_listed(db, rl, err);
	else
		rl->listed = rested_on(rl->rows, rl->m.nrows, &rl->m.nrecords);
	rl->m.records = rl->listed;
	return r != 0 ? r : load_audit(db, &rl->m, err);
}

int
dh_report_load(struct dh_db *db, const struct dh_plan *p, time_t as_of, time_t since,
	time_t generated_at, dh_report_filter filter, void *filter_user, struct dh_report_load *out,
	struct dh_err *err)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->rows = dh_xcalloc(p->nsystems + 1, sizeof(*out->rows));
	for (size_t i = 0; i < p->nsystems; i++)
		if (filter == NULL || filter(filter_user, &p->systems[i]))
			out->rows[n++].sys = &p->systems[i];
	out->m = (struct dh_report){ .plan_name = p->policy.name,
		.revision = p->revision,
		.as_of = as_of,
		.generated_at = generated_at,
		.since = since,
		.rows = out->rows,
		.nrows = n };
	return load(db, p, out, err);
}

void
dh_report_load_fini(struct dh_report_load *rl)
{
	dh_db_standings_fini(&rl->sd);
	dh_db_records_free(rl->history, rl->nhistory);
	free(rl->actions);
	free(rl->listed);
	free(rl->rows);
	free(rl->revision);
	memset(rl, 0, sizeof(*rl));
}
