/*
 * The HTTP(S) server and the event endpoint (http/httpd.c, events.c) over
 * real sockets: a listener on 127.0.0.1 with an ephemeral port serving a
 * route table made here (the event endpoint's route and a /healthz),
 * requests made with libcurl, every status code the spec names, pattern
 * parameters, per-route body limits and the guard, and a TLS listener
 * with a self-signed certificate made by `openssl req`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "http/events.h"
#include "http/httpd.h"
#include "curl_fx.h"
#include "db_fx.h"

static const char token[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct fx {
	char dir[64];
	char path[128];
	struct dh_db *db;
	struct dh_events *ev;
	struct dh_httpd *h;
	char base[64];
};

/* POST body with header sig; the status, or -1 when no answer came. */
static long
post(struct fx *f, const char *job, const char *body, size_t len, const char *sig, bool chunked,
	struct dh_buf *resp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hd = NULL;
	char url[256], hv[200];

	snprintf(url, sizeof(url), "%s/api/v1/jobs/%s/events", f->base, job);
	if (sig) {
		snprintf(hv, sizeof(hv), "X-Drillhall-Signature: %s", sig);
		hd = curl_slist_append(hd, hv);
	}
	hd = curl_slist_append(hd, "Content-Type: application/json");
	if (chunked)
		hd = curl_slist_append(hd, "Transfer-Encoding: chunked");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (!chunked)
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	return fx_curl_run(c, hd, resp);
}

static long
post_signed(struct fx *f, const char *job, const char *body, time_t t)
{
	char sig[DH_SIGN_VALUE_MAX];
	struct dh_buf resp;
	long st;

	dh_sign_make(token, t, body, strlen(body), sig, sizeof(sig));
	dh_buf_init(&resp);
	st = post(f, job, body, strlen(body), sig, false, &resp);
	dh_buf_fini(&resp);
	return st;
}

static void
healthz(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	resp->status = 200;
	resp->body = dh_xstrdup("{\"ok\":true}");
}

/* The event endpoint's routes and GET /healthz, into routes[0..3). */
static size_t
table(struct fx *f, struct dh_http_route *routes)
{
	size_t n;
	const struct dh_http_route *ev = dh_events_routes(f->ev, &n);

	assert_int_equal(n, 1);
	routes[0] = ev[0];
	routes[1] = (struct dh_http_route){ .method = "GET",
		.pattern = "/healthz",
		.handler = healthz };
	return 2;
}

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));
	struct dh_http_route routes[2];
	struct dh_httpd_config hc = { .listen = "127.0.0.1:0", .routes = routes };

	fx_db_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), &f->db,
		DH_TMPL("/tmp/dh-test-httpd-"));
	fx_db_job1(f->db, token);
	assert_int_equal(dh_events_new(&f->ev, f->path, NULL), 0);
	hc.nroutes = table(f, routes);
	assert_int_equal(dh_httpd_start(&f->h, &hc, NULL), 0);
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%u", dh_httpd_port(f->h));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	dh_httpd_stop(f->h);
	dh_events_free(f->ev);
	fx_db_close(f->db, f->dir);
	free(f);
	return 0;
}

static int64_t
stored(struct fx *f)
{
	int64_t n = -1;

	assert_int_equal(dh_db_event_count(f->db, "job-1", &n, NULL), 0);
	return n;
}

static const char ev1[] =
	"{\"job\":\"job-1\",\"seq\":1,\"type\":\"accepted\",\"at\":\"2026-11-27T10:00:00Z\"}";

static void
test_store_once(void **state)
{
	struct fx *f = *state;
	struct dh_buf resp;
	char sig[DH_SIGN_VALUE_MAX];

	dh_sign_make(token, dh_time_now(), ev1, strlen(ev1), sig, sizeof(sig));
	dh_buf_init(&resp);
	assert_int_equal(post(f, "job-1", ev1, strlen(ev1), sig, false, &resp), 200);
	assert_non_null(strstr(resp.data, "\"new\""));
	dh_buf_reset(&resp);
	assert_int_equal(post(f, "job-1", ev1, strlen(ev1), sig, false, &resp), 200);
	assert_non_null(strstr(resp.data, "\"duplicate\""));
	dh_buf_fini(&resp);
	assert_int_equal(stored(f), 1);
}

