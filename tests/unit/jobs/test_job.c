/*
 * Jobs built straight from the plan model (jobs/job.c): a restore job
 * carries the [restore] section, the requirement in force and the plan
 * revision, and survives the wire (serialise, parse back); the SSH target
 * of a restore host comes from the inventory; every reason `run` refuses
 * is an error in its words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dh/problems.h"
#include "jobs/job.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "policy_fx.h"

static const char policy[] =
	"[plan]\nname = Kommun\nowner = IT\ntimezone = Europe/Stockholm\n"
	"unclassified_level = 2\nfailover_required_from = 4\n" FX_POLICY_LEVELS FX_POLICY_WINDOWS;

static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /etc/dh/key\n"
	"known_hosts = /etc/dh/known_hosts\n[hall A]\nname = Öst\n[hall B]\nname = Väst\n"
	"[host b1]\nhall = B\naddress = 127.0.0.3\nport = 2211\nuser = drillhall\n"
	"[host a1]\nhall = A\n";

#define SYSTEM_HEAD                                                                                \
	"[system]\nname = X\nboard = KS\nobject = O\nsystem_owner = A\n"                           \
	"contact = it@example.se\nclassified = 2026-01-15\nconfidentiality = 2\n"                  \
	"integrity = 2\navailability = 3\nreserve_routine = Papper\n"

static const char procapita[] = SYSTEM_HEAD
	"rpo = 15m\nbackup_rpo = 30m\n[restore]\nhost = b1\nmethod = restic\nrepository = /srv/backup/p\n"
	"password_file = /etc/dh/p.pw\nverify = min_files 10\nverify = file a/b\n"
	"verify = manifest /srv/p.sha256\nkeep = yes\nsnapshot_host = app-a1\n"
	"snapshot_path = /srv/procapita\n";
static const char bare[] = SYSTEM_HEAD;
static const char halfhost[] =
	SYSTEM_HEAD "[restore]\nhost = a1\nmethod = tar\nrepository = /srv/backup/h\n";

static struct dh_plan *
load(const char *inv)
{
	struct dh_plan_file f[] = {
		{ "policy.ini", policy, strlen(policy) },
		{ "inventory.ini", inv, strlen(inv) },
		{ "systems/procapita.ini", procapita, strlen(procapita) },
		{ "systems/bare.ini", bare, strlen(bare) },
		{ "systems/half.ini", halfhost, strlen(halfhost) },
	};
	struct dh_problems pr;
	struct dh_plan *p;

	dh_problems_init(&pr);
	dh_plan_load_files(&p, f, 5, &pr);
	dh_plan_check(p, 1780000000, &pr);
	dh_problems_fini(&pr);
	return p;
}

static void
test_restore_job(void **state)
{
	struct dh_plan *p = load(inventory);
	const struct dh_system *s = dh_plan_system_get(p, "procapita");
	struct dh_job *j = NULL;
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_job_build_restore(&j, p, s, &err), 0);
	assert_int_equal(j->version, DH_PROTO_VERSION);
	assert_int_equal(j->kind, DH_JOB_RESTORE);
	assert_null(j->id);
	assert_null(j->token);
	assert_string_equal(j->system, "procapita");
	assert_string_equal(j->host, "b1");
	assert_string_equal(j->url, "https://127.0.0.1:8443");
	assert_string_equal(j->plan_revision, p->revision);
	/* a restore test is judged against backup_rpo, not rpo (SPEC) */
	assert_int_equal(j->rpo_target_s, 30 * 60);  /* declared, tighter */
	assert_int_equal(j->rto_target_s, 4 * 3600); /* the level's */
	assert_int_equal(j->timeout_s, 8 * 3600);    /* 2 x rto */
	assert_int_equal(j->restore.method, DH_METHOD_RESTIC);
	assert_string_equal(j->restore.repository, "/srv/backup/p");
	assert_string_equal(j->restore.password_file, "/etc/dh/p.pw");
	assert_true(j->restore.keep);
	assert_string_equal(j->restore.snapshot_host, "app-a1");
	assert_null(j->restore.snapshot_tag);
	assert_string_equal(j->restore.snapshot_path, "/srv/procapita");
	assert_int_equal(j->restore.nverify, 3);
	assert_int_equal(j->restore.verify[0].kind, DH_VERIFY_MIN_FILES);
	assert_int_equal(j->restore.verify[0].n, 10);
	assert_null(j->restore.verify[0].arg);
	assert_int_equal(j->restore.verify[1].kind, DH_VERIFY_FILE);
	assert_string_equal(j->restore.verify[1].arg, "a/b");
	assert_int_equal(j->restore.verify[2].kind, DH_VERIFY_MANIFEST);
	assert_string_equal(j->restore.verify[2].arg, "/srv/p.sha256");
	dh_job_free(j);
	dh_plan_free(p);
}

