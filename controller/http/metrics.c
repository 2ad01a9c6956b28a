/*
 * The /metrics route (http/metrics.h): who may scrape, keeping the plan
 * (plan/cache.h) and a read-only connection between scrapes, and one scrape: judge
 * every system as of now in one read transaction, add the store's
 * counters, render.
 */
#include "http/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "plan/cache.h"
#include "render/metrics.h"
#include "store/compliance.h"
#include "store/metrics.h"
#include "store/outbox.h"

struct dh_metrics_route {
	char *db_path, *plans, *token;
	struct dh_events *events;
	pthread_mutex_t mu; /* one scrape at a time; guards what follows */
	struct dh_plan_cache *plans_cache;
	struct dh_db *db;
};

int
dh_metrics_route_new(struct dh_metrics_route **out, const struct dh_metrics_cfg *cfg,
	struct dh_err *err)
{
	struct dh_metrics_route *m = dh_xcalloc(1, sizeof(*m));
	int r;

	if (cfg->token_file != NULL &&
		(r = dh_config_read_secret(cfg->token_file, &m->token, err)) != 0) {
		free(m);
		return r;
	}
	m->db_path = dh_xstrdup(cfg->db_path);
	m->plans = dh_xstrdup(cfg->plans ? cfg->plans : "plans");
	m->events = cfg->events;
	m->plans_cache = dh_plan_cache_new(m->plans, DH_PLAN_CACHE_MAX_AGE_S);
	pthread_mutex_init(&m->mu, NULL);
	*out = m;
	return 0;
}

void
dh_metrics_route_free(struct dh_metrics_route *m)
{
	if (m == NULL)
		return;
	dh_db_close(m->db);
	dh_plan_cache_free(m->plans_cache);
	pthread_mutex_destroy(&m->mu);
	if (m->token != NULL)
		memset(m->token, 0, strlen(m->token));
	free(m->token);
	free(m->db_path);
	free(m->plans);
	free(m);
}

/* Equal strings, in time that does not depend on where they differ. */
static bool
token_equal(const char *a, const char *b)
{
	char ha[65], hb[65];
	unsigned char diff = 0;

	dh_sha256_hex(a, strlen(a), ha);
	dh_sha256_hex(b, strlen(b), hb);
	for (size_t i = 0; i < 64; i++)
		diff |= (unsigned char)(ha[i] ^ hb[i]);
	return diff == 0;
}

/* Whether peer ("ADDR:PORT", "[V6]:PORT") is a loopback address. */
static bool
peer_is_loopback(const char *peer)
{
	char addr[DH_HTTPD_PEER_MAX];
	const char *end;

	if (peer == NULL)
		return false;
	if (*peer == '[') {
		end = strchr(peer, ']');
		peer++;
	} else {
		end = strrchr(peer, ':');
	}
	if (end == NULL || (size_t)(end - peer) >= sizeof(addr))
		return false;
	memcpy(addr, peer, (size_t)(end - peer));
	addr[end - peer] = '\0';
	return dh_httpd_is_loopback(addr);
}

