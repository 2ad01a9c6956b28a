/*
 * The transport commands' view of the plan (controller/plan_iface.h),
 * over the plan model (plan.h): the plan is loaded and checked as
 * `drillhall check` does and refused when it has errors, then what run,
 * hosts and status need is copied out — effective level, rpo/rto and
 * intervals, the [restore] section with its effective timeout, hosts,
 * the controller's key and known_hosts, the revision. Copying keeps
 * plan.h's types (whose enum names clash with dh/proto.h's) in this file.
 */
#include "plan/iface.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/problems.h"
#include "plan/check.h"
#include "plan/plan.h"

static const struct verify_name {
	enum dh_verify_kind kind;
	const char *name;
} verify_names[] = {
	{ DH_VERIFY_MANIFEST, "manifest" }, { DH_VERIFY_MIN_FILES, "min_files" },
	{ DH_VERIFY_MIN_BYTES, "min_bytes" }, { DH_VERIFY_FILE, "file" },
	{ DH_VERIFY_ACTION, "action" },
};

static char *
dup_or_null(const char *s)
{
	return s ? dh_xstrdup(s) : NULL;
}

static const char *
verify_name(enum dh_verify_kind k)
{
	for (size_t i = 0; i < sizeof(verify_names) / sizeof(verify_names[0]); i++)
		if (verify_names[i].kind == k)
			return verify_names[i].name;
	return "unknown";
}

static void
copy_restore(const struct dh_restore *rs, struct dh_plan_iface_restore *out)
{
	const char *m = dh_plan_method_name(rs->method);

	out->method = m ? m : "none";
	out->host = dup_or_null(rs->host);
	out->repository = dup_or_null(rs->repository);
	out->password_file = dup_or_null(rs->password_file);
	out->pattern = dup_or_null(rs->pattern);
	out->restore_action = dup_or_null(rs->restore_action);
	out->backup_time_action = dup_or_null(rs->backup_time_action);
	out->keep = rs->keep;
	out->timeout_s = rs->timeout_s;
	out->verify = dh_xcalloc(rs->nverify, sizeof(*out->verify));
	out->nverify = rs->nverify;
	for (size_t i = 0; i < rs->nverify; i++) {
		out->verify[i].kind = verify_name(rs->verify[i].kind);
		out->verify[i].arg = dup_or_null(rs->verify[i].arg);
		out->verify[i].n = rs->verify[i].n;
	}
}

static void
copy_hosts(const struct dh_inventory *inv, struct dh_plan_iface *p)
{
	p->url = dup_or_null(inv->url);
	p->ssh_key = dup_or_null(inv->ssh_key);
	p->known_hosts = dup_or_null(inv->known_hosts);
	p->hosts = dh_xcalloc(inv->nhosts, sizeof(*p->hosts));
	p->nhosts = inv->nhosts;
	for (size_t i = 0; i < inv->nhosts; i++) {
		const struct dh_host *h = &inv->hosts[i];

		p->hosts[i] = (struct dh_plan_iface_host){ .id = dh_xstrdup(h->id),
			.hall = dup_or_null(h->hall), .address = dup_or_null(h->address),
			.user = dup_or_null(h->user), .agent = dup_or_null(h->agent),
			.port = h->port };
	}
}

static void
copy_plan(const struct dh_plan *plan, struct dh_plan_iface *p)
{
	p->name = dup_or_null(plan->policy.name);
	snprintf(p->revision, sizeof(p->revision), "%s", plan->revision);
	copy_hosts(&plan->inv, p);
	p->systems = dh_xcalloc(plan->nsystems, sizeof(*p->systems));
	p->nsystems = plan->nsystems;
	for (size_t i = 0; i < plan->nsystems; i++) {
		const struct dh_system *s = &plan->systems[i];
		struct dh_plan_iface_system *o = &p->systems[i];

		o->id = dh_xstrdup(s->id);
		o->name = dup_or_null(s->name);
		o->level = s->level;
		o->set_by_it = s->set_by_it;
		o->rpo_s = s->eff_rpo_s;
		o->rto_s = s->eff_rto_s;
		o->restore_every_s = s->eff_restore_every_s;
		o->failover_every_s = s->eff_failover_every_s;
		o->has_restore = s->restore.present;
		o->has_failover = s->failover.present;
		if (o->has_restore)
			copy_restore(&s->restore, &o->restore);
	}
}

int
dh_plan_iface_load(const char *dir, time_t now, bool strict,
	struct dh_plan_iface **out, struct dh_err *err)
{
	struct dh_plan *plan = NULL;
	struct dh_problems pr;
	int r;

	dh_problems_init(&pr);
	if ((r = dh_plan_load(&plan, dir, &pr, err)) < 0)
		goto out;
	dh_plan_check(plan, now, &pr);
	if (dh_problems_count(&pr, DH_SEV_ERROR) > 0) {
		dh_problems_sort(&pr);
		dh_problems_print(&pr, stderr);
		if (strict) {
			r = dh_err_set(err, DH_EPARSE, "the plan in %s has errors (see "
				"drillhall check)", dir);
			goto out;
		}
		fprintf(stderr, "drillhall: the plan in %s has errors (see drillhall "
			"check); going on with its inventory\n", dir);
	}
	*out = dh_xcalloc(1, sizeof(**out));
	copy_plan(plan, *out);
	r = 0;
out:
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return r;
}

static void
free_restore(struct dh_plan_iface_restore *rs)
{
	free(rs->host);
	free(rs->repository);
	free(rs->password_file);
	free(rs->pattern);
	free(rs->restore_action);
	free(rs->backup_time_action);
	for (size_t i = 0; i < rs->nverify; i++)
		free(rs->verify[i].arg);
	free(rs->verify);
}

void
dh_plan_iface_free(struct dh_plan_iface *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nhosts; i++) {
		free(p->hosts[i].id);
		free(p->hosts[i].hall);
		free(p->hosts[i].address);
		free(p->hosts[i].user);
		free(p->hosts[i].agent);
	}
	for (size_t i = 0; i < p->nsystems; i++) {
		free(p->systems[i].id);
		free(p->systems[i].name);
		free_restore(&p->systems[i].restore);
	}
	free(p->hosts);
	free(p->systems);
	free(p->name);
	free(p->url);
	free(p->ssh_key);
	free(p->known_hosts);
	free(p);
}

const struct dh_plan_iface_system *
dh_plan_iface_system_get(const struct dh_plan_iface *p, const char *id)
{
	for (size_t i = 0; i < p->nsystems; i++)
		if (strcmp(p->systems[i].id, id) == 0)
			return &p->systems[i];
	return NULL;
}

const struct dh_plan_iface_host *
dh_plan_iface_host_get(const struct dh_plan_iface *p, const char *id)
{
	for (size_t i = 0; i < p->nhosts; i++)
		if (strcmp(p->hosts[i].id, id) == 0)
			return &p->hosts[i];
	return NULL;
}
