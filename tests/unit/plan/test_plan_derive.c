/*
 * Derivation (derive.c): effective level, rpo/rto and intervals with
 * their sources, a looser value kept only with a deviation, default
 * timeouts; derivation itself reports nothing (the check does), and the
 * looser-than order of durations and never.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "plan/derive.h"
#include "plan_fx.h"

static void
test_derivation_sources(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "tight", SYS(2, "rpo = 1h\nfailover_drill_every = 30d\n") },
		{ "loose", SYS(1, "rto = 7d\ndeviation = KS 2025-41\n") },
		{ "nodev", SYS(1, "rto = 7d\n") },
		{ "legacy",
			"[system]\nname = L\nboard = B\n[restore]\nhost = a1\n"
			"method = tar\nrepository = /srv/backup/l\n" },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_load(s, 4, &pr);
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
	assert_int_equal(n->eff_rto_s, 72 * 3600); /* error: policy kept */
	assert_int_equal(n->rto_source, DH_SRC_POLICY);
	assert_true(g->set_by_it);
	assert_int_equal(g->level, 2);
	assert_int_equal(g->eff_rto_s, 86400);
	assert_false(t->set_by_it);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 1);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

/* Derivation alone sets the same values and reports nothing. */
static void
test_derive_is_silent(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "nodev", SYS(1, "rto = 7d\ndepends_on = ghost\n") },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_read(s, 1, &pr);
	struct dh_system *n = dh_plan_system_get(p, "nodev");
	size_t before = pr.n;

	dh_plan_derive(p);
	assert_int_equal(pr.n, before);
	assert_int_equal(n->level, 1);
	assert_int_equal(n->eff_rto_s, 72 * 3600);
	assert_int_equal(n->rto_source, DH_SRC_POLICY);
	assert_int_equal(n->dep_idx[0], SIZE_MAX);
	assert_int_equal(n->failover.timeout_s, 2 * 72 * 3600);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

/* SPEC "How requirements are derived": a level without backup_rpo uses its
 * rpo; a system's own backup_rpo tightens it, a looser one needs a deviation. */
static void
test_backup_rpo(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "plain", SYS(2, "") },
		{ "tight", SYS(2, "backup_rpo = 30m\n") },
		{ "loose", SYS(2, "backup_rpo = 8h\n") },
		{ "dev", SYS(2, "backup_rpo = 8h\ndeviation = KS 2026-7\n") },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_load(s, 4, &pr);
	struct dh_level l = { .rpo_s = 0, .backup_rpo_s = DH_PLAN_UNSET };

	assert_int_equal(dh_plan_system_get(p, "plain")->eff_backup_rpo_s, 4 * 3600);
	assert_int_equal(dh_plan_system_get(p, "plain")->backup_rpo_source, DH_SRC_POLICY);
	assert_int_equal(dh_plan_system_get(p, "tight")->eff_backup_rpo_s, 1800);
	assert_int_equal(dh_plan_system_get(p, "tight")->backup_rpo_source, DH_SRC_DECLARED);
	assert_int_equal(dh_plan_system_get(p, "tight")->eff_rpo_s, 4 * 3600); /* untouched */
	assert_int_equal(dh_plan_system_get(p, "loose")->eff_backup_rpo_s, 4 * 3600);
	assert_int_equal(dh_plan_system_get(p, "dev")->eff_backup_rpo_s, 8 * 3600);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 1); /* loose */
	assert_int_equal(dh_plan_derive_level_backup_rpo(&l), 0);
	l.backup_rpo_s = 3600;
	assert_int_equal(dh_plan_derive_level_backup_rpo(&l), 3600);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_looser(void **state)
{
	assert_true(dh_plan_derive_is_looser(7200, 3600));
	assert_false(dh_plan_derive_is_looser(3600, 3600));
	assert_false(dh_plan_derive_is_looser(0, 3600));
	assert_true(dh_plan_derive_is_looser(DH_DURATION_NEVER, 3600));
	assert_false(dh_plan_derive_is_looser(DH_DURATION_NEVER, DH_DURATION_NEVER));
	assert_false(dh_plan_derive_is_looser(3600, DH_DURATION_NEVER));
	assert_false(dh_plan_derive_is_looser(DH_PLAN_UNSET, 3600));
	assert_false(dh_plan_derive_is_looser(3600, DH_PLAN_UNSET));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derivation_sources),
		cmocka_unit_test(test_derive_is_silent),
		cmocka_unit_test(test_backup_rpo),
		cmocka_unit_test(test_looser),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
