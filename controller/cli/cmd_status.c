/*
 * `drillhall status [--format text|json|csv] [--now T]`
 * (controller/cmd_status.h): per system, the requirement in force, the
 * last restore test and failover drill with verdict and measured rpo/rto,
 * when each is next due, and whether the system is compliant as of --now.
 * Compliant: every test the system's intervals require has a `passed`
 * record that is not older than its interval and whose measured rpo/rto
 * meet today's requirement. An `error` record is not evidence about the
 * backup (SPEC), so it neither passes nor resets a due date. Records after
 * --now are ignored, so an auditor can ask "as of year end". Exit 0 (a
 * report), 2 could not run.
 */
#include "cli/cmd_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/timefmt.h"
#include "plan/iface.h"

/* One kind of test for one system, as of now. */
struct kind_status {
	struct dh_record *last;   /* newest record (any verdict), borrowed */
	struct dh_record *pass;   /* newest passed, borrowed */
	time_t due;               /* 0 = not required */
	bool required, ok;
	char why[160];
};

struct sys_status {
	const struct dh_plan_iface_system *sys;
	struct dh_record **recs[2];
	size_t nrecs[2];
	struct kind_status k[2]; /* DH_JOB_RESTORE, DH_JOB_FAILOVER */
	bool compliant;
};

static time_t
rec_time(const struct dh_record *r)
{
	return r->finished_at ? r->finished_at : r->started_at;
}

static void
evaluate(struct sys_status *st, int kind, int64_t every, time_t now)
{
	struct kind_status *k = &st->k[kind];
	const struct dh_plan_iface_system *s = st->sys;
	const char *what = kind == DH_JOB_RESTORE ? "restore test" : "failover drill";

	for (size_t i = 0; i < st->nrecs[kind]; i++) {
		struct dh_record *r = st->recs[kind][i];

		if (rec_time(r) > now)
			continue;
		if (k->last == NULL)
			k->last = r;
		if (k->pass == NULL && r->verdict == DH_VERDICT_PASSED)
			k->pass = r;
	}
	k->required = every != DH_DURATION_NEVER && every > 0;
	k->ok = true;
	if (!k->required)
		return;
	k->due = k->pass ? rec_time(k->pass) + (time_t)every : now;
	if (k->pass == NULL) {
		k->ok = false;
		snprintf(k->why, sizeof(k->why), "no passed %s", what);
	} else if (now >= k->due) {
		k->ok = false;
		snprintf(k->why, sizeof(k->why), "%s overdue", what);
	} else if ((k->pass->rpo_actual_s >= 0 && k->pass->rpo_actual_s > s->rpo_s) ||
	    (k->pass->rto_actual_s >= 0 && k->pass->rto_actual_s > s->rto_s)) {
		k->ok = false;
		snprintf(k->why, sizeof(k->why), "last %s does not meet today's rpo/rto", what);
	}
}

static int
load_status(struct dh_db *db, const struct dh_plan_iface_system *s, time_t now,
	struct sys_status *st, struct dh_err *err)
{
	static const char *kinds[2] = { "restore", "failover" };
	int r;

	st->sys = s;
	for (int k = 0; k < 2; k++)
		if ((r = dh_db_history(db, s->id, kinds[k], 0, 0, &st->recs[k], &st->nrecs[k],
		    err)) != 0)
			return r;
	evaluate(st, DH_JOB_RESTORE, s->restore_every_s, now);
	evaluate(st, DH_JOB_FAILOVER, s->failover_every_s, now);
	st->compliant = st->k[0].ok && st->k[1].ok;
	return 0;
}

static void
fmt_t(time_t t, char *out, size_t n)
{
	if (t > 0)
		dh_time_format(t, out, n);
	else
		snprintf(out, n, "-");
}

static void
fmt_d(int64_t v, char *out, size_t n)
{
	if (v >= 0 || v == DH_DURATION_NEVER)
		dh_duration_format(v, out, n);
	else
		snprintf(out, n, "-");
}

static void
print_text(const struct sys_status *st, size_t n)
{
	printf("%-18s %-2s %-6s %-6s %-20s %-8s %-7s %-7s %-20s %s\n", "SYSTEM", "T", "RPO",
		"RTO", "LAST RESTORE", "VERDICT", "RPO", "RTO", "RESTORE DUE", "COMPLIANT");
	for (size_t i = 0; i < n; i++) {
		const struct kind_status *k = &st[i].k[0];
		char rpo[24], rto[24], last[DH_RFC3339_LEN], due[DH_RFC3339_LEN], ra[24], ta[24];

		fmt_d(st[i].sys->rpo_s, rpo, sizeof(rpo));
		fmt_d(st[i].sys->rto_s, rto, sizeof(rto));
		fmt_t(k->last ? rec_time(k->last) : 0, last, sizeof(last));
		fmt_t(k->due, due, sizeof(due));
		fmt_d(k->last ? k->last->rpo_actual_s : -2, ra, sizeof(ra));
		fmt_d(k->last ? k->last->rto_actual_s : -2, ta, sizeof(ta));
		printf("%-18s %d%s %-6s %-6s %-20s %-8s %-7s %-7s %-20s %s", st[i].sys->id,
			st[i].sys->level, st[i].sys->set_by_it ? "*" : " ", rpo, rto, last,
			k->last ? dh_verdict_name(k->last->verdict) : "-", ra, ta, due,
			st[i].compliant ? "yes" : "NO");
		for (int j = 0, first = 1; j < 2; j++) {
			if (st[i].k[j].why[0] == '\0')
				continue;
			printf("%s%s", first ? " (" : "; ", st[i].k[j].why);
			first = 0;
		}
		printf("%s\n", st[i].compliant ? "" : ")");
	}
	printf("* requirements set by IT, not by the business (unclassified)\n");
}

