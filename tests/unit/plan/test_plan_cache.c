/*
 * The plan cache of serve's handlers (plan/cache.h) on a real plans
 * directory: a second get is the same plan; a changed, added or removed
 * system file, or the age limit, loads again; a plan held when a newer
 * one came stays usable until released (ASan checks nothing leaks or is
 * used after it is freed); a plan that has check errors says so; an
 * unreadable directory is an error with nothing to release.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_fx.h"
#include "plan/cache.h"
#include "policy_fx.h"
#include "sh_fx.h"
#include "tmpl.h"

#define T0 1796083200 /* 2026-12-01T00:00:00Z */

static const char policy[] = "[plan]\nname = K\nowner = IT\nunclassified_level = 2\n"
			     "failover_required_from = 3\n" FX_POLICY_LEVELS;
static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /k\nknown_hosts = /h\n"
	"[hall A]\n[host a1]\nhall = A\naddress = 127.0.0.2\nuser = drillhall\n";

static const char *
sys_text(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		"[system]\nname = %s\nboard = B\nclassified = 2026-01-01\navailability = 2\n"
		"[restore]\nhost = a1\nmethod = tar\nrepository = /srv/x\n",
		name);
	return buf;
}

static int
setup(void **state)
{
	char *dir = dh_xstrdup(DH_TMPL("/tmp/dh-plan-cache-"));

	assert_non_null(mkdtemp(dir));
	fx_put(dir, "policy.ini", policy);
	fx_put(dir, "inventory.ini", inventory);
	assert_int_equal(fx_sh("mkdir '%s/systems'", dir), 0);
	fx_put(dir, "systems/a.ini", sys_text("A"));
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	fx_rm_rf(*state);
	free(*state);
	return 0;
}

static void
test_reuse_and_reload(void **state)
{
	const char *dir = *state;
	struct dh_plan_cache *c = dh_plan_cache_new(dir, 3600);
	const struct dh_plan *p1, *p2, *p3, *p4;
	bool errors = true;

	assert_int_equal(dh_plan_cache_get(c, T0, &p1, &errors, NULL), 0);
	assert_false(errors);
	assert_int_equal(p1->nsystems, 1);
	assert_int_equal(dh_plan_cache_get(c, T0 + 10, &p2, &errors, NULL), 0);
	assert_ptr_equal(p1, p2); /* nothing changed */
	dh_plan_cache_release(c, p2);
	/* a system added while p1 is held: a new plan; p1 still readable */
	fx_put(dir, "systems/b.ini", sys_text("B"));
	assert_int_equal(dh_plan_cache_get(c, T0 + 20, &p3, &errors, NULL), 0);
	assert_ptr_not_equal(p1, p3);
	assert_int_equal(p3->nsystems, 2);
	assert_string_equal(p1->systems[0].name, "A");
	dh_plan_cache_release(c, p1);
	dh_plan_cache_release(c, p3);
	/* past the age limit: loaded again though no file changed */
	assert_int_equal(dh_plan_cache_get(c, T0 + 20 + 3600, &p4, &errors, NULL), 0);
	assert_int_equal(p4->nsystems, 2);
	dh_plan_cache_release(c, p4);
	/* a file removed and one with an error */
	assert_int_equal(fx_sh("rm '%s/systems/b.ini'", dir), 0);
	fx_put(dir, "systems/a.ini", "[system]\nname = A\n");
	assert_int_equal(dh_plan_cache_get(c, T0 + 3700, &p1, &errors, NULL), 0);
	assert_true(errors);
	assert_int_equal(p1->nsystems, 1);
	dh_plan_cache_release(c, p1);
	dh_plan_cache_free(c);
}

static void
test_unreadable(void **state)
{
	char *missing = dh_xasprintf("%s/none", (const char *)*state);
	struct dh_plan_cache *c = dh_plan_cache_new(missing, 3600);
	const struct dh_plan *p = (const struct dh_plan *)1;
	struct dh_err err;
	bool errors;

	assert_int_not_equal(dh_plan_cache_get(c, T0, &p, &errors, &err), 0);
	assert_null(p);
	assert_non_null(strstr(err.msg, "none"));
	dh_plan_cache_free(c);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reuse_and_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
