/*
 * SSH dispatch (jobs/ssh.c) against a real sshd on 127.0.0.2 started
 * by tests/data/ssh_fixture.sh: the forced command runs with the job on
 * stdin; a changed or unknown host key refuses the host before any login
 * (the sshd log shows no accepted key, nothing ran); a wrong client key,
 * a closed port, a silent listener and a command that does not finish
 * fail within their timeouts; many
 * hosts run at once. Skipped unless root (sshd needs it).
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

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "jobs/ssh.h"
#include "net_fx.h"
#include "sh_fx.h"
#include "ssh_fx.h"

struct fx {
	char dir[64];
	char key[128], other_key[128], known[128];
	int port;
	int blackhole_fd, blackhole_port;
};

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));

	*state = f;
	if (!fx_sshd_usable())
		return 0;
	f->port = fx_sshd_start(f->dir, sizeof(f->dir), DH_TMPL("/tmp/dh-test-ssh-"));
	snprintf(f->key, sizeof(f->key), "%s/client_key", f->dir);
	snprintf(f->other_key, sizeof(f->other_key), "%s/other_key", f->dir);
	snprintf(f->known, sizeof(f->known), "%s/known_hosts", f->dir);
	f->blackhole_port = fx_free_port("127.0.0.1", &f->blackhole_fd);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->dir[0]) {
		fx_sshd("stop", f->dir);
		close(f->blackhole_fd);
		fx_rm_rf(f->dir);
	}
	free(f);
	return 0;
}

static struct dh_ssh_target
target(struct fx *f, const char *command)
{
	struct dh_ssh_target t = { .name = "b1",
		.address = "127.0.0.2",
		.port = f->port,
		.user = "dh-fixture",
		.key = f->key,
		.known_hosts = f->known,
		.command = command,
		.connect_ms = 2000,
		.auth_ms = 3000,
		.exec_ms = 5000 };
	return t;
}

static bool
file_has(struct fx *f, const char *name, const char *needle)
{
	char path[128];
	struct dh_buf b;
	bool found;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	dh_buf_init(&b);
	if (dh_file_read(path, 1 << 20, &b, NULL) != 0) {
		dh_buf_fini(&b);
		return false;
	}
	found = strstr(b.data, needle) != NULL;
	dh_buf_fini(&b);
	return found;
}

static void
test_run_with_stdin(void **state)
{
	struct fx *f = *state;
	static const char job[] = "{\"version\":1,\"id\":\"j1\"}";
	struct dh_ssh_target t;
	struct dh_ssh_result res;
	char want[32];

	FX_NEED_SSHD(f);
	t = target(f, "version");
	assert_int_equal(dh_ssh_run(&t, &res), 0);
	assert_int_equal(res.stage, DH_SSH_EXITED);
	assert_int_equal(res.exit_status, 0);
	assert_string_equal(res.out, "drillhall-agent 0.1.0-fixture\n");
	dh_ssh_result_fini(&res);
	t = target(f, "run");
	t.input = job;
	t.input_len = strlen(job);
	assert_int_equal(dh_ssh_run(&t, &res), 0);
	snprintf(want, sizeof(want), "accepted %zu\n", strlen(job));
	assert_string_equal(res.out, want);
	assert_true(file_has(f, "last_job", job));
	dh_ssh_result_fini(&res);
	t = target(f, "rm -rf /"); /* the forced command decides, not the string */
	assert_int_equal(dh_ssh_run(&t, &res), 0);
	assert_int_equal(res.exit_status, 3);
	assert_non_null(strstr(res.err_out, "refused"));
	dh_ssh_result_fini(&res);
	assert_true(file_has(f, "sshd.log", "Accepted publickey"));
}

static void
test_changed_host_key(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t;
	struct dh_ssh_result res;

	FX_NEED_SSHD(f);
	assert_int_equal(fx_sshd("rekey", f->dir), 0);
	t = target(f, "version");
	assert_int_equal(dh_ssh_run(&t, &res), DH_EREFUSED);
	assert_int_equal(res.stage, DH_SSH_CONNECTED);
	assert_non_null(strstr(res.msg, "CHANGED"));
	dh_ssh_result_fini(&res);
	usleep(200 * 1000);
	assert_false(file_has(f, "sshd.log", "Accepted publickey"));
	assert_false(file_has(f, "executed", "version"));
}

