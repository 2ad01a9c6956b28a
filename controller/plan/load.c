/*
 * Reading one plan file into the model (load.h): policy.ini,
 * inventory.ini or systems/ID.ini, through tables that describe every
 * section and key. A key or section not in a table is an error, so a
 * typo can never drop a requirement. Called by the loader entry in
 * plan.c, once per file; calls only value.c and the INI reader.
 *
 * Where each kind of problem is found: the syntax of one value in value.c
 * (and the duration, date and word kinds in parse_value below); sections
 * and keys that are unknown, duplicated, empty, cut by " ;", or required
 * by their section's table, here; which files make a plan (missing,
 * ignored, bad system id) in plan.c; what the directory holds in
 * files.c; every rule relating two keys, sections or files in check.c.
 * Problems go to a struct dh_problems with the file and line that caused
 * them; reading never stops at the first one.
 */
#include "plan/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/ini.h"
#include "dh/timefmt.h"
#include "plan/value.h"
#include "plan/window.h"

enum file_kind { F_POLICY, F_INVENTORY, F_SYSTEM };

enum key_type {
	K_TEXT, /* free text: a cut by " ;" is warned about */
	K_WORD, /* one word: no spaces (address, user, glob) */
	K_TZ,   /* a time zone of the tz database */
	K_PATH, /* absolute path */
	K_URL,
	K_DURATION,
	K_INTERVAL, /* duration or never */
	K_LEVEL,
	K_DATE, /* [system] classified */
	K_PORT,
	K_HOSTID, /* an inventory host id */
	K_HALLID,
	K_IDLIST, /* depends_on */
	K_METHOD,
	K_ACTNAME,  /* an action on the section's host */
	K_SNAPHOST, /* restic --host: a hostname */
	K_SNAPTAG,  /* restic --tag: one tag, no comma or space */
	K_ACTION,   /* HOST NAME */
	K_ACTLIST,  /* repeated HOST NAME */
	K_VERIFY,
	K_HEALTH,
	K_BOOL,
	K_WINDOW,
	K_JOBS, /* a host's max_jobs */
};

#define NOLINE SIZE_MAX
#define F_REQ 1u
#define F_REPEAT 2u
#define F_SEEN 4u /* line_off is set when the key is seen, valid or not */
#define MAX_KEYS 24

struct key_spec {
	const char *name;
	enum key_type type;
	size_t off;      /* the field in the section's object */
	size_t off2;     /* count field (lists) or NOLINE */
	size_t line_off; /* an int line field, or NOLINE */
	unsigned flags;
};

/* Table-row macros read best on one line each. */
/* clang-format off */
#define KEY(n, t, s, f, l, fl) { n, t, offsetof(s, f), NOLINE, l, fl }
#define KEYL(n, t, s, f, l, fl) { n, t, offsetof(s, f), NOLINE, offsetof(s, l), fl }
#define KEYS(n, t, s, f, l) { n, t, offsetof(s, f), NOLINE, offsetof(s, l), F_SEEN }
#define LIST(n, t, s, f, c, fl) { n, t, offsetof(s, f), offsetof(s, c), NOLINE, fl | F_REPEAT }
/* clang-format on */

static const struct key_spec plan_keys[] = {
	KEYL("name", K_TEXT, struct dh_policy, name, plan_line, F_REQ),
	KEY("owner", K_TEXT, struct dh_policy, owner, NOLINE, F_REQ),
	KEY("timezone", K_TZ, struct dh_policy, timezone, NOLINE, 0),
	KEYL("unclassified_level", K_LEVEL, struct dh_policy, unclassified_level, unclassified_line,
		F_REQ),
	KEYL("failover_required_from", K_LEVEL, struct dh_policy, failover_required_from,
		failover_required_line, F_REQ),
};

static const struct key_spec level_keys[] = {
	KEYL("rpo", K_DURATION, struct dh_level, rpo_s, rpo_line, F_REQ),
	KEYL("backup_rpo", K_DURATION, struct dh_level, backup_rpo_s, backup_rpo_line, 0),
	KEYL("rto", K_DURATION, struct dh_level, rto_s, rto_line, F_REQ),
	KEYL("restore_test_every", K_INTERVAL, struct dh_level, restore_every_s, restore_every_line,
		F_REQ),
	KEYL("failover_drill_every", K_INTERVAL, struct dh_level, failover_every_s,
		failover_every_line, F_REQ),
};

