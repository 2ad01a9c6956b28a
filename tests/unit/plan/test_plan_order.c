/*
 * Derivation and recovery order: effective level, rpo/rto and their
 * sources, intervals, default timeouts, urgency propagated from
 * dependents (transitively), and the order's tie-breaks: (urgency, rto,
 * descending T-level, id). Includes a plan whose order urgency changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "plan/check.h"
#include "plan/plan.h"

static const char policy[] =
	"[plan]\nname = K\nowner = IT\nunclassified_level = 2\n"
	"failover_required_from = 3\n"
	"[availability 0]\nrpo=7d\nrto=14d\nrestore_test_every=365d\nfailover_drill_every=never\n"
	"[availability 1]\nrpo=24h\nrto=72h\nrestore_test_every=180d\nfailover_drill_every=never\n"
	"[availability 2]\nrpo=4h\nrto=24h\nrestore_test_every=90d\nfailover_drill_every=365d\n"
	"[availability 3]\nrpo=1h\nrto=4h\nrestore_test_every=30d\nfailover_drill_every=180d\n"
	"[availability 4]\nrpo=0\nrto=1h\nrestore_test_every=7d\nfailover_drill_every=90d\n";
static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /k\nknown_hosts = /h\n"
	"[hall A]\n[host a1]\nhall = A\naddress = 127.0.0.2\nuser = drillhall\n";

struct sys { const char *id, *text; };

/* Load policy, inventory and systems; check as of 2026-11-27. */
static struct dh_plan *
load(const struct sys *sys, size_t n, struct dh_problems *pr)
{
	struct dh_plan_file f[16];
	char *paths[16];
	struct dh_plan *p;

	f[0] = (struct dh_plan_file){ "policy.ini", policy, strlen(policy) };
	f[1] = (struct dh_plan_file){ "inventory.ini", inventory, strlen(inventory) };
	for (size_t i = 0; i < n; i++) {
		paths[i] = dh_xasprintf("systems/%s.ini", sys[i].id);
		f[i + 2] = (struct dh_plan_file){ paths[i], sys[i].text,
			strlen(sys[i].text) };
	}
	dh_problems_init(pr);
	dh_plan_load_files(&p, f, n + 2, pr);
	dh_plan_check(p, 1795780800, pr);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return p;
}

/* "id id id" in recovery order. */
static char *
order(const struct dh_plan *p)
{
	struct dh_buf b;

	dh_buf_init(&b);
	for (size_t i = 0; i < p->nsystems; i++)
		dh_buf_printf(&b, "%s%s", i ? " " : "", p->systems[p->order[i]].id);
	return dh_buf_take(&b);
}

#define SYS(t, extra) "[system]\nname = N\nboard = B\nclassified = 2025-01-01\n" \
	"availability = " #t "\n" extra "[restore]\nhost = a1\nmethod = tar\n" \
	"repository = /srv/backup/x\n"

static void
test_urgency_changes_order(void **state)
{
	const struct sys s[] = {
		{ "alarm", SYS(4, "depends_on = phone\n") },
		{ "phone", SYS(2, "") },
		{ "cases", SYS(3, "") },
		{ "web", SYS(2, "") },
	};
	struct dh_problems pr;
	struct dh_plan *p = load(s, 4, &pr);
	char *o;

	assert_true(p->ordered);
	assert_int_equal(dh_plan_system_get(p, "phone")->eff_rto_s, 86400);
	assert_int_equal(dh_plan_system_get(p, "phone")->urgency_s, 3600);
	assert_int_equal(dh_plan_system_get(p, "cases")->urgency_s, 4 * 3600);
	o = order(p);
	/* By rto alone cases (4h) would come before phone (24h). */
	assert_string_equal(o, "phone alarm cases web");
	assert_int_equal(dh_plan_system_get(p, "phone")->order, 1);
	free(o);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_transitive_urgency_and_ties(void **state)
{
	const struct sys s[] = {
		{ "top", SYS(4, "depends_on = mid\n") },
		{ "mid", SYS(1, "depends_on = base\n") },
		{ "base", SYS(0, "") },
		{ "t1", SYS(1, "rto = 24h\n") },   /* same rto as t2: T2 first */
		{ "t2", SYS(2, "") },
		{ "t2b", SYS(2, "") },             /* same as t2: by id */
	};
	struct dh_problems pr;
	struct dh_plan *p = load(s, 6, &pr);
	char *o;

	assert_int_equal(dh_plan_system_get(p, "base")->urgency_s, 3600);
	assert_int_equal(dh_plan_system_get(p, "base")->eff_rto_s, 14 * 86400);
	o = order(p);
	assert_string_equal(o, "base mid top t2 t2b t1");
	free(o);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_derivation_sources(void **state)
{
	const struct sys s[] = {
		{ "tight", SYS(2, "rpo = 1h\nfailover_drill_every = 30d\n") },
		{ "loose", SYS(1, "rto = 7d\ndeviation = KS 2025-41\n") },
		{ "nodev", SYS(1, "rto = 7d\n") },
		{ "legacy", "[system]\nname = L\nboard = B\n[restore]\nhost = a1\n"
			"method = tar\nrepository = /srv/backup/l\n" },
	};
	struct dh_problems pr;
	struct dh_plan *p = load(s, 4, &pr);
	struct dh_system *t = dh_plan_system_get(p, "tight");
	struct dh_system *l = dh_plan_system_get(p, "loose");
	struct dh_system *n = dh_plan_system_get(p, "nodev");
	struct dh_system *g = dh_plan_system_get(p, "legacy");

	assert_int_equal(t->eff_rpo_s, 3600);
	assert_int_equal(t->rpo_source, DH_SRC_DECLARED);
	assert_int_equal(t->eff_rto_s, 86400);
	assert_int_equal(t->rto_source, DH_SRC_POLICY);
	assert_int_equal(t->eff_restore_every_s, 90 * 86400);
	assert_int_equal(t->eff_failover_every_s, 30 * 86400);
	assert_int_equal(t->failover_every_source, DH_SRC_DECLARED);
	assert_int_equal(t->restore.timeout_s, 2 * 86400); /* 2 x rto */
	assert_int_equal(l->eff_rto_s, 7 * 86400);         /* deviation applies */
	assert_int_equal(l->rto_source, DH_SRC_DECLARED);
	assert_int_equal(n->eff_rto_s, 72 * 3600);          /* error: policy kept */
	assert_int_equal(n->rto_source, DH_SRC_POLICY);
	assert_true(g->set_by_it);
	assert_int_equal(g->level, 2);
	assert_int_equal(g->eff_rto_s, 86400);
	assert_false(t->set_by_it);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 1);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_cycle_leaves_unordered(void **state)
{
	const struct sys s[] = {
		{ "a", SYS(1, "depends_on = b\n") },
		{ "b", SYS(1, "depends_on = a\n") },
		{ "c", SYS(1, "depends_on = c\n") },
	};
	struct dh_problems pr;
	struct dh_plan *p = load(s, 3, &pr);

	assert_false(p->ordered);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 2);
	dh_problems_sort(&pr);
	assert_string_equal(pr.v[0].message, "dependency cycle: a -> b -> a");
	assert_string_equal(pr.v[1].message, "dependency cycle: c -> c");
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urgency_changes_order),
		cmocka_unit_test(test_transitive_urgency_and_ties),
		cmocka_unit_test(test_derivation_sources),
		cmocka_unit_test(test_cycle_leaves_unordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
