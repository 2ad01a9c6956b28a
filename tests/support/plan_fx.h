/*
 * Shared fixture for the derivation and order tests (test_plan_derive.c,
 * test_plan_order.c): a policy with the five levels, an inventory with
 * one host, and systems given as (id, text) loaded from memory and
 * checked as of 2026-11-27. Inline functions, so a test may use any of
 * them.
 */
#ifndef DH_TEST_PLAN_FX_H
#define DH_TEST_PLAN_FX_H

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "policy_fx.h"

static const char plan_fx_policy[] = "[plan]\nname = K\nowner = IT\nunclassified_level = 2\n"
				     "failover_required_from = 3\n" FX_POLICY_LEVELS;
static const char plan_fx_inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /k\nknown_hosts = /h\n"
	"[hall A]\n[host a1]\nhall = A\naddress = 127.0.0.2\nuser = drillhall\n";

struct plan_fx_sys {
	const char *id, *text;
};

/* Load policy, inventory and systems (at most 14) from memory. */
static inline struct dh_plan *
plan_fx_read(const struct plan_fx_sys *sys, size_t n, struct dh_problems *pr)
{
	struct dh_plan_file f[16];
	char *paths[16];
	struct dh_plan *p;

	f[0] = (struct dh_plan_file){ "policy.ini", plan_fx_policy, strlen(plan_fx_policy) };
	f[1] = (struct dh_plan_file){ "inventory.ini", plan_fx_inventory,
		strlen(plan_fx_inventory) };
	for (size_t i = 0; i < n; i++) {
		paths[i] = dh_xasprintf("systems/%s.ini", sys[i].id);
		f[i + 2] = (struct dh_plan_file){ paths[i], sys[i].text, strlen(sys[i].text) };
	}
	dh_problems_init(pr);
	dh_plan_load_files(&p, f, n + 2, pr);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return p;
}

/* plan_fx_read, then check as of 2026-11-27. */
static inline struct dh_plan *
plan_fx_load(const struct plan_fx_sys *sys, size_t n, struct dh_problems *pr)
{
	struct dh_plan *p = plan_fx_read(sys, n, pr);

	dh_plan_check(p, 1795780800, pr);
	return p;
}

/* "id id id" in recovery order. */
static inline char *
plan_fx_order(const struct dh_plan *p)
{
	struct dh_buf b;

	dh_buf_init(&b);
	for (size_t i = 0; i < p->nsystems; i++)
		dh_buf_printf(&b, "%s%s", i ? " " : "", p->systems[p->order[i]].id);
	return dh_buf_take(&b);
}

#define SYS(t, extra)                                                                              \
	"[system]\nname = N\nboard = B\nclassified = 2025-01-01\n"                                 \
	"availability = " #t "\n" extra "[restore]\nhost = a1\nmethod = tar\n"                     \
	"repository = /srv/backup/x\n"

#endif
