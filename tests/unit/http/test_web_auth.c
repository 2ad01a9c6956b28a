/*
 * The web pages' security parts: argon2id hashing and verification
 * (http/auth.c), session expiry after 8 idle hours with a driven clock,
 * the CSRF token compare, the failed-login brake (http/session.c), and
 * reading form fields and cookies (http/form.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/auth.h"
#include "http/form.h"
#include "http/session.h"

static void
test_hash_verify(void **state)
{
	char h[DH_AUTH_HASH_MAX], h2[DH_AUTH_HASH_MAX];
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_auth_hash("rätt lösen", strlen("rätt lösen"), h, sizeof(h), &err), 0);
	assert_true(strncmp(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
	assert_true(dh_auth_verify(h, "rätt lösen", strlen("rätt lösen")));
	assert_false(dh_auth_verify(h, "rätt lösem", strlen("rätt lösem")));
	assert_false(dh_auth_verify(h, "", 0));
	/* salted: the same password hashes differently, and both verify */
	assert_int_equal(dh_auth_hash("rätt lösen", strlen("rätt lösen"), h2, sizeof(h2), &err), 0);
	assert_string_not_equal(h, h2);
	assert_true(dh_auth_verify(h2, "rätt lösen", strlen("rätt lösen")));
	/* not an argon2id hash: never matches */
	assert_false(dh_auth_verify("$argon2i$v=19$m=4096,t=3,p=1$x$y", "a", 1));
	assert_false(dh_auth_verify("plain", "plain", 5));
	assert_false(dh_auth_verify(NULL, "a", 1));
	assert_int_equal(dh_auth_hash("", 0, h, sizeof(h), &err), DH_EINVAL);
}

static void
test_csrf_compare(void **state)
{
	char a[DH_AUTH_TOKEN_HEX], b[DH_AUTH_TOKEN_HEX], c[DH_AUTH_TOKEN_HEX];

	dh_auth_token(a);
	dh_auth_token(b);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	memcpy(c, a, sizeof(c));
	assert_true(dh_auth_equal(a, c));
	c[63] = c[63] == '0' ? '1' : '0';
	assert_false(dh_auth_equal(a, c));
	assert_false(dh_auth_equal(a, ""));
	assert_false(dh_auth_equal(a, NULL));
	assert_false(dh_auth_equal(NULL, NULL));
	c[63] = '\0';
	assert_false(dh_auth_equal(a, c)); /* a prefix is not the token */
}

static void
test_session_expiry(void **state)
{
	struct dh_sessions *s = dh_sessions_new();
	char id[DH_AUTH_TOKEN_HEX], csrf[DH_AUTH_TOKEN_HEX], got[DH_AUTH_TOKEN_HEX];
	char user[DH_SESSION_USER_MAX];
	time_t t0 = 1800000000;

	dh_sessions_create(s, "anna", t0, id, csrf);
	assert_true(dh_sessions_get(s, id, t0 + 60, user, got));
	assert_string_equal(user, "anna");
	assert_string_equal(got, csrf);
	/* each request restarts the idle clock */
	assert_true(dh_sessions_get(s, id, t0 + 60 + DH_SESSION_IDLE_S - 1, NULL, NULL));
	assert_true(dh_sessions_get(s, id, t0 + 60 + 2 * DH_SESSION_IDLE_S - 2, NULL, NULL));
	/* 8 idle hours end it, for good */
	assert_false(dh_sessions_get(s, id, t0 + 60 + 3 * DH_SESSION_IDLE_S - 2, NULL, NULL));
	assert_false(dh_sessions_get(s, id, t0 + 60 + 2 * DH_SESSION_IDLE_S, NULL, NULL));
	/* logout */
	dh_sessions_create(s, "op", t0, id, csrf);
	assert_true(dh_sessions_get(s, id, t0, NULL, NULL));
	dh_sessions_drop(s, id);
	assert_false(dh_sessions_get(s, id, t0, NULL, NULL));
	assert_false(dh_sessions_get(s, "short", t0, NULL, NULL));
	assert_false(dh_sessions_get(s, NULL, t0, NULL, NULL));
	dh_sessions_free(s);
}

static void
test_login_brake(void **state)
{
	struct dh_sessions *s = dh_sessions_new();
	time_t t = 1800000000;

	assert_int_equal(dh_sessions_delay_for(0), 0);
	assert_int_equal(dh_sessions_delay_for(2), 0);
	assert_int_equal(dh_sessions_delay_for(3), 500);
	assert_int_equal(dh_sessions_delay_for(5), 2000);
	assert_int_equal(dh_sessions_delay_for(100), DH_SESSION_DELAY_MS_MAX);
	for (int i = 0; i < 5; i++)
		dh_sessions_login_failed(s, "anna", "192.0.2.7", t);
	assert_int_equal(dh_sessions_login_delay_ms(s, "anna", "198.51.100.1", t), 2000);
	/* the peer's count slows it for another user name too */
	assert_int_equal(dh_sessions_login_delay_ms(s, "bertil", "192.0.2.7", t), 2000);
	assert_int_equal(dh_sessions_login_delay_ms(s, "bertil", "198.51.100.1", t), 0);
	/* forgotten after a quiet while; a success clears the user's count */
	assert_int_equal(dh_sessions_login_delay_ms(s, "anna", "192.0.2.7",
				 t + DH_SESSION_FAIL_FORGET_S),
		0);
	for (int i = 0; i < 4; i++)
		dh_sessions_login_failed(s, "cecilia", "203.0.113.9", t);
	dh_sessions_login_ok(s, "cecilia");
	assert_int_equal(dh_sessions_login_delay_ms(s, "cecilia", "198.51.100.1", t), 0);
	assert_int_equal(dh_sessions_login_delay_ms(s, "x", "203.0.113.9", t), 1000);
	dh_sessions_free(s);
}

static void
test_form_cookie(void **state)
{
	const char *body = "user=anna&password=a%26b+c%3D&csrf=&x";
	char v[70];
	char *s;

	s = dh_form_get(body, strlen(body), "password");
	assert_string_equal(s, "a&b c=");
	free(s);
	s = dh_form_get(body, strlen(body), "csrf");
	assert_string_equal(s, "");
	free(s);
	s = dh_form_get(body, strlen(body), "x");
	assert_string_equal(s, "");
	free(s);
	assert_null(dh_form_get(body, strlen(body), "pass"));
	assert_null(dh_form_get("a=%2", 4, "a"));
	assert_null(dh_form_get("a=%00", 5, "a")); /* no NUL inside a value */
	assert_true(dh_cookie_get("x=1; dh_session=abc ; y=2", "dh_session", v, sizeof(v)));
	assert_string_equal(v, "abc");
	assert_false(dh_cookie_get("xdh_session=abc", "dh_session", v, sizeof(v)));
	assert_false(dh_cookie_get(NULL, "dh_session", v, sizeof(v)));
	assert_false(dh_cookie_get("dh_session=0123456789", "dh_session", v, 5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_csrf_compare),
		cmocka_unit_test(test_session_expiry),
		cmocka_unit_test(test_login_brake),
		cmocka_unit_test(test_form_cookie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
