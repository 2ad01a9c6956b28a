/*
 * The plan model's types (SPEC "Plan files"): policy with its KLASSA
 * levels and windows, the inventory of halls and hosts, and one struct per
 * information system with its [restore] and [failover] sections, each
 * value with the line it came from. Filled by plan/load.c, derived by
 * plan/derive.c, owned by struct dh_plan (plan/plan.h). Types only, so
 * the loader and the value parsers need not include the loader's caller.
 */
#ifndef DH_PLAN_MODEL_H
#define DH_PLAN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/proto.h"
#include "plan/files.h"
#include "plan/revision.h"

#define DH_PLAN_LEVELS 5          /* KLASSA levels 0..4 */
#define DH_PLAN_ID_MAX 64         /* longest system/host/hall id */
#define DH_PLAN_UNSET INT64_C(-2) /* a duration that was not given */

/* Where an effective value came from (SPEC "How requirements are derived"). */
enum dh_plan_source {
	DH_SRC_POLICY,   /* the level's value in policy.ini */
	DH_SRC_DECLARED, /* the system's own rpo/backup_rpo/rto/interval */
};

/* ---- policy.ini ---- */

struct dh_level {
	int line;             /* line of [availability N]; 0 = section missing */
	int64_t rpo_s, rto_s; /* DH_PLAN_UNSET when missing */
	/* as written; DH_PLAN_UNSET when absent (the level's rpo applies:
	 * dh_plan_derive_level_backup_rpo) */
	int64_t backup_rpo_s;
	int64_t restore_every_s, failover_every_s; /* may be DH_DURATION_NEVER */
	int rpo_line, rto_line, restore_every_line, failover_every_line;
	int backup_rpo_line; /* 0 when absent */
};

#define DH_WINDOW_RANGES 8 /* windows in one value */

/* One window "mon-sun 22:00-06:00": days bit 0 = Monday. */
struct dh_window_range {
	unsigned days;          /* bitmask of allowed start days */
	int start_min, end_min; /* minutes after midnight; end < start wraps */
};

/* A [windows] value: one or more windows (plan/window.h). */
struct dh_window {
	bool set;
	struct dh_window_range r[DH_WINDOW_RANGES];
	int n;
	int line;
};

struct dh_policy {
	char *name, *owner, *timezone;
	int unclassified_level;     /* -1 when missing */
	int failover_required_from; /* -1 when missing */
	int plan_line, unclassified_line, failover_required_line;
	struct dh_level levels[DH_PLAN_LEVELS];
	struct dh_window restore_window, failover_window;
};

/* ---- inventory.ini ---- */

struct dh_hall {
	char *id; /* "A" in [hall A] */
	char *name;
	int line;
};

struct dh_host {
	char *id;   /* [host ID] */
	char *hall; /* hall id */
	char *address;
	int port; /* default 22 */
	char *user;
	char *agent;        /* default /usr/bin/drillhall-agent (the package puts it there) */
	char *agent_config; /* default /etc/drillhall/agent.ini */
	int max_jobs;       /* scheduled jobs at once on this host; default 1 */
	int line, hall_line;
};

struct dh_inventory {
	char *url, *ssh_key, *known_hosts;
	int controller_line;
	struct dh_hall *halls;
	size_t nhalls;
	struct dh_host *hosts; /* sorted by id after loading */
	size_t nhosts;
};

/* ---- systems/ID.ini ---- */

/* "HOST NAME": run the action NAME that HOST's agent.ini allows. */
struct dh_action_ref {
	char *host;
	char *action;
	int line;
};

/* Verify kinds and restore methods are the wire protocol's (dh/proto.h):
 * the plan names them, the job carries them. */
struct dh_plan_verify {
	enum dh_verify_kind kind;
	char *arg; /* NULL for min_files/min_bytes */
	int64_t n;
	int line;
};

