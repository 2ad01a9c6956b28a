/*
 * controller.ini (controller/config/config.c): every key of SPEC
 * "Controller configuration" read into its field, relative paths resolved
 * against the file, users with roles and boards, [notify] lists and event
 * bits; and bad input (unknown section or key, duplicates, bad values, a
 * user without password or role, e-mail without a server) named by line.
 * Secret files: read without the newline, refused when group or others
 * may read them, and the refusal does not carry the secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "dh/buf.h"
#include "file_fx.h"
#include "tmpl.h"

struct fx {
	char dir[64];
	char *path;
	struct dh_config cfg;
	struct dh_problems pr;
	struct dh_err err;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	strcpy(f->dir, DH_TMPL("/tmp/dh-test-config-"));
	assert_non_null(mkdtemp(f->dir));
	f->path = dh_xasprintf("%s/controller.ini", f->dir);
	dh_config_init(&f->cfg);
	dh_problems_init(&f->pr);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = dh_xasprintf("rm -rf '%s'", f->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->path);
	dh_config_fini(&f->cfg);
	dh_problems_fini(&f->pr);
	free(f);
	return 0;
}

/* Load text as controller.ini; returns dh_config_load's result. */
static int
load(struct fx *f, const char *text)
{
	fx_put(f->dir, "controller.ini", text);
	return dh_config_load(&f->cfg, f->path, true, &f->pr, &f->err);
}

/* Whether some problem is on line and contains text. */
static bool
has_problem(const struct fx *f, int line, const char *text)
{
	for (size_t i = 0; i < f->pr.n; i++)
		if (f->pr.v[i].line == line && strstr(f->pr.v[i].message, text) != NULL)
			return true;
	return false;
}

static void
test_every_key(void **state)
{
	struct fx *f = *state;
	const struct dh_config_user *u;
	char *want;

	assert_int_equal(load(f,
				 "[controller]\n"
				 "plans = plans\n"
				 "database = /var/lib/drillhall/drillhall.db\n"
				 "listen = 0.0.0.0:8443\n"
				 "max_jobs = 2\n"
				 "metrics_token_file = metrics.token\n"
				 "public_url = https://drillhall.example.se:8443\n"
				 "[notify]\n"
				 "webhook = https://chat.example.se/hooks/drift\n"
				 "webhook = http://127.0.0.1:9/hook\n"
				 "email_to = it-drift@example.se\n"
				 "email_to = revision@example.se\n"
				 "email_from = drillhall@example.se\n"
				 "smtp = smtp://mail.example.se:587\n"
				 "smtp_user = drillhall\n"
				 "smtp_password_file = /etc/drillhall/smtp.pass\n"
				 "on = failed, overdue ,audit_broken\n"
				 "[user anna]\n"
				 "role = auditor\n"
				 "password = $argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\n"
				 "boards = Äldrenämnden, Individ- och familjeomsorgsnämnden\n"
				 "[user ops.bo]\n"
				 "role = operator\n"
				 "password = $argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\n"),
		0);
	assert_int_equal(f->pr.n, 0);
	want = dh_xasprintf("%s/plans", f->dir);
	assert_string_equal(f->cfg.plans, want);
	free(want);
	want = dh_xasprintf("%s/metrics.token", f->dir);
	assert_string_equal(f->cfg.metrics_token_file, want);
	free(want);
	assert_int_equal(f->cfg.max_jobs, 2);
	assert_string_equal(f->cfg.public_url, "https://drillhall.example.se:8443");
	assert_true(f->cfg.notify.present);
	assert_int_equal(f->cfg.notify.nwebhooks, 2);
	assert_string_equal(f->cfg.notify.webhooks[1], "http://127.0.0.1:9/hook");
	assert_int_equal(f->cfg.notify.nemail_to, 2);
	assert_string_equal(f->cfg.notify.smtp, "smtp://mail.example.se:587");
	assert_string_equal(f->cfg.notify.smtp_user, "drillhall");
	assert_int_equal(f->cfg.notify.on,
		DH_NOTIFY_FAILED | DH_NOTIFY_OVERDUE | DH_NOTIFY_AUDIT_BROKEN);
	assert_int_equal(f->cfg.nusers, 2);
	u = dh_config_user_find(&f->cfg, "anna");
	assert_non_null(u);
	assert_int_equal(u->role, DH_ROLE_AUDITOR);
	assert_int_equal(u->nboards, 2);
	assert_string_equal(u->boards[1], "Individ- och familjeomsorgsnämnden");
	assert_true(dh_config_user_sees_board(u, "Äldrenämnden"));
	assert_false(dh_config_user_sees_board(u, "Kommunstyrelsen"));
	assert_false(dh_config_user_sees_board(u, NULL));
	u = dh_config_user_find(&f->cfg, "ops.bo");
	assert_int_equal(u->role, DH_ROLE_OPERATOR);
	assert_true(dh_config_user_sees_board(u, "Kommunstyrelsen"));
	assert_null(dh_config_user_find(&f->cfg, "eve"));
}

