/*
 * The pages' views (http/pages_int.h): each reads the plan and, in one
 * read transaction, the records it shows, leaves out what the user may
 * not see, and has render/web.h write the HTML. Closing a corrective
 * action (an operator's POST) is here too, beside the actions page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "http/form.h"
#include "http/pages_int.h"
#include "store/actions.h"
#include "store/db.h"
#include "store/records.h"
#include "store/status.h"

#define NOTE_MAX 1000 /* bytes of a closing note, as `actions close` takes */

void pages_home(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_system(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_record(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_actions(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_action_close(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

/* What one view holds while it renders. */
struct view {
	struct who w;
	struct dh_web_ctx ctx;
	const struct dh_plan *p; /* from the pages' cache */
	struct dh_pages *pg;
	struct dh_db *db;
	struct dh_err err;
};

/* Who, the plan and a read transaction; false after filling resp. */
static bool
view_open(struct dh_pages *pg, const struct dh_http_req *req, struct dh_http_resp *resp,
	struct view *v)
{
	memset(v, 0, sizeof(*v));
	dh_err_clear(&v->err);
	if (!pages_who(pg, req, &v->w)) {
		pages_message(resp, NULL, 403, "Not logged in", "not logged in");
		return false;
	}
	pages_ctx(&v->ctx, &v->w, dh_time_now());
	v->pg = pg;
	if ((v->p = pages_plan_cached(pg, &v->w, v->ctx.now, &v->ctx.plan_errors, resp)) == NULL)
		return false;
	v->ctx.plan = v->p->policy.name;
	if (dh_db_open_readonly(&v->db, pg->db_path, &v->err) != 0 ||
		dh_db_read_begin(v->db, &v->err) != 0) {
		dh_log_error("pages: database %s: %s", pg->db_path, v->err.msg);
		pages_message(resp, &v->w, 500, "Database unreadable",
			"the database could not be read");
		return false;
	}
	return true;
}

static void
view_close(struct view *v)
{
	dh_db_close(v->db);
	if (v->pg != NULL)
		pages_plan_release(v->pg, v->p);
}

static void
db_failed(struct view *v, struct dh_http_resp *resp)
{
	dh_log_error("pages: %s", v->err.msg);
	pages_message(resp, &v->w, 500, "Database error", "the records could not be read");
}

static void
not_found(struct view *v, struct dh_http_resp *resp)
{
	pages_message(resp, &v->w, 404, "Not found", "There is no such page.");
}

void
pages_home(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_db_status st = { 0 };
	struct dh_status_row *rows;
	struct view v;
	struct dh_buf b;
	size_t n = 0;

	if (!view_open(user, req, resp, &v))
		goto out;
	if (dh_db_status_load(v.db, v.p, NULL, v.ctx.now, &st, &v.err) != 0) {
		db_failed(&v, resp);
		goto out;
	}
	rows = dh_xcalloc(st.n ? st.n : 1, sizeof(*rows));
	for (size_t i = 0; i < st.n; i++)
		if (pages_sees(&v.w, st.rows[i].sys))
			rows[n++] = st.rows[i];
	dh_buf_init(&b);
	dh_web_render_home(&b, &v.ctx, rows, n);
	pages_html(resp, 200, &b);
	free(rows);
out:
	dh_db_status_fini(&st);
	view_close(&v);
}

void
pages_system(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	const char *id = dh_http_req_param(req, "id");
	struct dh_db_status st = { 0 };
	struct dh_record **recs = NULL;
	struct dh_action *acts = NULL;
	const struct dh_status_row *row = NULL;
	size_t nrecs = 0, nacts = 0;
	struct view v;
	struct dh_buf b;

	if (!view_open(user, req, resp, &v))
		goto out;
	if (dh_db_status_load(v.db, v.p, id, v.ctx.now, &st, &v.err) != 0 ||
		dh_db_history(v.db, id, NULL, 0, 0, &recs, &nrecs, &v.err) != 0 ||
		dh_db_actions_list(v.db, id, &acts, &nacts, &v.err) != 0) {
		db_failed(&v, resp);
		goto out;
	}
	for (size_t i = 0; i < st.n; i++)
		if (strcmp(st.rows[i].sys->id, id) == 0)
			row = &st.rows[i];
	if (row == NULL || !pages_sees(&v.w, row->sys)) {
		not_found(&v, resp);
		goto out;
	}
	dh_buf_init(&b);
	dh_web_render_system(&b, &v.ctx, row, recs, nrecs, acts, nacts);
	pages_html(resp, 200, &b);
out:
	dh_db_records_free(recs, nrecs);
	dh_actions_free(acts, nacts);
	dh_db_status_fini(&st);
	view_close(&v);
}

void
pages_record(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_record *r = NULL;
	const struct dh_system *s;
	struct view v;
	struct dh_buf b;
	int rc;

	if (!view_open(user, req, resp, &v))
		goto out;
	rc = dh_db_record_get(v.db, dh_http_req_param(req, "id"), &r, &v.err);
	if (rc != 0 && rc != DH_ENOENT) {
		db_failed(&v, resp);
		goto out;
	}
	s = r ? dh_plan_system_get(v.p, r->system) : NULL;
	if (r == NULL || !pages_sees(&v.w, s)) {
		not_found(&v, resp);
		goto out;
	}
	dh_buf_init(&b);
	dh_web_render_record(&b, &v.ctx, r, s);
	pages_html(resp, 200, &b);
out:
	dh_record_free(r);
	view_close(&v);
}

void
pages_actions(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_action *acts = NULL;
	size_t n = 0, k = 0;
	struct view v;
	struct dh_buf b;

	if (!view_open(user, req, resp, &v))
		goto out;
	if (dh_db_actions_list(v.db, NULL, &acts, &n, &v.err) != 0) {
		db_failed(&v, resp);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (pages_sees(&v.w, dh_plan_system_get(v.p, acts[i].system))) {
			struct dh_action t = acts[k];

			acts[k++] = acts[i];
			acts[i] = t;
		}
	}
	dh_buf_init(&b);
	dh_web_render_actions(&b, &v.ctx, acts, k);
	pages_html(resp, 200, &b);
out:
	dh_actions_free(acts, n);
	view_close(&v);
}

/* Action id of the path, if it exists and w may see it; 0 otherwise. */
static int64_t
visible_action(struct view *v, const char *idtext)
{
	struct dh_action a = { 0 };
	char *end = NULL;
	long long id = strtoll(idtext ? idtext : "", &end, 10);
	bool ok;

	if (end == idtext || *end != '\0' || id <= 0 ||
		dh_db_action_get(v->db, id, &a, &v->err) != 0)
		return 0;
	ok = pages_sees(&v->w, dh_plan_system_get(v->p, a.system));
	dh_action_fini(&a);
	return ok ? id : 0;
}

void
pages_action_close(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	char *note = dh_form_get(req->body, req->len, "note");
	struct dh_db *db = NULL;
	char by[DH_SESSION_USER_MAX + 8], detail[120];
	struct view v;
	int64_t id;
	int rc;

	if (!view_open(pg, req, resp, &v))
		goto out;
	if ((id = visible_action(&v, dh_http_req_param(req, "id"))) == 0) {
		not_found(&v, resp);
		goto out;
	}
	dh_db_close(v.db); /* the read snapshot ends; the close writes */
	v.db = NULL;
	snprintf(by, sizeof(by), "web:%s", v.w.name);
	snprintf(detail, sizeof(detail), "POST /actions/%lld/close", (long long)id);
	pages_audit(pg, "action_close", v.w.name, req, detail);
	if (note == NULL || note[0] == '\0' || strlen(note) > NOTE_MAX) {
		pages_message(resp, &v.w, 400, "Note needed",
			"Say in a note (at most 1000 bytes) why the action is closed.");
		goto out;
	}
	if ((rc = dh_db_open(&db, pg->db_path, &v.err)) == 0)
		rc = dh_db_action_close(db, id, by, note, v.ctx.now, &v.err);
	if (rc != 0) {
		pages_message(resp, &v.w, rc == DH_EEXIST ? 409 : 500, "Not closed", v.err.msg);
		goto out;
	}
	resp->status = 303;
	snprintf(resp->headers[resp->nheaders].name, sizeof(resp->headers[0].name), "Location");
	snprintf(resp->headers[resp->nheaders++].value, sizeof(resp->headers[0].value), "/actions");
out:
	free(note);
	dh_db_close(db);
	view_close(&v);
}
