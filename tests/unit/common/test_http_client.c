/*
 * The shared HTTP client (agent/common/http_client.c) against a real
 * local listener (tests/support/http_peer.py): 2xx with headers and body
 * delivered, 4xx and 5xx answered (not errors), a refused connection, a
 * timeout, the response body bound (kept bytes, truncated flag, the
 * connection still usable), a URL that cannot be used, and an err that
 * never repeats the URL.
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
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "dh/http_client.h"
#include "dh/timefmt.h"
#include "py_fx.h"
#include "sh_fx.h"

struct fx {
	char dir[64];
	pid_t pid;
	int port;
	struct dh_http_client *c;
};

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));
	char portf[128];

	fx_mkdtemp(f->dir, sizeof(f->dir), DH_TMPL("/tmp/dh-test-http-client-"));
	snprintf(portf, sizeof(portf), "%s/port", f->dir);
	f->port = fx_py_start("support/http_peer.py", portf, (const char *const[]){ portf, NULL },
		&f->pid);
	f->c = dh_http_client_new(NULL, NULL);
	assert_non_null(f->c);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	dh_http_client_free(f->c);
	fx_py_stop(&f->pid);
	fx_rm_rf(f->dir);
	free(f);
	return 0;
}

/* POST body to path on the local HTTP peer with client c; the dh_http_client_post result. */
static int
post(struct fx *f, struct dh_http_client *c, const char *path, const char *const *hdrs,
	const char *body, struct dh_http_response *resp, struct dh_err *err)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", f->port, path);
	dh_err_clear(err);
	return dh_http_client_post(c, url, hdrs, body, body ? strlen(body) : 0, resp, err);
}

