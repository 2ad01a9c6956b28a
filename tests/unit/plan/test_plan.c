/*
 * The plan loader from files in memory (dh_plan_load_files, load.c):
 * every key lands in the model with its line, repeated keys keep their
 * order, defaults are filled in, lookups work, relations between keys are
 * left to the check; and the directory loader's exit-2 cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "plan/plan.h"
#include "policy_fx.h"

static const char policy[] = "[plan]\nname = Kommun ; a comment on a free-text key\nowner = IT\n"
			     "timezone = Europe/Stockholm\nunclassified_level = 2\n"
			     "failover_required_from = 3\n" FX_POLICY_LEVELS FX_POLICY_WINDOWS;

static const char inventory[] =
	"[controller]\nurl = https://127.0.0.1:8443\nssh_key = /etc/dh/key\n"
	"known_hosts = /etc/dh/known_hosts\n[hall A]\nname = Öst\n[hall B]\n"
	"[host app-b1]\nhall = B\naddress = 127.0.0.3\nport = 2211\nuser = drillhall\n"
	"[host app-a1]\nhall = A\naddress = 127.0.0.2\nuser = drillhall\n"
	"agent = /opt/dh/agent\n";

static const char procapita[] =
	"[system]\n" /* 1 */
	"name = Procapita\nboard = IFO-nämnden\nobject = Socialtjänst\n"
	"system_owner = Anna\ncontact = it@example.se\n" /* 6 */
	"classified = 2025-03-14\nconfidentiality = 4\nintegrity = 3\n"
	"availability = 3\ntraceability = 2\n"               /* 11 */
	"rpo = 15m\nrto = 1h30m\nrestore_test_every = 14d\n" /* 14 */
	"depends_on = db , ad\nsupplier = Exempel AB\nsupplier_rto = 2h\n"
	"reserve_routine = Papper\n"                  /* 18 */
	"[restore]\nhost = app-b1\nmethod = restic\n" /* 21 */
	"repository = /srv/backup/p\npassword_file = /etc/dh/p.pw\n"
	"verify = min_files 10\nverify = file a/b\nverify = action check\n" /* 26 */
	"keep = yes\n"
	"[failover]\nprimary = app-a1\nstandby = app-b1\n" /* 30 */
	"marker_write = app-a1 write-marker\nmarker_check = app-b1 check-marker\n"
	"step = app-b1 one\nstep = app-b1 two\n" /* 34 */
	"health = tcp app-b1:5432\nhealth = http https://x/h\nhealth = app-b1 ok\n"
	"failback = app-a1 back\ntimeout = 10m\n"; /* 39 */

static const char db[] = "[system]\nname = DB\nboard = KS\n[restore]\nhost = app-b1\nmethod = tar\n"
			 "repository = /srv/backup/db\n";
static const char ad[] =
	"[system]\nname = AD\nboard = KS\n[restore]\nhost = app-a1\nmethod = action\n"
	"restore_action = restore-ad\nbackup_time_action = ad-time\n";

static struct dh_plan *
load(const char *proc, struct dh_problems *pr)
{
	struct dh_plan_file f[] = {
		{ "systems/procapita.ini", proc, strlen(proc) },
		{ "policy.ini", policy, strlen(policy) },
		{ "inventory.ini", inventory, strlen(inventory) },
		{ "systems/db.ini", db, strlen(db) },
		{ "systems/ad.ini", ad, strlen(ad) },
	};
	struct dh_plan *p;

	dh_problems_init(pr);
	dh_plan_load_files(&p, f, 5, pr);
	return p;
}

