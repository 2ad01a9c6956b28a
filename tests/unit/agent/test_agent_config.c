/*
 * agent.ini: a good file, defaults, and every problem reported as
 * "PATH:LINE: error: MESSAGE" — all of them, not just the first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "dh/buf.h"

static struct dh_agent_config *
parse_ok(const char *text)
{
	struct dh_agent_config *cfg = NULL;
	struct dh_err e;

	dh_err_clear(&e);
	if (dh_agent_config_parse_string(text, strlen(text), "agent.ini", &cfg, &e) != 0)
		fail_msg("unexpected problems: %s", e.msg);
	return cfg;
}

static void
expect_problems(const char *text, const char *want, int first_line)
{
	struct dh_agent_config *cfg = (void *)1;
	struct dh_err e;

	dh_err_clear(&e);
	assert_int_equal(dh_agent_config_parse_string(text, strlen(text), "agent.ini", &cfg, &e),
		DH_EPARSE);
	assert_null(cfg);
	assert_string_equal(e.msg, want);
	assert_string_equal(e.file, "agent.ini");
	assert_int_equal(e.line, first_line);
}

static void
test_good(void **state)
{
	struct dh_agent_config *cfg = parse_ok("; the agent\n"
					       "[agent]\n"
					       "scratch = /var/lib/drillhall/scratch\n"
					       "backup_roots = /tmp, /\n"
					       "ca_file = /etc/drillhall/ca.pem\n"
					       "\n"
					       "[action promote]\n"
					       "command = /usr/bin/pg_ctl  promote -D /var/lib/pg\n"
					       "timeout = 2m\n"
					       "[action check-db]\n"
					       "command = /usr/local/bin/check\n");
	const struct dh_agent_action *a;

	assert_string_equal(cfg->scratch, "/var/lib/drillhall/scratch");
	assert_string_equal(cfg->spool, "/var/lib/drillhall/spool"); /* default */
	assert_string_equal(cfg->ca_file, "/etc/drillhall/ca.pem");
	assert_int_equal(cfg->nbackup_roots, 2);
	assert_string_equal(cfg->backup_roots[0], "/tmp");
	assert_string_equal(cfg->backup_roots[1], "/");
	assert_int_equal(cfg->nactions, 2);
	a = dh_agent_config_action(cfg, "promote");
	assert_non_null(a);
	assert_int_equal(a->argc, 4);
	assert_string_equal(a->argv[0], "/usr/bin/pg_ctl");
	assert_string_equal(a->argv[3], "/var/lib/pg");
	assert_null(a->argv[4]);
	assert_int_equal(a->timeout_s, 120);
	assert_int_equal(a->line, 7);
	assert_int_equal(dh_agent_config_action(cfg, "check-db")->timeout_s, 300);
	assert_null(dh_agent_config_action(cfg, "nope"));
	dh_agent_config_free(cfg);
}

static void
test_all_problems_with_lines(void **state)
{
	expect_problems("[agent]\n"
			"scratch = relative/dir\n"
			"backup_roots = /nonexistent/drillhall-root\n"
			"colour = blue\n"
			"scratch = /again\n"
			"[action x]\n"
			"timeout = soon\n"
			"[weird]\n"
			"[action x]\n",
		"agent.ini:4: error: unknown key 'colour' in [agent]\n"
		"agent.ini:5: error: 'scratch' given twice (first on line 2)\n"
		"agent.ini:8: error: unknown section [weird] (expected [agent] or [action NAME])\n"
		"agent.ini:9: error: [action x] given twice (first on line 6)\n"
		"agent.ini:2: error: 'scratch' must be an absolute path, not 'relative/dir'\n"
		"agent.ini:3: error: backup root '/nonexistent/drillhall-root' does not exist\n"
		"agent.ini:7: error: bad timeout 'soon' (e.g. 90s, 15m, 2h)\n"
		"agent.ini:6: error: [action x] needs 'command'",
		4);
}

static void
test_many_problems_are_counted(void **state)
{
	struct dh_agent_config *cfg = NULL;
	struct dh_buf t;
	struct dh_err e;
	const char *more;

	dh_buf_init(&t);
	dh_buf_puts(&t, "[agent]\nscratch = /s\nbackup_roots = /\n");
	for (int i = 0; i < 40; i++)
		dh_buf_printf(&t, "unknown%d = 1\n", i);
	assert_int_equal(dh_agent_config_parse_string(t.data, t.len, "agent.ini", &cfg, &e),
		DH_EPARSE);
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.msg, "agent.ini:4: error: unknown key 'unknown0' in [agent]\n"));
	more = strstr(e.msg, "\n... and ");
	assert_non_null(more);
	assert_true(strlen(e.msg) < sizeof(e.msg));
	dh_buf_fini(&t);
}

static void
test_missing_section_and_keys(void **state)
{
	expect_problems("", "agent.ini:0: error: missing section [agent]", 0);
	expect_problems("\n[agent]\nspool = /s\n",
		"agent.ini:2: error: [agent] needs 'scratch'\n"
		"agent.ini:2: error: [agent] needs 'backup_roots'",
		2);
	expect_problems("key = 1\n[agent]\nscratch = /s\nbackup_roots = ,\n",
		"agent.ini:1: error: 'key' outside a section\n"
		"agent.ini:4: error: 'backup_roots' names no directory",
		1);
}

static void
test_commands_are_never_cut_or_relative(void **state)
{
	expect_problems("[agent]\nscratch = /s\nbackup_roots = /\n"
			"[action a]\ncommand = /bin/rm -rf /tmp/x ; echo done\n"
			"[action b]\ncommand = pg_ctl promote\n",
		"agent.ini:5: error: ' ;' cut the command: '; echo done' would be dropped "
		"(a command is never run through a shell)\n"
		"agent.ini:7: error: command must start with the program's absolute path",
		5);
}

static void
test_bad_lines_from_the_ini_adapter(void **state)
{
	expect_problems("[agent]\nscratch = /s\nbackup_roots = /\njust words\n",
		"agent.ini:4: error: expected 'key = value'", 4);
}

static void
test_load_missing_file(void **state)
{
	struct dh_agent_config *cfg = NULL;
	struct dh_err e;

	assert_int_equal(dh_agent_config_load("/nonexistent/agent.ini", &cfg, &e), DH_ENOENT);
	assert_null(cfg);
	dh_agent_config_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_all_problems_with_lines),
		cmocka_unit_test(test_many_problems_are_counted),
		cmocka_unit_test(test_missing_section_and_keys),
		cmocka_unit_test(test_commands_are_never_cut_or_relative),
		cmocka_unit_test(test_bad_lines_from_the_ini_adapter),
		cmocka_unit_test(test_load_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
