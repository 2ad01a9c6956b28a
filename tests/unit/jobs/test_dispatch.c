/*
 * One job from dispatch to verdict (jobs/dispatch.c) with a real
 * sshd (tests/data/ssh_fixture.sh) whose forced command is a stand-in
 * agent (tests/data/fake_agent.py) that reports signed events over HTTP
 * to a receiver started around each dispatch as `run` starts it
 * (http/receiver.h): passed and failed verdicts received by run's own
 * listener or by a listener that already holds the address (a serve,
 * while one that is not a serve is refused); a changed host key
 * (error, exit 2, nothing executed, no login), an unreachable host, an
 * agent that refuses the job, an agent that never reports — each an error
 * record stored with the reason; a session that fails after the agent
 * accepted still waits for the agent's verdict. Skipped unless root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/verify.h"
#include "dh/buf.h"
#include "dh/timefmt.h"
#include "jobs/dispatch.h"
#include "http/events.h"
#include "http/httpd.h"
#include "http/receiver.h"
#include "net_fx.h"
#include "sh_fx.h"
#include "ssh_fx.h"

struct fx {
	char dir[64], data[256];
	char key[128], known[128], dbpath[128], listen[64], url[80];
	int port;
	struct dh_db *db;
};

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));

	*state = f;
	if (!fx_sshd_usable())
		return 0;
	snprintf(f->data, sizeof(f->data), "%s", fx_test_data());
	f->port = fx_sshd_start(f->dir, sizeof(f->dir), DH_TMPL("/tmp/dh-test-dispatch-"));
	assert_int_equal(fx_sh("cp %s/fake_agent.py %s/agent && chmod 755 %s/agent", f->data,
				 f->dir, f->dir),
		0);
	snprintf(f->key, sizeof(f->key), "%s/client_key", f->dir);
	snprintf(f->known, sizeof(f->known), "%s/known_hosts", f->dir);
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/dh.db", f->dir);
	snprintf(f->listen, sizeof(f->listen), "127.0.0.1:%d", fx_free_port("127.0.0.1", NULL));
	snprintf(f->url, sizeof(f->url), "http://%s", f->listen);
	assert_int_equal(dh_db_open(&f->db, f->dbpath, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->dir[0]) {
		dh_db_close(f->db);
		fx_sshd("stop", f->dir);
		fx_sh("rm -rf '%s'", f->dir);
	}
	free(f);
	return 0;
}

/* Dispatch a restore of system; returns the record (caller frees). */
static struct dh_record *
dispatch(struct fx *f, const char *system, int64_t timeout_s, struct dh_ssh_target *t)
{
	struct dh_dispatch_cfg cfg = { .grace_s = 1, .poll_s = 0.05 };
	struct dh_receiver_cfg rc = { .db_path = f->dbpath,
		.listen = f->listen,
		.mode = DH_RECEIVER_RUN };
	struct dh_receiver *rv = NULL;
	struct dh_job job = { .version = 1,
		.kind = DH_JOB_RESTORE,
		.host = "b1",
		.url = f->url,
		.plan_revision = "rev-7",
		.rpo_target_s = 3600,
		.rto_target_s = 600,
		.timeout_s = timeout_s,
		.restore = { .method = DH_METHOD_RESTIC } };
	struct dh_ssh_target def = { .name = "b1",
		.address = "127.0.0.2",
		.port = f->port,
		.user = "dh-fixture",
		.key = f->key,
		.known_hosts = f->known,
		.connect_ms = 2000,
		.auth_ms = 3000,
		.exec_ms = 5000 };
	struct dh_record *r = NULL;
	struct dh_err err;

	job.system = (char *)system;
	job.restore.repository = "/srv/backup/x";
	assert_int_equal(dh_receiver_start(&rv, &rc, &err), 0);
	cfg.events_via = dh_receiver_where(rv);
	assert_int_equal(dh_dispatch_run(&cfg, f->db, &job, t ? t : &def, "manual", &r, &err), 0);
	dh_receiver_stop(rv, NULL);
	free(job.id);
	free(job.token);
	return r;
}

