/*
 * The plan model: what policy.ini, inventory.ini and systems/ID.ini say
 * (SPEC "Plan files"), plus what is derived from them (effective level,
 * rpo/rto and their sources, test intervals, urgency, recovery order,
 * revision). Loaded by dh_plan_load() (plan.c, reading through files.c
 * and load.c); checked, derived and ordered by dh_plan_check() (check.h,
 * with derive.c and order.c); printed by render/plan.c. The scheduler and
 * the SSH transport build jobs from struct dh_system's restore/failover
 * sections and find hosts with dh_plan_host_get().
 *
 * Every string in the model is owned by the plan and lives until
 * dh_plan_free(). Every key keeps the line it was read from (0 when it
 * was absent) so that checks can name it. Durations are seconds; an
 * interval may be DH_DURATION_NEVER; "unset" is DH_PLAN_UNSET.
 */
#ifndef DH_PLAN_H
#define DH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/problems.h"
#include "dh/proto.h"
#include "plan/files.h"
#include "plan/model.h"
#include "plan/revision.h"

/*
 * Read dir/policy.ini, dir/inventory.ini and dir/systems/ *.ini (files.c)
 * and load them (dh_plan_load_files). Returns 0 with *out set (problems in
 * pr; nothing is printed), or DH_ENOENT / DH_EIO / DH_ETOOBIG with err set
 * and *out NULL when the directory or a file could not be read at all
 * (exit 2). Checks and derivation are dh_plan_check's (check.h).
 */
int dh_plan_load(struct dh_plan **out, const char *dir, struct dh_problems *pr, struct dh_err *err);

/*
 * Load a plan from files in memory (tests, fuzzing; dh_plan_load ends
 * here too): which files make a plan, each file's sections and keys
 * (load.h), the revision (revision.h). Every problem found while reading
 * goes to pr with its file and line; relations between keys and files
 * are not checked here (dh_plan_check). Always returns a plan (*out,
 * caller frees with dh_plan_free).
 */
void dh_plan_load_files(struct dh_plan **out, const struct dh_plan_file *files, size_t nfiles,
	struct dh_problems *pr);

/* Free a plan; NULL is a no-op. */
void dh_plan_free(struct dh_plan *plan);

/* Borrowed lookups (until dh_plan_free); NULL when there is none. */
struct dh_system *dh_plan_system_get(const struct dh_plan *plan, const char *id);
struct dh_host *dh_plan_host_get(const struct dh_plan *plan, const char *id);
struct dh_hall *dh_plan_hall_get(const struct dh_plan *plan, const char *id);

/* "restic", "tar", "action"; NULL for DH_METHOD_NONE. */
const char *dh_plan_method_name(enum dh_restore_method m);

/* "policy" or "declared". */
const char *dh_plan_source_name(enum dh_plan_source s);

#endif
