/*
 * Action jobs from the controller (jobs/action.c) through a real sshd
 * (tests/data/ssh_fixture.sh) whose forced command is the real
 * drillhall-agent ($DH_BIN) with an agent.ini of test actions: the action
 * runs with DRILLHALL_SYSTEM, DRILLHALL_JOB and DRILLHALL_MARKER (absent
 * when the call has none); a failing action is a result, not an error; a
 * timeout kills the action's whole process group; output is bounded; an
 * unknown action, an agent of another protocol version and an answer that
 * is no action result are errors naming the cause; an unreachable host is
 * an error; markers are fresh. One sshd for the group; the SSH cases are
 * skipped unless root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <unistd.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "dh/problems.h"
#include "jobs/action.h"
#include "net_fx.h"
#include "sh_fx.h"
#include "ssh_fx.h"

struct fx {
	char dir[64];
	struct dh_plan *plan;
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	assert_int_equal(fx_sh("cat >'%s/%s' <<'EOF'\n%sEOF", dir, name, text), 0);
}

/* The plan: one host, b1, at the fixture (or at a closed port: dead). */
static struct dh_plan *
plan_at(const char *dir, int port, int dead_port)
{
	char *inv = dh_xasprintf("[controller]\nurl = https://127.0.0.1:8443\n"
				 "ssh_key = %s/client_key\nknown_hosts = %s/known_hosts\n"
				 "[hall B]\n[host b1]\nhall = B\naddress = 127.0.0.2\nport = %d\n"
				 "user = dh-fixture\n[host dead]\nhall = B\naddress = 127.0.0.2\n"
				 "port = %d\nuser = dh-fixture\n",
		dir, dir, port, dead_port);
	struct dh_plan_file f[] = { { "inventory.ini", inv, strlen(inv) } };
	struct dh_problems pr;
	struct dh_plan *p;

	dh_problems_init(&pr);
	dh_plan_load_files(&p, f, 1, &pr);
	dh_problems_fini(&pr);
	free(inv);
	return p;
}

static int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));
	const char *bin = getenv("DH_BIN");
	int port;
	char ini[1024];

	*state = f;
	if (!fx_sshd_usable())
		return 0;
	assert_non_null(bin);
	port = fx_sshd_start(f->dir, sizeof(f->dir), DH_TMPL("/tmp/dh-test-action-"));
	snprintf(ini, sizeof(ini),
		"[agent]\nscratch = %s/scratch\nspool = %s/spool\nbackup_roots = %s\n"
		"[action env]\ncommand = /usr/bin/env\n"
		"[action fail]\ncommand = /bin/false\n"
		"[action kids]\ncommand = %s/kids.sh\ntimeout = 1s\n"
		"[action chatty]\ncommand = /usr/bin/seq 1 100000\n",
		f->dir, f->dir, f->dir, f->dir);
	write_file(f->dir, "agent.ini", ini);
	snprintf(ini, sizeof(ini), "#!/bin/sh\nsleep 30 &\necho $! >%s/kid.pid\nwait\n", f->dir);
	write_file(f->dir, "kids.sh", ini);
	snprintf(ini, sizeof(ini), "#!/bin/sh\nexec %s/drillhall-agent --config %s/agent.ini run\n",
		f->dir, f->dir);
	write_file(f->dir, "agent", ini);
	assert_int_equal(fx_sh("cp '%s/drillhall-agent' '%s/' && mkdir -p %s/scratch %s/spool && "
			       "chmod 755 %s/agent %s/kids.sh && chown -R dh-fixture %s",
				 bin, f->dir, f->dir, f->dir, f->dir, f->dir, f->dir),
		0);
	f->plan = plan_at(f->dir, port, fx_free_port("127.0.0.2", NULL));
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->dir[0]) {
		fx_sshd("stop", f->dir);
		fx_sh("rm -rf '%s'", f->dir);
	}
	dh_plan_free(f->plan);
	free(f);
	return 0;
}

static int
call(struct fx *f, const char *host, const char *action, const char *marker,
	struct dh_action_result **out, struct dh_err *err)
{
	struct dh_action_call c = { .host = host,
		.action = action,
		.system = "sql-kluster",
		.job = "sql-kluster-20261130T010000-ab12cd34",
		.marker = marker,
		.timeout_s = 60 };

	dh_err_clear(err);
	return dh_action_call_run(f->plan, &c, out, err);
}

static void
test_environment(void **state)
{
	struct fx *f = *state;
	struct dh_action_result *r = NULL;
	struct dh_err err;

	FX_NEED_SSHD(f);
	assert_int_equal(call(f, "b1", "env", "m-0f1e2d3c", &r, &err), 0);
	assert_int_equal(r->exit_code, 0);
	assert_false(r->timed_out);
	assert_non_null(strstr(r->output, "DRILLHALL_SYSTEM=sql-kluster\n"));
	assert_non_null(strstr(r->output, "DRILLHALL_JOB=sql-kluster-20261130T010000-ab12cd34\n"));
	assert_non_null(strstr(r->output, "DRILLHALL_MARKER=m-0f1e2d3c\n"));
	assert_string_equal(r->action, "env");
	dh_action_result_free(r);
	assert_int_equal(call(f, "b1", "env", NULL, &r, &err), 0);
	assert_null(strstr(r->output, "DRILLHALL_MARKER"));
	dh_action_result_free(r);
}

