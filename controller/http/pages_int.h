/*
 * What pages.c and pages_run.c share (private to http/): the pages'
 * state, who is asking, and the small answers every handler gives.
 */
#ifndef DH_HTTP_PAGES_INT_H
#define DH_HTTP_PAGES_INT_H

#include <stdbool.h>

#include "config/config.h"
#include "http/httpd.h"
#include "http/session.h"
#include "plan/cache.h"
#include "plan/plan.h"
#include "render/web.h"

#define PAGES_ROUTES 10

struct dh_pages {
	const struct dh_config *config;
	char *plans, *db_path, *events_via;
	bool secure;
	struct dh_sessions *sessions;
	struct dh_plan_cache *plans_cache; /* the plan the read-only pages show */
	struct dh_http_route routes[PAGES_ROUTES];
};

/* The logged-in user of a request. */
struct who {
	const struct dh_config_user *u;
	char name[DH_SESSION_USER_MAX];
	char csrf[DH_AUTH_TOKEN_HEX];
	char sid[DH_AUTH_TOKEN_HEX];
};

/* Who sent req, from its session cookie; false when no live session. */
bool pages_who(struct dh_pages *pg, const struct dh_http_req *req, struct who *w);
/* The page context for w as of now. */
void pages_ctx(struct dh_web_ctx *ctx, const struct who *w, time_t now);
/* Whether w may see system s (NULL: a system not in the plan, seen only by users of all boards). */
bool pages_sees(const struct who *w, const struct dh_system *s);
/* An HTML answer: status and a rendered body (taken). */
void pages_html(struct dh_http_resp *resp, int status, struct dh_buf *b);
/* A message page (404 "no such page", 403, 500) with why for the log. */
void pages_message(struct dh_http_resp *resp, const struct who *w, int status, const char *title,
	const char *msg);
/* Append one audit entry; failures are logged, never shown. */
void pages_audit(struct dh_pages *pg, const char *event, const char *user,
	const struct dh_http_req *req, const char *detail);
/* Open the plan as of now, the caller's (a test run keeps it); NULL after filling resp with a 500
 * page. */
struct dh_plan *pages_plan(struct dh_pages *pg, const struct who *w, time_t now, bool *errors,
	struct dh_http_resp *resp);

/*
 * The plan as of now from the pages' cache (plan/cache.h), borrowed until
 * pages_plan_release; NULL after filling resp with a 500 page.
 */
const struct dh_plan *pages_plan_cached(struct dh_pages *pg, const struct who *w, time_t now,
	bool *errors, struct dh_http_resp *resp);
void pages_plan_release(struct dh_pages *pg, const struct dh_plan *p);

/* GET /report, ?as_of= (pages_report.c). */
void pages_report(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

/* POST /systems/{id}/run (pages_run.c). */
void pages_run(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

#endif