static const struct key_spec window_keys[] = {
	KEY("restore", K_WINDOW, struct dh_policy, restore_window, NOLINE, 0),
	KEY("failover", K_WINDOW, struct dh_policy, failover_window, NOLINE, 0),
};

static const struct key_spec controller_keys[] = {
	KEY("url", K_URL, struct dh_inventory, url, NOLINE, F_REQ),
	KEY("ssh_key", K_PATH, struct dh_inventory, ssh_key, NOLINE, F_REQ),
	KEY("known_hosts", K_PATH, struct dh_inventory, known_hosts, NOLINE, F_REQ),
};

static const struct key_spec hall_keys[] = {
	KEY("name", K_TEXT, struct dh_hall, name, NOLINE, 0),
};

static const struct key_spec host_keys[] = {
	KEYL("hall", K_HALLID, struct dh_host, hall, hall_line, F_REQ),
	KEY("address", K_WORD, struct dh_host, address, NOLINE, F_REQ),
	KEY("port", K_PORT, struct dh_host, port, NOLINE, 0),
	KEY("user", K_WORD, struct dh_host, user, NOLINE, F_REQ),
	KEY("agent", K_PATH, struct dh_host, agent, NOLINE, 0),
	KEY("agent_config", K_PATH, struct dh_host, agent_config, NOLINE, 0),
	KEY("max_jobs", K_JOBS, struct dh_host, max_jobs, NOLINE, 0),
};

static const struct key_spec system_keys[] = {
	KEY("name", K_TEXT, struct dh_system, name, NOLINE, F_REQ),
	KEY("board", K_TEXT, struct dh_system, board, NOLINE, F_REQ),
	KEY("object", K_TEXT, struct dh_system, object, NOLINE, 0),
	KEY("system_owner", K_TEXT, struct dh_system, system_owner, NOLINE, 0),
	KEY("contact", K_TEXT, struct dh_system, contact, NOLINE, 0),
	KEYL("classified", K_DATE, struct dh_system, classified_at, classified_line, 0),
	KEY("confidentiality", K_LEVEL, struct dh_system, confidentiality, NOLINE, 0),
	KEY("integrity", K_LEVEL, struct dh_system, integrity, NOLINE, 0),
	KEYL("availability", K_LEVEL, struct dh_system, availability, availability_line, 0),
	KEY("traceability", K_LEVEL, struct dh_system, traceability, NOLINE, 0),
	KEYL("rpo", K_DURATION, struct dh_system, rpo_s, rpo_line, 0),
	KEYL("rto", K_DURATION, struct dh_system, rto_s, rto_line, 0),
	KEYL("backup_rpo", K_DURATION, struct dh_system, backup_rpo_s, backup_rpo_line, 0),
	KEYL("restore_test_every", K_INTERVAL, struct dh_system, restore_every_s,
		restore_every_line, 0),
	KEYL("failover_drill_every", K_INTERVAL, struct dh_system, failover_every_s,
		failover_every_line, 0),
	KEYL("deviation", K_TEXT, struct dh_system, deviation, deviation_line, 0),
	{ "depends_on", K_IDLIST, offsetof(struct dh_system, depends_on),
		offsetof(struct dh_system, ndeps), offsetof(struct dh_system, depends_line), 0 },
	KEY("supplier", K_TEXT, struct dh_system, supplier, NOLINE, 0),
	KEYL("supplier_rto", K_DURATION, struct dh_system, supplier_rto_s, supplier_rto_line, 0),
	KEY("reserve_routine", K_TEXT, struct dh_system, reserve_routine, NOLINE, 0),
};

