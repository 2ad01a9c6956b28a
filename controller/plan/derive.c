/*
 * Derivation (derive.h, SPEC "How requirements are derived"): resolves
 * each system's dependencies, then its effective T-level, rpo,
 * backup_rpo, rto and
 * test intervals with their source, and the default timeouts. Run by
 * dh_plan_check() in check.c before the checks that need effective
 * values; every problem about them is reported there, not here.
 */
#include "plan/derive.h"

#include <stdlib.h>

#include "dh/buf.h"
#include "dh/duration.h"

#define MIN_TIMEOUT 60

bool
dh_plan_derive_is_looser(int64_t a, int64_t b)
{
	if (a == DH_PLAN_UNSET || b == DH_PLAN_UNSET)
		return false;
	if (a == DH_DURATION_NEVER)
		return b != DH_DURATION_NEVER;
	if (b == DH_DURATION_NEVER)
		return false;
	return a > b;
}

int64_t
dh_plan_derive_level_backup_rpo(const struct dh_level *l)
{
	return l->backup_rpo_s != DH_PLAN_UNSET ? l->backup_rpo_s : l->rpo_s;
}

void
dh_plan_derive_requirements(const struct dh_policy *pol, const struct dh_system *s,
	struct dh_plan_requirement q[DH_PLAN_REQUIREMENTS])
{
	const struct dh_level *l = &pol->levels[s->level];

	q[0] = (struct dh_plan_requirement){ "rpo", l->rpo_s, s->rpo_s, s->rpo_line };
	q[1] = (struct dh_plan_requirement){ "rto", l->rto_s, s->rto_s, s->rto_line };
	q[2] = (struct dh_plan_requirement){ "restore_test_every", l->restore_every_s,
		s->restore_every_s, s->restore_every_line };
	q[3] = (struct dh_plan_requirement){ "failover_drill_every", l->failover_every_s,
		s->failover_every_s, s->failover_every_line };
	q[4] = (struct dh_plan_requirement){ "backup_rpo", dh_plan_derive_level_backup_rpo(l),
		s->backup_rpo_s, s->backup_rpo_line };
}

/* An unknown id stays out of the graph (SIZE_MAX); check.c reports it. */
static void
resolve_deps(const struct dh_plan *p, struct dh_system *s)
{
	free(s->dep_idx);
	s->dep_idx = dh_xcalloc(s->ndeps, sizeof(*s->dep_idx));
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dh_system *d = dh_plan_system_get(p, s->depends_on[i]);

		s->dep_idx[i] = d ? (size_t)(d - p->systems) : SIZE_MAX;
	}
}

/*
 * Effective value: the level's, tightened by the system's own. A looser
 * own value applies only with a deviation; without one the level's stays
 * (and check.c reports an error).
 */
static void
derive_one(const struct dh_system *s, const struct dh_plan_requirement *q, int64_t *eff,
	enum dh_plan_source *src)
{
	*src = DH_SRC_POLICY;
	*eff = q->policy;
	if (q->declared == DH_PLAN_UNSET)
		return;
	if (dh_plan_derive_is_looser(q->declared, q->policy) && s->deviation == NULL)
		return;
	*src = DH_SRC_DECLARED;
	*eff = q->declared;
}

static int64_t
default_timeout(int64_t rto)
{
	if (rto == DH_PLAN_UNSET || rto > DH_DURATION_MAX / 2)
		return DH_PLAN_UNSET;
	return 2 * rto > MIN_TIMEOUT ? 2 * rto : MIN_TIMEOUT;
}

static void
derive_requirements(const struct dh_policy *pol, struct dh_system *s)
{
	struct dh_plan_requirement q[DH_PLAN_REQUIREMENTS];
	int64_t *eff[DH_PLAN_REQUIREMENTS] = { &s->eff_rpo_s, &s->eff_rto_s,
		&s->eff_restore_every_s, &s->eff_failover_every_s, &s->eff_backup_rpo_s };
	enum dh_plan_source *src[DH_PLAN_REQUIREMENTS] = { &s->rpo_source, &s->rto_source,
		&s->restore_every_source, &s->failover_every_source, &s->backup_rpo_source };

	s->set_by_it = !s->classified;
	s->level =
		s->classified && s->availability >= 0 ? s->availability : pol->unclassified_level;
	if (s->level < 0)
		s->level = 2; /* policy lacks unclassified_level: already an error */
	dh_plan_derive_requirements(pol, s, q);
	for (size_t i = 0; i < DH_PLAN_REQUIREMENTS; i++)
		derive_one(s, &q[i], eff[i], src[i]);
	if (!s->restore.timeout_declared)
		s->restore.timeout_s = default_timeout(s->eff_rto_s);
	if (!s->failover.timeout_declared)
		s->failover.timeout_s = default_timeout(s->eff_rto_s);
}

void
dh_plan_derive(struct dh_plan *plan)
{
	for (size_t i = 0; i < plan->nsystems; i++) {
		resolve_deps(plan, &plan->systems[i]);
		derive_requirements(&plan->policy, &plan->systems[i]);
	}
}
