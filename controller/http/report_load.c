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
#include "store/verify.h"

/* What the model borrows, owned until dh_report_load_fini. */
struct owned {
	struct dh_record **recs; /* the records the rows rest on */
	size_t nrecs, cap;
	struct dh_record **listed; /* since: the history read; else NULL */
	size_t nlisted;
	struct dh_action *actions;
	size_t nactions;
};

/* Where dh_db_records_latest hands one kind's records: the rows, and who owns them. */
struct taker {
	struct dh_status_row *rows;
	int kind;
	time_t now;
	struct owned *ow;
};

static int
take(void *user, size_t i, struct dh_record *rec)
{
	struct taker *t = user;
	struct owned *ow = t->ow;

	if (ow->nrecs == ow->cap) {
		ow->cap = ow->cap ? 2 * ow->cap : 1024;
		ow->recs = dh_xrealloc(ow->recs, ow->cap * sizeof(*ow->recs));
	}
	ow->recs[ow->nrecs++] = rec;
	dh_compliance_tests_add(&t->rows[i].tests[t->kind], rec, t->now);
	return 0;
}

/* Each system's records of each kind that its verdict rests on, as of now. */
static int
load_tests(struct dh_db *db, struct dh_status_row *rows, size_t n, time_t now, struct owned *ow,
	struct dh_err *err)
{
	const char **ids = dh_xcalloc(n + 1, sizeof(*ids));
	int r = 0;

	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].sys->id;
	for (int k = 0; k < DH_COMPLIANCE_KINDS && r == 0; k++) {
		struct taker t = { rows, k, now, ow };

		r = dh_db_records_latest(db, ids, n, dh_job_kind_name((enum dh_job_kind)k), now,
			take, &t, err);
	}
	free(ids);
	return r;
}

static int
system_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dh_status_row *)elem)->sys->id);
}

/*
 * The actions opened by now, moved to the front of ow->actions (*seen of
 * them), each given to its system's row. Rows are by system id.
 */
static int
load_actions(struct dh_db *db, struct dh_status_row *rows, size_t n, time_t now, struct owned *ow,
	size_t *seen, struct dh_err *err)
{
	int r;

	*seen = 0;
	if ((r = dh_db_actions_list(db, NULL, &ow->actions, &ow->nactions, err)) != 0)
		return r;
	for (size_t i = 0; i < ow->nactions; i++) {
		struct dh_action tmp;

		if (!dh_action_is_seen(&ow->actions[i], now) || ow->actions[i].system == NULL ||
			bsearch(ow->actions[i].system, rows, n, sizeof(*rows), system_cmp) == NULL)
			continue;
		tmp = ow->actions[*seen]; /* a swap keeps every string owned once */
		ow->actions[*seen] = ow->actions[i];
		ow->actions[i] = tmp;
		(*seen)++;
	}
	for (size_t i = 0; i < *seen; i++) {
		const struct dh_action *a = &ow->actions[i];
		struct dh_status_row *row = bsearch(a->system, rows, n, sizeof(*rows), system_cmp);

		if (row != NULL && (int)a->kind < DH_COMPLIANCE_KINDS)
			dh_compliance_tests_add_action(&row->tests[a->kind], a, now);
	}
	return 0;
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
 * of the systems among m->rows (which are by system id).
 */
static int
load_listed(struct dh_db *db, struct dh_report *m, struct owned *ow, const struct dh_record ***v,
	struct dh_err *err)
{
	size_t cnt = 0;
	int r;

	if ((r = dh_db_history(db, NULL, NULL, m->since, 0, &ow->listed, &ow->nlisted, err)) != 0)
		return r;
	*v = dh_xcalloc(ow->nlisted + 1, sizeof(**v));
	for (size_t i = 0; i < ow->nlisted; i++) {
		const struct dh_record *t = ow->listed[i];

		if ((t->finished_at ? t->finished_at : t->started_at) <= m->as_of &&
			t->system != NULL &&
			bsearch(t->system, m->rows, m->nrows, sizeof(*m->rows), system_cmp) != NULL)
			(*v)[cnt++] = t;
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
load(struct dh_db *db, const struct dh_plan *p, struct dh_status_row *rows, struct dh_report *m,
	struct owned *ow, const struct dh_record ***listed, struct dh_err *err)
{
	struct dh_compliance_req req;
	int r;

	if ((r = load_tests(db, rows, m->nrows, m->as_of, ow, err)) != 0)
		return r;
	if ((r = load_actions(db, rows, m->nrows, m->as_of, ow, &m->nactions, err)) != 0)
		return r;
	m->actions = ow->actions;
	for (size_t i = 0; i < m->nrows; i++) {
		dh_compliance_req_from_plan(&req, p, rows[i].sys, false);
		dh_compliance_eval(&rows[i].c, &req, rows[i].tests, m->as_of);
	}
	if (m->since > 0)
		r = load_listed(db, m, ow, listed, err);
	else
		*listed = rested_on(rows, m->nrows, &m->nrecords);
	m->records = *listed;
	return r != 0 ? r : load_audit(db, m, err);
}

int
dh_report_load(struct dh_db *db, const struct dh_plan *p, time_t as_of, time_t since,
	time_t generated_at, dh_report_filter filter, void *filter_user, struct dh_report_load *out,
	struct dh_err *err)
{
	struct owned ow = { 0 };
	size_t n = 0;
	int r;

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
	r = load(db, p, out->rows, &out->m, &ow, &out->listed, err);
	out->recs = ow.recs;
	out->nrecs = ow.nrecs;
	out->history = ow.listed;
	out->nhistory = ow.nlisted;
	out->actions = ow.actions;
	out->nactions = ow.nactions;
	return r;
}

void
dh_report_load_fini(struct dh_report_load *rl)
{
	dh_db_records_free(rl->recs, rl->nrecs);
	dh_db_records_free(rl->history, rl->nhistory);
	dh_actions_free(rl->actions, rl->nactions);
	free(rl->listed);
	free(rl->rows);
	memset(rl, 0, sizeof(*rl));
}
