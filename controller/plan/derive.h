/*
 * Derivation (SPEC "How requirements are derived"): each system's
 * dependencies resolved to indexes, its effective T-level, its effective
 * rpo, backup_rpo, rto and test intervals with their source (policy or declared), and
 * the default restore and failover timeouts. Pure: reports nothing. Run
 * by dh_plan_check() (check.c), which reports what derivation met (an
 * unknown dependency, a looser value) with the helpers below.
 */
#ifndef DH_PLAN_DERIVE_H
#define DH_PLAN_DERIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"

/* rpo, rto, restore_test_every, failover_drill_every, backup_rpo */
#define DH_PLAN_REQUIREMENTS 5

/* One requirement of a system: its level's value and its own. */
struct dh_plan_requirement {
	const char *key;  /* the key's name in plan files (static) */
	int64_t policy;   /* the level's value; DH_PLAN_UNSET when missing */
	int64_t declared; /* the system's own; DH_PLAN_UNSET when absent */
	int line;         /* the line of the system's own key */
};

/*
 * Set every system's dep_idx (SIZE_MAX for an id that is no system),
 * level, set_by_it, eff_* values with their sources, and the restore and
 * failover timeouts that were not declared (2 x rto, at least 60 s).
 * A declared value looser than the level's applies only with a
 * deviation. Can be run again on the same plan.
 */
void dh_plan_derive(struct dh_plan *plan);

/* The requirements of s at its derived level (s->level), in the order of
 * DH_PLAN_REQUIREMENTS. */
void dh_plan_derive_requirements(const struct dh_policy *pol, const struct dh_system *s,
	struct dh_plan_requirement q[DH_PLAN_REQUIREMENTS]);

/* The backup_rpo of level l: its own, or its rpo when it has none (SPEC
 * "How requirements are derived"); DH_PLAN_UNSET when neither is set. */
int64_t dh_plan_derive_level_backup_rpo(const struct dh_level *l);

/* Is duration or interval a looser than b? never is the loosest; an
 * unset value compares as nothing (false). */
bool dh_plan_derive_is_looser(int64_t a, int64_t b);

#endif
