/*
 * The wire protocol: a job survives a round trip, every field a hostile or
 * buggy peer could get wrong is refused with a message naming it, records
 * keep their shape, and signatures reject tampering and staleness.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/proto.h"
#include "dh/sign.h"

#define TOKEN "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define RESTIC_ID "5a3f0c9e8d7b6a5948372615f4e3d2c1b0a99887766554433221100ffeeddcc0"

static const char good_job[] =
	"{\"v\":3,\"job\":\"j-20261127-procapita-1\",\"kind\":\"restore\","
	"\"system\":\"procapita\",\"host\":\"backup-b1\",\"token\":\"" TOKEN "\","
	"\"url\":\"https://127.0.0.1:8443\",\"plan_revision\":\"abc\","
	"\"rpo_target_s\":900,\"rto_target_s\":7200,\"timeout_s\":14400,"
	"\"restore\":{\"method\":\"restic\",\"repository\":\"/srv/backup/procapita\","
	"\"password_file\":\"/etc/drillhall/secrets/procapita.restic\",\"keep\":false,"
	"\"snapshot_host\":\"app-a1\",\"snapshot_tag\":\"procapita\",\"snapshot_path\":\"/srv/pc\","
	"\"verify\":[{\"kind\":\"manifest\",\"arg\":\"/srv/backup/procapita.sha256\"},"
	"{\"kind\":\"min_files\",\"n\":1000}]}}";

static void
test_job_roundtrip(void **state)
{
	struct dh_job *job = NULL, *again = NULL;
	struct dh_err err;
	char *json;

	assert_int_equal(dh_job_parse(good_job, strlen(good_job), &job, &err), 0);
	assert_string_equal(job->system, "procapita");
	assert_int_equal(job->restore.method, DH_METHOD_RESTIC);
	assert_int_equal(job->restore.nverify, 2);
	assert_int_equal(job->restore.verify[1].kind, DH_VERIFY_MIN_FILES);
	assert_int_equal(job->restore.verify[1].n, 1000);
	json = dh_job_to_json(job);
	assert_int_equal(dh_job_parse(json, strlen(json), &again, &err), 0);
	assert_string_equal(again->restore.verify[0].arg, "/srv/backup/procapita.sha256");
	assert_int_equal(again->timeout_s, 14400);
	assert_string_equal(again->restore.snapshot_host, "app-a1");
	assert_string_equal(again->restore.snapshot_tag, "procapita");
	assert_string_equal(again->restore.snapshot_path, "/srv/pc");
	free(json);
	dh_job_free(job);
	dh_job_free(again);
}

/* Replace the first occurrence of from in good_job with to and parse. */
static int
parse_edited(const char *from, const char *to, struct dh_err *err)
{
	const char *at = strstr(good_job, from);
	struct dh_job *job = NULL;
	struct dh_buf b;
	int r;

	assert_non_null(at);
	dh_buf_init(&b);
	dh_buf_append(&b, good_job, (size_t)(at - good_job));
	dh_buf_puts(&b, to);
	dh_buf_puts(&b, at + strlen(from));
	dh_err_clear(err);
	r = dh_job_parse(b.data, b.len, &job, err);
	dh_buf_fini(&b);
	dh_job_free(job);
	return r;
}