struct dh_restore {
	bool present;
	int line; /* line of [restore] */
	char *host;
	enum dh_restore_method method;
	char *repository;    /* restic, tar */
	char *password_file; /* restic */
	char *pattern;       /* tar; default "*.tar*" */
	/* restic's snapshot filters (--host, --tag, --path), NULL when absent:
	 * which snapshots are this system's in a shared repository */
	char *snapshot_host, *snapshot_tag, *snapshot_path;
	char *restore_action;          /* action: NAME on the restore host */
	char *backup_time_action;      /* action: NAME on the restore host */
	struct dh_plan_verify *verify; /* in file order */
	size_t nverify;
	int64_t timeout_s; /* effective: given, or 2 x rto (min 60s) */
	bool timeout_declared;
	bool keep;
	int host_line, method_line;
	/* lines of the method's keys, set even when the value was bad */
	int repository_line, password_file_line, pattern_line;
	int snapshot_host_line, snapshot_tag_line, snapshot_path_line;
	int restore_action_line, backup_time_action_line;
};

enum dh_health_kind {
	DH_HEALTH_TCP,    /* host:port */
	DH_HEALTH_HTTP,   /* url */
	DH_HEALTH_ACTION, /* host action */
};

/* A probe (SPEC "Failover drill"): tcp and http run from the controller,
 * an action probe as an action job on its host. */
struct dh_health {
	enum dh_health_kind kind;
	char *host;   /* tcp: an inventory host id, a DNS name or an IP address
			 (IPv6 without brackets); action: an inventory host id */
	int port;     /* tcp */
	char *url;    /* http */
	char *action; /* action */
	int line;
};

struct dh_failover {
	bool present;
	int line;
	char *primary, *standby;
	struct dh_health *primary_health; /* in file order; may be none */
	size_t nprimary_health;
	/* optional, both or neither; host NULL when absent */
	struct dh_action_ref marker_write, marker_check;
	struct dh_action_ref *steps;
	size_t nsteps;
	struct dh_health *health;
	size_t nhealth;
	struct dh_action_ref *failbacks;
	size_t nfailbacks;
	int64_t timeout_s; /* effective: given, or 2 x rto (min 60s) */
	bool timeout_declared;
	int primary_line, standby_line;
};

struct dh_system {
	char *id;   /* file name without .ini */
	char *file; /* "systems/ID.ini" */
	int line;   /* line of [system]; 0 when missing */
	char *name, *board, *object, *system_owner, *contact;
	char *supplier, *reserve_routine, *deviation;
	bool classified; /* a classified date was given */
	time_t classified_at;
	char classified_text[11];                                   /* "YYYY-MM-DD" or "" */
	int confidentiality, integrity, availability, traceability; /* -1 = absent */
	int64_t rpo_s, rto_s;                      /* declared; DH_PLAN_UNSET when absent */
	int64_t backup_rpo_s;                      /* declared; DH_PLAN_UNSET when absent */
	int64_t restore_every_s, failover_every_s; /* declared or DH_PLAN_UNSET */
	int64_t supplier_rto_s;                    /* DH_PLAN_UNSET when absent */
	char **depends_on;                         /* ids, in file order */
	size_t ndeps;
	size_t *dep_idx; /* per depends_on: index into plan->systems,
			    SIZE_MAX when unknown (derived) */
	struct dh_restore restore;
	struct dh_failover failover;
	/* lines of keys checks refer to (0 = absent) */
	int classified_line, availability_line, rpo_line, rto_line, backup_rpo_line;
	int restore_every_line, failover_every_line, supplier_rto_line;
	int depends_line, deviation_line;

	/* derived by dh_plan_check() (derive.c, order.c) */
	int level;      /* effective T-level */
	bool set_by_it; /* unclassified: level from policy */
	int64_t eff_rpo_s, eff_rto_s;
	enum dh_plan_source rpo_source, rto_source;
	/* what a restore test is judged against (SPEC "How requirements are
	 * derived"): the level's backup_rpo (or its rpo), tightened */
	int64_t eff_backup_rpo_s;
	enum dh_plan_source backup_rpo_source;
	int64_t eff_restore_every_s, eff_failover_every_s;
	enum dh_plan_source restore_every_source, failover_every_source;
	int64_t urgency_s;
	size_t order; /* 1-based; 0 when no order (cycle) */
};

struct dh_plan {
	char *dir; /* as given, for messages */
	struct dh_policy policy;
	struct dh_inventory inv;
	struct dh_system *systems; /* sorted by id */
	size_t nsystems;
	size_t *order;                       /* indexes in recovery order (derived) */
	bool ordered;                        /* false when a cycle prevented ordering */
	char revision[DH_PLAN_REVISION_LEN]; /* SHA-256 hex of the plan files */
};

#endif
