/*
 * Action jobs on the wire (protocol 3): an action job survives a round
 * trip with only what it needs (no token, url or targets), its action
 * name and marker are checked because they reach agent.ini and an
 * environment, a job of another protocol version is refused naming both,
 * "action" is a kind of job but never of a record; the action result
 * round-trips, its output becomes valid UTF-8 text, and a malformed or
 * foreign-version result is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/proto.h"

static const char action_job[] =
	"{\"v\":3,\"job\":\"sql-kluster-20261130T010000-ab12cd34\",\"kind\":\"action\","
	"\"system\":\"sql-kluster\",\"host\":\"db-b1\",\"action\":\"promote\","
	"\"marker\":\"m-0f1e2d3c\",\"timeout_s\":120}";

static void
test_action_job_roundtrip(void **state)
{
	struct dh_job *j = NULL, *again = NULL;
	struct dh_err err;
	char *json;

	assert_int_equal(dh_job_parse(action_job, strlen(action_job), &j, &err), 0);
	assert_int_equal(j->kind, DH_JOB_ACTION);
	assert_string_equal(j->action.name, "promote");
	assert_string_equal(j->action.marker, "m-0f1e2d3c");
	assert_null(j->token);
	assert_null(j->url);
	assert_int_equal(j->timeout_s, 120);
	json = dh_job_to_json(j);
	assert_non_null(strstr(json, "\"kind\":\"action\""));
	assert_int_equal(dh_job_parse(json, strlen(json), &again, &err), 0);
	assert_string_equal(again->action.name, "promote");
	assert_string_equal(again->action.marker, "m-0f1e2d3c");
	assert_string_equal(again->host, "db-b1");
	free(json);
	dh_job_free(again);
	/* no marker and no timeout: both optional, and written so they parse */
	free(j->action.marker);
	j->action.marker = NULL;
	j->timeout_s = 0;
	json = dh_job_to_json(j);
	assert_int_equal(dh_job_parse(json, strlen(json), &again, &err), 0);
	assert_null(again->action.marker);
	assert_int_equal(again->timeout_s, 0);
	free(json);
	dh_job_free(again);
	dh_job_free(j);
}

/* action_job with from replaced by to: refused with a message holding want. */
static void
refused(const char *from, const char *to, const char *want)
{
	struct dh_buf b;
	struct dh_job *j = NULL;
	struct dh_err err;
	const char *at = strstr(action_job, from);

	assert_non_null(at);
	dh_buf_init(&b);
	dh_buf_append(&b, action_job, (size_t)(at - action_job));
	dh_buf_puts(&b, to);
	dh_buf_puts(&b, at + strlen(from));
	assert_int_equal(dh_job_parse(b.data, b.len, &j, &err), DH_EPARSE);
	assert_null(j);
	if (strstr(err.msg, want) == NULL)
		fprintf(stderr, "want '%s' in '%s'\n", want, err.msg);
	assert_non_null(strstr(err.msg, want));
	dh_buf_fini(&b);
}

static void
test_action_job_rejects(void **state)
{
	refused("\"v\":3", "\"v\":2", "protocol version 2, this agent speaks 3");
	refused("\"action\":\"promote\",", "", "missing \"action\"");
	refused("\"promote\"", "\"../bin/sh\"", "not a valid action name");
	refused("\"promote\"", "\"pro mote\"", "not a valid action name");
	refused("\"promote\"", "\"-x\"", "not a valid action name");
	refused("\"m-0f1e2d3c\"", "\"a b\"", "\"marker\" must be");
	refused("\"m-0f1e2d3c\"", "\"x\\nDRILLHALL_JOB=1\"", "\"marker\" must be");
	refused("\"m-0f1e2d3c\"", "\"\"", "\"marker\" must be");
	refused("\"timeout_s\":120", "\"timeout_s\":-1", "\"timeout_s\" must be");
	refused("\"kind\":\"action\"", "\"kind\":\"shell\"", "kind");
	refused("\"host\":\"db-b1\"", "\"token\":\"abc\"", "\"token\" must be");
}

