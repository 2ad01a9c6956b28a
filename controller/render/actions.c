/*
 * Corrective actions in text and JSON (render/actions.h). Whether an
 * action is open or past due as of now is eval/actions.c's to say; this
 * file lays it out. Times RFC 3339 UTC; "-" (text) and null (JSON) for
 * what is not set.
 */
#include "render/actions.h"

#include "dh/timefmt.h"
#include "render/fmt.h"

static const char *
kind_word(enum dh_job_kind k)
{
	return k == DH_JOB_FAILOVER ? "failover drill" : "restore test";
}

static void
state_text(const struct dh_action *a, time_t now, struct dh_buf *out)
{
	char at[DH_RFC3339_LEN];

	if (!dh_action_is_open(a, now)) {
		dh_render_time(a->closed_at, at, sizeof(at));
		dh_buf_printf(out, "closed %s by %s", at, a->closed_by ? a->closed_by : "-");
		if (a->note != NULL)
			dh_buf_printf(out, ": %s", a->note);
	} else {
		dh_buf_puts(out, dh_action_is_past_due(a, now) ? "PAST DUE" : "open");
	}
}

void
dh_actions_render_text(const struct dh_action *v, size_t n, time_t now, struct dh_buf *out)
{
	char opened[DH_RFC3339_LEN], due[DH_RFC3339_LEN];

	if (n == 0)
		return;
	dh_buf_printf(out, "%-5s %-18s %-8s %-20s %-20s %-40s %s\n", "ID", "SYSTEM", "KIND",
		"OPENED", "DUE", "OPENED BY", "STATE");
	for (size_t i = 0; i < n; i++) {
		const struct dh_action *a = &v[i];

		dh_render_time(a->opened_at, opened, sizeof(opened));
		dh_render_time(a->due_at, due, sizeof(due));
		dh_buf_printf(out, "%-5lld %-18s %-8s %-20s %-20s %-40s ", (long long)a->id,
			a->system ? a->system : "-", dh_job_kind_name(a->kind), opened, due,
			a->opened_by ? a->opened_by : "-");
		state_text(a, now, out);
		dh_buf_putc(out, '\n');
	}
}

json_t *
dh_action_json(const struct dh_action *a, time_t now)
{
	bool open = dh_action_is_open(a, now);
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "system", dh_json_str_or_null(a->system));
	json_object_set_new(o, "kind", json_string(dh_job_kind_name(a->kind)));
	json_object_set_new(o, "opened_at", dh_json_time_or_null(a->opened_at));
	json_object_set_new(o, "opened_by", dh_json_str_or_null(a->opened_by));
	json_object_set_new(o, "due_at", dh_json_time_or_null(a->due_at));
	json_object_set_new(o, "closed_at",
		open ? json_null() : dh_json_time_or_null(a->closed_at));
	json_object_set_new(o, "closed_by", open ? json_null() : dh_json_str_or_null(a->closed_by));
	json_object_set_new(o, "note", open ? json_null() : dh_json_str_or_null(a->note));
	json_object_set_new(o, "closed_record",
		open ? json_null() : dh_json_str_or_null(a->closed_record));
	json_object_set_new(o, "open", json_boolean(open));
	json_object_set_new(o, "past_due", json_boolean(dh_action_is_past_due(a, now)));
	return o;
}

void
dh_actions_render_json(const struct dh_action *v, size_t n, time_t now, struct dh_buf *out)
{
	json_t *root = json_object(), *arr = json_array();

	json_object_set_new(root, "now", dh_json_time_or_null(now));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, dh_action_json(&v[i], now));
	json_object_set_new(root, "actions", arr);
	dh_json_print(out, root);
}

void
dh_action_render_line(const struct dh_action *a, time_t now, struct dh_buf *out)
{
	char opened[DH_RFC3339_LEN], due[DH_RFC3339_LEN];

	dh_render_time(a->opened_at, opened, sizeof(opened));
	dh_render_time(a->due_at, due, sizeof(due));
	dh_buf_printf(out, "corrective action %lld (%s %s): opened %s by %s, due %s%s\n",
		(long long)a->id, a->system ? a->system : "-", kind_word(a->kind), opened,
		a->opened_by ? a->opened_by : "-", due,
		dh_action_is_past_due(a, now) ? ", PAST DUE" : "");
}
