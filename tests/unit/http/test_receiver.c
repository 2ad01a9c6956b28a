/*
 * The event receiver (http/receiver.c) as serve and run start it: serve
 * holds the address, answers /healthz and notes itself in the database
 * (and withdraws the note at stop); a run on the same address and
 * database leaves the receiving to that serve; a run whose address is
 * held by something that is not a serve on this database is refused; a
 * run on a free address receives itself and the agents' events land.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "http/receiver.h"
#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/records.h"
#include "curl_fx.h"
#include "db_fx.h"
#include "net_fx.h"

static const char token[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct fx {
	char dir[64];
	char path[128];
	char listen[64];
	struct dh_db *db;
};

/* GET (body NULL) or signed POST of body to path; the status. */
static long
request(uint16_t port, const char *path, const char *body, struct dh_buf *resp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hd = NULL;
	char url[128], sig[DH_SIGN_VALUE_MAX], hv[DH_SIGN_VALUE_MAX + 40];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (body) {
		dh_sign_make(token, dh_time_now(), body, strlen(body), sig, sizeof(sig));
		snprintf(hv, sizeof(hv), "%s: %s", DH_SIGN_HEADER, sig);
		hd = curl_slist_append(hd, hv);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	dh_buf_reset(resp);
	return fx_curl_run(c, hd, resp);
}

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));

	fx_db_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), &f->db,
		DH_TMPL("/tmp/dh-test-receiver-"));
	snprintf(f->listen, sizeof(f->listen), "127.0.0.1:%d", fx_free_port("127.0.0.1", NULL));
	fx_db_job1(f->db, token);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fx_db_close(f->db, f->dir);
	free(f);
	return 0;
}

static void
test_serve_and_run_share(void **state)
{
	struct fx *f = *state;
	struct dh_receiver_cfg sc = { .db_path = f->path,
		.listen = f->listen,
		.mode = DH_RECEIVER_SERVE };
	struct dh_receiver_cfg rc = sc;
	struct dh_receiver *serve = NULL, *run = NULL;
	struct dh_events_stats st;
	struct dh_buf resp;
	struct dh_err err;
	long pid = -1;
	uint16_t port;

	rc.mode = DH_RECEIVER_RUN;
	assert_int_equal(dh_receiver_start(&serve, &sc, &err), 0);
	assert_false(dh_receiver_is_shared(serve));
	assert_string_equal(dh_receiver_where(serve), f->listen);
	port = dh_receiver_port(serve);
	assert_int_equal(port, atoi(strrchr(f->listen, ':') + 1));
	assert_int_equal(dh_db_serve_get(f->db, f->listen, &pid, NULL), 0);
	assert_int_equal(pid, (long)getpid());
	dh_buf_init(&resp);
	assert_int_equal(request(port, "/healthz", NULL, &resp), 200);
	assert_non_null(strstr(resp.data, "\"service\":\"drillhall\""));
	/* run on the same address and database: the serve receives. */
	assert_int_equal(dh_receiver_start(&run, &rc, &err), 0);
	assert_true(dh_receiver_is_shared(run));
	assert_string_equal(dh_receiver_where(run), "the running serve");
	assert_int_equal(dh_receiver_port(run), 0);
	assert_int_equal(
		request(port, "/api/v1/jobs/job-1/events",
			"{\"job\":\"job-1\",\"seq\":1,\"type\":\"accepted\",\"at\":\"2026-11-27T10:00:00Z\"}",
			&resp),
		200);
	dh_receiver_stop(run, &st);
	run = NULL;
	assert_int_equal(st.stored, 0);
	/* A second serve on the address is refused. */
	assert_int_equal(dh_receiver_start(&run, &sc, &err), DH_EEXIST);
	assert_null(run);
	dh_receiver_stop(serve, &st);
	assert_int_equal(st.stored, 1);
	assert_int_equal(dh_db_serve_get(f->db, f->listen, &pid, NULL), DH_ENOENT);
	assert_int_equal(request(port, "/healthz", NULL, &resp), -1);
	dh_buf_fini(&resp);
}

static void
test_run_alone(void **state)
{
	struct fx *f = *state;
	struct dh_receiver_cfg rc = { .db_path = f->path,
		.listen = f->listen,
		.mode = DH_RECEIVER_RUN };
	struct dh_receiver *run = NULL, *other = NULL;
	struct dh_events_stats st;
	struct dh_buf resp;
	struct dh_err err;
	int64_t n = -1;

	assert_int_equal(dh_receiver_start(&run, &rc, &err), 0);
	assert_false(dh_receiver_is_shared(run));
	dh_buf_init(&resp);
	assert_int_equal(
		request(dh_receiver_port(run), "/api/v1/jobs/job-1/events",
			"{\"job\":\"job-1\",\"seq\":1,\"type\":\"accepted\",\"at\":\"2026-11-27T10:00:00Z\"}",
			&resp),
		200);
	assert_int_equal(request(dh_receiver_port(run), "/nowhere", NULL, &resp), 404);
	dh_buf_fini(&resp);
	/* Held, but not by a serve on this database: refused. */
	assert_int_equal(dh_receiver_start(&other, &rc, &err), DH_EEXIST);
	assert_non_null(strstr(err.msg, "not by a drillhall serve on this database"));
	assert_null(other);
	dh_receiver_stop(run, &st);
	assert_int_equal(st.stored, 1);
	assert_int_equal(dh_db_event_count(f->db, "job-1", &n, NULL), 0);
	assert_int_equal(n, 1);
	dh_receiver_stop(NULL, &st);
	assert_int_equal(st.stored, 0);
	/* Plain HTTP beyond loopback is refused before anything listens. */
	rc.listen = "0.0.0.0:0";
	assert_int_equal(dh_receiver_start(&other, &rc, &err), DH_EREFUSED);
	assert_null(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_serve_and_run_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_alone, setup, teardown),
	};
	int r;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