/* What the controller builds, the agent accepts: through JSON and back. */
static void
test_restore_job_on_the_wire(void **state)
{
	struct dh_plan *p = load(inventory);
	struct dh_job *j = NULL, *back = NULL;
	struct dh_err err;
	char *json;

	dh_err_clear(&err);
	assert_int_equal(dh_job_build_restore(&j, p, dh_plan_system_get(p, "procapita"), &err), 0);
	j->id = strdup("procapita-20260101T000000-0123abcd");
	j->token = calloc(1, DH_TOKEN_HEX + 1);
	memset(j->token, 'a', DH_TOKEN_HEX);
	json = dh_job_to_json(j);
	assert_int_equal(dh_job_parse(json, strlen(json), &back, &err), 0);
	assert_string_equal(back->plan_revision, p->revision);
	assert_int_equal(back->restore.nverify, 3);
	assert_int_equal(back->restore.verify[2].kind, DH_VERIFY_MANIFEST);
	assert_int_equal(back->rpo_target_s, 1800); /* backup_rpo 30m */
	free(json);
	dh_job_free(back);
	dh_job_free(j);
	dh_plan_free(p);
}

static void
test_no_restore(void **state)
{
	struct dh_plan *p = load(inventory);
	const struct dh_system *s = dh_plan_system_get(p, "bare");
	struct dh_job *j = (struct dh_job *)1;
	struct dh_ssh_target t;
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_job_build_restore(&j, p, s, &err), DH_EINVAL);
	assert_null(j);
	assert_string_equal(err.msg, "bare has no [restore] section with a host");
	dh_err_clear(&err);
	assert_int_equal(dh_job_restore_target(&t, p, s, &err), DH_EINVAL);
	assert_string_equal(err.msg, "bare has no [restore] section with a host");
	dh_plan_free(p);
}

static void
test_restore_target(void **state)
{
	struct dh_plan *p = load(inventory);
	struct dh_ssh_target t;
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_job_restore_target(&t, p, dh_plan_system_get(p, "procapita"), &err), 0);
	assert_string_equal(t.name, "b1");
	assert_string_equal(t.address, "127.0.0.3");
	assert_int_equal(t.port, 2211);
	assert_string_equal(t.user, "drillhall");
	assert_string_equal(t.key, "/etc/dh/key");
	assert_string_equal(t.known_hosts, "/etc/dh/known_hosts");
	assert_null(t.command);
	assert_null(t.input);
	/* a host without address and user cannot run a job */
	assert_int_equal(dh_job_restore_target(&t, p, dh_plan_system_get(p, "half"), &err),
		DH_EINVAL);
	assert_string_equal(err.msg,
		"restore host 'a1' of half is not in the inventory "
		"(with address and user)");
	dh_plan_free(p);
}

static void
test_controller_keys_needed(void **state)
{
	static const char inv[] =
		"[controller]\nssh_key = /etc/dh/key\nknown_hosts = /etc/dh/kh\n"
		"[hall B]\nname = Väst\n[host b1]\nhall = B\naddress = 10.0.0.1\nuser = u\n";
	struct dh_plan *p = load(inv);
	struct dh_ssh_target t;
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_job_restore_target(&t, p, dh_plan_system_get(p, "procapita"), &err),
		DH_EINVAL);
	assert_string_equal(err.msg,
		"inventory [controller] needs url, ssh_key and "
		"known_hosts");
	dh_plan_free(p);
}

/* hosts probes every host as it stands: what is missing is "", never NULL. */
static void
test_host_target(void **state)
{
	struct dh_plan *p = load(inventory);
	struct dh_ssh_target t;

	dh_job_host_target(&t, p, dh_plan_host_get(p, "a1"));
	assert_string_equal(t.name, "a1");
	assert_string_equal(t.address, "");
	assert_string_equal(t.user, "");
	assert_int_equal(t.port, 22);
	assert_string_equal(t.key, "/etc/dh/key");
	dh_plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_job),
		cmocka_unit_test(test_restore_job_on_the_wire),
		cmocka_unit_test(test_no_restore),
		cmocka_unit_test(test_restore_target),
		cmocka_unit_test(test_controller_keys_needed),
		cmocka_unit_test(test_host_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
