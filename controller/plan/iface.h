/*
 * What the transport commands (run, hosts, status) need from the plan,
 * copied out of the plan model (plan.h) by controller/plan_iface.c.
 * A flat, owned copy, so that a command can drop the plan model once it
 * has what it needs; names cross as strings ("restic", "manifest") and
 * dispatch.c turns them into a wire job. (plan.h now uses the protocol's
 * enums, so this layer could shrink to borrowed pointers into the plan.)
 */
#ifndef DH_PLAN_IFACE_H
#define DH_PLAN_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"

struct dh_plan_iface_host {
	char *id, *hall, *address, *user, *agent;
	int port;
};

struct dh_plan_iface_verify {
	const char *kind;            /* "manifest", "min_files", ... (static) */
	char *arg;                   /* NULL for min_files/min_bytes */
	int64_t n;
};

/* A system's [restore] section with its effective timeout. */
struct dh_plan_iface_restore {
	const char *method;          /* "restic", "tar", "action" (static) */
	char *host;                  /* inventory host id */
	char *repository, *password_file, *pattern, *restore_action, *backup_time_action;
	struct dh_plan_iface_verify *verify;
	size_t nverify;
	bool keep;
	int64_t timeout_s;
};

struct dh_plan_iface_system {
	char *id, *name;
	int level;                   /* effective T-level */
	bool set_by_it;              /* unclassified: level from policy */
	int64_t rpo_s, rto_s;        /* effective requirement */
	int64_t restore_every_s;     /* DH_DURATION_NEVER when never */
	int64_t failover_every_s;
	bool has_restore, has_failover;
	struct dh_plan_iface_restore restore; /* when has_restore */
};

struct dh_plan_iface {
	char *name;
	char revision[65];
	char *url, *ssh_key, *known_hosts; /* inventory [controller] */
	struct dh_plan_iface_host *hosts;  /* sorted by id */
	size_t nhosts;
	struct dh_plan_iface_system *systems; /* sorted by id */
	size_t nsystems;
};

/*
 * Load and check the plan in dir as `drillhall check` does, as of now.
 * Its errors are printed to stderr; when strict, a plan with errors is
 * refused with DH_EPARSE (run, status: requirements must be right),
 * otherwise loaded anyway (hosts only needs the inventory). An unreadable
 * plan gives DH_ENOENT / DH_EIO. *out is the caller's.
 */
int dh_plan_iface_load(const char *dir, time_t now, bool strict,
	struct dh_plan_iface **out, struct dh_err *err);
void dh_plan_iface_free(struct dh_plan_iface *p);

/* Borrowed lookups; NULL when absent. */
const struct dh_plan_iface_system *dh_plan_iface_system_get(const struct dh_plan_iface *p,
	const char *id);
const struct dh_plan_iface_host *dh_plan_iface_host_get(const struct dh_plan_iface *p,
	const char *id);

#endif
