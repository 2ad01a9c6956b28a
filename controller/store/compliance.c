/*
 * Where every system stands (store/compliance.h): the newest records of
 * each system and kind (store/newest.h, one read), the corrective actions
 * in one read, the plan fingerprint of the last pass's revision, then
 * eval/compliance decides.
 */
#include "store/compliance.h"

#include <stdlib.h>
#include <string.h>

#include "plan/fingerprint.h"
#include "plan/window.h"
#include "store/actions.h"
#include "store/newest.h"
#include "store/sql.h"

_Static_assert(DH_NEWEST_KINDS == DH_COMPLIANCE_KINDS, "one newest set per compliance kind");

struct reader {
	struct dh_db *db;
	sqlite3_stmt *section;
};

/* The record's own targets against the current requirement (old revisions). */
static bool
targets_changed(const struct dh_system *s, enum dh_job_kind k, const struct dh_record *r)
{
	int64_t rpo = k == DH_JOB_FAILOVER ? s->eff_rpo_s : s->eff_backup_rpo_s;

	return r->rpo_target_s != rpo || r->rto_target_s != s->eff_rto_s;
}

/*
 * "plan changed since the last passed test" of s and kind k: the pass's
 * revision's fingerprint against the current plan's, read from the
 * current revision's row when the plan was noted (serve and run note it),
 * computed otherwise.
 */
static int
plan_changed(struct reader *rd, const struct dh_plan *p, const struct dh_system *s,
	enum dh_job_kind k, const struct dh_record *passed, bool *out, struct dh_err *err)
{
	char fp[DH_PLAN_FINGERPRINT_LEN];
	const char *now_fp;
	int rc;

	*out = false;
	if (passed == NULL || passed->plan_revision == NULL ||
		strcmp(passed->plan_revision, p->revision) == 0)
		return 0;
	sqlite3_reset(rd->section);
	dh_sql_bind_text(rd->section, 1, passed->plan_revision);
	dh_sql_bind_text(rd->section, 2, s->id);
	dh_sql_bind_text(rd->section, 3, dh_job_kind_name(k));
	dh_sql_bind_text(rd->section, 4, p->revision);
	if ((rc = sqlite3_step(rd->section)) == SQLITE_DONE) {
		*out = targets_changed(s, k, passed);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return dh_sql_err(rd->db, err, "read plan sections");
	if ((now_fp = (const char *)sqlite3_column_text(rd->section, 1)) == NULL) {
		dh_plan_fingerprint(fp, s, k);
		now_fp = fp;
	}
	*out = strcmp((const char *)sqlite3_column_text(rd->section, 0), now_fp) != 0;
	return 0;
}

/* s's tests of kind k from the newest records, and whether the plan changed since the pass. */
static int
judge_kind(struct reader *rd, const struct dh_plan *p, const struct dh_newest *n,
	struct dh_standing *st, enum dh_job_kind k, time_t now, struct dh_err *err)
{
	struct dh_compliance_tests *t = &st->tests[k];
	const struct dh_record *r[3] = { n->last, n->last_evidence, n->last_passed };

	dh_compliance_tests_init(t);
	for (int i = 0; i < 3; i++)
		if (r[i] != NULL)
			dh_compliance_tests_add(t, r[i], now);
	return plan_changed(rd, p, st->sys, k, t->last_passed, &t->plan_changed, err);
}

/* Hand each open action to its system's tests (actions of unknown systems are not shown). */
static void
take_actions(const struct dh_plan *p, struct dh_standings *out, time_t now)
{
	for (size_t i = 0; i < out->nactions; i++) {
		const struct dh_action *a = &out->actions[i];
		const struct dh_system *s = dh_plan_system_get(p, a->system);

		if (s == NULL || (int)a->kind >= DH_COMPLIANCE_KINDS)
			continue;
		if (a->opened_at <= now && (a->closed_at == 0 || a->closed_at > now))
			out->v[s - p->systems].open_actions++;
		dh_compliance_tests_add_action(&out->v[s - p->systems].tests[a->kind], a, now);
	}
}

int
dh_db_standings(struct dh_db *db, const struct dh_plan *p, bool plan_errors, time_t now,
	struct dh_standings *out, struct dh_err *err)
{
	struct reader rd = { .db = db };
	struct dh_compliance_req req;
	int rc;

