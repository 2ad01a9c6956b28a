/*
 * The plan's checks (check.h, SPEC "Checks"): every rule that relates two
 * keys, sections or files, in one place. Sections a file must have,
 * policy levels in order, classified with availability, the keys a
 * restore method needs, hosts and halls that exist, failover between
 * the halls, dependencies that name real systems; then, on the derived
 * values (derive.c): requirements looser than the level, classification
 * age, supplier rto, failover required, no [restore], a dependency slower
 * than its dependent, two systems sharing a restic repository with
 * nothing telling them apart; and the cycles that order.c finds. The syntax of a
 * single key or value is checked where it is read (load.c, value.c);
 * which files make a plan, in plan.c and files.c. Every problem is
 * collected with the line that caused it; nothing stops at the first.
 */
#include "plan/check.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/timefmt.h"
#include "plan/derive.h"
#include "plan/order.h"

#define ERR(s, line, ...) dh_problems_add(pr, DH_SEV_ERROR, (s)->file, (line), __VA_ARGS__)
#define WARN(s, line, ...) dh_problems_add(pr, DH_SEV_WARNING, (s)->file, (line), __VA_ARGS__)

#define LEVEL_KEYS 5
static const char *const level_keys[LEVEL_KEYS] = {
	"rpo",
	"rto",
	"restore_test_every",
	"failover_drill_every",
	"backup_rpo",
};

/* A level's values; backup_rpo as in force (its own, or its rpo). */
static void
level_values(const struct dh_level *l, int64_t v[LEVEL_KEYS], int lines[LEVEL_KEYS])
{
	v[0] = l->rpo_s;
	v[1] = l->rto_s;
	v[2] = l->restore_every_s;
	v[3] = l->failover_every_s;
	v[4] = dh_plan_derive_level_backup_rpo(l);
	lines[0] = l->rpo_line;
	lines[1] = l->rto_line;
	lines[2] = l->restore_every_line;
	lines[3] = l->failover_every_line;
	lines[4] = l->backup_rpo_line ? l->backup_rpo_line : l->rpo_line;
}

/* " (none given: its rpo)" when key k is a backup_rpo the level did not write. */
static const char *
implicit_backup_rpo(const struct dh_level *l, int k)
{
	return k == 4 && l->backup_rpo_line == 0 ? " (none given: its rpo)" : "";
}

static void
check_policy(const struct dh_plan *p, struct dh_problems *pr)
{
	const struct dh_policy *pol = &p->policy;

	if (pol->plan_line == 0 && pol->name == NULL)
		dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", 0, "missing section [plan]");
	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		int64_t v[LEVEL_KEYS], pv[LEVEL_KEYS];
		int lines[LEVEL_KEYS], plines[LEVEL_KEYS];

		if (pol->levels[n].line == 0) {
			dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", 0,
				"missing section [availability %d]", n);
			continue;
		}
		if (n == 0)
			continue;
		level_values(&pol->levels[n], v, lines);
		level_values(&pol->levels[n - 1], pv, plines);
		for (int k = 0; k < LEVEL_KEYS; k++) {
			char a[32], b[32];

			/* a backup_rpo that is the level's rpo: the rpo's own error */
			if (!dh_plan_derive_is_looser(v[k], pv[k]) ||
				(k == 4 && pol->levels[n].backup_rpo_line == 0 &&
					dh_plan_derive_is_looser(v[0], pv[0])))
				continue;
			dh_duration_format(v[k], a, sizeof(a));
			dh_duration_format(pv[k], b, sizeof(b));
			dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", lines[k],
				"levels out of order: [availability %d] %s%s = %s is looser "
				"than [availability %d] %s = %s",
				n, level_keys[k], implicit_backup_rpo(&pol->levels[n], k), a, n - 1,
				level_keys[k], b);
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
				"(add a [hall %s] section)",
				h->id, h->hall, h->hall);
	}
}

/* An inventory host named in a system file must exist. */
static void
need_host(const struct dh_plan *p, const struct dh_system *s, const char *host, int line,
	const char *what, struct dh_problems *pr)
{
	if (host != NULL && dh_plan_host_get(p, host) == NULL)
		dh_problems_add(pr, DH_SEV_ERROR, s->file, line,
			"%s host '%s' is not in inventory.ini", what, host);
}

static void
need_health_hosts(const struct dh_plan *p, const struct dh_system *s, const struct dh_health *h,
	size_t n, const char *what, struct dh_problems *pr)
{
	/* a tcp probe may name a DNS name or an address; an action needs an agent */
	for (size_t i = 0; i < n; i++)
		if (h[i].kind == DH_HEALTH_ACTION)
			need_host(p, s, h[i].host, h[i].line, what, pr);
}

/* SPEC "Checks": markers come both or neither; without them, or without
 * failback, the drill proves less than it seems to (warnings). */
