/*
 * Every output format of check, plan, history, run, hosts and audit,
 * rendered from fixed inputs (plans under tests/data/render/, records,
 * a hosts result and audit results from tests/support/render_fx.h) and
 * compared byte for byte with the goldens beside them, which the code
 * printed before it became pure renderers: a change here is a change
 * users see (DH_UPDATE_GOLDEN=1 rewrites them after a deliberate change).
 * CSV quoting is checked on its own too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "render/audit.h"
#include "render/hosts.h"
#include "render/plan.h"
#include "render/record.h"
#include "render_fx.h"

/* out must equal tests/data/render/NAME byte for byte. */
static void
golden(const char *name, const struct dh_buf *out)
{
	const char *data = getenv("DH_TEST_DATA");
	char *path;
	struct dh_buf want;

	assert_non_null(data);
	path = dh_xasprintf("%s/render/%s", data, name);
	if (getenv("DH_UPDATE_GOLDEN")) { /* after a deliberate change, as test_status */
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite(out->data, 1, out->len, f);
		fclose(f);
	}
	dh_buf_init(&want);
	assert_int_equal(dh_file_read(path, 1 << 20, &want, NULL), 0);
	if (want.len != out->len || memcmp(want.data, out->data, want.len) != 0)
		fprintf(stderr, "%s differs; rendered:\n%.*s", name, (int)out->len,
			out->data ? out->data : "");
	assert_int_equal(want.len, out->len);
	assert_memory_equal(want.data, out->data, want.len);
	dh_buf_fini(&want);
	free(path);
}

/* Load tests/data/render/DIR and check it as of the goldens' time. */
static struct dh_plan *
load(const char *dir, struct dh_problems *pr, time_t *now)
{
	char *path = dh_xasprintf("%s/render/%s", getenv("DH_TEST_DATA"), dir);
	struct dh_plan *p = NULL;

	assert_int_equal(dh_time_parse("2026-11-27T12:00:00Z", now), 0);
	dh_problems_init(pr);
	assert_true(dh_plan_load(&p, path, pr, NULL) >= 0);
	dh_plan_check(p, *now, pr);
	dh_problems_sort(pr);
	free(path);
	return p;
}

static void
test_check(void **state)
{
	struct dh_problems pr;
	struct dh_plan *p;
	struct dh_buf out;
	time_t now;

	p = load("check", &pr, &now);
	dh_buf_init(&out);
	dh_plan_render_check_text(&pr, &out);
	golden("check.text", &out);
	dh_buf_reset(&out);
	dh_plan_render_check_json(&pr, &out);
	golden("check.json", &out);
	dh_buf_fini(&out);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_plan(void **state)
{
	static const struct {
		const char *golden;
		void (*fn)(const struct dh_plan *, const struct dh_problems *, time_t,
			struct dh_buf *);
	} formats[] = {
		{ "plan.text", dh_plan_render_text },
		{ "plan.md", dh_plan_render_md },
		{ "plan.html", dh_plan_render_html },
		{ "plan.json", dh_plan_render_json },
	};
	struct dh_problems pr;
	struct dh_plan *p;
	struct dh_buf out;
	time_t now;

	p = load("plan", &pr, &now);
	assert_true(p->ordered);
	dh_buf_init(&out);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		dh_buf_reset(&out);
		formats[i].fn(p, &pr, now, &out);
		golden(formats[i].golden, &out);
	}
	dh_buf_fini(&out);
	dh_plan_free(p);
	dh_problems_fini(&pr);
}

static void
test_records(void **state)
{
	struct dh_record *recs[RFX_NRECS];
	struct dh_buf out;

	rfx_records(recs);
	dh_buf_init(&out);
	for (int i = 0; i < RFX_NRECS; i++)
		dh_record_render_line(recs[i], &out);
	golden("history.text", &out);
	dh_buf_reset(&out);
	dh_record_render_csv_header(&out);
	for (int i = 0; i < RFX_NRECS; i++)
		dh_record_render_csv_row(recs[i], &out);
	golden("history.csv", &out);
	dh_buf_reset(&out);
	dh_record_render_json_list(recs, RFX_NRECS, &out);
	golden("history.json", &out);
	dh_buf_reset(&out);
	for (int i = 0; i < RFX_NRECS; i++)
		dh_record_render_full(recs[i], &out);
	golden("run.text", &out);
	dh_buf_reset(&out);
	for (int i = 0; i < RFX_NRECS; i++)
		dh_record_render_json(recs[i], &out);
	golden("run.json", &out);
	dh_buf_fini(&out);
	rfx_records_free(recs);
}

/* The text names the restore point: a restic snapshot with its host and
 * paths, a tar archive, or (an action's) only the time. */
