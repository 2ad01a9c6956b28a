/*
 * libFuzzer target for the plan loader and checks. The input is split on
 * lines "--8<--" into policy.ini, inventory.ini and any number of system
 * files (systems/s0.ini, s1.ini, ...), loaded from memory, checked, and
 * rendered as JSON and HTML, so every byte reaches the same code the
 * `check` and `plan` commands run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "render/plan.h"

#define SEP "--8<--\n"
#define MAX_FILES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dh_plan_file files[MAX_FILES];
	char names[MAX_FILES][32];
	const char *p = (const char *)data, *end = p + size;
	struct dh_problems pr;
	struct dh_plan *plan = NULL;
	struct dh_buf out;
	size_t n = 0;

	while (n < MAX_FILES) {
		const char *sep = NULL;

		for (const char *q = p; q + strlen(SEP) <= end; q++)
			if (memcmp(q, SEP, strlen(SEP)) == 0) {
				sep = q;
				break;
			}
		if (n == 0)
			snprintf(names[n], sizeof(names[n]), "policy.ini");
		else if (n == 1)
			snprintf(names[n], sizeof(names[n]), "inventory.ini");
		else
			snprintf(names[n], sizeof(names[n]), "systems/s%zu.ini", n - 2);
		files[n].path = names[n];
		files[n].text = p;
		files[n].len = (size_t)((sep ? sep : end) - p);
		n++;
		if (sep == NULL)
			break;
		p = sep + strlen(SEP);
	}
	dh_problems_init(&pr);
	dh_buf_init(&out);
	dh_plan_load_files(&plan, files, n, &pr);
	dh_plan_check(plan, 1798761600, &pr);
	dh_problems_sort(&pr);
	dh_plan_render_check_json(&pr, &out);
	if (dh_problems_count(&pr, DH_SEV_ERROR) == 0 && plan->ordered) {
		dh_plan_render_json(plan, &pr, 1798761600, &out);
		dh_plan_render_html(plan, &pr, 1798761600, &out);
		dh_plan_render_text(plan, &pr, 1798761600, &out);
		dh_plan_render_md(plan, &pr, 1798761600, &out);
	}
	dh_buf_fini(&out);
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return 0;
}
