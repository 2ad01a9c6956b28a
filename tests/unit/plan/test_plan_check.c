/*
 * Every check rule of SPEC "Checks", one fixture plan each under
 * tests/data/plans/RULE/ (files there replace those of plans/base/), and
 * the exact "file:line: severity: message" lines it must produce, kept in
 * RULE/expected. Evaluated as of 2026-11-27T12:00:00Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "plan/check.h"
#include "plan/plan.h"

#define MAXF 32

struct fixture {
	struct dh_plan_file f[MAXF];
	char *path[MAXF];
	struct dh_buf text[MAXF];
	size_t n;
};

static void
add(struct fixture *fx, const char *dir, const char *rel)
{
	char *full = dh_xasprintf("%s/%s", dir, rel);
	size_t i;

	for (i = 0; i < fx->n; i++)
		if (strcmp(fx->path[i], rel) == 0)
			break;
	if (i == fx->n) {
		assert_true(fx->n < MAXF);
		fx->path[fx->n] = dh_xstrdup(rel);
		dh_buf_init(&fx->text[fx->n]);
		fx->n++;
	}
	dh_buf_reset(&fx->text[i]);
	assert_int_equal(dh_file_read(full, 1 << 20, &fx->text[i], NULL), 0);
	free(full);
}

static void
add_dir(struct fixture *fx, const char *dir)
{
	char *sys = dh_xasprintf("%s/systems", dir);
	DIR *d;
	struct dirent *de;

	for (int k = 0; k < 2; k++) {
		char *p = dh_xasprintf("%s/%s", dir, k ? "inventory.ini" : "policy.ini");
		FILE *f = fopen(p, "r");

		if (f) {
			fclose(f);
			add(fx, dir, k ? "inventory.ini" : "policy.ini");
		}
		free(p);
	}
	if ((d = opendir(sys)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *rel = dh_xasprintf("systems/%s", de->d_name);

			if (de->d_name[0] != '.')
				add(fx, dir, rel);
			free(rel);
		}
		closedir(d);
	}
	free(sys);
}

/* Load base + rule, check, and compare with rule/expected. */
static void
run_rule(const char *rule)
{
	const char *data = getenv("DH_TEST_DATA");
	char *base, *dir, *exp;
	struct fixture fx = { .n = 0 };
	struct dh_problems pr;
	struct dh_plan *plan;
	struct dh_buf want, got;
	time_t now;

	assert_non_null(data);
	base = dh_xasprintf("%s/plans/base", data);
	dir = dh_xasprintf("%s/plans/%s", data, rule);
	exp = dh_xasprintf("%s/expected", dir);
	add_dir(&fx, base);
	add_dir(&fx, dir);
	for (size_t i = 0; i < fx.n; i++) {
		fx.f[i].path = fx.path[i];
		fx.f[i].text = fx.text[i].data;
		fx.f[i].len = fx.text[i].len;
	}
	dh_problems_init(&pr);
	dh_plan_load_files(&plan, fx.f, fx.n, &pr);
	assert_int_equal(dh_time_parse("2026-11-27T12:00:00Z", &now), 0);
	dh_plan_check(plan, now, &pr);
	dh_problems_sort(&pr);
	dh_buf_init(&got);
	for (size_t i = 0; i < pr.n; i++)
		dh_buf_printf(&got, "%s:%d: %s: %s\n", pr.v[i].file, pr.v[i].line,
			dh_problems_severity_name(pr.v[i].severity), pr.v[i].message);
	dh_buf_init(&want);
	assert_int_equal(dh_file_read(exp, 1 << 20, &want, NULL), 0);
	if (strcmp(want.data, got.data ? got.data : "") != 0)
		fprintf(stderr, "rule %s: got\n%s", rule, got.data ? got.data : "");
	assert_string_equal(want.data, got.data ? got.data : "");
	dh_buf_fini(&want);
	dh_buf_fini(&got);
	dh_problems_fini(&pr);
	dh_plan_free(plan);
	for (size_t i = 0; i < fx.n; i++) {
		free(fx.path[i]);
		dh_buf_fini(&fx.text[i]);
	}
	free(base);
	free(dir);
	free(exp);
}

#define RULE(fn, name)                                                                             \
	static void fn(void **state)                                                               \
	{                                                                                          \
		run_rule(name);                                                                    \
	}
RULE(test_cycle, "cycle")
RULE(test_dep_rto, "dep-rto")
RULE(test_supplier_rto, "supplier-rto")
RULE(test_deviation, "deviation")
RULE(test_unclassified, "unclassified")
RULE(test_old_classification, "old-class")
RULE(test_failover_required, "failover-required")
RULE(test_no_restore, "no-restore")
RULE(test_policy_order, "policy-order")
RULE(test_hosts_and_halls, "hosts")
RULE(test_same_hall, "same-hall")
RULE(test_syntax, "syntax")
RULE(test_missing_keys, "missing")
RULE(test_unknown_dependency, "unknown-dep")
RULE(test_comment_cut, "comment-cut")
RULE(test_duplicates, "duplicate")
RULE(test_clean, "clean")
RULE(test_policy_gaps, "policy-gaps")
RULE(test_relations, "relations")
RULE(test_timezone, "timezone")
RULE(test_shared_repository, "shared-repo")
RULE(test_failover_rules, "failover")
RULE(test_backup_rpo, "backup-rpo")
RULE(test_backup_rpo_order, "backup-rpo-order")
RULE(test_windows, "windows")

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_dep_rto),
		cmocka_unit_test(test_supplier_rto),
		cmocka_unit_test(test_deviation),
		cmocka_unit_test(test_unclassified),
		cmocka_unit_test(test_old_classification),
		cmocka_unit_test(test_failover_required),
		cmocka_unit_test(test_no_restore),
		cmocka_unit_test(test_policy_order),
		cmocka_unit_test(test_hosts_and_halls),
		cmocka_unit_test(test_same_hall),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_unknown_dependency),
		cmocka_unit_test(test_comment_cut),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_policy_gaps),
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_timezone),
		cmocka_unit_test(test_shared_repository),
		cmocka_unit_test(test_failover_rules),
		cmocka_unit_test(test_backup_rpo),
		cmocka_unit_test(test_backup_rpo_order),
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
