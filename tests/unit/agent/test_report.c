/*
 * Sending events (report.c, the libcurl adapter) and delivering the spool
 * (deliver.c) against a real HTTP listener: tests/lab/event_receiver.py,
 * which checks the HMAC signature with Python's hmac, stores each seq
 * once, and can fail on purpose. No controller needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events/deliver.h"
#include "dh/buf.h"
#include "dh/proto.h"
#include "events/report.h"
#include "events/spool.h"
#include "receiver_fx.h"

static void
test_post_outcomes(void **state)
{
	struct fx *f = *state;
	struct dh_err err;
	struct dh_report *rep = dh_report_new(NULL, 2, 5, &err);
	const char *body = "{\"job\":\"job-1\",\"seq\":1,\"type\":\"accepted\"}";
	const char *bad = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
	long st = 0;

	assert_non_null(rep);
	start_receiver(f, 0);
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_DELIVERED);
	assert_int_equal(st, 200);
	/* the same seq again: 200, stored once */
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_DELIVERED);
	assert_int_equal(stored_count(f), 1);
	assert_int_equal(dh_report_post(rep, f->url, "job-1", bad, body, strlen(body), &st, &err),
		DH_REPORT_REJECTED);
	assert_int_equal(st, 401);
	assert_null(strstr(err.msg, bad));
	assert_int_equal(dh_report_post(rep, f->url, "nojob", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_REJECTED);
	assert_int_equal(st, 404);
	assert_int_equal(dh_report_post(rep, "http://ctl.example.se", "job-1", TOKEN, body,
				 strlen(body), &st, &err),
		DH_REPORT_REJECTED);
	stop_receiver(f);
	/* nobody listening: retry */
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_RETRY);
	assert_int_equal(st, 0);
	dh_report_free(rep);
}

static void
test_https_verifies(void **state)
{
	struct fx *f = *state;
	struct dh_err err;
	struct dh_report *rep;
	const char *body = "{\"job\":\"job-1\",\"seq\":1,\"type\":\"accepted\"}";
	char *cmd = dh_xasprintf(
		"openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
		"-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem "
		"-out %s/cert.pem >/dev/null 2>&1",
		f->tmp, f->tmp);
	char *ca = dh_xasprintf("%s/cert.pem", f->tmp);
	long st = 0;

	assert_int_equal(system(cmd), 0);
	start_receiver_tls(f, 0, true);
	/* not signed by a CA we trust: not delivered, retried later */
	rep = dh_report_new(NULL, 2, 5, &err);
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_RETRY);
	dh_report_free(rep);
	rep = dh_report_new("/nonexistent/ca.pem", 2, 5, &err);
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_RETRY);
	dh_report_free(rep);
	assert_int_equal(stored_count(f), 0);
	/* with the controller's CA pinned it goes through */
	rep = dh_report_new(ca, 2, 5, &err);
	assert_int_equal(dh_report_post(rep, f->url, "job-1", TOKEN, body, strlen(body), &st, &err),
		DH_REPORT_DELIVERED);
	assert_int_equal(stored_count(f), 1);
	dh_report_free(rep);
	free(ca);
	free(cmd);
}

static void
test_pass_delivers_in_order(void **state)
{
	struct fx *f = *state;
	struct dh_deliver_opts o = { 0 };
	struct dh_deliver_stats st = { 0 };
	struct dh_report *rep = dh_report_new(NULL, 2, 5, NULL);
	struct dh_spool_job js;

	start_receiver(f, 0);
	spool_events(f, "job-1", 5, true);
	spool_events(f, "job-2", 3, false);
	assert_int_equal(dh_deliver_pass(f->spool, rep, &o, &st, NULL), 0);
	assert_int_equal(st.delivered, 8);
	assert_int_equal(st.pending, 0);
	assert_int_equal(spooled(f), 0);
	assert_int_equal(stored_count(f), 8);
	/* job-1 finished: its token is gone; job-2 may still send more */
	assert_int_equal(dh_spool_job_load(f->spool, "job-1", &js, NULL), DH_ENOENT);
	assert_int_equal(dh_spool_job_load(f->spool, "job-2", &js, NULL), 0);
	dh_spool_job_fini(&js);
	dh_report_free(rep);
}