static const struct key_spec restore_keys[] = {
	KEYL("host", K_HOSTID, struct dh_restore, host, host_line, F_REQ),
	KEYL("method", K_METHOD, struct dh_restore, method, method_line, F_REQ),
	/* Lines kept even for a bad value: check.c matches them to the method. */
	KEYS("repository", K_PATH, struct dh_restore, repository, repository_line),
	KEYS("password_file", K_PATH, struct dh_restore, password_file, password_file_line),
	KEYS("pattern", K_WORD, struct dh_restore, pattern, pattern_line),
	KEYS("snapshot_host", K_SNAPHOST, struct dh_restore, snapshot_host, snapshot_host_line),
	KEYS("snapshot_tag", K_SNAPTAG, struct dh_restore, snapshot_tag, snapshot_tag_line),
	KEYS("snapshot_path", K_PATH, struct dh_restore, snapshot_path, snapshot_path_line),
	KEYS("restore_action", K_ACTNAME, struct dh_restore, restore_action, restore_action_line),
	KEYS("backup_time_action", K_ACTNAME, struct dh_restore, backup_time_action,
		backup_time_action_line),
	LIST("verify", K_VERIFY, struct dh_restore, verify, nverify, 0),
	KEY("timeout", K_DURATION, struct dh_restore, timeout_s, NOLINE, 0),
	KEY("keep", K_BOOL, struct dh_restore, keep, NOLINE, 0),
};

static const struct key_spec failover_keys[] = {
	KEYL("primary", K_HOSTID, struct dh_failover, primary, primary_line, F_REQ),
	KEYL("standby", K_HOSTID, struct dh_failover, standby, standby_line, F_REQ),
	LIST("primary_health", K_HEALTH, struct dh_failover, primary_health, nprimary_health, 0),
	/* optional, both or neither (check.c) */
	KEY("marker_write", K_ACTION, struct dh_failover, marker_write, NOLINE, 0),
	KEY("marker_check", K_ACTION, struct dh_failover, marker_check, NOLINE, 0),
	LIST("step", K_ACTLIST, struct dh_failover, steps, nsteps, F_REQ),
	LIST("health", K_HEALTH, struct dh_failover, health, nhealth, F_REQ),
	LIST("failback", K_ACTLIST, struct dh_failover, failbacks, nfailbacks, 0),
	KEY("timeout", K_DURATION, struct dh_failover, timeout_s, NOLINE, 0),
};

struct loader;

struct section_spec {
	enum file_kind file;
	const char *name;
	bool has_arg;
	const struct key_spec *keys;
	size_t nkeys;
	void *(*open)(struct loader *ld, const char *arg, int line);
	void (*close)(struct loader *ld, void *obj);
};

struct seen_section {
	char *name;
	int line;
};

struct loader {
	struct dh_plan *plan;
	struct dh_problems *pr;
	const char *file;
	enum file_kind kind;
	struct dh_system *sys;          /* the system being read (F_SYSTEM) */
	const struct section_spec *sec; /* NULL: none, or skipped */
	void *obj;
	int sec_line;
	char sec_name[80];  /* the header as written, for messages */
	int seen[MAX_KEYS]; /* line of each key in the current section */
	struct seen_section *sections;
	size_t nsections;
};

#define ERR(ld, line, ...) dh_problems_add((ld)->pr, DH_SEV_ERROR, (ld)->file, (line), __VA_ARGS__)
#define WARN(ld, line, ...)                                                                        \
	dh_problems_add((ld)->pr, DH_SEV_WARNING, (ld)->file, (line), __VA_ARGS__)

/* ---- sections: open and close ---- */

static void *
open_plan(struct loader *ld, const char *arg, int line)
{
	return &ld->plan->policy;
}

static void *
open_level(struct loader *ld, const char *arg, int line)
{
	struct dh_err err;
	int n;

	if (dh_plan_value_level(arg, &n, &err) < 0) {
		ERR(ld, line, "[availability %s]: %s", arg, err.msg);
		return NULL;
	}
	ld->plan->policy.levels[n].line = line;
	return &ld->plan->policy.levels[n];
}

static void *
open_controller(struct loader *ld, const char *arg, int line)
{
	ld->plan->inv.controller_line = line;
	return &ld->plan->inv;
}

static void *
open_hall(struct loader *ld, const char *arg, int line)
{
	struct dh_inventory *inv = &ld->plan->inv;
	struct dh_hall *h;

	if (!dh_plan_value_is_hall_id(arg)) {
		ERR(ld, line, "'%s' is not a valid hall id (letters, digits, '-')", arg);
		return NULL;
	}
	inv->halls = dh_xrealloc(inv->halls, (inv->nhalls + 1) * sizeof(*h));
	h = &inv->halls[inv->nhalls++];
	memset(h, 0, sizeof(*h));
	h->id = dh_xstrdup(arg);
	h->line = line;
	return h;
}