static void
test_job_rejects(void **state)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{ "\"v\":3", "\"v\":2", "protocol version 2, this agent speaks 3" },
		{ "\"method\":\"restic\"", "\"method\":\"tar\"", "apply to method restic only" },
		{ "\"snapshot_host\":\"app-a1\"", "\"snapshot_host\":7", "\"snapshot_host\"" },
		{ "\"procapita\",\"snapshot_path", "\"a,b\",\"snapshot_path", "malformed" },
		{ "\"procapita\",\"snapshot_path", "\"a b\",\"snapshot_path", "malformed" },
		{ "\"/srv/pc\"", "\"srv/pc\"", "malformed" },
		{ "\"app-a1\"", "\"a\\n1\"", "malformed" },
		{ "\"app-a1\"", "\"\"", "malformed" },
		{ "j-20261127-procapita-1", "../../etc", "\"job\" is not a valid job id" },
		{ "\"system\":\"procapita\"", "\"system\":\"Procapita;rm\"", "\"system\"" },
		{ TOKEN, "short", "\"token\"" },
		{ "https://127.0.0.1:8443", "file:///etc/passwd", "\"url\"" },
		{ "https://127.0.0.1:8443", "http://127.0.0.1:80@192.0.2.1:8080/",
			"user information" },
		{ "https://127.0.0.1:8443", "http://192.0.2.1/", "loopback" },
		{ "\"method\":\"restic\"", "\"method\":\"rsync\"", "unknown value 'rsync'" },
		{ "\"timeout_s\":14400", "\"timeout_s\":0", "\"timeout_s\"" },
		{ "\"rpo_target_s\":900", "\"rpo_target_s\":\"900\"", "\"rpo_target_s\"" },
		{ "\"kind\":\"manifest\"", "\"kind\":\"shell\"", "unknown value 'shell'" },
		{ ",\"password_file\":\"/etc/drillhall/secrets/procapita.restic\"", "",
			"missing \"password_file\"" },
		{ "\"keep\":false", "\"keep\":\"no\"", "\"keep\"" },
		{ "\"v\":3,", "\"v\":3,\"v\":3,", "malformed JSON" },
	};
	struct dh_err err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_edited(cases[i].from, cases[i].to, &err), DH_EPARSE);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
	}
}

static void
test_job_garbage(void **state)
{
	struct dh_job *job = NULL;
	struct dh_err err;
	char *big;

	assert_int_equal(dh_job_parse("[1,2]", 5, &job, &err), DH_EPARSE);
	assert_int_equal(dh_job_parse("\xff\xfe{", 3, &job, &err), DH_EPARSE);
	assert_int_equal(dh_job_parse("", 0, &job, &err), DH_EPARSE);
	big = dh_xcalloc(1, DH_JOB_MAX + 2);
	memset(big, ' ', DH_JOB_MAX + 1);
	assert_int_equal(dh_job_parse(big, DH_JOB_MAX + 1, &job, &err), DH_ETOOBIG);
	free(big);
	assert_null(job);
}

static void
test_record_and_event(void **state)
{
	struct dh_record *rec = dh_record_new();
	struct dh_event ev = { 0 }, *back = NULL;
	struct dh_err err;
	char *json;

	rec->id = dh_xstrdup("j-1");
	rec->system = dh_xstrdup("procapita");
	rec->verdict = DH_VERDICT_FAILED;
	rec->started_at = 1795000000;
	rec->finished_at = 1795000100;
	rec->rto_actual_s = 100;
	rec->snapshot.id = dh_xstrdup(RESTIC_ID);
	rec->snapshot.time = 1794990000;
	rec->snapshot.host = dh_xstrdup("app-a1");
	dh_record_add_snapshot_path(rec, "/srv/a");
	dh_record_add_snapshot_path(rec, "/etc");
	dh_record_add_check(rec, "manifest", DH_VERDICT_FAILED, "%d changed", 1);
	for (int i = 0; i < DH_MISMATCH_CAP + 5; i++)
		dh_record_add_mismatch(rec, "var/lib/db.sqlite", "changed");
	ev.job = "j-1";
	ev.seq = 3;
	ev.type = DH_EVENT_FINISHED;
	ev.at = 1795000100;
	ev.record = rec;
	json = dh_event_to_json(&ev);
	assert_int_equal(dh_event_parse(json, strlen(json), &back, &err), 0);
	assert_int_equal(back->seq, 3);
	assert_int_equal(back->record->verdict, DH_VERDICT_FAILED);
	assert_int_equal(back->record->nmismatches, DH_MISMATCH_CAP);
	assert_int_equal(back->record->mismatches_total, DH_MISMATCH_CAP + 5);
	assert_string_equal(back->record->checks[0].detail, "1 changed");
	assert_int_equal(back->record->rpo_actual_s, -1);
	assert_string_equal(back->record->snapshot.id, RESTIC_ID);
	assert_null(back->record->snapshot.archive);
	assert_int_equal(back->record->snapshot.time, 1794990000);
	assert_string_equal(back->record->snapshot.host, "app-a1");
	assert_int_equal(back->record->snapshot.npaths, 2);
	assert_string_equal(back->record->snapshot.paths[1], "/etc");
	free(json);
	dh_event_free(back);
	dh_record_free(rec);
}