static void
test_restore_point_text(void **state)
{
	static const char *want[] = {
		"backup         2026-11-27T09:00:00Z  4f1a of host app-a1, paths /srv/a, /etc\n",
		"backup         2026-11-27T09:00:00Z  /srv/backup/byggr-1.tar.zst\n",
		"backup         2026-11-27T09:00:00Z\n",
	};
	struct dh_buf out;

	for (int i = 0; i < 3; i++) {
		struct dh_record *r = dh_record_new();

		r->backup_at = 1795770000;
		r->snapshot.time = r->backup_at;
		if (i == 0) {
			r->snapshot.id = dh_xstrdup("4f1a");
			r->snapshot.host = dh_xstrdup("app-a1");
			dh_record_add_snapshot_path(r, "/srv/a");
			dh_record_add_snapshot_path(r, "/etc");
		} else if (i == 1) {
			r->snapshot.archive = dh_xstrdup("/srv/backup/byggr-1.tar.zst");
		}
		dh_buf_init(&out);
		dh_record_render_full(r, &out);
		if (strstr(out.data, want[i]) == NULL)
			fail_msg("case %d: %s", i, out.data);
		dh_buf_fini(&out);
		dh_record_free(r);
	}
}

static void
test_hosts(void **state)
{
	struct dh_hosts_row rows[RFX_NHOSTS];
	struct dh_buf out;

	for (int i = 0; i < RFX_NHOSTS; i++) {
		const struct rfx_host *x = &rfx_hosts[i];

		rows[i] = (struct dh_hosts_row){ .host = x->host,
			.hall = x->hall,
			.address = x->address,
			.port = x->port,
			.reachable = x->reachable,
			.host_key_ok = x->host_key_ok,
			.agent_version = x->version,
			.error = x->msg,
			.seconds = x->seconds };
	}
	dh_buf_init(&out);
	dh_hosts_render_text(rows, RFX_NHOSTS, &out);
	golden("hosts.text", &out);
	dh_buf_reset(&out);
	dh_hosts_render_json(rows, RFX_NHOSTS, &out);
	golden("hosts.json", &out);
	dh_buf_fini(&out);
}

static void
test_audit(void **state)
{
	struct dh_buf out;
	struct dh_audit_rec a;

	dh_buf_init(&out);
	for (int i = 0; i < RFX_NAUDIT; i++)
		dh_audit_render_verify_text(rfx_audit[i].records, rfx_audit[i].bad_seq,
			rfx_audit[i].why, &out);
	golden("audit-verify.text", &out);
	dh_buf_reset(&out);
	for (int i = 0; i < RFX_NAUDIT; i++)
		dh_audit_render_verify_json(rfx_audit[i].records, rfx_audit[i].bad_seq,
			rfx_audit[i].why, &out);
	golden("audit-verify.json", &out);
	dh_buf_reset(&out);
	for (int k = 0; k < 2; k++) {
		if (k == 1)
			dh_audit_render_export_begin(&out);
		for (size_t i = 0; i < RFX_NEXPORT; i++) {
			a = (struct dh_audit_rec){ .seq = rfx_export[i].seq,
				.at = rfx_export[i].at,
				.ref_seq = rfx_export[i].ref_seq,
				.kind = rfx_export[i].kind,
				.ref = rfx_export[i].ref,
				.body = rfx_export[i].body,
				.prev = rfx_export[i].prev,
				.hash = rfx_export[i].hash };
			if (k == 0)
				dh_audit_render_export_text(&a, &out);
			else
				dh_audit_render_export_json(&a, i, &out);
		}
		if (k == 1)
			dh_audit_render_export_end(&out);
		golden(k == 0 ? "audit-export.text" : "audit-export.json", &out);
		dh_buf_reset(&out);
	}
	dh_buf_fini(&out);
}

static void
test_csv(void **state)
{
	struct dh_record *r = dh_record_new();
	struct dh_buf out;

	r->id = dh_xstrdup("j1");
	r->system = dh_xstrdup("procapita");
	r->verdict = DH_VERDICT_ERROR;
	r->started_at = 1795000000;
	r->rto_target_s = 3600;
	r->error = dh_xstrdup("host \"b1\" refused, key changed");
	dh_record_add_host(r, "b1");
	dh_record_add_host(r, "b2");
	dh_buf_init(&out);
	dh_record_render_csv_row(r, &out);
	assert_string_equal(out.data,
		"j1,procapita,restore,,2026-11-18T11:06:40Z,,error,b1 b2,,"
		",,3600,,0,0,,,\"host \"\"b1\"\" refused, key changed\"\r\n");
	dh_buf_fini(&out);
	dh_record_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_restore_point_text),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