static void
test_unknown_and_hashed(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t;
	struct dh_ssh_result res;
	char cmd[600];

	FX_NEED_SSHD(f);
	/* Hashed entries (ssh-keygen -H) still match. */
	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -H -f %s >/dev/null 2>&1", f->known);
	assert_int_equal(system(cmd), 0);
	t = target(f, "version");
	assert_int_equal(dh_ssh_run(&t, &res), 0);
	dh_ssh_result_fini(&res);
	/* The same key pinned for another port is no pin for this one. */
	snprintf(cmd, sizeof(cmd),
		"sed -i 's/^/#/' %s; awk '{print \"[127.0.0.2]:1 \" $1 \" \" $2}' "
		"%s/host_key.pub >> %s",
		f->known, f->dir, f->known);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(dh_ssh_run(&t, &res), DH_EREFUSED);
	assert_non_null(strstr(res.msg, "unknown"));
	dh_ssh_result_fini(&res);
	t.known_hosts = "/nonexistent/known_hosts";
	assert_int_equal(dh_ssh_run(&t, &res), DH_EREFUSED);
	assert_non_null(strstr(res.msg, "known_hosts"));
	dh_ssh_result_fini(&res);
}

static void
test_wrong_client_key(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t;
	struct dh_ssh_result res;

	FX_NEED_SSHD(f);
	t = target(f, "version");
	t.key = f->other_key;
	assert_int_equal(dh_ssh_run(&t, &res), DH_EREFUSED);
	assert_int_equal(res.stage, DH_SSH_HOSTKEY_OK);
	assert_non_null(strstr(res.msg, "authentication"));
	dh_ssh_result_fini(&res);
}

static void
test_unreachable(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t;
	struct dh_ssh_result res;

	FX_NEED_SSHD(f);
	t = target(f, "version");
	t.address = "127.0.0.9";
	t.port = 1;
	assert_int_equal(dh_ssh_run(&t, &res), DH_ENET);
	assert_true(res.seconds < 2.0);
	dh_ssh_result_fini(&res);
	/* A listener that never says its banner: bounded by auth_ms. */
	t.address = "127.0.0.1";
	t.port = f->blackhole_port;
	t.auth_ms = 1000;
	assert_int_equal(dh_ssh_run(&t, &res), DH_ETIMEOUT);
	assert_true(res.seconds >= 0.9 && res.seconds < 3.0);
	assert_non_null(strstr(res.msg, "handshake"));
	dh_ssh_result_fini(&res);
}

static void
test_exec_timeout(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t;
	struct dh_ssh_result res;

	FX_NEED_SSHD(f);
	t = target(f, "sleep"); /* the forced command sleeps 30 s */
	t.exec_ms = 1000;
	assert_int_equal(dh_ssh_run(&t, &res), DH_ETIMEOUT);
	assert_int_equal(res.stage, DH_SSH_AUTHED);
	assert_true(res.seconds < 5.0);
	assert_non_null(strstr(res.msg, "the command to finish"));
	dh_ssh_result_fini(&res);
}

static void
test_many_at_once(void **state)
{
	struct fx *f = *state;
	struct dh_ssh_target t[12];
	struct dh_ssh_result res[12];
	double start;

	FX_NEED_SSHD(f);
	for (int i = 0; i < 12; i++) {
		t[i] = target(f, "version");
		if (i % 3 == 2) { /* silent hosts must not hold up the others */
			t[i].address = "127.0.0.1";
			t[i].port = f->blackhole_port;
			t[i].auth_ms = 3000;
		}
	}
	start = dh_time_mono();
	dh_ssh_run_many(t, res, 12, 0);
	/* Run one after another, the four silent hosts alone would take 4 x 3 s;
	 * the bound holds however slow the eight real logins are (a login
	 * shell's rc files cost this machine's root ~0.8 s each). */
	assert_true(dh_time_mono() - start < 4 * 3.0);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(res[i].code, i % 3 == 2 ? DH_ETIMEOUT : 0);
		if (i % 3 != 2)
			assert_string_equal(res[i].out, "drillhall-agent 0.1.0-fixture\n");
		dh_ssh_result_fini(&res[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_with_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_host_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_client_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_at_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
