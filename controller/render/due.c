/*
 * `due` in text and JSON (render/due.h). Times are RFC 3339 UTC,
 * durations as plans write them.
 */
#include "render/due.h"

#include <stdio.h>
#include <string.h>

#include "dh/json.h"
#include "eval/compliance.h"
#include "render/fmt.h"

static int64_t
overdue_s(const struct dh_due_row *r, time_t now)
{
	return r->overdue ? (int64_t)(now - r->due_at) : 0;
}

void
dh_due_render_text(const struct dh_due_row *rows, size_t n, time_t now, struct dh_buf *out)
{
	char due[32], late[32], last[32], win[32];

	if (n == 0) {
		dh_buf_printf(out, "nothing is due\n");
		return;
	}
	dh_buf_printf(out, "%-20s %-8s %-20s %-8s %-28s %s\n", "SYSTEM", "KIND", "DUE SINCE",
		"OVERDUE", "LAST TEST", "NEXT WINDOW");
	for (size_t i = 0; i < n; i++) {
		const struct dh_due_row *r = &rows[i];

		if (r->never_run)
			snprintf(due, sizeof(due), "never run");
		else
			dh_render_time(r->due_at, due, sizeof(due));
		dh_render_duration(r->overdue ? overdue_s(r, now) : -1, late, sizeof(late));
		if (r->last != NULL) {
			dh_render_time(dh_compliance_started(r->last), last, sizeof(last) - 8);
			snprintf(last + strlen(last), sizeof(last) - strlen(last), " %s",
				dh_verdict_name(r->last->verdict));
		} else {
			snprintf(last, sizeof(last), "-");
		}
		if (r->next_window_at == (time_t)-1)
			snprintf(win, sizeof(win), "no window");
		else
			dh_render_time(r->next_window_at, win, sizeof(win));
		dh_buf_printf(out, "%-20s %-8s %-20s %-8s %-28s %s\n", r->sys->id,
			dh_job_kind_name(r->kind), due, late, last, win);
	}
}

void
dh_due_render_json(const struct dh_due_row *rows, size_t n, time_t now, struct dh_buf *out)
{
	json_t *root = json_object(), *arr = json_array();

	json_object_set_new(root, "now", dh_json_time_or_null(now));
	for (size_t i = 0; i < n; i++) {
		const struct dh_due_row *r = &rows[i];
		json_t *o = json_object();

		json_object_set_new(o, "system", json_string(r->sys->id));
		json_object_set_new(o, "kind", json_string(dh_job_kind_name(r->kind)));
		json_object_set_new(o, "due_at",
			r->never_run ? json_null() : dh_json_time_or_null(r->due_at));
		json_object_set_new(o, "overdue_s", json_integer(overdue_s(r, now)));
		json_object_set_new(o, "last_started_at",
			r->last ? dh_json_time_or_null(dh_compliance_started(r->last))
				: json_null());
		json_object_set_new(o, "last_verdict",
			r->last ? json_string(dh_verdict_name(r->last->verdict)) : json_null());
		json_object_set_new(o, "next_window_at",
			r->next_window_at == (time_t)-1 ? json_null()
							: dh_json_time_or_null(r->next_window_at));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "due", arr);
	dh_json_print(out, root);
}