static void *
open_host(struct loader *ld, const char *arg, int line)
{
	struct dh_inventory *inv = &ld->plan->inv;
	struct dh_host *h;

	if (!dh_plan_value_is_id(arg)) {
		ERR(ld, line,
			"'%s' is not a valid host id ([a-z0-9][a-z0-9-]*, "
			"at most %d characters)",
			arg, DH_PLAN_ID_MAX);
		return NULL;
	}
	inv->hosts = dh_xrealloc(inv->hosts, (inv->nhosts + 1) * sizeof(*h));
	h = &inv->hosts[inv->nhosts++];
	memset(h, 0, sizeof(*h));
	h->id = dh_xstrdup(arg);
	h->line = line;
	h->port = 22;
	h->max_jobs = 1;
	return h;
}

/* Hosts grow by realloc: the open object is re-found by index on close. */
static void
close_host(struct loader *ld, void *obj)
{
	struct dh_host *h = &ld->plan->inv.hosts[ld->plan->inv.nhosts - 1];

	if (h->agent == NULL)
		h->agent = dh_xstrdup("/usr/bin/drillhall-agent");
	if (h->agent_config == NULL)
		h->agent_config = dh_xstrdup("/etc/drillhall/agent.ini");
}

static void *
open_system(struct loader *ld, const char *arg, int line)
{
	ld->sys->line = line;
	return ld->sys;
}

static void *
open_restore(struct loader *ld, const char *arg, int line)
{
	ld->sys->restore.present = true;
	ld->sys->restore.line = line;
	return &ld->sys->restore;
}

static int
key_index(const struct section_spec *sec, const char *key)
{
	for (size_t i = 0; i < sec->nkeys; i++)
		if (strcmp(sec->keys[i].name, key) == 0)
			return (int)i;
	return -1;
}

/* The tar default; which keys the method needs is checked in check.c. */
static void
close_restore(struct loader *ld, void *obj)
{
	struct dh_restore *r = obj;

	if (r->method == DH_METHOD_TAR && r->pattern == NULL)
		r->pattern = dh_xstrdup("*.tar*");
}

static void *
open_failover(struct loader *ld, const char *arg, int line)
{
	ld->sys->failover.present = true;
	ld->sys->failover.line = line;
	return &ld->sys->failover;
}

#define SEC(f, n, a, k, o, c)                                                                      \
	{                                                                                          \
		f, n, a, k, sizeof(k) / sizeof(k[0]), o, c                                         \
	}
static const struct section_spec sections[] = {
	SEC(F_POLICY, "plan", false, plan_keys, open_plan, NULL),
	SEC(F_POLICY, "availability", true, level_keys, open_level, NULL),
	SEC(F_POLICY, "windows", false, window_keys, open_plan, NULL),
	SEC(F_INVENTORY, "controller", false, controller_keys, open_controller, NULL),
	SEC(F_INVENTORY, "hall", true, hall_keys, open_hall, NULL),
	SEC(F_INVENTORY, "host", true, host_keys, open_host, close_host),
	SEC(F_SYSTEM, "system", false, system_keys, open_system, NULL),
	SEC(F_SYSTEM, "restore", false, restore_keys, open_restore, close_restore),
	SEC(F_SYSTEM, "failover", false, failover_keys, open_failover, NULL),
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))
#define FITS(k) (sizeof(k) / sizeof(k[0]) <= MAX_KEYS)
_Static_assert(FITS(plan_keys) && FITS(level_keys) && FITS(window_keys) && FITS(controller_keys) &&
		FITS(hall_keys) && FITS(host_keys) && FITS(system_keys) && FITS(restore_keys) &&
		FITS(failover_keys),
	"a section has more keys than loader.seen can track");

static const char *const file_sections[] = {
	[F_POLICY] = "[plan], [availability 0..4], [windows]",
	[F_INVENTORY] = "[controller], [hall ID], [host ID]",
	[F_SYSTEM] = "[system], [restore], [failover]",
};

static void
close_section(struct loader *ld)
{
	const struct section_spec *sec = ld->sec;

	if (sec == NULL)
		return;
	for (size_t i = 0; i < sec->nkeys; i++)
		if ((sec->keys[i].flags & F_REQ) && ld->seen[i] == 0)
			ERR(ld, ld->sec_line, "missing required key '%s' in [%s]",
				sec->keys[i].name, ld->sec_name);
	if (sec->close)
		sec->close(ld, ld->obj);
	ld->sec = NULL;
	ld->obj = NULL;
}

