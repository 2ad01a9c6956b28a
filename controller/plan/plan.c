/*
 * The plan model's life (plan.h): loading a plans directory or files in
 * memory, lookups by id, names of enum values, and freeing. Loading is a
 * one-way walk down: files.c reads the directory, this file decides which
 * file is which (and reports a missing policy.ini or inventory.ini, a
 * file that is not a plan file, a system file name that is not an id),
 * load.c reads each file through its key tables, revision.c hashes them.
 * Nothing here checks relations between keys or files: that is check.c,
 * run by the caller through dh_plan_check().
 */
#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "plan/load.h"
#include "plan/value.h"

static int
cmp_system(const void *a, const void *b)
{
	return strcmp(((const struct dh_system *)a)->id, ((const struct dh_system *)b)->id);
}

static int
cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct dh_host *)a)->id, ((const struct dh_host *)b)->id);
}

static int
cmp_file(const void *a, const void *b)
{
	const struct dh_plan_file *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static void
init_plan(struct dh_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->policy.unclassified_level = -1;
	p->policy.failover_required_from = -1;
	for (int i = 0; i < DH_PLAN_LEVELS; i++) {
		struct dh_level *l = &p->policy.levels[i];

		l->rpo_s = l->rto_s = l->backup_rpo_s = DH_PLAN_UNSET;
		l->restore_every_s = l->failover_every_s = DH_PLAN_UNSET;
	}
}

static bool
is_system_path(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "systems/", 8) == 0 && n > 12 && strchr(path + 8, '/') == NULL &&
		strcmp(path + n - 4, ".ini") == 0;
}

/* systems/ID.ini: a new system, when ID is a valid id. */
static void
read_system(struct dh_plan *p, const struct dh_plan_file *f, struct dh_problems *pr)
{
	const char *base = f->path + strlen("systems/");
	char *id = dh_xstrndup(base, strlen(base) - strlen(".ini"));

	if (!dh_plan_value_is_id(id)) {
		dh_problems_add(pr, DH_SEV_ERROR, f->path, 0,
			"'%s' is not a "
			"valid system id: a file name must be [a-z0-9][a-z0-9-]*.ini, "
			"the id at most %d characters",
			id, DH_PLAN_ID_MAX);
		free(id);
		return;
	}
	p->systems = dh_xrealloc(p->systems, (p->nsystems + 1) * sizeof(*p->systems));
	dh_plan_load_system(p, &p->systems[p->nsystems++], id, f, pr);
	free(id);
}

static void
read_all(struct dh_plan *p, const struct dh_plan_file **sorted, size_t n, struct dh_problems *pr)
{
	bool have_policy = false, have_inventory = false;

	for (size_t i = 0; i < n; i++) {
		const struct dh_plan_file *f = sorted[i];

		if (strcmp(f->path, "policy.ini") == 0 && !have_policy) {
			have_policy = true;
			dh_plan_load_policy(p, f, pr);
		} else if (strcmp(f->path, "inventory.ini") == 0 && !have_inventory) {
			have_inventory = true;
			dh_plan_load_inventory(p, f, pr);
		} else if (is_system_path(f->path)) {
			read_system(p, f, pr);
		} else {
			dh_problems_add(pr, DH_SEV_WARNING, f->path, 0,
				"ignored: not policy.ini, inventory.ini or systems/ID.ini");
		}
	}
	if (!have_policy)
		dh_problems_add(pr, DH_SEV_ERROR, "policy.ini", 0, "missing file");
	if (!have_inventory)
		dh_problems_add(pr, DH_SEV_ERROR, "inventory.ini", 0, "missing file");
}

void
dh_plan_load_files(struct dh_plan **out, const struct dh_plan_file *files, size_t nfiles,
	struct dh_problems *pr)
{
	struct dh_plan *p = dh_xmalloc(sizeof(*p));
	const struct dh_plan_file **sorted = dh_xcalloc(nfiles, sizeof(*sorted));

	init_plan(p);
	for (size_t i = 0; i < nfiles; i++)
		sorted[i] = &files[i];
	qsort(sorted, nfiles, sizeof(*sorted), cmp_file);
	dh_plan_revision(p->revision, sorted, nfiles);
	read_all(p, sorted, nfiles, pr);
	/* qsort() must not see NULL, even with nothing to sort. */
	if (p->nsystems > 0)
		qsort(p->systems, p->nsystems, sizeof(*p->systems), cmp_system);
	if (p->inv.nhosts > 0)
		qsort(p->inv.hosts, p->inv.nhosts, sizeof(*p->inv.hosts), cmp_host);
	free(sorted);
	*out = p;
}