/* Records are restore tests or drills: "action" is no record kind. */
static void
test_action_is_no_record_kind(void **state)
{
	assert_int_equal(dh_job_kind_parse("restore"), DH_JOB_RESTORE);
	assert_int_equal(dh_job_kind_parse("failover"), DH_JOB_FAILOVER);
	assert_int_equal(dh_job_kind_parse("action"), -1);
	assert_string_equal(dh_job_kind_name(DH_JOB_ACTION), "action");
	assert_true(dh_proto_is_marker("m-0f1e2d3c_A.b"));
	assert_false(dh_proto_is_marker("m/1"));
	assert_true(dh_proto_is_action_name("check-marker"));
	assert_false(dh_proto_is_action_name(".hidden"));
}

static void
test_result_roundtrip(void **state)
{
	struct dh_action_result r = { .job = "j1",
		.action = "check-marker",
		.exit_code = 1,
		.seconds = 0.25,
		.output = "marker m-1 not found\n",
		.status = "exit status 1" };
	struct dh_action_result *back = NULL;
	struct dh_err err;
	char *json = dh_action_result_to_json(&r);

	assert_int_equal(dh_action_result_parse(json, strlen(json), &back, &err), 0);
	assert_string_equal(back->job, "j1");
	assert_string_equal(back->action, "check-marker");
	assert_int_equal(back->exit_code, 1);
	assert_true(back->seconds > 0.24 && back->seconds < 0.26);
	assert_string_equal(back->output, "marker m-1 not found\n");
	assert_false(back->timed_out);
	dh_action_result_free(back);
	free(json);
	/* a timed-out action did not exit: exit is null */
	r.exit_code = -1;
	r.timed_out = true;
	json = dh_action_result_to_json(&r);
	assert_non_null(strstr(json, "\"exit\":null"));
	assert_int_equal(dh_action_result_parse(json, strlen(json), &back, &err), 0);
	assert_int_equal(back->exit_code, -1);
	assert_true(back->timed_out);
	dh_action_result_free(back);
	free(json);
}

static void
test_result_rejects(void **state)
{
	static const char *const bad[] = {
		"{\"v\":2,\"job\":\"j\",\"action\":\"a\",\"exit\":0,\"seconds\":1,\"output\":\"\","
		"\"output_cut\":false,\"timed_out\":false,\"status\":\"\"}",
		"{\"v\":3,\"job\":\"j\",\"action\":\"a\",\"exit\":256,\"seconds\":1,\"output\":\"\","
		"\"output_cut\":false,\"timed_out\":false,\"status\":\"\"}",
		"{\"v\":3,\"job\":\"j\",\"action\":\"a\",\"exit\":0,\"seconds\":-1,\"output\":\"\","
		"\"output_cut\":false,\"timed_out\":false,\"status\":\"\"}",
		"{\"v\":3,\"job\":\"j\",\"action\":\"a\",\"exit\":0,\"seconds\":1,"
		"\"output_cut\":false,\"timed_out\":false,\"status\":\"\"}",
		"{\"v\":3,\"job\":\"j\",\"action\":\"a\",\"exit\":0,\"seconds\":1,\"output\":\"\","
		"\"output_cut\":\"no\",\"timed_out\":false,\"status\":\"\"}",
		"accepted j1\n",
		"",
	};
	const char *want[] = { "protocol version 2", "\"exit\"", "\"seconds\"", "\"output\"",
		"\"output_cut\"", "", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dh_action_result *r = NULL;
		struct dh_err err;

		assert_int_not_equal(dh_action_result_parse(bad[i], strlen(bad[i]), &r, &err), 0);
		assert_null(r);
		assert_non_null(strstr(err.msg, want[i]));
	}
}

/* Bytes of a host's program become text: UTF-8 kept, the rest escaped. */
static void
test_output_text(void **state)
{
	static const char in[] = "ok \xc3\xa5\xc3\xa4 \xff\x00z \xe2\x82";
	char *t = dh_action_output_text(in, sizeof(in) - 1);

	assert_string_equal(t, "ok \xc3\xa5\xc3\xa4 \\xff\\x00z \\xe2\\x82");
	free(t);
	t = dh_action_output_text("", 0);
	assert_string_equal(t, "");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_job_roundtrip),
		cmocka_unit_test(test_action_job_rejects),
		cmocka_unit_test(test_action_is_no_record_kind),
		cmocka_unit_test(test_result_roundtrip),
		cmocka_unit_test(test_result_rejects),
		cmocka_unit_test(test_output_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