/* Has this exact section header been seen in this file? Records it if not. */
static bool
duplicate_section(struct loader *ld, const char *name, int line)
{
	for (size_t i = 0; i < ld->nsections; i++)
		if (strcmp(ld->sections[i].name, name) == 0) {
			ERR(ld, line, "duplicate section [%s] (first on line %d)", name,
				ld->sections[i].line);
			return true;
		}
	ld->sections = dh_xrealloc(ld->sections, (ld->nsections + 1) * sizeof(*ld->sections));
	ld->sections[ld->nsections].name = dh_xstrdup(name);
	ld->sections[ld->nsections++].line = line;
	return false;
}

static void
open_section(struct loader *ld, const char *full, int line)
{
	const char *sp = strchr(full, ' ');
	size_t n = sp ? (size_t)(sp - full) : strlen(full);
	const char *arg = sp ? sp + 1 : "";

	close_section(ld);
	memset(ld->seen, 0, sizeof(ld->seen));
	ld->sec_line = line;
	snprintf(ld->sec_name, sizeof(ld->sec_name), "%s", full);
	for (size_t i = 0; i < NSECTIONS; i++) {
		const struct section_spec *s = &sections[i];

		if (s->file != ld->kind || strlen(s->name) != n || strncmp(s->name, full, n) != 0)
			continue;
		if (s->has_arg != (sp != NULL) || (sp && *arg == '\0')) {
			ERR(ld, line,
				s->has_arg ? "section [%s] needs a name: [%s NAME]"
					   : "section [%s] takes no name",
				s->name, s->name);
			return;
		}
		if (duplicate_section(ld, full, line))
			return;
		ld->obj = s->open(ld, arg, line);
		if (ld->obj != NULL)
			ld->sec = s;
		return;
	}
	ERR(ld, line, "unknown section [%s] (this file takes %s)", full, file_sections[ld->kind]);
}

/* ---- keys ---- */

#define FIELD(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

static int
parse_date(struct loader *ld, const char *v, struct dh_err *err)
{
	struct dh_system *s = ld->sys;

	if (dh_date_parse(v, &s->classified_at) < 0)
		return dh_err_set(err, DH_EPARSE, "'%s' is not a date (YYYY-MM-DD)", v);
	s->classified = true;
	snprintf(s->classified_text, sizeof(s->classified_text), "%s", v);
	return 0;
}

static void *
append(void *arrp, size_t *n, size_t size)
{
	void **arr = arrp;
	char *base = dh_xrealloc(*arr, (*n + 1) * size);

	*arr = base;
	memset(base + *n * size, 0, size);
	return base + (*n)++ * size;
}

static int
parse_list_item(const struct key_spec *k, void *obj, const char *v, int line, struct dh_err *err)
{
	size_t *n = FIELD(obj, k->off2, size_t);
	int r;

	if (k->type == K_VERIFY) {
		struct dh_plan_verify tmp;

		if ((r = dh_plan_value_verify(v, &tmp, err)) < 0)
			return r;
		tmp.line = line;
		*(struct dh_plan_verify *)append(FIELD(obj, k->off, void), n, sizeof(tmp)) = tmp;
	} else if (k->type == K_HEALTH) {
		struct dh_health tmp;

		if ((r = dh_plan_value_health(v, &tmp, err)) < 0)
			return r;
		tmp.line = line;
		*(struct dh_health *)append(FIELD(obj, k->off, void), n, sizeof(tmp)) = tmp;
	} else {
		struct dh_action_ref tmp = { .line = line };

		if ((r = dh_plan_value_action(v, &tmp.host, &tmp.action, err)) < 0)
			return r;
		*(struct dh_action_ref *)append(FIELD(obj, k->off, void), n, sizeof(tmp)) = tmp;
	}
	return 0;
}