static void
check_failover_markers(const struct dh_system *s, struct dh_problems *pr)
{
	const struct dh_failover *f = &s->failover;
	bool w = f->marker_write.line != 0, c = f->marker_check.line != 0;

	if (w != c)
		ERR(s, w ? f->marker_write.line : f->marker_check.line,
			"[failover] has %s without %s: the marker is written on one host and "
			"checked on the other, so give both or neither",
			w ? "marker_write" : "marker_check", w ? "marker_check" : "marker_write");
	else if (!w)
		WARN(s, f->line,
			"[failover] has no marker_write and marker_check: the drill cannot show "
			"data loss (its rpo is not measured)");
	if (f->nfailbacks == 0)
		WARN(s, f->line,
			"[failover] has no failback: after every drill production stays on the "
			"standby %s until someone moves it back by hand",
			f->standby ? f->standby : "host");
}

static void
check_failover(const struct dh_plan *p, const struct dh_system *s, struct dh_problems *pr)
{
	const struct dh_failover *f = &s->failover;
	const struct dh_host *a, *b;

	need_host(p, s, f->primary, f->primary_line, "[failover] primary", pr);
	need_host(p, s, f->standby, f->standby_line, "[failover] standby", pr);
	need_host(p, s, f->marker_write.host, f->marker_write.line, "marker_write", pr);
	need_host(p, s, f->marker_check.host, f->marker_check.line, "marker_check", pr);
	for (size_t i = 0; i < f->nsteps; i++)
		need_host(p, s, f->steps[i].host, f->steps[i].line, "step", pr);
	for (size_t i = 0; i < f->nfailbacks; i++)
		need_host(p, s, f->failbacks[i].host, f->failbacks[i].line, "failback", pr);
	need_health_hosts(p, s, f->health, f->nhealth, "health", pr);
	need_health_hosts(p, s, f->primary_health, f->nprimary_health, "primary_health", pr);
	check_failover_markers(s, pr);
	if (f->primary == NULL || f->standby == NULL)
		return;
	a = dh_plan_host_get(p, f->primary);
	b = dh_plan_host_get(p, f->standby);
	if (a != NULL && b != NULL && a->hall != NULL && b->hall != NULL &&
		strcmp(a->hall, b->hall) == 0)
		dh_problems_add(pr, DH_SEV_ERROR, s->file, f->standby_line,
			"primary %s and standby %s are both in hall %s: a failover "
			"drill must go from one hall to the other",
			a->id, b->id, a->hall);
}

/* A system file's [system], and the date that goes with its level. */
static void
check_system(const struct dh_system *s, struct dh_problems *pr)
{
	if (s->line == 0)
		ERR(s, 0, "missing section [system]");
	if (s->classified && s->availability < 0)
		ERR(s, s->classified_line,
			"classified on %s but no 'availability' "
			"(T-level) given",
			s->classified_text);
	if (!s->classified && s->availability >= 0)
		ERR(s, s->availability_line,
			"'availability' given without "
			"'classified' (the date of the classification that set it)");
}

/* Which [restore] keys each method needs and takes (SPEC "Plan files"). */
static const struct method_keys {
	const char *key;
	size_t line_off;              /* the key's line in struct dh_restore */
	unsigned restic, tar, action; /* 0 not taken, 1 optional, 2 required */
} method_keys[] = {
	{ "repository", offsetof(struct dh_restore, repository_line), 2, 2, 0 },
	{ "password_file", offsetof(struct dh_restore, password_file_line), 2, 0, 0 },
	{ "pattern", offsetof(struct dh_restore, pattern_line), 0, 1, 0 },
	{ "snapshot_host", offsetof(struct dh_restore, snapshot_host_line), 1, 0, 0 },
	{ "snapshot_tag", offsetof(struct dh_restore, snapshot_tag_line), 1, 0, 0 },
	{ "snapshot_path", offsetof(struct dh_restore, snapshot_path_line), 1, 0, 0 },
	{ "restore_action", offsetof(struct dh_restore, restore_action_line), 0, 0, 2 },
	{ "backup_time_action", offsetof(struct dh_restore, backup_time_action_line), 0, 0, 2 },
};

static void
check_restore_keys(const struct dh_system *s, struct dh_problems *pr)
{
	const struct dh_restore *r = &s->restore;
	const char *m = dh_plan_method_name(r->method);

	if (r->method == DH_METHOD_NONE)
		return;
	for (size_t i = 0; i < sizeof(method_keys) / sizeof(method_keys[0]); i++) {
		const struct method_keys *mk = &method_keys[i];
		unsigned need = r->method == DH_METHOD_RESTIC ? mk->restic
			: r->method == DH_METHOD_TAR          ? mk->tar
							      : mk->action;
		int line = *(const int *)(const void *)((const char *)r + mk->line_off);

		if (need == 2 && line == 0)
			ERR(s, r->line, "[restore] method %s needs '%s'", m, mk->key);
		if (need == 0 && line != 0)
			ERR(s, line, "'%s' does not apply to [restore] method %s", mk->key, m);
	}
}