/* An action that fails is a result: the drill decides what it means. */
static void
test_failing_action(void **state)
{
	struct fx *f = *state;
	struct dh_action_result *r = NULL;
	struct dh_err err;

	FX_NEED_SSHD(f);
	assert_int_equal(call(f, "b1", "fail", NULL, &r, &err), 0);
	assert_int_equal(r->exit_code, 1);
	assert_string_equal(r->status, "exit status 1");
	dh_action_result_free(r);
}

/* pid has exited (no process, or a zombie nobody reaped yet) within 2 s:
 * the group was signalled, and a signalled sleep needs a moment to go. */
static bool
gone(pid_t pid)
{
	for (int i = 0; i < 40; i++) {
		char path[64], st[512];
		FILE *fp;
		char *rp;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if ((fp = fopen(path, "r")) == NULL)
			return true;
		st[0] = '\0';
		if (fgets(st, sizeof(st), fp) == NULL)
			st[0] = '\0';
		fclose(fp);
		if ((rp = strrchr(st, ')')) != NULL && rp[1] == ' ' && rp[2] == 'Z')
			return true;
		usleep(50000);
	}
	return false;
}

/* Its own timeout (1s in agent.ini) kills the whole group, children too. */
static void
test_timeout_kills_group(void **state)
{
	struct fx *f = *state;
	struct dh_action_result *r = NULL;
	struct dh_err err;
	struct dh_buf pid;
	char *path;
	long kid;

	FX_NEED_SSHD(f);
	assert_int_equal(call(f, "b1", "kids", NULL, &r, &err), 0);
	assert_true(r->timed_out);
	assert_int_equal(r->exit_code, -1);
	assert_true(r->seconds >= 1.0 && r->seconds < 10.0);
	dh_action_result_free(r);
	path = dh_xasprintf("%s/kid.pid", f->dir);
	dh_buf_init(&pid);
	assert_int_equal(dh_file_read(path, 64, &pid, NULL), 0);
	kid = strtol(pid.data, NULL, 10);
	assert_true(kid > 1);
	assert_true(gone((pid_t)kid)); /* killed with its group */
	dh_buf_fini(&pid);
	free(path);
}

static void
test_output_bounded(void **state)
{
	struct fx *f = *state;
	struct dh_action_result *r = NULL;
	struct dh_err err;

	FX_NEED_SSHD(f);
	assert_int_equal(call(f, "b1", "chatty", NULL, &r, &err), 0);
	assert_int_equal(r->exit_code, 0);
	assert_true(r->output_cut);
	assert_int_equal(strlen(r->output), DH_ACTION_OUTPUT_MAX);
	assert_int_equal(strncmp(r->output, "1\n2\n3\n", 6), 0);
	dh_action_result_free(r);
}

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	struct dh_action_result *r = NULL;
	struct dh_err err;

	FX_NEED_SSHD(f);
	assert_int_equal(call(f, "b1", "nope", NULL, &r, &err), DH_EREFUSED);
	assert_null(r);
	assert_non_null(strstr(err.msg, "no [action nope]"));
	assert_int_equal(call(f, "nowhere", "env", NULL, &r, &err), DH_EINVAL);
	assert_non_null(strstr(err.msg, "not in the inventory"));
	assert_int_equal(call(f, "dead", "env", NULL, &r, &err), DH_ENET);
	assert_null(r);
	/* an agent of protocol 2 refuses the job in its own words, quoted */
	write_file(f->dir, "agent",
		"#!/bin/sh\ncat >/dev/null\necho 'drillhall-agent: bad job: job has protocol "
		"version 3, this agent speaks 2: install the controller'\"'\"'s version of "
		"drillhall-agent' >&2\nexit 2\n");
	assert_int_equal(call(f, "b1", "env", NULL, &r, &err), DH_EREFUSED);
	assert_non_null(strstr(err.msg, "protocol version 3, this agent speaks 2"));
	/* an agent that answers with anything but an action result */
	write_file(f->dir, "agent", "#!/bin/sh\ncat >/dev/null\necho accepted x\n");
	assert_int_equal(call(f, "b1", "env", NULL, &r, &err), DH_EPARSE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "no action result of protocol 3"));
}

/* Markers are fresh, and markers as the job codec takes them. */
static void
test_marker(void **state)
{
	char a[DH_ACTION_MARKER_LEN], b[DH_ACTION_MARKER_LEN], small[8];

	assert_int_equal(dh_action_marker_new(a, sizeof(a)), 0);
	assert_int_equal(dh_action_marker_new(b, sizeof(b)), 0);
	assert_int_equal(strlen(a), DH_ACTION_MARKER_LEN - 1);
	assert_int_equal(strncmp(a, "m-", 2), 0);
	assert_true(dh_proto_is_marker(a));
	assert_string_not_equal(a, b);
	assert_int_equal(dh_action_marker_new(small, sizeof(small)), DH_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker), cmocka_unit_test(test_environment),
		cmocka_unit_test(test_failing_action), cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_output_bounded),
		cmocka_unit_test(test_refusals), /* last: it replaces the agent */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
