/*
 * JSON output for `check` and `plan` (render/plan.h), built with jansson
 * so that quoting is never hand-made. Keys are those SPEC promises
 * ("JSON shapes") plus a few more that tools may find useful; durations
 * are seconds, "never" and absent values are null.
 */
#include "render/plan.h"

#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "dh/json.h"
#include "dh/timefmt.h"
#include "plan/derive.h"

/* A JSON string even from bytes that are not UTF-8 (a file name). */
static json_t *
safe_string(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j != NULL)
		return j;
	copy = dh_xstrdup(s);
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *
problems_json(const struct dh_problems *pr)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < pr->n; i++) {
		const struct dh_problem *p = &pr->v[i];
		json_t *o = json_object();

		json_object_set_new(o, "file", safe_string(p->file));
		json_object_set_new(o, "line", json_integer(p->line));
		json_object_set_new(o, "severity",
			json_string(dh_problems_severity_name(p->severity)));
		json_object_set_new(o, "message", safe_string(p->message));
		json_array_append_new(arr, o);
	}
	return arr;
}

void
dh_plan_render_check_json(const struct dh_problems *pr, struct dh_buf *out)
{
	json_t *root = json_object();

	json_object_set_new(root, "problems", problems_json(pr));
	json_object_set_new(root, "errors",
		json_integer((json_int_t)dh_problems_count(pr, DH_SEV_ERROR)));
	json_object_set_new(root, "warnings",
		json_integer((json_int_t)dh_problems_count(pr, DH_SEV_WARNING)));
	dh_json_print(out, root);
}

/* Seconds, or null for never / not set. */
static json_t *
secs(int64_t v)
{
	if (v == DH_DURATION_NEVER || v == DH_PLAN_UNSET)
		return json_null();
	return json_integer((json_int_t)v);
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
level_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *
restore_json(const struct dh_restore *r)
{
	if (!r->present)
		return json_null();
	return json_pack("{s:s?, s:s?, s:o, s:i, s:s?, s:s?, s:s?}", "host", r->host, "method",
		dh_plan_method_name(r->method), "timeout_s", secs(r->timeout_s), "verify",
		(int)r->nverify, "snapshot_host", r->snapshot_host, "snapshot_tag", r->snapshot_tag,
		"snapshot_path", r->snapshot_path);
}

static json_t *
failover_json(const struct dh_failover *f)
{
	if (!f->present)
		return json_null();
	return json_pack("{s:s?, s:s?, s:i, s:i, s:i, s:b, s:i, s:o}", "primary", f->primary,
		"standby", f->standby, "primary_health", (int)f->nprimary_health, "steps",
		(int)f->nsteps, "health", (int)f->nhealth, "markers", f->marker_write.line != 0,
		"failbacks", (int)f->nfailbacks, "timeout_s", secs(f->timeout_s));
}

static json_t *
system_json(const struct dh_system *s)
{
	json_t *o = json_object(), *deps = json_array();

	for (size_t i = 0; i < s->ndeps; i++)
		json_array_append_new(deps, json_string(s->depends_on[i]));
#define SET(k, v) json_object_set_new(o, k, v)
	SET("id", json_string(s->id));
	SET("order", json_integer((json_int_t)s->order));
	SET("name", str_or_null(s->name));
	SET("board", str_or_null(s->board));
	SET("availability", s->classified ? level_or_null(s->availability) : json_null());
	SET("classified", s->classified ? json_string(s->classified_text) : json_null());
	SET("rpo_s", secs(s->eff_rpo_s));
	SET("rto_s", secs(s->eff_rto_s));
	SET("rpo_source", json_string(dh_plan_source_name(s->rpo_source)));
	SET("rto_source", json_string(dh_plan_source_name(s->rto_source)));
	SET("backup_rpo_s", secs(s->eff_backup_rpo_s));
	SET("backup_rpo_source", json_string(dh_plan_source_name(s->backup_rpo_source)));
	SET("urgency_s", secs(s->urgency_s));
	SET("restore_test_every_s", secs(s->eff_restore_every_s));
	SET("failover_drill_every_s", secs(s->eff_failover_every_s));
	SET("depends_on", deps);
	SET("level", json_integer(s->level));
	SET("requirements_set_by", json_string(s->set_by_it ? "it" : "business"));
	SET("confidentiality", level_or_null(s->confidentiality));
	SET("integrity", level_or_null(s->integrity));
	SET("traceability", level_or_null(s->traceability));
	SET("object", str_or_null(s->object));
	SET("system_owner", str_or_null(s->system_owner));
	SET("contact", str_or_null(s->contact));
	SET("supplier", str_or_null(s->supplier));
	SET("supplier_rto_s", secs(s->supplier_rto_s));
	SET("deviation", str_or_null(s->deviation));
	SET("reserve_routine", str_or_null(s->reserve_routine));
	SET("restore", restore_json(&s->restore));
	SET("failover", failover_json(&s->failover));
#undef SET
	return o;
}

static json_t *
policy_json(const struct dh_policy *pol)
{
	json_t *levels = json_array();

	for (int n = 0; n < DH_PLAN_LEVELS; n++) {
		const struct dh_level *l = &pol->levels[n];

		json_array_append_new(levels,
			json_pack("{s:i, s:o, s:o, s:o, s:o, s:o}", "level", n, "rpo_s",
				secs(l->rpo_s), "backup_rpo_s",
				secs(dh_plan_derive_level_backup_rpo(l)), "rto_s", secs(l->rto_s),
				"restore_test_every_s", secs(l->restore_every_s),
				"failover_drill_every_s", secs(l->failover_every_s)));
	}
	return json_pack("{s:i, s:i, s:o}", "unclassified_level", pol->unclassified_level,
		"failover_required_from", pol->failover_required_from, "levels", levels);
}

void
dh_plan_render_json(const struct dh_plan *p, const struct dh_problems *pr, time_t now,
	struct dh_buf *out)
{
	json_t *root = json_object(), *systems = json_array();
	char at[DH_RFC3339_LEN];

	dh_time_format(now, at, sizeof(at));
	json_object_set_new(root, "plan",
		json_pack("{s:s?, s:s?, s:s, s:s}", "name", p->policy.name, "owner",
			p->policy.owner, "revision", p->revision, "as_of", at));
	for (size_t i = 0; i < p->nsystems; i++) {
		size_t k = p->ordered ? p->order[i] : i;

		json_array_append_new(systems, system_json(&p->systems[k]));
	}
	json_object_set_new(root, "policy", policy_json(&p->policy));
	json_object_set_new(root, "systems", systems);
	json_object_set_new(root, "problems", problems_json(pr));
	dh_json_print(out, root);
}
