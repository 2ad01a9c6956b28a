/*
 * What the transport commands (run, hosts, status) need from the plan,
 * as a small interface of its own, because the plan model (plan.h, on the
 * plans branch) was not on main when they were written. plan_iface.c is a
 * STAND-IN that reads the plan files directly, without the checks of
 * `drillhall check`; the lead replaces it with an adapter over plan.h
 * (dh_plan_load + dh_plan_check: effective rpo/rto, intervals, timeouts,
 * revision). Nothing outside plan_iface.c depends on how the plan is read.
 */
#ifndef DH_PLAN_IFACE_H
#define DH_PLAN_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"

struct dh_plan_iface_host {
	char *id, *hall, *address, *user, *agent;
	int port;
};

struct dh_plan_iface_system {
	char *id, *name;
	int level;                   /* effective T-level */
	bool set_by_it;              /* unclassified: level from policy */
	int64_t rpo_s, rto_s;        /* effective requirement */
	int64_t restore_every_s;     /* DH_DURATION_NEVER when never */
	int64_t failover_every_s;
	bool has_restore, has_failover;
	char *restore_host;          /* inventory host id */
	struct dh_job *restore_job;  /* template: no id, token or url yet */
};

struct dh_plan_iface {
	char *name;
	char revision[65];
	char *url, *ssh_key, *known_hosts; /* inventory [controller] */
	struct dh_plan_iface_host *hosts;  /* file order */
	size_t nhosts;
	struct dh_plan_iface_system *systems; /* sorted by id */
	size_t nsystems;
};

/*
 * Load dir (policy.ini, inventory.ini, systems/ *.ini). Returns 0, or
 * DH_ENOENT / DH_EIO / DH_EPARSE with err naming the file and line.
 */
int dh_plan_iface_load(const char *dir, struct dh_plan_iface **out, struct dh_err *err);
void dh_plan_iface_free(struct dh_plan_iface *p);

/* Borrowed lookups; NULL when absent. */
const struct dh_plan_iface_system *dh_plan_iface_system_get(const struct dh_plan_iface *p,
	const char *id);
const struct dh_plan_iface_host *dh_plan_iface_host_get(const struct dh_plan_iface *p,
	const char *id);

#endif
