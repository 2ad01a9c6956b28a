/*
 * The plan as last loaded, for serve's request handlers (the web pages,
 * /metrics): loading 2,000 system files on every request would cost more
 * than the request. A cached plan is used while no plan file was added,
 * removed or changed (size, modification time, inode of policy.ini,
 * inventory.ini, systems/ and each file in it) and it was loaded less than
 * max_age_s ago: derivation is as of a time (a classification expires),
 * so the plan is loaded again at least that often. Thread-safe; a handler
 * holds its plan until it releases it, also when a newer one replaced it
 * meanwhile.
 */
#ifndef DH_PLAN_CACHE_H
#define DH_PLAN_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "dh/err.h"
#include "plan/plan.h"

struct dh_plan_cache;

/* How long serve's handlers keep a plan at most, in seconds: classifications expire by the day. */
#define DH_PLAN_CACHE_MAX_AGE_S 3600

/* A cache of the plans in dir (copied), loaded again after max_age_s seconds. */
struct dh_plan_cache *dh_plan_cache_new(const char *dir, time_t max_age_s);

/* Free; every plan got must have been released. NULL is a no-op. */
void dh_plan_cache_free(struct dh_plan_cache *c);

/*
 * The plan as of now (seconds since the epoch) into *p, borrowed until
 * dh_plan_cache_release; *errors: the plan check found errors. 0, or what
 * dh_plan_open returns (DH_EIO, ...) with err set when the plans cannot
 * be read (then nothing is to be released).
 */
int dh_plan_cache_get(struct dh_plan_cache *c, time_t now, const struct dh_plan **p, bool *errors,
	struct dh_err *err);

/* Give back a plan got from c. NULL is a no-op. */
void dh_plan_cache_release(struct dh_plan_cache *c, const struct dh_plan *p);

#endif