static void
test_passed_and_failed(void **state)
{
	struct fx *f = *state;
	struct dh_record *r;
	int64_t n = 0;

	FX_NEED_SSHD(f);
	r = dispatch(f, "procapita", 20, NULL);
	assert_string_equal(dh_verdict_name(r->verdict), "passed");
	assert_int_equal(dh_dispatch_exit_code(r), 0);
	assert_int_equal(r->rto_target_s, 600);
	assert_string_equal(r->plan_revision, "rev-7");
	assert_int_equal(strlen(r->record_hash), 64);
	assert_int_equal(dh_db_event_count(f->db, r->id, &n, NULL), 0);
	assert_int_equal(n, 2);
	dh_record_free(r);
	r = dispatch(f, "ecos-fail", 20, NULL);
	assert_string_equal(dh_verdict_name(r->verdict), "failed");
	assert_int_equal(dh_dispatch_exit_code(r), 1);
	dh_record_free(r);
}

static void
test_serve_holds_address(void **state)
{
	struct fx *f = *state;
	struct dh_events *ev = NULL;
	struct dh_httpd *h = NULL;
	struct dh_httpd_config hc = { .listen = f->listen };
	struct dh_events_stats st;
	struct dh_record *r;

	FX_NEED_SSHD(f);
	assert_int_equal(dh_events_new(&ev, f->dbpath, NULL), 0);
	hc.routes = dh_events_routes(ev, &hc.nroutes);
	assert_int_equal(dh_httpd_start(&h, &hc, NULL), 0);
	/* Not registered as a serve on this database: run refuses, stores nothing. */
	{
		struct dh_receiver_cfg rc = { .db_path = f->dbpath,
			.listen = f->listen,
			.mode = DH_RECEIVER_RUN };
		struct dh_receiver *rv = NULL;
		struct dh_err err;
		char *id = dh_dispatch_job_id("procapita");
		int64_t n = -1;

		assert_int_equal(dh_receiver_start(&rv, &rc, &err), DH_EEXIST);
		assert_non_null(strstr(err.msg, "not by a drillhall serve"));
		assert_null(rv);
		assert_int_equal(dh_db_event_count(f->db, id, &n, NULL), 0);
		assert_int_equal(n, 0);
		free(id);
	}
	assert_int_equal(dh_db_serve_set(f->db, f->listen, (long)getpid(), NULL), 0);
	r = dispatch(f, "procapita", 20, NULL);
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	dh_events_stats(ev, &st);
	assert_int_equal(st.stored, 2); /* the "serve" stored them, not run */
	dh_record_free(r);
	dh_httpd_stop(h);
	dh_events_free(ev);
}

static void
test_changed_host_key(void **state)
{
	struct fx *f = *state;
	struct dh_record *r;
	struct dh_audit_result res;
	struct dh_buf log;

	FX_NEED_SSHD(f);
	assert_int_equal(fx_sshd("rekey", f->dir), 0);
	r = dispatch(f, "procapita", 20, NULL);
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_int_equal(dh_dispatch_exit_code(r), 2);
	assert_non_null(strstr(r->error, "CHANGED"));
	dh_record_free(r);
	usleep(200 * 1000);
	dh_buf_init(&log);
	assert_int_equal(fx_sh("test -e %s/executed", f->dir) != 0, 1);
	assert_int_equal(fx_sh("grep -q 'Accepted publickey' %s/sshd.log", f->dir) != 0, 1);
	dh_buf_fini(&log);
	assert_int_equal(dh_db_audit_verify(f->db, &res, NULL), 0);
	assert_int_equal(res.bad_seq, 0);
	assert_int_equal(res.records, 3); /* job, verdict, action_opened */
}

static void
test_errors(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t = { .name = "gone",
		.address = "127.0.0.9",
		.port = 1,
		.user = "dh-fixture",
		.key = f->key,
		.known_hosts = f->known,
		.connect_ms = 1000 };
	struct dh_record *r;
	double start;

	FX_NEED_SSHD(f);
	start = dh_time_mono();
	r = dispatch(f, "procapita", 20, &t);
	assert_true(dh_time_mono() - start < 2.0);
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_non_null(strstr(r->error, "cannot connect"));
	dh_record_free(r);
	r = dispatch(f, "reject-me", 20, NULL);
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_non_null(strstr(r->error, "backup_roots"));
	dh_record_free(r);
	/* The session fails after the agent took the job: its verdict counts. */
	r = dispatch(f, "flaky", 20, NULL);
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	dh_record_free(r);
	r = dispatch(f, "silent", 1, NULL);
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_non_null(strstr(r->error, "no verdict"));
	dh_record_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_passed_and_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serve_holds_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_host_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