bool
dh_metrics_authorized(const struct dh_http_req *req, const char *token)
{
	const char *h;

	if (token == NULL)
		return peer_is_loopback(req->peer);
	h = dh_http_req_header(req, "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ')
		h++;
	return token_equal(h, token);
}

static int
ensure_db(struct dh_metrics_route *m, struct dh_err *err)
{
	return m->db != NULL ? 0 : dh_db_open_readonly(&m->db, m->db_path, err);
}

/* The store's counters into mx (events: stored from the store, the rest from the receiver). */
static int
counters(struct dh_metrics_route *m, struct dh_metrics *mx, struct dh_metrics_events ev[3],
	struct dh_err *err)
{
	struct dh_events_stats st = { 0 };
	int64_t stored = 0;
	int r;

	if ((r = dh_db_tests_total(m->db, mx->tests_total, err)) != 0 ||
		(r = dh_db_events_total(m->db, &stored, err)) != 0 ||
		(r = dh_db_outbox_pending(m->db, &mx->notifications_pending, err)) != 0 ||
		(r = dh_db_audit_check_last(m->db, &mx->audit_checked, &mx->audit_checked_at,
			 &mx->audit_intact, err)) != 0)
		return r;
	if (m->events != NULL)
		dh_events_stats(m->events, &st);
	ev[0] = (struct dh_metrics_events){ "stored", (uint64_t)stored };
	ev[1] = (struct dh_metrics_events){ "duplicate", st.duplicates };
	ev[2] = (struct dh_metrics_events){ "rejected", st.rejected };
	mx->events = ev;
	mx->nevents = 3;
	return 0;
}

static void
render(const struct dh_standings *sd, struct dh_metrics *mx, struct dh_buf *out)
{
	struct dh_status_row *rows = dh_xcalloc(sd->n ? sd->n : 1, sizeof(*rows));
	int64_t *open = dh_xcalloc(sd->n ? sd->n : 1, sizeof(*open));

	for (size_t i = 0; i < sd->n; i++) {
		rows[i].sys = sd->v[i].sys;
		memcpy(rows[i].tests, sd->v[i].tests, sizeof(rows[i].tests));
		rows[i].c = sd->v[i].c;
		open[i] = sd->v[i].open_actions;
	}
	mx->rows = rows;
	mx->open_actions = open;
	mx->nrows = sd->n;
	dh_metrics_render(mx, out);
	free(rows);
	free(open);
}

static int
scrape(struct dh_metrics_route *m, struct dh_buf *out, struct dh_err *err)
{
	struct dh_metrics mx = { 0 };
	struct dh_metrics_events ev[3];
	struct dh_standings sd = { 0 };
	const struct dh_plan *p = NULL;
	time_t now = dh_time_now();
	bool plan_errors = false;
	int r;

	if ((r = dh_plan_cache_get(m->plans_cache, now, &p, &plan_errors, err)) != 0 ||
		(r = ensure_db(m, err)) != 0 || (r = dh_db_read_begin(m->db, err)) != 0)
		goto out;
	if ((r = dh_db_standings(m->db, p, plan_errors, now, &sd, err)) == 0 &&
		(r = counters(m, &mx, ev, err)) == 0)
		render(&sd, &mx, out);
	dh_db_read_end(m->db);
out:
	dh_db_standings_fini(&sd);
	dh_plan_cache_release(m->plans_cache, p);
	return r;
}

static void
handle(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_metrics_route *m = user;
	struct dh_buf out;
	struct dh_err err;
	int r;

	if (!dh_metrics_authorized(req, m->token)) {
		resp->status = 401;
		resp->body = dh_xstrdup("a bearer token is needed for /metrics\n");
		snprintf(resp->why, sizeof(resp->why), "/metrics: %s",
			m->token ? "no or wrong bearer token" : "not a loopback peer");
		return;
	}
	dh_buf_init(&out);
	dh_err_clear(&err);
	pthread_mutex_lock(&m->mu);
	r = scrape(m, &out, &err);
	pthread_mutex_unlock(&m->mu);
	if (r != 0) {
		dh_buf_fini(&out);
		resp->status = 500;
		resp->body = dh_xstrdup("metrics unavailable\n");
		snprintf(resp->why, sizeof(resp->why), "/metrics: %.180s", err.msg);
		return;
	}
	resp->status = 200;
	resp->content_type = DH_METRICS_CONTENT_TYPE;
	resp->body = dh_buf_take(&out);
}

struct dh_http_route
dh_metrics_route(struct dh_metrics_route *m)
{
	/* the handler checks the bearer token or the peer itself, as the event API its signature */
	return (struct dh_http_route){ .method = "GET",
		.pattern = "/metrics",
		.handler = handle,
		.user = m,
		.need = DH_HTTP_NEED_NONE };
}