static void
test_retry_after_500(void **state)
{
	struct fx *f = *state;
	struct dh_deliver_opts o = { .budget_ms = 10000,
		.first_delay_ms = 20,
		.max_delay_ms = 100 };
	struct dh_deliver_stats st;
	struct dh_report *rep = dh_report_new(NULL, 2, 5, NULL);

	start_receiver(f, 3);
	spool_events(f, "job-1", 4, true);
	assert_int_equal(dh_deliver_run(f->spool, rep, &o, &st, NULL), 0);
	assert_int_equal(st.delivered, 4);
	assert_true(st.passes >= 4);
	assert_int_equal(stored_count(f), 4);
	assert_int_equal(spooled(f), 0);
	dh_report_free(rep);
}

static void
test_down_then_back(void **state)
{
	struct fx *f = *state;
	struct dh_deliver_opts o = { .budget_ms = 300, .first_delay_ms = 50 };
	struct dh_deliver_stats st;
	struct dh_report *rep = dh_report_new(NULL, 1, 2, NULL);
	struct dh_err err;

	free(f->url);
	f->url = dh_xstrdup("http://127.0.0.1:9"); /* discard port: refused */
	spool_events(f, "job-1", 3, true);
	assert_int_equal(dh_deliver_run(f->spool, rep, &o, &st, &err), DH_ETIMEOUT);
	assert_int_equal(st.pending, 3);
	assert_int_equal(spooled(f), 3);
	/* the controller comes back elsewhere; the job state says where */
	start_receiver(f, 0);
	spool_events(f, "job-1", 0, true); /* rewrite the state with the new url */
	o.budget_ms = 0;
	assert_int_equal(dh_deliver_run(f->spool, rep, &o, &st, &err), 0);
	assert_int_equal(st.delivered, 3);
	assert_int_equal(stored_count(f), 3);
	dh_report_free(rep);
}

static void
test_rejected_and_orphaned(void **state)
{
	struct fx *f = *state;
	struct dh_deliver_opts o = { 0 };
	struct dh_deliver_stats st = { 0 };
	struct dh_report *rep = dh_report_new(NULL, 2, 5, NULL);

	start_receiver(f, 0);
	spool_events(f, "unknown-job", 2, true); /* 404: permanent */
	assert_int_equal(dh_spool_put(f->spool, "lost", 1, "{}", 2, NULL), 0);
	assert_int_equal(dh_deliver_pass(f->spool, rep, &o, &st, NULL), 0);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(st.orphaned, 1);
	assert_int_equal(spooled(f), 1); /* the orphan is kept */
	char *p = dh_xasprintf("%s/unknown-job.0000000002.json.rejected", f->spool);
	assert_int_equal(access(p, F_OK), 0);
	free(p);
	dh_report_free(rep);
}

static void
test_busy_spool_skipped(void **state)
{
	struct fx *f = *state;
	struct dh_deliver_opts o = { .nowait = true };
	struct dh_deliver_stats st = { 0 };
	struct dh_report *rep = dh_report_new(NULL, 2, 5, NULL);
	int held = -1;

	start_receiver(f, 0);
	spool_events(f, "job-1", 2, true);
	assert_int_equal(dh_spool_lock(f->spool, true, &held, NULL), 0);
	assert_int_equal(dh_deliver_pass(f->spool, rep, &o, &st, NULL), 0);
	assert_true(st.busy);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(spooled(f), 2);
	dh_spool_unlock(held);
	assert_int_equal(dh_deliver_pass(f->spool, rep, &o, &st, NULL), 0);
	assert_false(st.busy);
	assert_int_equal(st.delivered, 2);
	dh_report_free(rep);
}

static void
test_backoff_bounds(void **state)
{
	struct dh_deliver_opts o = { .first_delay_ms = 1000, .max_delay_ms = 8000 };

	for (unsigned n = 0; n < 10; n++) {
		int64_t want = 1000LL << (n < 3 ? n : 3);
		int64_t d = dh_deliver_backoff_ms(&o, n);
		assert_true(d >= want / 2 && d <= want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test_setup_teardown(test_https_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_delivers_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_and_orphaned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_spool_skipped, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