static void
test_rejections(void **state)
{
	struct fx *f = *state;
	struct dh_buf resp;
	char *big = dh_xmalloc(DH_EVENTS_BODY_MAX + 2);
	static const char other[] =
		"{\"job\":\"job-2\",\"seq\":1,\"type\":\"accepted\",\"at\":\"2026-11-27T10:00:00Z\"}";

	dh_buf_init(&resp);
	assert_int_equal(post(f, "job-1", ev1, strlen(ev1), "t=1,sig=00", false, &resp), 401);
	assert_int_equal(post(f, "job-1", ev1, strlen(ev1), NULL, false, &resp), 401);
	assert_int_equal(post_signed(f, "job-1", ev1, dh_time_now() - 400), 401); /* stale */
	assert_int_equal(post_signed(f, "nojob", ev1, dh_time_now()), 404);
	assert_int_equal(post_signed(f, "job-1", "{\"job\":", dh_time_now()), 400);
	assert_int_equal(post_signed(f, "job-1", "[]", dh_time_now()), 400);
	{
		char sig[DH_SIGN_VALUE_MAX];

		dh_sign_make(token, dh_time_now(), "{}", 2, sig, sizeof(sig));
		dh_buf_reset(&resp);
		assert_int_equal(post(f, "job-1", "{}", 2, sig, false, &resp), 400);
		assert_non_null(strstr(resp.data, "\"detail\":\"missing \\\"job\\\"\""));
	}
	assert_int_equal(post_signed(f, "job-1", other, dh_time_now()), 400);
	memset(big, ' ', DH_EVENTS_BODY_MAX + 1);
	big[DH_EVENTS_BODY_MAX + 1] = '\0';
	assert_int_equal(post(f, "job-1", big, DH_EVENTS_BODY_MAX + 1, "t=1,sig=0", false, &resp),
		413);
	assert_int_equal(post(f, "job-1", big, DH_EVENTS_BODY_MAX + 1, "t=1,sig=0", true, &resp),
		413);
	free(big);
	/* Far over: answered before the body is read, or (no length) cut off. */
	big = dh_xcalloc(1, 5 * DH_EVENTS_BODY_MAX + 1);
	memset(big, ' ', 5 * DH_EVENTS_BODY_MAX);
	assert_int_equal(post(f, "job-1", big, 5 * DH_EVENTS_BODY_MAX, "t=1,sig=0", false, &resp),
		413);
	assert_int_equal(post(f, "job-1", big, 5 * DH_EVENTS_BODY_MAX, "t=1,sig=0", true, &resp),
		-1);
	dh_buf_fini(&resp);
	free(big);
	assert_int_equal(stored(f), 0);
}

static void
test_routes(void **state)
{
	struct fx *f = *state;
	CURL *c = curl_easy_init();
	struct dh_buf resp;
	char url[128];
	long status = 0;

	dh_buf_init(&resp);
	snprintf(url, sizeof(url), "%s/healthz", f->base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fx_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	snprintf(url, sizeof(url), "%s/api/v1/jobs/job-1/events", f->base);
	curl_easy_setopt(c, CURLOPT_URL, url); /* GET on a POST route */
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 405);
	snprintf(url, sizeof(url), "%s/nowhere", f->base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 404);
	curl_easy_cleanup(c);
	dh_buf_fini(&resp);
}

/* GET url (or POST body) with one optional header; the status, -1 on no answer. */
static long
request(const char *url, const char *hdr, const char *body, struct dh_buf *resp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hd = hdr ? curl_slist_append(NULL, hdr) : NULL;

	dh_buf_reset(resp);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	return fx_curl_run(c, hd, resp);
}

static void
echo(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	const char *a = dh_http_req_param(req, "a"), *b = dh_http_req_param(req, "b");

	resp->status = 200;
	resp->content_type = "text/plain";
	resp->body = dh_xasprintf("%s a=%s b=%s len=%zu %s", (const char *)user, a ? a : "-",
		b ? b : "-", req->len, dh_http_req_param(req, "c") ? "c" : "-");
}

static bool
guard(void *user, enum dh_http_need need, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	const char *auth = dh_http_req_header(req, "authorization");

	if (need == DH_HTTP_NEED_TOKEN && auth && strcmp(auth, (const char *)user) == 0)
		return true;
	resp->status = 401;
	snprintf(resp->why, sizeof(resp->why), "no token");
	return false;
}

