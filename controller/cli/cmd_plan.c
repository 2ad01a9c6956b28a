/*
 * `drillhall plan`: the continuity plan in recovery order, in text,
 * Markdown, HTML or JSON (SPEC "Commands", "Recovery order"). A plan with
 * errors is not printed: its problems go to stderr and the exit is 1, so
 * nobody signs a plan that does not check. Warnings are printed with it.
 */
#include "cli/cmd_plan.h"

#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "dh/buf.h"
#include "plan/plan.h"
#include "render/plan.h"

static const struct renderer {
	const char *format;
	void (*fn)(const struct dh_plan *, const struct dh_problems *, time_t, struct dh_buf *);
} renderers[] = {
	{ "text", dh_plan_render_text },
	{ "md", dh_plan_render_md },
	{ "html", dh_plan_render_html },
	{ "json", dh_plan_render_json },
};

int
dh_cmd_plan(struct dh_ctlopt *o)
{
	struct dh_problems pr;
	struct dh_plan *plan = NULL;
	struct dh_buf out;
	int r;

	dh_problems_init(&pr);
	dh_buf_init(&out);
	if ((r = dh_cli_load_plan(o, &plan, &pr)) != DH_EXIT_OK)
		goto out;
	if (dh_problems_count(&pr, DH_SEV_ERROR) > 0 || !plan->ordered) {
		dh_problems_print(&pr, stderr);
		fprintf(stderr,
			"drillhall plan: %s has errors; run 'drillhall "
			"check' and fix them first\n",
			o->plans);
		r = DH_EXIT_NOTOK;
		goto out;
	}
	for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (strcmp(renderers[i].format, o->format) == 0)
			renderers[i].fn(plan, &pr, o->now, &out);
	r = dh_cli_write(o, &out);
out:
	dh_buf_fini(&out);
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return r;
}
