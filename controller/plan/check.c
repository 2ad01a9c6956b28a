/*
 * Cross-file checks of a loaded plan (SPEC "Checks"): sections that must
 * exist, policy levels in order, hosts and halls that exist, failover
 * between the halls, dependencies that name real systems. Called through
 * dh_plan_check(), which then hands over to plan_order.c for derivation,
 * cycles, urgency and order. Every problem is collected with the line
 * that caused it; nothing stops at the first.
 */
#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"

static const char *const level_keys[] = {
	"rpo", "rto", "restore_test_every", "failover_drill_every",
};

/* a looser than b? never is the loosest; unset compares as nothing. */
static bool
looser(int64_t a, int64_t b)
{
	if (a == DH_PLAN_UNSET || b == DH_PLAN_UNSET)
		return false;
	if (a == DH_DURATION_NEVER)
		return b != DH_DURATION_NEVER;
	if (b == DH_DURATION_NEVER)
		return false;
	return a > b;
}

static void
level_values(const struct dh_level *l, int64_t v[4], int lines[4])
{
	v[0] = l->rpo_s;
	v[1] = l->rto_s;
	v[2] = l->restore_every_s;
	v[3] = l->failover_every_s;
	lines[0] = l->rpo_line;
	lines[1] = l->rto_line;
	lines[2] = l->restore_every_line;
	lines[3] = l->failover_every_line;
}

static void
check_policy(const struct dh_plan *p, struct dh_problems *pr)
{
	const struct dh_policy *pol = &p->policy;

	if (pol->plan_line == 0 && pol->name == NULL)
		dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", 0,
			"missing section [plan]");
	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		int64_t v[4], pv[4];
		int lines[4], plines[4];

		if (pol->levels[n].line == 0) {
			dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", 0,
				"missing section [availability %d]", n);
			continue;
		}
		if (n == 0)
			continue;
		level_values(&pol->levels[n], v, lines);
		level_values(&pol->levels[n - 1], pv, plines);
		for (int k = 0; k < 4; k++) {
			char a[32], b[32];

			if (!looser(v[k], pv[k]))
				continue;
			dh_duration_format(v[k], a, sizeof(a));
			dh_duration_format(pv[k], b, sizeof(b));
			dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", lines[k],
				"levels out of order: [availability %d] %s = %s is looser "
				"than [availability %d] %s = %s", n, level_keys[k], a,
				n - 1, level_keys[k], b);
		}
	}
}

static void
check_inventory(const struct dh_plan *p, struct dh_problems *pr)
{
	const struct dh_inventory *inv = &p->inv;

	if (inv->controller_line == 0)
		dh_problems_add(pr, DH_SEV_ERROR, "inventory.ini", 0,
			"missing section [controller]");
	for (size_t i = 0; i < inv->nhosts; i++) {
		const struct dh_host *h = &inv->hosts[i];

		if (h->hall != NULL && dh_plan_hall_get(p, h->hall) == NULL)
			dh_problems_add(pr, DH_SEV_ERROR, "inventory.ini", h->hall_line,
				"host %s is in hall '%s', which is not declared "
				"(add a [hall %s] section)", h->id, h->hall, h->hall);
	}
}

/* An inventory host named in a system file must exist. */
static void
need_host(const struct dh_plan *p, const struct dh_system *s, const char *host,
	int line, const char *what, struct dh_problems *pr)
{
	if (host != NULL && dh_plan_host_get(p, host) == NULL)
		dh_problems_add(pr, DH_SEV_ERROR, s->file, line,
			"%s host '%s' is not in inventory.ini", what, host);
}

static void
check_failover(const struct dh_plan *p, const struct dh_system *s,
	struct dh_problems *pr)
{
	const struct dh_failover *f = &s->failover;
	const struct dh_host *a, *b;

	need_host(p, s, f->primary, f->primary_line, "[failover] primary", pr);
	need_host(p, s, f->standby, f->standby_line, "[failover] standby", pr);
	need_host(p, s, f->marker_write.host, f->marker_write.line,
		"marker_write", pr);
	need_host(p, s, f->marker_check.host, f->marker_check.line,
		"marker_check", pr);
	for (size_t i = 0; i < f->nsteps; i++)
		need_host(p, s, f->steps[i].host, f->steps[i].line, "step", pr);
	for (size_t i = 0; i < f->nfailbacks; i++)
		need_host(p, s, f->failbacks[i].host, f->failbacks[i].line,
			"failback", pr);
	for (size_t i = 0; i < f->nhealth; i++)
		need_host(p, s, f->health[i].host, f->health[i].line, "health", pr);
	if (f->primary == NULL || f->standby == NULL)
		return;
	a = dh_plan_host_get(p, f->primary);
	b = dh_plan_host_get(p, f->standby);
	if (a != NULL && b != NULL && a->hall != NULL && b->hall != NULL &&
	    strcmp(a->hall, b->hall) == 0)
		dh_problems_add(pr, DH_SEV_ERROR, s->file, f->standby_line,
			"primary %s and standby %s are both in hall %s: a failover "
			"drill must go from one hall to the other", a->id, b->id,
			a->hall);
}

static void
resolve_deps(const struct dh_plan *p, struct dh_system *s,
	struct dh_problems *pr)
{
	free(s->dep_idx);
	s->dep_idx = dh_xcalloc(s->ndeps, sizeof(*s->dep_idx));
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dh_system *d = dh_plan_system_get(p, s->depends_on[i]);

		/* An unknown id stays out of the graph (SIZE_MAX): an error. */
		s->dep_idx[i] = d ? (size_t)(d - p->systems) : SIZE_MAX;
		if (d == NULL)
			dh_problems_add(pr, DH_SEV_ERROR, s->file, s->depends_line,
				"depends on '%s', which is not a system (no systems/%s.ini)",
				s->depends_on[i], s->depends_on[i]);
	}
}

void
dh_plan_check(struct dh_plan *plan, time_t now, struct dh_problems *pr)
{
	check_policy(plan, pr);
	check_inventory(plan, pr);
	for (size_t i = 0; i < plan->nsystems; i++) {
		struct dh_system *s = &plan->systems[i];

		resolve_deps(plan, s, pr);
		if (s->restore.present)
			need_host(plan, s, s->restore.host, s->restore.host_line,
				"[restore]", pr);
		if (s->failover.present)
			check_failover(plan, s, pr);
	}
	dh_plan_derive(plan, now, pr);
	dh_plan_order(plan, pr);
}