static json_t *
kind_json(const struct kind_status *k)
{
	json_t *o = json_object();
	char t[DH_RFC3339_LEN];

	if (k->last) {
		json_t *l = json_object();

		json_object_set_new(l, "id", json_string(k->last->id));
		json_object_set_new(l, "verdict", json_string(dh_verdict_name(k->last->verdict)));
		fmt_t(rec_time(k->last), t, sizeof(t));
		json_object_set_new(l, "at", json_string(t));
		json_object_set_new(l, "rpo_actual_s", k->last->rpo_actual_s >= 0 ?
			json_integer(k->last->rpo_actual_s) : json_null());
		json_object_set_new(l, "rto_actual_s", k->last->rto_actual_s >= 0 ?
			json_integer(k->last->rto_actual_s) : json_null());
		json_object_set_new(o, "last", l);
	} else {
		json_object_set_new(o, "last", json_null());
	}
	fmt_t(k->due, t, sizeof(t));
	json_object_set_new(o, "required", json_boolean(k->required));
	json_object_set_new(o, "due", k->due ? json_string(t) : json_null());
	json_object_set_new(o, "ok", json_boolean(k->ok));
	json_object_set_new(o, "problem", k->why[0] ? json_string(k->why) : json_null());
	return o;
}

static void
print_json(const struct sys_status *st, size_t n, time_t now)
{
	json_t *root = json_object(), *arr = json_array();
	char t[DH_RFC3339_LEN], *s;

	dh_time_format(now, t, sizeof(t));
	json_object_set_new(root, "as_of", json_string(t));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_string(st[i].sys->id));
		json_object_set_new(o, "name", st[i].sys->name ? json_string(st[i].sys->name) :
			json_null());
		json_object_set_new(o, "availability", json_integer(st[i].sys->level));
		json_object_set_new(o, "set_by_it", json_boolean(st[i].sys->set_by_it));
		json_object_set_new(o, "rpo_s", json_integer(st[i].sys->rpo_s));
		json_object_set_new(o, "rto_s", json_integer(st[i].sys->rto_s));
		json_object_set_new(o, "restore", kind_json(&st[i].k[0]));
		json_object_set_new(o, "failover", kind_json(&st[i].k[1]));
		json_object_set_new(o, "compliant", json_boolean(st[i].compliant));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "systems", arr);
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
	json_decref(root);
}

static void
print_csv(const struct sys_status *st, size_t n)
{
	printf("id,availability,rpo_s,rto_s,last_restore,restore_verdict,rpo_actual_s,"
		"rto_actual_s,restore_due,last_failover,failover_verdict,failover_due,compliant\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct kind_status *r = &st[i].k[0], *f = &st[i].k[1];
		char a[DH_RFC3339_LEN], b[DH_RFC3339_LEN], c[DH_RFC3339_LEN], d[DH_RFC3339_LEN];

		fmt_t(r->last ? rec_time(r->last) : 0, a, sizeof(a));
		fmt_t(r->due, b, sizeof(b));
		fmt_t(f->last ? rec_time(f->last) : 0, c, sizeof(c));
		fmt_t(f->due, d, sizeof(d));
		printf("%s,%d,%lld,%lld,%s,%s,%lld,%lld,%s,%s,%s,%s,%s\r\n", st[i].sys->id,
			st[i].sys->level, (long long)st[i].sys->rpo_s, (long long)st[i].sys->rto_s,
			a, r->last ? dh_verdict_name(r->last->verdict) : "",
			(long long)(r->last ? r->last->rpo_actual_s : -1),
			(long long)(r->last ? r->last->rto_actual_s : -1), b, c,
			f->last ? dh_verdict_name(f->last->verdict) : "", d,
			st[i].compliant ? "yes" : "no");
	}
}

static int
report(struct dh_ctlopt *o, const struct dh_plan_iface *p)
{
	struct sys_status *st = dh_xcalloc(p->nsystems, sizeof(*st));
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_ctlopt_open_db(o, false, &db, &err) != 0)
		goto fail;
	for (size_t i = 0; i < p->nsystems; i++)
		if (load_status(db, &p->systems[i], o->now, &st[i], &err) != 0)
			goto fail;
	if (strcmp(o->format, "json") == 0)
		print_json(st, p->nsystems, o->now);
	else if (strcmp(o->format, "csv") == 0)
		print_csv(st, p->nsystems);
	else
		print_text(st, p->nsystems);
	rc = DH_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "drillhall status: %s\n", err.msg);
out:
	for (size_t i = 0; i < p->nsystems; i++)
		for (int k = 0; k < 2; k++)
			dh_db_records_free(st[i].recs[k], st[i].nrecs[k]);
	free(st);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_status(struct dh_ctlopt *o)
{
	struct dh_plan_iface *p = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_plan_iface_load(o->plans, o->now, true, &p, &err) != 0) {
		dh_ctlopt_error("status", &err, "");
		goto out;
	}
	rc = report(o, p);
out:
	dh_plan_iface_free(p);
	return rc;
}