static void
check_deps(const struct dh_system *s, struct dh_problems *pr)
{
	for (size_t i = 0; i < s->ndeps; i++)
		if (s->dep_idx[i] == SIZE_MAX)
			ERR(s, s->depends_line,
				"depends on '%s', which is not a "
				"system (no systems/%s.ini)",
				s->depends_on[i], s->depends_on[i]);
}

/* What one system file says, against itself and the inventory. */
static void
check_structure(const struct dh_plan *p, const struct dh_system *s, struct dh_problems *pr)
{
	check_system(s, pr);
	if (s->restore.present)
		check_restore_keys(s, pr);
	check_deps(s, pr);
	if (s->restore.present)
		need_host(p, s, s->restore.host, s->restore.host_line, "[restore]", pr);
	if (s->failover.present)
		check_failover(p, s, pr);
}

/* A declared value looser than the level's: allowed only by deviation. */
static void
check_requirements(const struct dh_policy *pol, const struct dh_system *s, struct dh_problems *pr)
{
	struct dh_plan_requirement q[DH_PLAN_REQUIREMENTS];

	dh_plan_derive_requirements(pol, s, q);
	for (size_t i = 0; i < DH_PLAN_REQUIREMENTS; i++) {
		char a[32], b[32];

		if (q[i].declared == DH_PLAN_UNSET ||
			!dh_plan_derive_is_looser(q[i].declared, q[i].policy))
			continue;
		dh_duration_format(q[i].declared, a, sizeof(a));
		dh_duration_format(q[i].policy, b, sizeof(b));
		if (s->deviation != NULL)
			WARN(s, q[i].line,
				"%s %s is looser than the %s that T-level "
				"%d requires; allowed by deviation: %s",
				q[i].key, a, b, s->level, s->deviation);
		else
			ERR(s, q[i].line,
				"%s %s is looser than the %s that T-level "
				"%d requires: tighten it, or record the decision in "
				"'deviation'",
				q[i].key, a, b, s->level);
	}
}

/* SPEC "Checks": "an effective backup_rpo of 0 on a system with
 * [restore]": no backup is ever 0 seconds old, so every test would fail. */
static void
check_backup_rpo(const struct dh_policy *pol, const struct dh_system *s, struct dh_problems *pr)
{
	if (!s->restore.present || s->eff_backup_rpo_s != 0)
		return;
	if (s->backup_rpo_source == DH_SRC_DECLARED)
		ERR(s, s->backup_rpo_line,
			"backup_rpo 0 on a system with [restore]: no backup is ever 0 seconds "
			"old, so every restore test would fail; give the age of backup the "
			"business accepts");
	else
		ERR(s, s->restore.line,
			"the backup_rpo in force is 0 (policy.ini [availability %d] %s): no "
			"backup is ever 0 seconds old, so every restore test would fail; set "
			"backup_rpo there or in [system]",
			s->level,
			pol->levels[s->level].backup_rpo_line == 0
				? "has no backup_rpo, so its rpo = 0 applies"
				: "backup_rpo = 0");
}

static void
check_classification(const struct dh_system *s, time_t now, struct dh_problems *pr)
{
	struct tm tm;
	time_t stale;
	char today[DH_RFC3339_LEN];

	if (!s->classified) {
		WARN(s, s->line,
			"unclassified: requirements set by IT, not by the "
			"business (T-level %d from policy unclassified_level)",
			s->level);
		return;
	}
	dh_time_format(now, today, sizeof(today));
	today[10] = '\0';
	gmtime_r(&s->classified_at, &tm);
	tm.tm_year += 3;
	stale = timegm(&tm);
	if (now > stale)
		WARN(s, s->classified_line,
			"classified on %s, more than 3 years "
			"before %s: the classification is due for review",
			s->classified_text, today);
	else if (s->classified_at > now)
		WARN(s, s->classified_line, "classified on %s, which is after %s",
			s->classified_text, today);
}

static void
check_coverage(const struct dh_policy *pol, const struct dh_system *s, struct dh_problems *pr)
{
	char a[32], b[32];

	if (s->supplier_rto_s != DH_PLAN_UNSET && s->eff_rto_s != DH_PLAN_UNSET &&
		s->supplier_rto_s > s->eff_rto_s) {
		dh_duration_format(s->supplier_rto_s, a, sizeof(a));
		dh_duration_format(s->eff_rto_s, b, sizeof(b));
		WARN(s, s->supplier_rto_line,
			"the supplier's contracted restore "
			"time %s is longer than the rto %s",
			a, b);
	}
	if (pol->failover_required_from >= 0 && s->level >= pol->failover_required_from &&
		!s->failover.present)
		WARN(s, s->availability_line ? s->availability_line : s->line,
			"T-level %d calls for a failover drill (policy "
			"failover_required_from = %d) but there is no [failover]",
			s->level, pol->failover_required_from);
	if (!s->restore.present)
		WARN(s, 0, "no [restore]: restores of this system are never tested");
}

