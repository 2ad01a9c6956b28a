/*
 * Loading the status rows (store/status.h): per system its records of
 * each kind and its corrective actions, taken into the compliance rules
 * as of now.
 */
#include "store/status.h"

#include <stdlib.h>

#include "dh/buf.h"
#include "store/actions.h"
#include "store/records.h"

/* The records and corrective actions one system's row borrows. */
struct dh_status_records {
	struct dh_record **v[DH_COMPLIANCE_KINDS]; /* per kind (enum dh_job_kind) */
	size_t n[DH_COMPLIANCE_KINDS];
	struct dh_action *actions;
	size_t nactions;
};

/* Read s's records and judge them as of now. */
static int
load_row(struct dh_db *db, const struct dh_plan *p, const struct dh_system *s, time_t now,
	struct dh_status_row *row, struct dh_status_records *rr, struct dh_err *err)
{
	struct dh_compliance_req req;
	int r;

	row->sys = s;
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
		if ((r = dh_db_history(db, s->id, dh_job_kind_name((enum dh_job_kind)k), 0, 0,
			     &rr->v[k], &rr->n[k], err)) != 0)
			return r;
		dh_compliance_tests_init(&row->tests[k]);
		for (size_t i = 0; i < rr->n[k]; i++)
			dh_compliance_tests_add(&row->tests[k], rr->v[k][i], now);
	}
	if ((r = dh_db_actions_list(db, s->id, &rr->actions, &rr->nactions, err)) != 0)
		return r;
	for (size_t i = 0; i < rr->nactions; i++)
		if ((int)rr->actions[i].kind < DH_COMPLIANCE_KINDS)
			dh_compliance_tests_add_action(&row->tests[rr->actions[i].kind],
				&rr->actions[i], now);
	dh_compliance_req_from_plan(&req, p, s, false);
	dh_compliance_eval(&row->c, &req, row->tests, now);
	return 0;
}

int
dh_db_status_load(struct dh_db *db, const struct dh_plan *p, time_t now, struct dh_db_status *out,
	struct dh_err *err)
{
	int r = 0;

	out->n = p->nsystems;
	out->rows = dh_xcalloc(p->nsystems ? p->nsystems : 1, sizeof(*out->rows));
	out->own = dh_xcalloc(p->nsystems ? p->nsystems : 1, sizeof(*out->own));
	for (size_t i = 0; i < p->nsystems && r == 0; i++)
		r = load_row(db, p, &p->systems[i], now, &out->rows[i], &out->own[i], err);
	if (r != 0)
		dh_db_status_fini(out);
	return r;
}

void
dh_db_status_fini(struct dh_db_status *st)
{
	for (size_t i = 0; st->own != NULL && i < st->n; i++) {
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			dh_db_records_free(st->own[i].v[k], st->own[i].n[k]);
		dh_actions_free(st->own[i].actions, st->own[i].nactions);
	}
	free(st->own);
	free(st->rows);
	st->own = NULL;
	st->rows = NULL;
	st->n = 0;
}
