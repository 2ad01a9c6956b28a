/*
 * Reading one plan file into the model: the tables of sections and keys
 * of policy.ini, inventory.ini and systems/ID.ini (SPEC "Plan files").
 * Used by the loader entry in plan.c, which decides which file is which
 * and in what order they are read. Each function appends every problem
 * it finds (syntax, unknown or duplicate section or key, bad value,
 * missing required key) to pr with the file's path and the line; none
 * stops at the first. Relations between keys, sections and files are
 * check.c's.
 */
#ifndef DH_PLAN_LOAD_H
#define DH_PLAN_LOAD_H

#include "dh/problems.h"
#include "plan/files.h"
#include "plan/model.h"

/* Read policy.ini into plan->policy (which starts unset: dh_plan_load_files). */
void dh_plan_load_policy(struct dh_plan *plan, const struct dh_plan_file *f,
	struct dh_problems *pr);

/* Read inventory.ini into plan->inv: halls and hosts appended in file
 * order (the caller sorts hosts), a host's port and agent defaulted. */
void dh_plan_load_inventory(struct dh_plan *plan, const struct dh_plan_file *f,
	struct dh_problems *pr);

/*
 * Set *s to the system id (a valid id, checked by the caller) with every
 * field unset, then read f into it: [system], [restore] (the tar pattern
 * defaulted), [failover]. *s must not move while this runs; its strings
 * are owned by the plan from then on (dh_plan_free).
 */
void dh_plan_load_system(struct dh_plan *plan, struct dh_system *s, const char *id,
	const struct dh_plan_file *f, struct dh_problems *pr);

#endif