/* Parse a record's JSON and hand its "snapshot" back as compact JSON. */
static char *
snapshot_of(const char *json, struct dh_record **out)
{
	struct dh_err err;
	json_t *o;
	char *s;

	dh_err_clear(&err);
	assert_int_equal(dh_record_parse(json, strlen(json), out, &err), 0);
	s = dh_record_to_json(*out, 0);
	o = json_loads(s, 0, NULL);
	free(s);
	s = json_dumps(json_object_get(o, "snapshot"),
		JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(o);
	return s;
}

/* SPEC "a test record": snapshot is {"id","time","host","paths"} for
 * restic, {"archive","time"} for tar, {"time"} for an action, null when
 * no backup was found; records stored before protocol 3 held a string. */
static void
test_snapshot_shapes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\"snapshot\":{\"archive\":\"r.tar.gz\",\"time\":\"2026-11-30T10:00:00Z\"}",
			"{\"archive\":\"r.tar.gz\",\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":{\"id\":\"" RESTIC_ID "\",\"time\":\"2026-11-30T10:00:00Z\","
		  "\"host\":\"app-a1\",\"paths\":[\"/srv\"]}",
			"{\"host\":\"app-a1\",\"id\":\"" RESTIC_ID "\",\"paths\":[\"/srv\"],"
			"\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":{\"time\":\"2026-11-30T10:00:00Z\"}",
			"{\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":null", "null" },
		/* before protocol 3: a string, named by what stood beside it */
		{ "\"snapshot\":\"r.tar.gz\"",
			"{\"archive\":\"r.tar.gz\",\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":\"" RESTIC_ID "\"",
			"{\"host\":null,\"id\":\"" RESTIC_ID
			"\",\"paths\":[],\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":\"4f1a\",\"snapshot_host\":\"h\",\"snapshot_paths\":[\"/a\",\"/b\"]",
			"{\"host\":\"h\",\"id\":\"4f1a\",\"paths\":[\"/a\",\"/b\"],\"time\":\"2026-11-30T10:00:00Z\"}" },
		{ "\"snapshot\":\"2026-11-30T10:00:00Z\"", "{\"time\":\"2026-11-30T10:00:00Z\"}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dh_record *r = NULL;
		char *json = dh_xasprintf("{\"verdict\":\"passed\",\"kind\":\"restore\","
					  "\"backup_at\":\"2026-11-30T10:00:00Z\",%s}",
			cases[i].in);
		char *got = snapshot_of(json, &r);

		assert_string_equal(got, cases[i].out);
		free(got);
		free(json);
		dh_record_free(r);
	}
}

/* A snapshot of the wrong type or naming both an id and an archive is refused. */
static void
test_snapshot_rejects(void **state)
{
	static const char *bad[] = {
		"\"snapshot\":7",
		"\"snapshot\":[]",
		"\"snapshot\":{\"id\":\"a\",\"archive\":\"b\"}",
		"\"snapshot\":{\"paths\":\"/srv\"}",
		"\"snapshot\":{\"time\":\"yesterday\"}",
		"\"snapshot\":\"a\",\"snapshot_paths\":[1]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dh_record *r = NULL;
		struct dh_err err;
		char *json =
			dh_xasprintf("{\"verdict\":\"passed\",\"kind\":\"restore\",%s}", bad[i]);

		dh_err_clear(&err);
		assert_int_equal(dh_record_parse(json, strlen(json), &r, &err), DH_EPARSE);
		assert_null(r);
		if (strstr(err.msg, "snapshot") == NULL)
			fail_msg("%s: %s", bad[i], err.msg);
		free(json);
	}
}

static void
test_event_rejects(void **state)
{
	struct dh_event *ev = NULL;
	struct dh_err err;
	const char *no_record = "{\"job\":\"j\",\"seq\":1,\"type\":\"finished\","
				"\"at\":\"2026-11-27T21:00:00Z\"}";
	const char *seq0 = "{\"job\":\"j\",\"seq\":0,\"type\":\"step\","
			   "\"at\":\"2026-11-27T21:00:00Z\"}";

	assert_int_equal(dh_event_parse(no_record, strlen(no_record), &ev, &err), DH_EPARSE);
	assert_non_null(strstr(err.msg, "\"record\""));
	assert_int_equal(dh_event_parse(seq0, strlen(seq0), &ev, &err), DH_EPARSE);
	assert_null(ev);
}

/*
 * What the controller can still read of a finished event it cannot parse:
 * type and seq (and job, at, host where readable), even through bytes
 * that are not UTF-8; nothing for other types or without a seq.
 */
static void
test_finished_envelope(void **state)
{
	static const char latin[] = "{\"job\":\"j-1\",\"seq\":4,\"type\":\"finished\","
				    "\"at\":\"2026-11-30T10:00:00Z\",\"host\":\"b\xe5t\","
				    "\"record\":{\"mismatches\":[{\"path\":\"l\xf6n\"}]}}";
	static const char *refused[] = {
		"{\"job\":\"j-1\",\"seq\":4,\"type\":\"step\"}",
		"{\"job\":\"j-1\",\"type\":\"finished\"}",
		"{\"job\":\"j-1\",\"seq\":0,\"type\":\"finished\"}",
		"[\"finished\"]",
		"{\"type\":\"finished\",\"seq\":4",
	};
	struct dh_event *ev = NULL;
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_event_parse(latin, strlen(latin), &ev, &err), DH_EPARSE);
	assert_int_equal(dh_event_parse_finished_envelope(latin, strlen(latin), &ev, &err), 0);
	assert_int_equal(ev->type, DH_EVENT_FINISHED);
	assert_int_equal(ev->seq, 4);
	assert_string_equal(ev->job, "j-1");
	assert_string_equal(ev->host, "b?t");
	assert_int_equal(ev->at, 1796032800);
	assert_null(ev->record);
	dh_event_free(ev);
	ev = NULL;
	/* a job field that is no job id is left unknown */
	assert_int_equal(dh_event_parse_finished_envelope(
				 "{\"job\":\"../x\",\"seq\":1,\"type\":\"finished\"}", 40, &ev,
				 &err),
		0);
	assert_null(ev->job);
	dh_event_free(ev);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ev = NULL;
		assert_int_equal(dh_event_parse_finished_envelope(refused[i], strlen(refused[i]),
					 &ev, &err),
			DH_EPARSE);
		assert_null(ev);
	}
}

