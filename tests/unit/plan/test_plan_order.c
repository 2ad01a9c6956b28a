/*
 * Recovery order (order.c): urgency propagated from dependents
 * (transitively), the order's tie-breaks: (urgency, rto, descending
 * T-level, id), a plan whose order urgency changes, and cycles: each
 * handed over once, starting at its smallest id, reported by the check.
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
#include "plan/order.h"
#include "plan_fx.h"

static void
test_urgency_changes_order(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "alarm", SYS(4, "depends_on = phone\n") },
		{ "phone", SYS(2, "") },
		{ "cases", SYS(3, "") },
		{ "web", SYS(2, "") },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_load(s, 4, &pr);
	char *o;

	assert_true(p->ordered);
	assert_int_equal(dh_plan_system_get(p, "phone")->eff_rto_s, 86400);
	assert_int_equal(dh_plan_system_get(p, "phone")->urgency_s, 3600);
	assert_int_equal(dh_plan_system_get(p, "cases")->urgency_s, 4 * 3600);
	o = plan_fx_order(p);
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
	const struct plan_fx_sys s[] = {
		{ "top", SYS(4, "depends_on = mid\n") }, { "mid", SYS(1, "depends_on = base\n") },
		{ "base", SYS(0, "") },
		{ "t1", SYS(1, "rto = 24h\n") },             /* same rto as t2: T2 first */
		{ "t2", SYS(2, "") }, { "t2b", SYS(2, "") }, /* same as t2: by id */
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_load(s, 6, &pr);
	char *o;

	assert_int_equal(dh_plan_system_get(p, "base")->urgency_s, 3600);
	assert_int_equal(dh_plan_system_get(p, "base")->eff_rto_s, 14 * 86400);
	o = plan_fx_order(p);
	assert_string_equal(o, "base mid top t2 t2b t1");
	free(o);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_cycle_leaves_unordered(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "a", SYS(1, "depends_on = b\n") },
		{ "b", SYS(1, "depends_on = a\n") },
		{ "c", SYS(1, "depends_on = c\n") },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_load(s, 3, &pr);

	assert_false(p->ordered);
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 2);
	dh_problems_sort(&pr);
	assert_string_equal(pr.v[0].message, "dependency cycle: a -> b -> a");
	assert_string_equal(pr.v[1].message, "dependency cycle: c -> c");
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

struct cycles {
	char got[4][64];
	size_t n;
	const struct dh_plan *p;
};

static void
on_cycle(void *ctx, const size_t *cycle, size_t n)
{
	struct cycles *c = ctx;
	struct dh_buf b;

	dh_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		dh_buf_printf(&b, "%s%s", i ? " " : "", c->p->systems[cycle[i]].id);
	assert_true(c->n < 4);
	snprintf(c->got[c->n++], sizeof(c->got[0]), "%s", b.data);
	dh_buf_fini(&b);
}

static void
test_order_hands_cycles_over(void **state)
{
	const struct plan_fx_sys s[] = {
		{ "z", SYS(1, "depends_on = m\n") },
		{ "m", SYS(1, "depends_on = x\n") },
		{ "x", SYS(1, "depends_on = z\n") },
		{ "after", SYS(1, "depends_on = x\n") },
		{ "free", SYS(1, "") },
	};
	struct dh_problems pr;
	struct dh_plan *p = plan_fx_read(s, 5, &pr);
	struct cycles c = { .n = 0, .p = p };

	dh_plan_check(p, 1795780800, &pr);
	dh_plan_order(p, on_cycle, &c);
	assert_false(p->ordered);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.got[0], "m x z"); /* from the smallest id on */
	assert_int_equal(dh_plan_system_get(p, "free")->order, 0);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urgency_changes_order),
		cmocka_unit_test(test_transitive_urgency_and_ties),
		cmocka_unit_test(test_cycle_leaves_unordered),
		cmocka_unit_test(test_order_hands_cycles_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