static int
parse_string_kind(const struct key_spec *k, void *obj, const char *v, struct dh_err *err)
{
	switch (k->type) {
	case K_WORD:
		if (strpbrk(v, " \t") != NULL)
			return dh_err_set(err, DH_EPARSE,
				"'%s' must be one word, "
				"without spaces",
				v);
		break;
	case K_TZ:
		if (dh_plan_value_timezone(v, err) < 0)
			return DH_EPARSE;
		break;
	case K_PATH:
		if (!dh_plan_value_is_abs_path(v))
			return dh_err_set(err, DH_EPARSE, "'%s' is not an absolute path", v);
		break;
	case K_URL:
		if (dh_plan_value_url(v, err) < 0)
			return DH_EPARSE;
		break;
	case K_HOSTID:
		if (!dh_plan_value_is_id(v))
			return dh_err_set(err, DH_EPARSE, "'%s' is not a valid host id", v);
		break;
	case K_HALLID:
		if (!dh_plan_value_is_hall_id(v))
			return dh_err_set(err, DH_EPARSE, "'%s' is not a valid hall id", v);
		break;
	case K_ACTNAME:
		if (!dh_plan_value_is_action_name(v))
			return dh_err_set(err, DH_EPARSE, "'%s' is not a valid action name", v);
		break;
	case K_SNAPHOST:
		if (!dh_plan_value_is_hostname(v))
			return dh_err_set(err, DH_EPARSE, "'%s' is not a host name", v);
		break;
	case K_SNAPTAG:
		if (!dh_plan_value_is_restic_tag(v))
			return dh_err_set(err, DH_EPARSE,
				"'%s' is not a restic tag (one tag: no comma, space or "
				"control character)",
				v);
		break;
	default:
		break;
	}
	*FIELD(obj, k->off, char *) = dh_xstrdup(v);
	return 0;
}

/* Parse v into the field k names; 0 or DH_EPARSE with err set. */
static int
parse_value(struct loader *ld, const struct key_spec *k, const char *v, int line,
	struct dh_err *err)
{
	void *obj = ld->obj;
	struct dh_action_ref *a;

	switch (k->type) {
	case K_DURATION:
	case K_INTERVAL:
		if (dh_duration_parse(v, k->type == K_INTERVAL, FIELD(obj, k->off, int64_t)) < 0)
			return dh_err_set(err, DH_EPARSE,
				"'%s' is not a duration "
				"(like 90s, 15m, 4h, 7d, 1h30m or 0%s)",
				v, k->type == K_INTERVAL ? ", or never" : "");
		return 0;
	case K_LEVEL:
		return dh_plan_value_level(v, FIELD(obj, k->off, int), err);
	case K_DATE:
		return parse_date(ld, v, err);
	case K_PORT:
		return dh_plan_value_port(v, FIELD(obj, k->off, int), err);
	case K_JOBS:
		return dh_plan_value_max_jobs(v, FIELD(obj, k->off, int), err);
	case K_BOOL:
		return dh_plan_value_bool(v, FIELD(obj, k->off, bool), err);
	case K_METHOD:
		return dh_plan_value_method(v, FIELD(obj, k->off, enum dh_restore_method), err);
	case K_WINDOW:
		FIELD(obj, k->off, struct dh_window)->line = line;
		return dh_window_parse(v, FIELD(obj, k->off, struct dh_window), err);
	case K_IDLIST:
		return dh_plan_value_idlist(v, FIELD(obj, k->off, char **),
			FIELD(obj, k->off2, size_t), err);
	case K_ACTION:
		a = FIELD(obj, k->off, struct dh_action_ref);
		a->line = line;
		return dh_plan_value_action(v, &a->host, &a->action, err);
	case K_ACTLIST:
	case K_VERIFY:
	case K_HEALTH:
		return parse_list_item(k, obj, v, line, err);
	default:
		return parse_string_kind(k, obj, v, err);
	}
}

/* "sql-kluster, ad": a comment that is probably a cut dependency list. */
static bool
looks_like_ids(const char *c)
{
	if (*c == '\0')
		return false;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
			    *c == ',' || *c == ' '))
			return false;
	return true;
}

