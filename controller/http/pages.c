/*
 * The web pages' routes, guard, login and logout (http/pages.h). Views
 * live in pages_view.c, starting a test in pages_run.c. The guard runs
 * before every route that needs a user: no live session sends a GET to
 * the login form and refuses a POST (403); a POST must carry the
 * session's CSRF token (compared in constant time); an operator route
 * refuses an auditor (403). Refusals of POSTs are audited too.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "http/auth.h"
#include "http/form.h"
#include "http/pages_int.h"
#include "plan/open.h"
#include "store/db.h"
#include "store/web.h"

/*
 * A valid argon2id hash of a random string: verified against when the
 * user name is unknown, so an unknown user takes as long as a known one.
 */
static const char dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$ayB1x8Oktc11NkB+F6vEJg$"
				 "Io6g/vFrC3/S8DZDqTLhfNCLs2gNzt3Ek1aGbaxL1ko";

/* Views (pages_view.c). */
void pages_home(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_system(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_record(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_actions(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);
void pages_action_close(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

static void
add_header(struct dh_http_resp *resp, const char *name, const char *fmt, const char *value)
{
	if (resp->nheaders >= DH_HTTP_RESP_HEADERS)
		return;
	snprintf(resp->headers[resp->nheaders].name, sizeof(resp->headers[0].name), "%s", name);
	snprintf(resp->headers[resp->nheaders].value, sizeof(resp->headers[0].value), fmt, value);
	resp->nheaders++;
}

void
pages_html(struct dh_http_resp *resp, int status, struct dh_buf *b)
{
	resp->status = status;
	free(resp->body);
	resp->body = dh_buf_take(b);
	resp->content_type = "text/html; charset=utf-8";
	add_header(resp, "Cache-Control", "%s", "no-store");
	add_header(resp, "X-Frame-Options", "%s", "DENY");
	add_header(resp, "Content-Security-Policy", "%s",
		"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
		"form-action 'self'; frame-ancestors 'none'");
}

void
pages_ctx(struct dh_web_ctx *ctx, const struct who *w, time_t now)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->now = now;
	if (w == NULL)
		return;
	ctx->user = w->name;
	ctx->operator= w->u->role == DH_ROLE_OPERATOR;
	ctx->csrf = w->csrf;
}

void
pages_message(struct dh_http_resp *resp, const struct who *w, int status, const char *title,
	const char *msg)
{
	struct dh_web_ctx ctx;
	struct dh_buf b;

	pages_ctx(&ctx, w, dh_time_now());
	dh_buf_init(&b);
	dh_web_render_message(&b, &ctx, title, msg);
	pages_html(resp, status, &b);
	snprintf(resp->why, sizeof(resp->why), "%s", msg);
}

bool
pages_who(struct dh_pages *pg, const struct dh_http_req *req, struct who *w)
{
	memset(w, 0, sizeof(*w));
	if (!dh_cookie_get(dh_http_req_header(req, "Cookie"), DH_PAGES_COOKIE, w->sid,
		    sizeof(w->sid)) ||
		!dh_sessions_get(pg->sessions, w->sid, dh_time_now(), w->name, w->csrf))
		return false;
	/* a user removed from controller.ini is logged out at serve's next start */
	return (w->u = dh_config_user_find(pg->config, w->name)) != NULL;
}

bool
pages_sees(const struct who *w, const struct dh_system *s)
{
	if (s == NULL)
		return w->u->nboards == 0;
	return dh_config_user_sees_board(w->u, s->board ? s->board : "");
}

/* The peer's address without its port, for the login brake. */
static void
peer_addr(const char *peer, char *out, size_t outsz)
{
	const char *colon = strrchr(peer ? peer : "", ':');
	size_t n = colon ? (size_t)(colon - peer) : strlen(peer ? peer : "");

	snprintf(out, outsz, "%.*s", (int)n, peer ? peer : "");
}

void
pages_audit(struct dh_pages *pg, const char *event, const char *user, const struct dh_http_req *req,
	const char *detail)
{
	struct dh_db *db = NULL;
	struct dh_err err;
	char addr[DH_HTTPD_PEER_MAX];

	dh_err_clear(&err);
	peer_addr(req->peer, addr, sizeof(addr));
	if (dh_db_open(&db, pg->db_path, &err) != 0 ||
		dh_db_web_audit_append(db, dh_time_now(), event, user, addr, detail, &err) != 0)
		dh_log_error("web audit of %s by %s: %s", event, user ? user : "-", err.msg);
	dh_db_close(db);
}

struct dh_plan *
pages_plan(struct dh_pages *pg, const struct who *w, time_t now, bool *errors,
	struct dh_http_resp *resp)
{
	struct dh_plan *p = NULL;
	struct dh_problems pr;
	struct dh_err err;

	dh_err_clear(&err);
	dh_problems_init(&pr);
	if (dh_plan_open(&p, pg->plans, now, &pr, &err) != 0) {
		dh_log_error("pages: plans %s: %s", pg->plans, err.msg);
		pages_message(resp, w, 500, "Plan unreadable", "The plans could not be read.");
	}
	*errors = dh_problems_count(&pr, DH_SEV_ERROR) > 0;
	dh_problems_fini(&pr);
	return p;
}

const struct dh_plan *
pages_plan_cached(struct dh_pages *pg, const struct who *w, time_t now, bool *errors,
	struct dh_http_resp *resp)
{
	const struct dh_plan *p = NULL;
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_plan_cache_get(pg->plans_cache, now, &p, errors, &err) != 0) {
		dh_log_error("pages: plans %s: %s", pg->plans, err.msg);
		pages_message(resp, w, 500, "Plan unreadable", "The plans could not be read.");
	}
	return p;
}

void
pages_plan_release(struct dh_pages *pg, const struct dh_plan *p)
{
	dh_plan_cache_release(pg->plans_cache, p);
}

static void
login_form(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_web_render_login(&b, NULL, "");
	pages_html(resp, 200, &b);
}

static void
redirect(struct dh_http_resp *resp, const char *to)
{
	resp->status = 303;
	add_header(resp, "Location", "%s", to);
}

static void
login_refused(struct dh_http_resp *resp, const char *name)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_web_render_login(&b, "Wrong user name or password.", name);
	pages_html(resp, 401, &b);
	snprintf(resp->why, sizeof(resp->why), "failed login");
}

/* Check the password after the brake's delay; audit the outcome. */
static bool
login_check(struct dh_pages *pg, const struct dh_http_req *req, const char *name, const char *pw)
{
	const struct dh_config_user *u = dh_config_user_find(pg->config, name);
	char addr[DH_HTTPD_PEER_MAX];
	unsigned ms;
	bool ok;

	peer_addr(req->peer, addr, sizeof(addr));
	ms = dh_sessions_login_delay_ms(pg->sessions, name, addr, dh_time_now());
	if (ms > 0) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	ok = dh_auth_verify(u ? u->password : dummy_hash, pw, strlen(pw)) && u != NULL;
	if (ok)
		dh_sessions_login_ok(pg->sessions, name);
	else
		dh_sessions_login_failed(pg->sessions, name, addr, dh_time_now());
	pages_audit(pg, ok ? "login" : "login_failed", name, req, "POST /login");
	return ok;
}

static void
login(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	char *name = dh_form_get(req->body, req->len, "user");
	char *pw = dh_form_get(req->body, req->len, "password");
	char sid[DH_AUTH_TOKEN_HEX], csrf[DH_AUTH_TOKEN_HEX];

	if (name == NULL || pw == NULL || name[0] == '\0' || strlen(name) >= DH_SESSION_USER_MAX ||
		!login_check(pg, req, name, pw)) {
		login_refused(resp, name && strlen(name) < DH_SESSION_USER_MAX ? name : "");
		goto out;
	}
	dh_sessions_create(pg->sessions, name, dh_time_now(), sid, csrf);
	redirect(resp, "/");
	add_header(resp, "Set-Cookie",
		pg->secure ? DH_PAGES_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Secure"
			   : DH_PAGES_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
		sid);
out:
	if (pw != NULL)
		memset(pw, 0, strlen(pw));
	free(pw);
	free(name);
}

static void
logout(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	struct who w;

	if (pages_who(pg, req, &w)) {
		dh_sessions_drop(pg->sessions, w.sid);
		pages_audit(pg, "logout", w.name, req, "POST /logout");
	}
	redirect(resp, "/login");
	add_header(resp, "Set-Cookie", "%s",
		DH_PAGES_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* Refuse a guarded request; a POST is audited with what it asked. */
static bool
refuse(struct dh_pages *pg, const struct dh_http_req *req, struct dh_http_resp *resp,
	const struct who *w, const char *why)
{
	char detail[300];

	if (strcmp(req->method, "POST") == 0) {
		snprintf(detail, sizeof(detail), "POST %s: %s", req->path, why);
		pages_audit(pg, "refused", w && w->u ? w->name : "", req, detail);
	}
	pages_message(resp, w && w->u ? w : NULL, 403, "Not allowed", why);
	return false;
}

bool
dh_pages_guard(void *user, enum dh_http_need need, const struct dh_http_req *req,
	struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	struct who w;
	char *token;
	bool ok;

	if (!pages_who(pg, req, &w)) {
		if (strcmp(req->method, "GET") != 0)
			return refuse(pg, req, resp, NULL, "not logged in");
		redirect(resp, "/login");
		return false;
	}
	if (strcmp(req->method, "GET") != 0) {
		token = dh_form_get(req->body, req->len, "csrf");
		ok = dh_auth_equal(token, w.csrf);
		free(token);
		if (!ok)
			return refuse(pg, req, resp, &w,
				"the form's CSRF token is missing or wrong");
	}
	if (need == DH_HTTP_NEED_OPERATOR && w.u->role != DH_ROLE_OPERATOR)
		return refuse(pg, req, resp, &w, "an auditor reads; only an operator may do this");
	return true;
}

int
dh_pages_new(struct dh_pages **out, const struct dh_pages_cfg *cfg, struct dh_err *err)
{
	struct dh_pages *pg;
	int r;

	if ((r = dh_auth_init(err)) != 0)
		return r;
	pg = dh_xcalloc(1, sizeof(*pg));
	pg->config = cfg->config;
	pg->plans = dh_xstrdup(cfg->plans ? cfg->plans : "plans");
	pg->db_path = dh_xstrdup(cfg->db_path);
	pg->events_via = dh_xstrdup(cfg->events_via ? cfg->events_via : "this serve");
	pg->secure = cfg->secure;
	pg->sessions = dh_sessions_new();
	pg->plans_cache = dh_plan_cache_new(pg->plans, DH_PLAN_CACHE_MAX_AGE_S);
	const struct dh_http_route routes[PAGES_ROUTES] = {
		{ "GET", "/login", login_form, pg, 0, DH_HTTP_NEED_NONE },
		{ "POST", "/login", login, pg, DH_PAGES_FORM_MAX, DH_HTTP_NEED_NONE },
		{ "POST", "/logout", logout, pg, DH_PAGES_FORM_MAX, DH_HTTP_NEED_AUDITOR },
		{ "GET", "/", pages_home, pg, 0, DH_HTTP_NEED_AUDITOR },
		{ "GET", "/systems/{id}", pages_system, pg, 0, DH_HTTP_NEED_AUDITOR },
		{ "POST", "/systems/{id}/run", pages_run, pg, DH_PAGES_FORM_MAX,
			DH_HTTP_NEED_OPERATOR },
		{ "GET", "/records/{id}", pages_record, pg, 0, DH_HTTP_NEED_AUDITOR },
		{ "GET", "/actions", pages_actions, pg, 0, DH_HTTP_NEED_AUDITOR },
		{ "GET", "/report", pages_report, pg, 0, DH_HTTP_NEED_AUDITOR },
		{ "POST", "/actions/{id}/close", pages_action_close, pg, DH_PAGES_FORM_MAX,
			DH_HTTP_NEED_OPERATOR },
	};
	memcpy(pg->routes, routes, sizeof(routes));
	*out = pg;
	return 0;
}

const struct dh_http_route *
dh_pages_routes(struct dh_pages *pg, size_t *n)
{
	*n = PAGES_ROUTES;
	return pg->routes;
}

void
dh_pages_free(struct dh_pages *pg)
{
	if (pg == NULL)
		return;
	dh_sessions_free(pg->sessions);
	dh_plan_cache_free(pg->plans_cache);
	free(pg->plans);
	free(pg->db_path);
	free(pg->events_via);
	free(pg);
}