static void
test_policy_and_inventory(void **state)
{
	struct dh_problems pr;
	struct dh_plan *p = load(procapita, &pr);
	struct dh_host *h;

	assert_string_equal(p->policy.name, "Kommun");
	assert_int_equal(pr.n, 1); /* the cut free-text value, and only that */
	assert_string_equal(pr.v[0].file, "policy.ini");
	assert_int_equal(pr.v[0].line, 2);
	assert_int_equal(pr.v[0].severity, DH_SEV_WARNING);
	assert_int_equal(p->policy.levels[4].rpo_s, 0);
	assert_int_equal(p->policy.levels[1].rto_s, 72 * 3600);
	assert_int_equal(p->policy.levels[0].failover_every_s, DH_DURATION_NEVER);
	assert_true(p->policy.restore_window.set);
	assert_int_equal(p->policy.failover_window.r[0].start_min, 60);
	assert_string_equal(p->inv.url, "https://127.0.0.1:8443");
	assert_int_equal(p->inv.nhalls, 2);
	h = dh_plan_host_get(p, "app-a1");
	assert_non_null(h);
	assert_int_equal(h->port, 22);
	assert_string_equal(h->agent, "/opt/dh/agent");
	h = dh_plan_host_get(p, "app-b1");
	assert_int_equal(h->port, 2211);
	assert_string_equal(h->agent, "/usr/bin/drillhall-agent"); /* where the package puts it */
	assert_string_equal(h->agent_config, "/etc/drillhall/agent.ini");
	assert_null(dh_plan_host_get(p, "nope"));
	assert_string_equal(dh_plan_hall_get(p, "A")->name, "Öst");
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_system_keys(void **state)
{
	struct dh_problems pr;
	struct dh_plan *p = load(procapita, &pr);
	struct dh_system *s = dh_plan_system_get(p, "procapita");

	assert_non_null(s);
	assert_int_equal(p->nsystems, 3);
	assert_string_equal(p->systems[0].id, "ad"); /* sorted by id */
	assert_string_equal(s->file, "systems/procapita.ini");
	assert_string_equal(s->board, "IFO-nämnden");
	assert_true(s->classified);
	assert_string_equal(s->classified_text, "2025-03-14");
	assert_int_equal(s->classified_line, 7);
	assert_int_equal(s->confidentiality, 4);
	assert_int_equal(s->availability, 3);
	assert_int_equal(s->traceability, 2);
	assert_int_equal(s->rto_s, 5400);
	assert_int_equal(s->rto_line, 13);
	assert_int_equal(s->restore_every_s, 14 * 86400);
	assert_int_equal(s->ndeps, 2);
	assert_string_equal(s->depends_on[0], "db");
	assert_string_equal(s->depends_on[1], "ad");
	assert_int_equal(s->supplier_rto_s, 7200);
	assert_string_equal(s->reserve_routine, "Papper");
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_restore_and_failover(void **state)
{
	struct dh_problems pr;
	struct dh_plan *p = load(procapita, &pr);
	struct dh_system *s = dh_plan_system_get(p, "procapita");
	struct dh_restore *r = &s->restore;
	struct dh_failover *f = &s->failover;

	assert_true(r->present);
	assert_int_equal(r->method, DH_METHOD_RESTIC);
	assert_string_equal(r->password_file, "/etc/dh/p.pw");
	assert_int_equal(r->nverify, 3);
	assert_int_equal(r->verify[0].kind, DH_VERIFY_MIN_FILES);
	assert_int_equal(r->verify[1].kind, DH_VERIFY_FILE);
	assert_int_equal(r->verify[2].kind, DH_VERIFY_ACTION);
	assert_int_equal(r->verify[2].line, 26);
	assert_true(r->keep);
	assert_true(f->present);
	assert_int_equal(f->nsteps, 2);
	assert_string_equal(f->steps[0].action, "one");
	assert_string_equal(f->steps[1].action, "two");
	assert_int_equal(f->nhealth, 3);
	assert_int_equal(f->health[0].port, 5432);
	assert_int_equal(f->health[2].kind, DH_HEALTH_ACTION);
	assert_int_equal(f->nfailbacks, 1);
	assert_int_equal(f->timeout_s, 600);
	assert_string_equal(f->marker_check.host, "app-b1");
	s = dh_plan_system_get(p, "db");
	assert_string_equal(s->restore.pattern, "*.tar*"); /* tar default */
	s = dh_plan_system_get(p, "ad");
	assert_string_equal(s->restore.restore_action, "restore-ad");
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

/* Loading reads; relations between keys are dh_plan_check's (check.c). */
static void
test_load_leaves_relations(void **state)
{
	static const char odd[] = "[system]\nname = P\nboard = B\nclassified = 2025-01-01\n"
				  "[restore]\nhost = app-b1\nmethod = action\n" /* 7 */
				  "repository = relative\npattern = *.tgz\n";   /* 9 */
	struct dh_problems pr;
	struct dh_plan *p = load(odd, &pr);
	struct dh_system *s = dh_plan_system_get(p, "procapita");

	assert_int_equal(pr.n, 2); /* the cut free text; the bad path */
	assert_string_equal(pr.v[1].message, "repository: 'relative' is not an absolute path");
	assert_null(s->restore.repository);
	assert_int_equal(s->restore.repository_line, 8); /* kept all the same */
	assert_int_equal(s->restore.pattern_line, 9);
	assert_int_equal(s->restore.restore_action_line, 0);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_directory_errors(void **state)
{
	struct dh_problems pr;
	struct dh_plan *p = NULL;
	struct dh_err err;

	dh_problems_init(&pr);
	assert_int_equal(dh_plan_load(&p, "/nonexistent/plans", &pr, &err), DH_ENOENT);
	assert_null(p);
	assert_non_null(strstr(err.msg, "/nonexistent/plans"));
	dh_problems_fini(&pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_and_inventory),
		cmocka_unit_test(test_system_keys),
		cmocka_unit_test(test_restore_and_failover),
		cmocka_unit_test(test_load_leaves_relations),
		cmocka_unit_test(test_directory_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
