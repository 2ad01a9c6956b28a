/*
 * The web pages' HTML (render/web.c, web_system.c): everything taken from
 * a plan, a record, a user or an action is escaped on every page, so a
 * system name with <script> shows as text; forms carry the CSRF token;
 * an auditor is offered no button that changes anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "render/web.h"

#define EVIL "<script>alert('x')</script>"
#define EVIL_ESC "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"

static struct dh_system sys;
static struct dh_status_row row;
static struct dh_action act;
static struct dh_web_ctx ctx = { .user = "<anna>",
	.csrf = "c0ffee",
	.plan = "Plan " EVIL,
	.now = 1800000000 };

static int
setup(void **state)
{
	memset(&sys, 0, sizeof(sys));
	sys.id = "procapita";
	sys.name = "Procapita " EVIL;
	sys.board = "Nämnd " EVIL;
	sys.reserve_routine = "Papper " EVIL;
	sys.deviation = "KS " EVIL;
	sys.restore.present = true;
	sys.level = 2;
	memset(&row, 0, sizeof(row));
	row.sys = &sys;
	row.c.nreasons = 1;
	snprintf(row.c.reasons[0].text, sizeof(row.c.reasons[0].text), "why " EVIL);
	memset(&act, 0, sizeof(act));
	act.id = 7;
	act.system = "procapita";
	act.opened_by = "job-" EVIL;
	act.opened_at = 1700000000;
	act.due_at = 1700100000;
	return 0;
}

/* out holds no raw <script and holds the escaped form at least once. */
static void
assert_escaped(const struct dh_buf *b)
{
	assert_null(strstr(b->data, "<script"));
	assert_non_null(strstr(b->data, EVIL_ESC));
}

static void
test_home(void **state)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_web_render_home(&b, &ctx, &row, 1);
	assert_escaped(&b);
	assert_non_null(strstr(b.data, "&lt;anna&gt;"));
	assert_non_null(strstr(b.data, "0 of 1 systems compliant"));
	assert_non_null(strstr(b.data, "name=\"csrf\" value=\"c0ffee\"")); /* logout form */
	dh_buf_fini(&b);
}

static void
test_system_roles(void **state)
{
	struct dh_web_ctx op = ctx;
	struct dh_buf b;

	dh_buf_init(&b);
	dh_web_render_system(&b, &ctx, &row, NULL, 0, &act, 1);
	assert_escaped(&b);
	assert_non_null(strstr(b.data, "<title>Procapita " EVIL_ESC "</title>"));
	assert_null(strstr(b.data, "/run\""));   /* an auditor gets no run button */
	assert_null(strstr(b.data, "/close\"")); /* nor a close form */
	dh_buf_reset(&b);
	op.operator= true;
	dh_web_render_system(&b, &op, &row, NULL, 0, &act, 1);
	assert_escaped(&b);
	assert_non_null(strstr(b.data, "action=\"/systems/procapita/run\""));
	assert_non_null(strstr(b.data, "action=\"/actions/7/close\""));
	dh_buf_fini(&b);
}

static void
test_record(void **state)
{
	struct dh_record *r = dh_record_new();
	struct dh_buf b;

	r->id = strdup("job-1");
	r->system = strdup("procapita");
	r->trigger = strdup("web:" EVIL);
	r->verdict = DH_VERDICT_FAILED;
	r->record_hash = strdup("ab");
	dh_record_add_check(r, "file " EVIL, DH_VERDICT_FAILED, "%s", "detail " EVIL);
	dh_record_add_mismatch(r, "etc/" EVIL, "missing");
	dh_record_add_host(r, "b1");
	dh_buf_init(&b);
	dh_web_render_record(&b, &ctx, r, &sys);
	assert_escaped(&b);
	assert_non_null(strstr(b.data, "file " EVIL_ESC));
	assert_non_null(strstr(b.data, "etc/" EVIL_ESC));
	dh_buf_fini(&b);
	dh_record_free(r);
}

static void
test_login_and_message(void **state)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_web_render_login(&b, "bad " EVIL, "\"><script>");
	assert_null(strstr(b.data, "<script"));
	assert_non_null(strstr(b.data, "value=\"&quot;&gt;&lt;script&gt;\""));
	dh_buf_reset(&b);
	dh_web_render_message(&b, &ctx, "Not found", EVIL);
	assert_escaped(&b);
	dh_buf_reset(&b);
	dh_web_render_actions(&b, &ctx, &act, 1);
	assert_escaped(&b);
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_home, setup),
		cmocka_unit_test_setup(test_system_roles, setup),
		cmocka_unit_test_setup(test_record, setup),
		cmocka_unit_test_setup(test_login_and_message, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
