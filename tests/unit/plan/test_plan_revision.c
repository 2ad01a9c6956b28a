/*
 * The plan revision (revision.c): the exact bytes hashed (path NUL length
 * NUL contents, in path order) against a digest computed elsewhere, and
 * through the loader: the same files give the same revision, whatever
 * order they come in; one changed byte gives another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/revision.h"

static void
test_revision_bytes(void **state)
{
	const struct dh_plan_file inv = { "inventory.ini", "bc", 2 };
	const struct dh_plan_file pol = { "policy.ini", "a", 1 };
	const struct dh_plan_file *sorted[] = { &inv, &pol };
	char rev[DH_PLAN_REVISION_LEN];

	/* python3: sha256(b"inventory.ini\0" b"2\0" b"bc"
	 *                 b"policy.ini\0" b"1\0" b"a") */
	dh_plan_revision(rev, sorted, 2);
	assert_string_equal(rev,
		"d990271bbb388c20b777cc0d1d2de1327ac97b007c03fec9cb04b965c5de1fcb");
	dh_plan_revision(rev, sorted, 0);
	assert_string_equal(rev,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static const char procapita[] = "[system]\nname = P\nboard = B\n[restore]\nhost = h\nmethod = tar\n"
				"repository = /srv/backup/p\ntimeout = 10m\n";

static struct dh_plan *
load(const char *proc, bool reversed, struct dh_problems *pr)
{
	struct dh_plan_file f[] = {
		{ "systems/procapita.ini", proc, strlen(proc) },
		{ "policy.ini", "[plan]\n", 7 },
		{ "inventory.ini", "[controller]\n", 13 },
	};
	struct dh_plan_file r[] = { f[2], f[1], f[0] };
	struct dh_plan *p;

	dh_problems_init(pr);
	dh_plan_load_files(&p, reversed ? r : f, 3, pr);
	return p;
}

static void
test_revision(void **state)
{
	struct dh_problems pr1, pr2, pr3;
	struct dh_plan *a = load(procapita, false, &pr1), *b = load(procapita, true, &pr2);
	char *changed = strdup(procapita);
	struct dh_plan *c;

	changed[strlen(changed) - 2] = '9'; /* timeout = 19m */
	c = load(changed, false, &pr3);
	assert_int_equal(strlen(a->revision), 64);
	assert_string_equal(a->revision, b->revision);
	assert_string_not_equal(a->revision, c->revision);
	dh_plan_free(a);
	dh_plan_free(b);
	dh_plan_free(c);
	free(changed);
	dh_problems_fini(&pr1);
	dh_problems_fini(&pr2);
	dh_problems_fini(&pr3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revision_bytes),
		cmocka_unit_test(test_revision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
