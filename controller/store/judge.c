/*
 * Judging a plan's systems from the newest records (store/judge.h).
 */
#include "store/judge.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "store/actions.h"

static int
judge_tests(struct dh_db_latest_q *q, struct dh_db_judged_sys *js, time_t now, struct dh_err *err)
{
	int r;

	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
		struct dh_db_latest *l = &js->latest[k];

		dh_compliance_tests_init(&js->tests[k]);
		if ((r = dh_db_latest_get(q, js->sys->id, dh_job_kind_name((enum dh_job_kind)k),
			     now, l, err)) != 0)
			return r;
		if (l->last != NULL)
			dh_compliance_tests_add(&js->tests[k], l->last, now);
		if (l->last_passed != NULL)
			dh_compliance_tests_add(&js->tests[k], l->last_passed, now);
		if (l->last_failed != NULL)
			dh_compliance_tests_add(&js->tests[k], l->last_failed, now);
	}
	return 0;
}

/* Give each open action to its system's tests of its kind. */
static void
take_actions(struct dh_db_judged *j, const struct dh_plan *p, time_t now)
{
	for (size_t i = 0; i < j->nactions; i++) {
		const struct dh_action *a = &j->actions[i];
		const struct dh_system *s = dh_plan_system_get(p, a->system);
		struct dh_db_judged_sys *js;

		if (s == NULL || (int)a->kind >= DH_COMPLIANCE_KINDS || a->opened_at > now ||
			(a->closed_at != 0 && a->closed_at <= now))
			continue;
		js = &j->v[s - p->systems];
		js->open_actions++;
		dh_compliance_tests_add_action(&js->tests[a->kind], a, now);
	}
}

int
dh_db_judge(struct dh_db *db, struct dh_db_latest_q *q, const struct dh_plan *p, bool plan_errors,
	time_t now, struct dh_db_judged *out, struct dh_err *err)
{
	struct dh_compliance_req req;
	int r;

	memset(out, 0, sizeof(*out));
	out->v = dh_xcalloc(p->nsystems ? p->nsystems : 1, sizeof(*out->v));
	out->n = p->nsystems;
	for (size_t i = 0; i < p->nsystems; i++) {
		out->v[i].sys = &p->systems[i];
		if ((r = judge_tests(q, &out->v[i], now, err)) != 0)
			goto fail;
	}
	if ((r = dh_db_actions_list(db, NULL, &out->actions, &out->nactions, err)) != 0)
		goto fail;
	take_actions(out, p, now);
	for (size_t i = 0; i < p->nsystems; i++) {
		dh_compliance_req_from_plan(&req, p, out->v[i].sys, plan_errors);
		dh_compliance_eval(&out->v[i].c, &req, out->v[i].tests, now);
	}
	return 0;
fail:
	dh_db_judged_fini(out);
	return r;
}

void
dh_db_judged_fini(struct dh_db_judged *j)
{
	for (size_t i = 0; j->v != NULL && i < j->n; i++)
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			dh_db_latest_fini(&j->v[i].latest[k]);
	free(j->v);
	dh_actions_free(j->actions, j->nactions);
	memset(j, 0, sizeof(*j));
}