static void
test_defaults(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f,
				 "[controller]\nlisten = 127.0.0.1:8443\n[notify]\n"
				 "webhook = https://chat.example.se/h\n"),
		0);
	assert_int_equal(f->cfg.max_jobs, DH_CONFIG_MAX_JOBS_DEFAULT);
	assert_int_equal(f->cfg.notify.on, DH_NOTIFY_ALL);
	assert_null(f->cfg.metrics_token_file);
	assert_int_equal(f->cfg.nusers, 0);
	assert_string_equal(dh_notify_event_name(DH_NOTIFY_STANDBY_LEFT), "standby_left");
	assert_string_equal(dh_notify_event_name(DH_NOTIFY_AUDIT_BROKEN), "audit_broken");
	assert_null(dh_notify_event_name((enum dh_notify_event)3));
}

static void
test_bad_input_named_by_line(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f,
				 "[controller]\n"                          /* 1 */
				 "max_jobs = 0\n"                          /* 2 */
				 "max_jobs = 3\n"                          /* 3 */
				 "public_url = http://example.se/\n"       /* 4 */
				 "databse = x.db\n"                        /* 5 */
				 "[notify]\n"                              /* 6 */
				 "webhook = ftp://example.se/\n"           /* 7 */
				 "email_to = it drift@example.se\n"        /* 8 */
				 "smtp = smtp://user:pw@mail.example.se\n" /* 9 */
				 "on = failed, exploded\n"                 /* 10 */
				 "[user anna]\n"                           /* 11 */
				 "role = admin\n"                          /* 12 */
				 "password = hunter2\n"                    /* 13 */
				 "[user anna]\n"                           /* 14 */
				 "[user <b>]\n"                            /* 15 */
				 "[users]\n"                               /* 16 */
				 "[user bo]\n"                             /* 17 */
				 "boards = A,,B\n"                         /* 18 */
				 "[controller]\n"),                        /* 19 */
		DH_EPARSE);
	assert_true(has_problem(f, 2, "max_jobs '0'"));
	assert_true(has_problem(f, 3, "duplicate key 'max_jobs'"));
	assert_true(has_problem(f, 4, "public_url"));
	assert_true(has_problem(f, 5, "unknown key 'databse'"));
	assert_true(has_problem(f, 7, "webhook"));
	assert_true(has_problem(f, 8, "not an e-mail address"));
	assert_true(has_problem(f, 9, "smtp_password_file"));
	assert_true(has_problem(f, 10, "'exploded' is not an event"));
	assert_true(has_problem(f, 12, "role 'admin'"));
	assert_true(has_problem(f, 13, "not an argon2id hash"));
	assert_true(has_problem(f, 11, "[user anna] has no password"));
	assert_true(has_problem(f, 17, "[user bo] has no role"));
	assert_true(has_problem(f, 14, "duplicate section [user anna]"));
	assert_true(has_problem(f, 15, "a user name is"));
	assert_true(has_problem(f, 16, "unknown section [users]"));
	assert_true(has_problem(f, 17, "[user bo] has no password"));
	assert_true(has_problem(f, 18, "boards has an empty name"));
	assert_true(has_problem(f, 19, "duplicate section [controller]"));
	/* the rejected password is a secret: never echoed */
	for (size_t i = 0; i < f->pr.n; i++)
		assert_null(strstr(f->pr.v[i].message, "hunter2"));
}

static void
test_email_needs_server(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f,
				 "[notify]\nemail_to = it-drift@example.se\n"
				 "smtp_password_file = /etc/drillhall/smtp.pass\n"),
		DH_EPARSE);
	assert_true(has_problem(f, 1, "email_to needs smtp and email_from"));
	dh_problems_fini(&f->pr);
	dh_problems_init(&f->pr);
	dh_config_fini(&f->cfg);
	assert_int_equal(load(f,
				 "[notify]\nsmtp = smtps://mail.example.se\n"
				 "smtp_password_file = smtp.pass\n"),
		DH_EPARSE);
	assert_true(has_problem(f, 1, "smtp_password_file needs smtp_user"));
}

static void
test_secret_file(void **state)
{
	struct fx *f = *state;
	char *path = dh_xasprintf("%s/token", f->dir);
	char *secret = NULL;

	fx_put(f->dir, "token", "s3cr3t-token\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(dh_config_read_secret(path, &secret, &f->err), 0);
	assert_string_equal(secret, "s3cr3t-token");
	free(secret);
	secret = NULL;
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(dh_config_read_secret(path, &secret, &f->err), DH_EINVAL);
	assert_null(secret);
	assert_non_null(strstr(f->err.msg, "0640"));
	assert_null(strstr(f->err.msg, "s3cr3t"));
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(dh_config_read_secret(path, &secret, &f->err), DH_EINVAL);
	fx_put(f->dir, "token", "\n");
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(dh_config_read_secret(path, &secret, &f->err), DH_EINVAL);
	assert_non_null(strstr(f->err.msg, "empty"));
	free(path);
	path = dh_xasprintf("%s/absent", f->dir);
	assert_int_equal(dh_config_read_secret(path, &secret, &f->err), DH_ENOENT);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_named_by_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_needs_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