static void
test_signature(void **state)
{
	const char *body = "{\"job\":\"j\"}";
	char hdr[DH_SIGN_VALUE_MAX], token[DH_TOKEN_HEX + 1], other[DH_TOKEN_HEX + 1];

	assert_int_equal(dh_sign_new_token(token, sizeof(token)), 0);
	assert_int_equal(dh_sign_new_token(other, sizeof(other)), 0);
	assert_string_not_equal(token, other);
	dh_sign_make(token, 1000, body, strlen(body), hdr, sizeof(hdr));
	assert_int_equal(dh_sign_check(token, hdr, body, strlen(body), 1100), 0);
	assert_int_equal(dh_sign_check(other, hdr, body, strlen(body), 1100), DH_EREFUSED);
	assert_int_equal(dh_sign_check(token, hdr, "{\"job\":\"k\"}", 11, 1100), DH_EREFUSED);
	assert_int_equal(dh_sign_check(token, hdr, body, strlen(body), 1000 + 301), DH_EREFUSED);
	assert_int_equal(dh_sign_check(token, "t=abc,sig=00", body, strlen(body), 1000), DH_EPARSE);
	assert_int_equal(dh_sign_check(token, NULL, body, strlen(body), 1000), DH_EPARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_roundtrip),
		cmocka_unit_test(test_job_rejects),
		cmocka_unit_test(test_job_garbage),
		cmocka_unit_test(test_record_and_event),
		cmocka_unit_test(test_snapshot_shapes),
		cmocka_unit_test(test_snapshot_rejects),
		cmocka_unit_test(test_event_rejects),
		cmocka_unit_test(test_finished_envelope),
		cmocka_unit_test(test_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