static void
test_route_table(void **state)
{
	struct fx *f = *state;
	struct dh_http_route routes[] = {
		{ .method = "GET",
			.pattern = "/things/{a}/x/{b}",
			.handler = echo,
			.user = "things" },
		{ .method = "POST",
			.pattern = "/small",
			.handler = echo,
			.user = "small",
			.body_max = 16 },
		{ .method = "GET",
			.pattern = "/metrics",
			.handler = echo,
			.user = "metrics",
			.need = DH_HTTP_NEED_TOKEN },
	};
	struct dh_httpd_config hc = { .listen = "127.0.0.1:0",
		.routes = routes,
		.nroutes = 3,
		.quiet = true };
	struct dh_httpd *h = NULL;
	struct dh_buf resp;
	struct dh_err err;
	char base[64], url[128];

	/* A guarded route without a guard, or a malformed pattern, never starts. */
	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EINVAL);
	assert_non_null(strstr(err.msg, "needs a guard"));
	routes[0].pattern = "things/{a}";
	hc.guard = guard;
	hc.guard_user = "Bearer s3cret";
	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EINVAL);
	assert_null(h);
	routes[0].pattern = "/things/{a}/x/{b}";
	assert_int_equal(dh_httpd_start(&h, &hc, &err), 0);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", dh_httpd_port(h));
	dh_buf_init(&resp);
	snprintf(url, sizeof(url), "%s/things/t1/x/t2", base);
	assert_int_equal(request(url, NULL, NULL, &resp), 200);
	assert_string_equal(resp.data, "things a=t1 b=t2 len=0 -");
	snprintf(url, sizeof(url), "%s/things//x/t2", base);
	assert_int_equal(request(url, NULL, NULL, &resp), 404);
	snprintf(url, sizeof(url), "%s/things/t1/x/t2/", base);
	assert_int_equal(request(url, NULL, NULL, &resp), 404);
	snprintf(url, sizeof(url), "%s/small", base);
	assert_int_equal(request(url, NULL, "0123456789abcdef", &resp), 200);
	assert_string_equal(resp.data, "small a=- b=- len=16 -");
	assert_int_equal(request(url, NULL, "0123456789abcdefg", &resp), 413);
	assert_non_null(strstr(resp.data, "body over 16 bytes"));
	assert_int_equal(request(url, NULL, NULL, &resp), 405);
	snprintf(url, sizeof(url), "%s/metrics", base);
	assert_int_equal(request(url, NULL, NULL, &resp), 401);
	assert_int_equal(request(url, "Authorization: Bearer nope", NULL, &resp), 401);
	assert_int_equal(request(url, "Authorization: Bearer s3cret", NULL, &resp), 200);
	assert_string_equal(resp.data, "metrics a=- b=- len=0 -");
	/* The fixture's table is not this one. */
	snprintf(url, sizeof(url), "%s/small", f->base);
	assert_int_equal(request(url, NULL, "x", &resp), 404);
	dh_buf_fini(&resp);
	dh_httpd_stop(h);
}

static void
test_listen_policy(void **state)
{
	struct fx *f = *state;
	struct dh_httpd *h = NULL;
	struct dh_httpd_config hc = { .listen = "0.0.0.0:0" };
	char addr[64];
	uint16_t port;
	struct dh_err err;

	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EREFUSED);
	assert_non_null(strstr(err.msg, "not a loopback"));
	hc.listen = "192.0.2.1:8443";
	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EREFUSED);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", dh_httpd_port(f->h));
	hc.listen = addr;
	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EEXIST);
	hc.listen = "127.0.0.1";
	assert_int_equal(dh_httpd_start(&h, &hc, &err), DH_EINVAL);
	assert_int_equal(dh_httpd_parse_listen("[::1]:8443", addr, sizeof(addr), &port, NULL), 0);
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 8443);
	assert_true(dh_httpd_is_loopback("::1"));
	assert_true(dh_httpd_is_loopback("127.0.0.2"));
	assert_false(dh_httpd_is_loopback("10.0.0.1"));
	assert_null(h);
}

static void
test_tls(void **state)
{
	struct fx *f = *state;
	struct dh_httpd *h = NULL;
	char cert[128], key[128], cmd[600], url[128];
	struct dh_http_route routes[2];
	struct dh_httpd_config hc = { .listen = "127.0.0.1:0",
		.tls_cert = cert,
		.tls_key = key,
		.routes = routes,
		.nroutes = table(f, routes) };
	struct dh_buf resp;
	CURL *c;
	long status = 0;

	snprintf(cert, sizeof(cert), "%s/cert.pem", f->dir);
	snprintf(key, sizeof(key), "%s/key.pem", f->dir);
	snprintf(cmd, sizeof(cmd),
		"openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
		"-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s "
		"-out %s 2>/dev/null",
		key, cert);
	assert_int_equal(system(cmd), 0);
	hc.listen = "0.0.0.0:0"; /* TLS may listen beyond loopback */
	assert_int_equal(dh_httpd_start(&h, &hc, NULL), 0);
	dh_httpd_stop(h);
	hc.listen = "127.0.0.1:0";
	assert_int_equal(dh_httpd_start(&h, &hc, NULL), 0);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/healthz", dh_httpd_port(h));
	dh_buf_init(&resp);
	c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, cert);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fx_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	curl_easy_cleanup(c);
	dh_buf_fini(&resp);
	dh_httpd_stop(h);
	hc.tls_key = NULL; /* cert without key */
	assert_int_equal(dh_httpd_start(&h, &hc, NULL), DH_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listen_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
	};
	int r;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
