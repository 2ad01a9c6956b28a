/*
 * Who may read /metrics (controller/http/metrics.c, SPEC "Metrics"):
 * with a token configured, only "Authorization: Bearer TOKEN" with that
 * exact token (any peer, loopback included); without one, only loopback
 * peers (IPv4 127.0.0.0/8 and [::1]), never another address, whatever
 * header it sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "http/metrics.h"

static const char *auth_value;

static const char *
header(void *conn, const char *name)
{
	return strcasecmp(name, "Authorization") == 0 ? auth_value : NULL;
}

static bool
allowed(const char *peer, const char *auth, const char *token)
{
	struct dh_http_req req = { .method = "GET",
		.path = "/metrics",
		.peer = peer,
		.header = header };

	auth_value = auth;
	return dh_metrics_authorized(&req, token);
}

static void
test_token(void **state)
{
	assert_true(allowed("192.0.2.7:4000", "Bearer s3cret", "s3cret"));
	assert_true(allowed("192.0.2.7:4000", "bearer s3cret", "s3cret"));
	assert_false(allowed("192.0.2.7:4000", NULL, "s3cret"));
	assert_false(allowed("127.0.0.1:4000", NULL, "s3cret")); /* a token binds loopback too */
	assert_false(allowed("192.0.2.7:4000", "Bearer s3cre", "s3cret"));
	assert_false(allowed("192.0.2.7:4000", "Bearer s3cretx", "s3cret"));
	assert_false(allowed("192.0.2.7:4000", "Basic s3cret", "s3cret"));
	assert_false(allowed("192.0.2.7:4000", "Bearer ", "s3cret"));
}

static void
test_loopback_only_without_token(void **state)
{
	assert_true(allowed("127.0.0.1:4000", NULL, NULL));
	assert_true(allowed("127.3.2.1:4000", NULL, NULL));
	assert_true(allowed("[::1]:4000", NULL, NULL));
	assert_false(allowed("192.0.2.7:4000", NULL, NULL));
	assert_false(allowed("192.0.2.7:4000", "Bearer anything", NULL));
	assert_false(allowed("[fd00::2]:4000", NULL, NULL));
	assert_false(allowed("128.0.0.1:4000", NULL, NULL));
	assert_false(allowed(NULL, NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_loopback_only_without_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
