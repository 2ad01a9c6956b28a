/*
 * A job's events (emit.c): accepted, step and finished reach a real
 * receiver in seq order with valid JSON and signatures; the job state
 * keeps the token only until finished is delivered; a job is accepted
 * once; events survive a receiver that is down; an oversize record is
 * shrunk to fit the wire with its mismatch count intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dh/proto.h"
#include "events/emit.h"
#include "receiver_fx.h"

static struct dh_job *
make_job(struct fx *f, const char *id)
{
	char *json = dh_xasprintf(
		"{\"v\":3,\"job\":\"%s\",\"kind\":\"restore\","
		"\"system\":\"payroll\",\"host\":\"app1\",\"token\":\"%s\",\"url\":\"%s\","
		"\"plan_revision\":\"abc\",\"rpo_target_s\":86400,\"rto_target_s\":3600,"
		"\"timeout_s\":7200,\"restore\":{\"method\":\"tar\",\"repository\":\"/srv/b\","
		"\"verify\":[{\"kind\":\"min_files\",\"n\":1}]}}",
		id, TOKEN, f->url);
	struct dh_job *job = NULL;
	struct dh_err err;

	if (dh_job_parse(json, strlen(json), &job, &err) != 0)
		fail_msg("job: %s", err.msg);
	free(json);
	return job;
}

/* The receiver's stored events, parsed. */
static size_t
stored_events(struct fx *f, struct dh_event **out, size_t max)
{
	char *p = dh_xasprintf("%s/store.jsonl", f->tmp);
	struct dh_buf b;
	size_t n = 0;
	char *save = NULL;

	dh_buf_init(&b);
	if (dh_file_read(p, 1 << 24, &b, NULL) == 0) {
		for (char *l = strtok_r(b.data, "\n", &save); l && n < max;
			l = strtok_r(NULL, "\n", &save)) {
			struct dh_err err;
			if (dh_event_parse(l, strlen(l), &out[n], &err) != 0)
				fail_msg("stored event: %s", err.msg);
			n++;
		}
	}
	dh_buf_fini(&b);
	free(p);
	return n;
}

static void
test_job_events(void **state)
{
	struct fx *f = *state;
	struct dh_job *job;
	struct dh_emit em;
	struct dh_record *rec = dh_record_new();
	struct dh_event *ev[8];
	struct dh_spool_job js;
	struct dh_err err;

	start_receiver(f, 0);
	job = make_job(f, "job-1");
	assert_int_equal(dh_emit_init(&em, f->spool, job, 1, NULL, &err), 0);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_ACCEPTED, NULL, NULL, NULL, &err), 0);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_STEP, "restore", "tar", NULL, &err), 0);
	rec->id = dh_xstrdup("job-1");
	rec->system = dh_xstrdup("payroll");
	rec->verdict = DH_VERDICT_PASSED;
	dh_record_add_check(rec, "min_files", DH_VERDICT_PASSED, "%d files", 3);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_FINISHED, NULL, NULL, rec, &err), 0);
	assert_int_equal(dh_emit_drain(&em, &err), 0);
	assert_int_equal(spooled(f), 0);
	assert_int_equal(dh_spool_job_load(f->spool, "job-1", &js, NULL), DH_ENOENT);

	assert_int_equal(stored_events(f, ev, 8), 3);
	assert_int_equal(ev[0]->seq, 1);
	assert_int_equal(ev[0]->type, DH_EVENT_ACCEPTED);
	assert_int_equal(ev[1]->type, DH_EVENT_STEP);
	assert_string_equal(ev[1]->step, "restore");
	assert_int_equal(ev[2]->seq, 3);
	assert_int_equal(ev[2]->type, DH_EVENT_FINISHED);
	assert_non_null(ev[2]->record);
	assert_int_equal(ev[2]->record->verdict, DH_VERDICT_PASSED);
	assert_non_null(ev[2]->host);
	for (int i = 0; i < 3; i++)
		dh_event_free(ev[i]);
	dh_emit_fini(&em);
	dh_record_free(rec);
	dh_job_free(job);
}

static void
test_accepted_once_and_down(void **state)
{
	struct fx *f = *state;
	struct dh_job *job;
	struct dh_emit em, again;
	struct dh_err err;

	free(f->url);
	f->url = dh_xstrdup("http://127.0.0.1:9"); /* nobody there */
	job = make_job(f, "job-2");
	assert_int_equal(dh_emit_init(&em, f->spool, job, 1, NULL, &err), 0);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_ACCEPTED, NULL, NULL, NULL, &err), 0);
	assert_int_equal(spooled(f), 1); /* durable although not sent */
	assert_int_equal(dh_emit_init(&again, f->spool, job, 1, NULL, &err), DH_EEXIST);
	/* the detached half continues at seq 2 */
	dh_emit_fini(&em);
	assert_int_equal(dh_emit_init(&em, f->spool, job, 2, NULL, &err), 0);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_STEP, "restore", NULL, NULL, &err), 0);
	em.opts.budget_ms = 100;
	em.opts.first_delay_ms = 20;
	assert_int_equal(dh_emit_drain(&em, &err), DH_ETIMEOUT);
	assert_int_equal(spooled(f), 2);
	dh_emit_fini(&em);
	dh_job_free(job);
}

static void
test_oversize_record_shrinks(void **state)
{
	struct fx *f = *state;
	struct dh_job *job;
	struct dh_emit em;
	struct dh_record *rec = dh_record_new();
	struct dh_event *ev[2];
	struct dh_err err;
	char *path = dh_xcalloc(1, 3001);

	start_receiver(f, 0);
	job = make_job(f, "job-3");
	memset(path, 'p', 3000);
	rec->id = dh_xstrdup("job-3");
	rec->system = dh_xstrdup("payroll");
	rec->verdict = DH_VERDICT_FAILED;
	rec->output = dh_xcalloc(1, 300001);
	memset(rec->output, 'o', 300000);
	for (int i = 0; i < DH_MISMATCH_CAP; i++)
		dh_record_add_mismatch(rec, path, "missing");
	assert_int_equal(dh_emit_init(&em, f->spool, job, 1, NULL, &err), 0);
	assert_int_equal(dh_emit_event(&em, DH_EVENT_FINISHED, NULL, NULL, rec, &err), 0);
	assert_int_equal(dh_emit_drain(&em, &err), 0);
	assert_int_equal(stored_events(f, ev, 2), 1);
	assert_true(ev[0]->record->nmismatches < DH_MISMATCH_CAP);
	assert_true(ev[0]->record->nmismatches > 0);
	assert_int_equal(ev[0]->record->mismatches_total, DH_MISMATCH_CAP);
	dh_event_free(ev[0]);
	dh_emit_fini(&em);
	dh_record_free(rec);
	dh_job_free(job);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_job_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepted_once_and_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize_record_shrinks, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