/* "procapita must be back in 2h but depends on sql-kluster, whose rto is 24h" */
static void
check_dependency_rto(const struct dh_plan *p, const struct dh_system *s, struct dh_problems *pr)
{
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dh_system *d;
		char a[32], b[32];

		if (s->dep_idx[i] == SIZE_MAX)
			continue;
		d = &p->systems[s->dep_idx[i]];
		if (d->eff_rto_s == DH_PLAN_UNSET || s->eff_rto_s == DH_PLAN_UNSET ||
			d->eff_rto_s <= s->eff_rto_s)
			continue;
		dh_duration_format(s->eff_rto_s, a, sizeof(a));
		dh_duration_format(d->eff_rto_s, b, sizeof(b));
		WARN(s, s->depends_line,
			"%s must be back in %s but depends on %s, "
			"whose rto is %s",
			s->id, a, d->id, b);
	}
}

struct cycle_ctx {
	const struct dh_plan *plan;
	struct dh_problems *pr;
};

/* Two repository strings name one repository when equal but for trailing
 * slashes ("/srv/restic/" and "/srv/restic"). */
static bool
same_repository(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	while (na > 1 && a[na - 1] == '/')
		na--;
	while (nb > 1 && b[nb - 1] == '/')
		nb--;
	return na == nb && memcmp(a, b, na) == 0;
}

static bool
same_filter(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
restic_with_repo(const struct dh_system *s)
{
	return s->restore.present && s->restore.method == DH_METHOD_RESTIC &&
		s->restore.repository != NULL;
}

/* SPEC "Checks": two systems restoring from one restic repository with no
 * snapshot filter telling them apart would each take the other's newest
 * snapshot; warned at the later system's [restore]. */
static void
check_shared_repository(const struct dh_plan *p, size_t i, struct dh_problems *pr)
{
	const struct dh_system *s = &p->systems[i];
	const struct dh_restore *r = &s->restore;

	if (!restic_with_repo(s))
		return;
	for (size_t j = 0; j < i; j++) {
		const struct dh_system *o = &p->systems[j];
		const struct dh_restore *q = &o->restore;

		if (!restic_with_repo(o) || !same_repository(r->repository, q->repository) ||
			!same_filter(r->snapshot_host, q->snapshot_host) ||
			!same_filter(r->snapshot_tag, q->snapshot_tag) ||
			!same_filter(r->snapshot_path, q->snapshot_path))
			continue;
		WARN(s, r->line,
			"systems %s and %s restore from one restic repository %s without a "
			"snapshot filter telling them apart (snapshot_host, snapshot_tag, "
			"snapshot_path): each would test the other's newest snapshot",
			o->id, s->id, r->repository);
		return;
	}
}

/* order.c found a cycle: "a -> b -> a", at the first system's depends_on. */
static void
report_cycle(void *arg, const size_t *cycle, size_t n)
{
	const struct cycle_ctx *c = arg;
	const struct dh_system *first = &c->plan->systems[cycle[0]];
	struct dh_problems *pr = c->pr;
	struct dh_buf b;

	dh_buf_init(&b);
	for (size_t i = 0; i <= n; i++)
		dh_buf_printf(&b, "%s%s", i ? " -> " : "", c->plan->systems[cycle[i % n]].id);
	ERR(first, first->depends_line, "dependency cycle: %s", b.data);
	dh_buf_fini(&b);
}

void
dh_plan_check(struct dh_plan *plan, time_t now, struct dh_problems *pr)
{
	struct cycle_ctx cycles = { plan, pr };

	dh_plan_derive(plan);
	check_policy(plan, pr);
	check_inventory(plan, pr);
	for (size_t i = 0; i < plan->nsystems; i++)
		check_structure(plan, &plan->systems[i], pr);
	for (size_t i = 0; i < plan->nsystems; i++) {
		const struct dh_system *s = &plan->systems[i];

		check_requirements(&plan->policy, s, pr);
		check_backup_rpo(&plan->policy, s, pr);
		check_classification(s, now, pr);
		check_coverage(&plan->policy, s, pr);
	}
	for (size_t i = 0; i < plan->nsystems; i++) {
		check_dependency_rto(plan, &plan->systems[i], pr);
		check_shared_repository(plan, i, pr);
	}
	dh_plan_order(plan, report_cycle, &cycles);
}
