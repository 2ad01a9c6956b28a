/*
 * `hosts --authorized-keys` lines (render/hosts.c dh_hosts_authkey_line):
 * the exact line for plain paths, with and without from=; paths that need
 * quoting for sh and for sshd's quoted option; and every refusal (a
 * private key, a line that is not a key, control characters, a from=
 * that could break out of its quotes) with the buffer left untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dh/buf.h"
#include "dh/err.h"
#include "render/hosts.h"

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKBn2caZl8mziJjKCLFpAjH80AUKc1329GcuL5jGpZGX"

/* Asserts that these parts make exactly want. */
static void
expect_line(const char *agent, const char *config, const char *from, const char *key,
	const char *want)
{
	struct dh_buf b;
	struct dh_err err;

	dh_buf_init(&b);
	dh_err_clear(&err);
	assert_int_equal(dh_hosts_authkey_line(&b, agent, config, from, key, &err), 0);
	assert_string_equal(b.data, want);
	dh_buf_fini(&b);
}

static void
expect_refused(const char *agent, const char *config, const char *from, const char *key,
	const char *msg_part)
{
	struct dh_buf b;
	struct dh_err err;

	dh_buf_init(&b);
	dh_buf_puts(&b, "kept");
	dh_err_clear(&err);
	assert_int_equal(dh_hosts_authkey_line(&b, agent, config, from, key, &err), DH_EINVAL);
	assert_non_null(strstr(err.msg, msg_part));
	assert_string_equal(b.data, "kept");
	dh_buf_fini(&b);
}

static void
test_plain(void **state)
{
	expect_line("/usr/bin/drillhall-agent", "/etc/drillhall/agent.ini", NULL, KEY " ctl@x",
		"restrict,command=\"/usr/bin/drillhall-agent --config /etc/drillhall/agent.ini "
		"run\" " KEY " ctl@x");
	expect_line("/usr/bin/drillhall-agent", "/etc/drillhall/agent.ini",
		"10.0.0.5,2001:db8::/32", KEY,
		"restrict,from=\"10.0.0.5,2001:db8::/32\",command=\"/usr/bin/drillhall-agent "
		"--config /etc/drillhall/agent.ini run\" " KEY);
}

static void
test_quoted(void **state)
{
	/* sh reads 'a b' as one word; sshd turns \" back into " */
	expect_line("/opt/dh agent/bin", "/etc/it's \"here\".ini", NULL, KEY,
		"restrict,command=\"'/opt/dh agent/bin' --config '/etc/it'\\''s \\\"here\\\".ini' "
		"run\" " KEY);
	expect_line("/a$(reboot)", "/c;x", NULL, KEY,
		"restrict,command=\"'/a$(reboot)' --config '/c;x' run\" " KEY);
}

static void
test_refused(void **state)
{
	const char *a = "/usr/bin/drillhall-agent", *c = "/etc/drillhall/agent.ini";

	expect_refused(a, c, NULL, "-----BEGIN OPENSSH PRIVATE KEY-----", "private key");
	expect_refused(a, c, NULL, "hello world", "not an OpenSSH public key");
	expect_refused(a, c, NULL, "ssh-ed25519", "not an OpenSSH public key");
	expect_refused(a, c, NULL, "ssh-ed25519 AAAA\"", "base64");
	expect_refused(a, c, NULL, KEY " a\tb", "control character");
	expect_refused("/x\ny", c, NULL, KEY, "agent path");
	expect_refused(a, "/c\r", NULL, KEY, "agent config path");
	expect_refused(a, c, "1.2.3.4\",command=\"sh", KEY, "--from");
	expect_refused(a, c, "a b", KEY, "--from");
	expect_refused(a, c, "", KEY, "--from is empty");
}

static void
test_render(void **state)
{
	struct dh_authkey_row rows[] = {
		{ "app-a", "root", "127.0.0.2", 2201, "restrict,command=\"a\" k" },
		{ "app-b", "drillhall", "10.0.0.3", 22, "restrict,command=\"b\" k" },
	};
	struct dh_buf b;

	dh_buf_init(&b);
	dh_hosts_render_authkeys_text(rows, 2, &b);
	assert_string_equal(b.data,
		"# app-a: root@127.0.0.2 port 2201\n"
		"restrict,command=\"a\" k\n"
		"\n"
		"# app-b: drillhall@10.0.0.3 port 22\n"
		"restrict,command=\"b\" k\n");
	dh_buf_reset(&b);
	dh_hosts_render_authkeys_json(rows, 1, &b);
	assert_non_null(strstr(b.data, "\"line\": \"restrict,command=\\\"a\\\" k\""));
	assert_non_null(strstr(b.data, "\"port\": 2201"));
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