/* Control characters (a tab aside) would reach terminals and reports. */
static bool
has_control(const char *v)
{
	for (; *v; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return true;
	return false;
}

static void
on_key(struct loader *ld, const struct dh_ini_entry *e)
{
	const struct section_spec *sec = ld->sec;
	const struct key_spec *k;
	struct dh_err err;
	int i;

	if (e->section[0] == '\0') {
		ERR(ld, e->line, "key '%s' outside any section", e->key);
		return;
	}
	if (sec == NULL)
		return; /* in a section already reported as bad */
	if ((i = key_index(sec, e->key)) < 0) {
		ERR(ld, e->line, "unknown key '%s' in [%s]", e->key, e->section);
		return;
	}
	k = &sec->keys[i];
	if (ld->seen[i] != 0 && !(k->flags & F_REPEAT)) {
		ERR(ld, e->line, "duplicate key '%s' (first on line %d)", e->key, ld->seen[i]);
		return;
	}
	ld->seen[i] = e->line;
	if (k->flags & F_SEEN)
		*FIELD(ld->obj, k->line_off, int) = e->line;
	if (k->type == K_IDLIST && e->comment != NULL && looks_like_ids(e->comment))
		WARN(ld, e->line,
			"'%s' was cut at ' ;': \"%s\" looks like system "
			"ids but was read as a comment",
			e->key, e->comment);
	if (k->type == K_TEXT && e->comment != NULL)
		WARN(ld, e->line,
			"'%s' was cut at ' ;': \"%s\" was read as a "
			"comment, the value is \"%s\"",
			e->key, e->comment, e->value);
	if (has_control(e->value)) {
		ERR(ld, e->line, "'%s' contains a control character", e->key);
		return;
	}
	if (e->value[0] == '\0' && k->type != K_IDLIST) {
		ERR(ld, e->line, "'%s' has no value", e->key);
		return;
	}
	if (parse_value(ld, k, e->value, e->line, &err) < 0) {
		ERR(ld, e->line, "%s: %s", e->key, err.msg);
		return;
	}
	if (k->line_off != NOLINE)
		*FIELD(ld->obj, k->line_off, int) = e->line;
}

static void
on_entry(void *user, const struct dh_ini_entry *e)
{
	struct loader *ld = user;

	switch (e->kind) {
	case DH_INI_SECTION:
		open_section(ld, e->section, e->line);
		break;
	case DH_INI_KEY:
		on_key(ld, e);
		break;
	case DH_INI_ERROR:
		ERR(ld, e->line, "%s", e->value);
		break;
	}
}

/* ---- files ---- */

static void
loader_end_file(struct loader *ld)
{
	close_section(ld);
	for (size_t i = 0; i < ld->nsections; i++)
		free(ld->sections[i].name);
	free(ld->sections);
	ld->sections = NULL;
	ld->nsections = 0;
}

static void
read_file(struct loader *ld, const struct dh_plan_file *f, enum file_kind kind)
{
	ld->file = f->path;
	ld->kind = kind;
	dh_ini_parse_string(f->text, f->len, on_entry, ld);
	loader_end_file(ld);
}

void
dh_plan_load_policy(struct dh_plan *plan, const struct dh_plan_file *f, struct dh_problems *pr)
{
	struct loader ld = { .plan = plan, .pr = pr };

	read_file(&ld, f, F_POLICY);
}

void
dh_plan_load_inventory(struct dh_plan *plan, const struct dh_plan_file *f, struct dh_problems *pr)
{
	struct loader ld = { .plan = plan, .pr = pr };

	read_file(&ld, f, F_INVENTORY);
}

static void
init_system(struct dh_system *s, const char *id, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->id = dh_xstrdup(id);
	s->file = dh_xstrdup(path);
	s->confidentiality = s->integrity = s->availability = s->traceability = -1;
	s->rpo_s = s->rto_s = s->backup_rpo_s = DH_PLAN_UNSET;
	s->restore_every_s = s->failover_every_s = DH_PLAN_UNSET;
	s->supplier_rto_s = DH_PLAN_UNSET;
	s->restore.method = DH_METHOD_NONE;
	s->restore.timeout_s = DH_PLAN_UNSET;
	s->failover.timeout_s = DH_PLAN_UNSET;
}

void
dh_plan_load_system(struct dh_plan *plan, struct dh_system *s, const char *id,
	const struct dh_plan_file *f, struct dh_problems *pr)
{
	struct loader ld = { .plan = plan, .pr = pr, .sys = s };

	init_system(s, id, f->path);
	read_file(&ld, f, F_SYSTEM);
	if (s->restore.present && s->restore.timeout_s != DH_PLAN_UNSET)
		s->restore.timeout_declared = true;
	if (s->failover.present && s->failover.timeout_s != DH_PLAN_UNSET)
		s->failover.timeout_declared = true;
}