	memset(out, 0, sizeof(*out));
	out->v = dh_xcalloc(p->nsystems ? p->nsystems : 1, sizeof(*out->v));
	out->n = p->nsystems;
	if ((rc = dh_db_newest(db, p, now, &out->newest, err)) != 0 ||
		(rc = dh_sql_prepare(db,
			 "SELECT a.fingerprint, b.fingerprint FROM plan_sections AS a"
			 " LEFT JOIN plan_sections AS b ON b.revision = ?4"
			 " AND b.system = a.system AND b.kind = a.kind"
			 " WHERE a.revision = ?1 AND a.system = ?2 AND a.kind = ?3",
			 &rd.section, err)) != 0)
		goto out;
	for (size_t i = 0; i < p->nsystems; i++) {
		out->v[i].sys = &p->systems[i];
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			if ((rc = judge_kind(&rd, p,
				     &out->newest.v[i * DH_NEWEST_KINDS + (size_t)k], &out->v[i],
				     (enum dh_job_kind)k, now, err)) != 0)
				goto out;
	}
	if ((rc = dh_db_actions_list(db, NULL, &out->actions, &out->nactions, err)) != 0)
		goto out;
	take_actions(p, out, now);
	for (size_t i = 0; i < p->nsystems; i++) {
		dh_compliance_req_from_plan(&req, p, &p->systems[i], plan_errors);
		dh_compliance_eval(&out->v[i].c, &req, out->v[i].tests, now);
	}
out:
	sqlite3_finalize(rd.section);
	return rc;
}

void
dh_db_standings_fini(struct dh_standings *s)
{
	dh_db_newest_fini(&s->newest);
	dh_actions_free(s->actions, s->nactions);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
cmp_due(const void *a, const void *b)
{
	const struct dh_due_row *x = a, *y = b;
	int c;

	if (x->never_run != y->never_run)
		return x->never_run ? -1 : 1;
	if (x->never_passed != y->never_passed)
		return x->never_passed ? -1 : 1;
	if (!x->never_passed && x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	if ((c = strcmp(x->sys->id, y->sys->id)) != 0)
		return c;
	return (int)x->kind - (int)y->kind;
}

void
dh_db_standings_due(const struct dh_standings *sd, const struct dh_plan *p, time_t now,
	struct dh_due_row **out, size_t *n)
{
	const struct dh_window *win[DH_COMPLIANCE_KINDS] = { &p->policy.restore_window,
		&p->policy.failover_window };
	time_t next[DH_COMPLIANCE_KINDS];
	struct dh_due_row *rows = NULL;
	size_t cnt = 0;

	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		next[k] = dh_window_next(win[k], p->policy.timezone, now);
	for (size_t i = 0; i < sd->n; i++)
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
			const struct dh_standing *st = &sd->v[i];
			const struct dh_compliance_due *d = &st->c.kind[k];
			bool defined = k == DH_JOB_FAILOVER ? st->sys->failover.present
							    : st->sys->restore.present;

			if (!defined || !d->required || !d->due)
				continue;
			rows = dh_xrealloc(rows, (cnt + 1) * sizeof(*rows));
			rows[cnt++] = (struct dh_due_row){ .sys = st->sys,
				.kind = (enum dh_job_kind)k,
				.never_run = st->tests[k].last == NULL,
				.never_passed = st->tests[k].last_passed == NULL,
				.due_at = d->due_at,
				.overdue = d->overdue,
				.last = st->tests[k].last,
				.next_window_at = next[k] };
		}
	if (cnt > 1)
		qsort(rows, cnt, sizeof(*rows), cmp_due);
	*out = rows;
	*n = cnt;
}

int
dh_db_busy_jobs(struct dh_db *db, time_t now, int64_t grace_s, struct dh_busy_job **out, size_t *n,
	struct dh_err *err)
{
	struct dh_busy_job *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t cnt = 0;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = dh_sql_prepare(db,
		     "SELECT system, host, trigger = 'schedule' FROM jobs WHERE state <> 'finished'"
		     " AND kind IN ('restore', 'failover') AND created_at + timeout_s + ?1 >= ?2",
		     &st, err)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, grace_s);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		v = dh_xrealloc(v, (cnt + 1) * sizeof(*v));
		v[cnt].system = dh_sql_col_dup(st, 0);
		v[cnt].host = dh_sql_col_dup(st, 1);
		v[cnt].scheduled = sqlite3_column_int(st, 2) != 0;
		cnt++;
	}
	r = r == SQLITE_DONE ? 0 : dh_sql_err(db, err, "read unfinished jobs");
	sqlite3_finalize(st);
	if (r != 0) {
		dh_db_busy_free(v, cnt);
		return r;
	}
	*out = v;
	*n = cnt;
	return 0;
}

void
dh_db_busy_free(struct dh_busy_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].system);
		free(v[i].host);
	}
	free(v);
}