static void
test_statuses(void **state)
{
	struct fx *f = *state;
	const char *hdrs[] = { "X-Test: hello", "Content-Type: text/plain", NULL };
	struct dh_http_response resp;
	struct dh_err err;

	assert_int_equal(post(f, f->c, "/echo", hdrs, "payload", &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "hello|payload");
	assert_int_equal(resp.len, 13);
	assert_false(resp.truncated);
	assert_int_equal(post(f, f->c, "/status/204", NULL, NULL, &resp, &err), 0);
	assert_int_equal(resp.status, 204);
	assert_string_equal(resp.body, "");
	assert_int_equal(post(f, f->c, "/status/404", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.body, "status 404");
	assert_int_equal(post(f, f->c, "/status/429", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 429);
	assert_int_equal(post(f, f->c, "/status/503", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 503);
	assert_string_equal(resp.body, "status 503");
}

static void
test_refused_and_bad_url(void **state)
{
	struct fx *f = *state;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct dh_http_response resp;
	struct dh_err err;
	char url[128];

	/* A port bound but not listening: connection refused. */
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook/s3cr3t-path", ntohs(sa.sin_port));
	dh_err_clear(&err);
	assert_int_equal(dh_http_client_post(f->c, url, NULL, "x", 1, &resp, &err), DH_ENET);
	close(fd);
	assert_int_equal(resp.status, 0);
	assert_true(err.msg[0] != '\0');
	assert_null(strstr(err.msg, "s3cr3t"));
	assert_int_equal(dh_http_client_post(f->c, "ftp://127.0.0.1/x", NULL, "x", 1, &resp, &err),
		DH_EINVAL);
	assert_int_equal(dh_http_client_post(f->c, "not a url", NULL, "x", 1, &resp, &err) < 0, 1);
	/* The client still works after failures. */
	assert_int_equal(post(f, f->c, "/status/200", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 200);
}

/* Each URL with the reason it is refused ("" when allowed). */
static void
test_url_check(void **state)
{
	static const struct {
		const char *url, *why;
	} cases[] = {
		{ "https://ctl.example.se:8443", "" },
		{ "HTTPS://ctl.example.se/", "" },
		{ "http://127.0.0.1:8080", "" },
		{ "http://127.9.8.7/", "" },
		{ "HTTP://127.0.0.1/", "" },
		{ "http://localhost/", "" },
		{ "http://LocalHost:80/", "" },
		{ "http://[::1]:80", "" },
		{ "http://[::ffff:127.0.0.1]/", "" },
		{ "http://2130706433/", "" },   /* curl connects to 127.0.0.1 */
		{ "http://0x7f.1/", "" },       /* likewise */
		{ "http://017700000001/", "" }, /* likewise */
		{ "http://%31%32%37.0.0.1/", "" },
		{ "http://127.0.0.1:80@192.0.2.1:8080/", "user information" },
		{ "http://127.0.0.1\\@192.0.2.1/", "user information" },
		{ "https://user@ctl.example.se/", "user information" },
		{ "https://user:pw@ctl.example.se/", "user information" },
		{ "https://:pw@ctl.example.se/", "user information" },
		{ "http://ctl.example.se", "loopback" },
		{ "http://127.0.0.1.evil.se", "loopback" },
		{ "http://127.0.0.1.nip.io/", "loopback" },
		{ "http://localhost./", "loopback" },
		{ "http://localhost.evil.se/", "loopback" },
		{ "http://[::2]/", "loopback" },
		{ "http://[::ffff:192.0.2.1]/", "loopback" },
		{ "http://3221225985/", "loopback" }, /* 192.0.2.1 */
		{ "http://128.0.0.1/", "loopback" },
		{ "ftp://127.0.0.1", "http(s)" },
		{ "file:///etc/passwd", "http(s)" },
		{ "https://", "http(s)" },
		{ "127.0.0.1:8080", "http(s)" },
		{ "http://127.0.0.1 /", "http(s)" },
		{ "http://127.0.0.1/\n", "http(s)" },
		{ "", "http(s)" },
		{ NULL, "http(s)" },
	};
	struct dh_err err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = dh_http_url_check(cases[i].url, &err);

		if (cases[i].why[0] == '\0' && r != 0)
			fail_msg("case %zu %s: refused: %s", i, cases[i].url, err.msg);
		if (cases[i].why[0] != '\0' && (r != DH_EREFUSED || !strstr(err.msg, cases[i].why)))
			fail_msg("case %zu %s: %d '%s' lacks '%s'", i, cases[i].url, r,
				r ? err.msg : "", cases[i].why);
	}
}

static void
test_timeout(void **state)
{
	struct fx *f = *state;
	struct dh_http_client_opts o = { .timeout_s = 1, .connect_timeout_s = 1 };
	struct dh_http_client *c = dh_http_client_new(&o, NULL);
	struct dh_http_response resp;
	struct dh_err err;
	double start = dh_time_mono();

	assert_non_null(c);
	assert_int_equal(post(f, c, "/slow", NULL, "x", &resp, &err), DH_ETIMEOUT);
	assert_true(dh_time_mono() - start < 3.0);
	assert_int_equal(resp.status, 0);
	assert_true(err.msg[0] != '\0');
	dh_http_client_free(c);
}

static void
test_body_bound(void **state)
{
	struct fx *f = *state;
	struct dh_http_client_opts o = { .body_max = 16 };
	struct dh_http_client *c = dh_http_client_new(&o, NULL);
	struct dh_http_response resp;
	struct dh_err err;

	assert_non_null(c);
	assert_int_equal(post(f, c, "/big", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.len, 16);
	assert_string_equal(resp.body, "abababababababab"); /* the first 16 bytes only */
	assert_true(resp.truncated);
	assert_int_equal(post(f, c, "/status/201", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.status, 201);
	assert_string_equal(resp.body, "status 201");
	assert_false(resp.truncated);
	/* The default bound keeps DH_HTTP_CLIENT_BODY_MAX bytes. */
	assert_int_equal(post(f, f->c, "/big", NULL, "x", &resp, &err), 0);
	assert_int_equal(resp.len, DH_HTTP_CLIENT_BODY_MAX);
	assert_true(resp.truncated);
	dh_http_client_free(c);
	dh_http_client_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_refused_and_bad_url),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_body_bound),
	};
	/* One peer for the group: python starts slowly on a busy machine. */
	return cmocka_run_group_tests(tests, setup, teardown);
}
