/*
 * The plan model's accessors (plan.h): lookups by id, names of enum
 * values, and freeing. Kept apart from the loader so that code which only
 * reads a plan (scheduler, transport, reports) has one small file to read.
 */
#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>


static int
cmp_system(const void *a, const void *b)
{
	return strcmp(((const struct dh_system *)a)->id,
		((const struct dh_system *)b)->id);
}

static int
cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct dh_host *)a)->id,
		((const struct dh_host *)b)->id);
}

struct dh_system *
dh_plan_system_get(const struct dh_plan *plan, const char *id)
{
	struct dh_system key = { .id = (char *)id };

	if (plan->nsystems == 0)
		return NULL;
	return bsearch(&key, plan->systems, plan->nsystems,
		sizeof(*plan->systems), cmp_system);
}

struct dh_host *
dh_plan_host_get(const struct dh_plan *plan, const char *id)
{
	struct dh_host key = { .id = (char *)id };

	if (plan->inv.nhosts == 0)
		return NULL;
	return bsearch(&key, plan->inv.hosts, plan->inv.nhosts,
		sizeof(*plan->inv.hosts), cmp_host);
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
	for (size_t i = 0; i < f->nhealth; i++) {
		free(f->health[i].host);
		free(f->health[i].url);
		free(f->health[i].action);
	}
	free(f->health);
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
