/*
 * The web pages behind `serve` (http/pages.c, pages_run.c), SPEC "Web
 * pages and roles": their routes with the role each needs, the guard that
 * httpd calls before a guarded route (session cookie, CSRF token on every
 * POST, role), login and logout. Users are controller.ini's [user NAME]
 * sections (config/config.h); passwords are checked against their
 * argon2id hashes (http/auth.h); sessions live in memory (http/session.h).
 * A user with `boards` sees only those boards' systems, records and
 * actions: anything else is 404, as if it did not exist. Every login,
 * failed login and POST goes into the audit chain (store/web.h). Each
 * request reads the plans directory and the database afresh (a read
 * transaction), so a page always shows the plan and records as they are.
 */
#ifndef DH_HTTP_PAGES_H
#define DH_HTTP_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "dh/err.h"
#include "http/httpd.h"

#define DH_PAGES_COOKIE "dh_session"
#define DH_PAGES_FORM_MAX (16 * 1024) /* bytes of a POSTed form */

struct dh_pages_cfg {
	const struct dh_config *config; /* users; borrowed until dh_pages_free */
	const char *plans;              /* plans directory (copied) */
	const char *db_path;            /* the database (copied) */
	const char *events_via;         /* where agents' events arrive, for the log (copied) */
	bool secure;                    /* served over TLS: cookies get Secure */
};

struct dh_pages;

/* The pages' state. 0, or DH_ESYS when libsodium cannot start. */
int dh_pages_new(struct dh_pages **out, const struct dh_pages_cfg *cfg, struct dh_err *err);

/* The routes (borrowed until dh_pages_free) to add to httpd's table, with dh_pages_guard. */
const struct dh_http_route *dh_pages_routes(struct dh_pages *pg, size_t *n);

/* httpd's guard for the pages' routes (guard_user = the struct dh_pages). */
bool dh_pages_guard(void *user, enum dh_http_need need, const struct dh_http_req *req,
	struct dh_http_resp *resp);

/* Free; tests started from a page run on in their own threads. NULL is a no-op. */
void dh_pages_free(struct dh_pages *pg);

#endif