int
dh_plan_load(struct dh_plan **out, const char *dir, struct dh_problems *pr, struct dh_err *err)
{
	struct dh_plan_files fs;
	int r;

	*out = NULL;
	dh_plan_files_init(&fs);
	if ((r = dh_plan_files_read(&fs, dir, pr, err)) < 0)
		goto out;
	dh_plan_load_files(out, fs.v, fs.n, pr);
	(*out)->dir = dh_xstrdup(dir);
out:
	dh_plan_files_fini(&fs);
	return r;
}

struct dh_system *
dh_plan_system_get(const struct dh_plan *plan, const char *id)
{
	struct dh_system key = { .id = (char *)id };

	if (plan->nsystems == 0)
		return NULL;
	return bsearch(&key, plan->systems, plan->nsystems, sizeof(*plan->systems), cmp_system);
}

struct dh_host *
dh_plan_host_get(const struct dh_plan *plan, const char *id)
{
	struct dh_host key = { .id = (char *)id };

	if (plan->inv.nhosts == 0)
		return NULL;
	return bsearch(&key, plan->inv.hosts, plan->inv.nhosts, sizeof(*plan->inv.hosts), cmp_host);
}

struct dh_hall *
dh_plan_hall_get(const struct dh_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->inv.nhalls; i++)
		if (strcmp(plan->inv.halls[i].id, id) == 0)
			return &plan->inv.halls[i];
	return NULL;
}

const char *
dh_plan_method_name(enum dh_restore_method m)
{
	return dh_restore_method_name(m);
}

const char *
dh_plan_source_name(enum dh_plan_source s)
{
	return s == DH_SRC_DECLARED ? "declared" : "policy";
}

static void
free_actions(struct dh_action_ref *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].host);
		free(a[i].action);
	}
}

static void
free_health(struct dh_health *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].host);
		free(h[i].url);
		free(h[i].action);
	}
	free(h);
}

static void
free_system(struct dh_system *s)
{
	struct dh_restore *r = &s->restore;
	struct dh_failover *f = &s->failover;

	free(s->id);
	free(s->file);
	free(s->name);
	free(s->board);
	free(s->object);
	free(s->system_owner);
	free(s->contact);
	free(s->supplier);
	free(s->reserve_routine);
	free(s->deviation);
	for (size_t i = 0; i < s->ndeps; i++)
		free(s->depends_on[i]);
	free(s->depends_on);
	free(s->dep_idx);
	free(r->host);
	free(r->repository);
	free(r->password_file);
	free(r->pattern);
	free(r->snapshot_host);
	free(r->snapshot_tag);
	free(r->snapshot_path);
	free(r->restore_action);
	free(r->backup_time_action);
	for (size_t i = 0; i < r->nverify; i++)
		free(r->verify[i].arg);
	free(r->verify);
	free(f->primary);
	free(f->standby);
	free_actions(&f->marker_write, 1);
	free_actions(&f->marker_check, 1);
	free_actions(f->steps, f->nsteps);
	free(f->steps);
	free_actions(f->failbacks, f->nfailbacks);
	free(f->failbacks);
	free_health(f->health, f->nhealth);
	free_health(f->primary_health, f->nprimary_health);
}

static void
free_inventory(struct dh_inventory *inv)
{
	free(inv->url);
	free(inv->ssh_key);
	free(inv->known_hosts);
	for (size_t i = 0; i < inv->nhalls; i++) {
		free(inv->halls[i].id);
		free(inv->halls[i].name);
	}
	free(inv->halls);
	for (size_t i = 0; i < inv->nhosts; i++) {
		struct dh_host *h = &inv->hosts[i];

		free(h->id);
		free(h->hall);
		free(h->address);
		free(h->user);
		free(h->agent);
		free(h->agent_config);
	}
	free(inv->hosts);
}

void
dh_plan_free(struct dh_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->dir);
	free(plan->policy.name);
	free(plan->policy.owner);
	free(plan->policy.timezone);
	free_inventory(&plan->inv);
	for (size_t i = 0; i < plan->nsystems; i++)
		free_system(&plan->systems[i]);
	free(plan->systems);
	free(plan->order);
	free(plan);
}
