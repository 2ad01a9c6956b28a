/*
 * The event endpoint and its group-commit writer (http/events.h).
 * Request threads (one per agent connection, from httpd.c) check the
 * request against the job's token with a reader connection, then queue
 * the parsed event and sleep; the writer thread takes everything queued,
 * stores it with dh_db_event_batch in one transaction (one fsync for the
 * batch under synchronous=FULL) and wakes the requests with their result.
 * Nothing is answered 200 before its COMMIT returned.
 */
#include "http/events.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "dh/log.h"
#include "dh/json.h"
#include "dh/buf.h"
#include "dh/proto.h"
#include "dh/sign.h"
#include "dh/timefmt.h"

struct pending {
	struct dh_db_event_in in;
	bool done;
	struct pending *next;
};

struct dh_events {
	struct dh_db *reader;
	struct dh_db *writer;
	pthread_mutex_t mu;
	pthread_cond_t work;
	pthread_cond_t done;
	struct pending *head, *tail;
	bool stop;
	pthread_t thread;
	struct dh_events_stats stats;
	struct dh_http_route routes[1];
};

/*
 * Store items in one transaction; when that transaction fails as a whole
 * and held more than one event, store each alone, so one event that makes
 * COMMIT fail (or a passing lock) does not fail its neighbours.
 */
static int
store_items(struct dh_events *e, struct dh_db_event_in *items, size_t n)
{
	struct dh_err err;
	int rc;

	dh_err_clear(&err);
	rc = dh_db_event_batch(e->writer, items, n, &err);
	if (rc == 0)
		return 0;
	dh_log_error("storing %zu event(s) failed: %s", n, err.msg);
	for (size_t i = 0; i < n; i++)
		items[i].result = rc;
	if (n == 1)
		return rc;
	for (size_t i = 0; i < n; i++)
		(void)store_items(e, &items[i], 1);
	return 0;
}

static void
store_batch(struct dh_events *e, struct pending **batch, size_t n)
{
	struct dh_db_event_in *items = dh_xcalloc(n, sizeof(*items));

	for (size_t i = 0; i < n; i++)
		items[i] = batch[i]->in;
	(void)store_items(e, items, n);
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < n; i++) {
		batch[i]->in = items[i];
		batch[i]->done = true;
		if (items[i].result == DH_DB_NEW || items[i].result == DH_DB_UNSTORABLE)
			e->stats.stored++;
		else if (items[i].result == DH_DB_DUPLICATE || items[i].result == DH_DB_CONFLICT)
			e->stats.duplicates++;
	}
	e->stats.commits++;
	pthread_cond_broadcast(&e->done);
	pthread_mutex_unlock(&e->mu);
	free(items);
}

static void *
writer_main(void *arg)
{
	struct dh_events *e = arg;
	struct pending **batch = dh_xcalloc(DH_EVENTS_BATCH_MAX, sizeof(*batch));

	pthread_mutex_lock(&e->mu);
	for (;;) {
		size_t n = 0;

		while (e->head == NULL && !e->stop)
			pthread_cond_wait(&e->work, &e->mu);
		if (e->head == NULL)
			break;
		while (e->head != NULL && n < DH_EVENTS_BATCH_MAX) {
			batch[n++] = e->head;
			e->head = e->head->next;
		}
		if (e->head == NULL)
			e->tail = NULL;
		pthread_mutex_unlock(&e->mu);
		store_batch(e, batch, n);
		pthread_mutex_lock(&e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	free(batch);
	return NULL;
}

int
dh_events_new(struct dh_events **out, const char *db_path, struct dh_err *err)
{
	struct dh_events *e = dh_xcalloc(1, sizeof(*e));
	int r;

	if ((r = dh_db_open(&e->writer, db_path, err)) != 0 ||
		(r = dh_db_open(&e->reader, db_path, err)) != 0) {
		dh_db_close(e->writer);
		free(e);
		return r;
	}
	e->routes[0] = (struct dh_http_route){ .method = "POST",
		.pattern = "/api/v1/jobs/{job}/events",
		.handler = dh_events_handle,
		.user = e,
		.body_max = DH_EVENTS_BODY_MAX,
		.need = DH_HTTP_NEED_SIGNED };
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->done, NULL);
	if (pthread_create(&e->thread, NULL, writer_main, e) != 0) {
		dh_log_error("cannot start the event writer thread");
		abort();
	}
	*out = e;
	return 0;
}

void
dh_events_free(struct dh_events *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mu);
	e->stop = true;
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->work);
	pthread_cond_destroy(&e->done);
	dh_db_close(e->reader);
	dh_db_close(e->writer);
	free(e);
}

const struct dh_http_route *
dh_events_routes(struct dh_events *e, size_t *n)
{
	*n = sizeof(e->routes) / sizeof(e->routes[0]);
	return e->routes;
}

void
dh_events_stats(struct dh_events *e, struct dh_events_stats *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->stats;
	pthread_mutex_unlock(&e->mu);
}

/* Queue one event and wait until the writer committed (or failed) it; in->result set. */
static void
submit(struct dh_events *e, struct dh_db_event_in *in)
{
	struct pending p = { .in = *in };

	pthread_mutex_lock(&e->mu);
	if (e->tail)
		e->tail->next = &p;
	else
		e->head = &p;
	e->tail = &p;
	pthread_cond_signal(&e->work);
	while (!p.done)
		pthread_cond_wait(&e->done, &e->mu);
	pthread_mutex_unlock(&e->mu);
	*in = p.in;
}

/* {"error":REASON,"detail":DETAIL}: the agent logs what it did wrong. */
static char *
error_body(const char *reason, const char *detail)
{
	json_t *o = json_object(), *d = detail ? json_string(detail) : NULL;
	char *out;

	json_object_set_new(o, "error", json_string(reason));
	if (d != NULL) /* NULL too when detail is not UTF-8 */
		json_object_set_new(o, "detail", d);
	out = dh_json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static void
answer(struct dh_events *e, struct dh_http_resp *resp, int status, const char *reason,
	const char *detail)
{
	resp->status = status;
	snprintf(resp->why, sizeof(resp->why), "%s%s%.150s", reason, detail ? ": " : "",
		detail ? detail : "");
	resp->body = error_body(reason, status == 400 || status == 422 ? detail : NULL);
	if (status >= 400) {
		pthread_mutex_lock(&e->mu);
		e->stats.rejected++;
		pthread_mutex_unlock(&e->mu);
	}
}

/* 404 unknown job, 401 bad signature (answered in resp); true when both hold. */
static bool
check_job_and_signature(struct dh_events *e, const struct dh_http_req *req,
	struct dh_http_resp *resp)
{
	const char *id = dh_http_req_param(req, "job");
	const char *sig = dh_http_req_header(req, DH_SIGN_HEADER);
	struct dh_db_job *job = NULL;
	struct dh_err err;
	int r;

	if (id == NULL || !dh_proto_is_job_id(id)) {
		answer(e, resp, 404, "unknown job", "not a job id");
		return false;
	}
	dh_err_clear(&err);
	r = dh_db_job_get(e->reader, id, &job, &err);
	if (r != 0) {
		if (r == DH_ENOENT)
			answer(e, resp, 404, "unknown job", id);
		else
			answer(e, resp, 503, "database unavailable", err.msg);
		return false;
	}
	if (sig == NULL)
		r = DH_EPARSE;
	else
		r = dh_sign_check(job->token, sig, req->body, req->len, dh_time_now());
	if (r != 0) {
		answer(e, resp, 401, "bad or stale signature",
			sig == NULL              ? "no " DH_SIGN_HEADER " header"
				: r == DH_EPARSE ? "malformed signature header"
						 : "wrong or older than 300 s");
	}
	explicit_bzero(job->token, strlen(job->token));
	dh_db_job_free(job);
	return r == 0;
}

/*
 * A signed body dh_event_parse refused (why): when it is still a finished
 * event of this job, its job ends as error with the reason (SPEC: no job
 * stays running for ever); the answer is 400 either way.
 */
static void
handle_unreadable(struct dh_events *e, const struct dh_http_req *req, struct dh_http_resp *resp,
	const char *why)
{
	const char *id = dh_http_req_param(req, "job");
	struct dh_db_event_in in = { .body = req->body, .len = req->len, .unreadable = why };
	struct dh_event *ev = NULL;

	if (dh_event_parse_finished_envelope(req->body, req->len, &ev, NULL) != 0 ||
		(ev->job != NULL && strcmp(ev->job, id) != 0)) {
		answer(e, resp, 400, "malformed event", why);
		goto out;
	}
	if (ev->job == NULL)
		ev->job = dh_xstrdup(id); /* the signature binds the body to this job */
	in.ev = ev;
	submit(e, &in);
	if (in.result == DH_DB_NEW || in.result == DH_DB_UNSTORABLE ||
		in.result == DH_DB_DUPLICATE || in.result == DH_DB_CONFLICT) {
		/* httpd logs the rejection (rate-limited) with this reason */
		answer(e, resp, 400, "malformed finished event, the job is recorded as error", why);
	} else {
		answer(e, resp, 503, "could not store the event", dh_err_name(in.result));
	}
out:
	dh_event_free(ev);
}

void
dh_events_handle(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_events *e = user;
	const char *id = dh_http_req_param(req, "job");
	struct dh_db_event_in in = { .body = req->body, .len = req->len };
	struct dh_event *ev = NULL;
	struct dh_err err;

	if (!check_job_and_signature(e, req, resp))
		return;
	dh_err_clear(&err);
	if (dh_event_parse(req->body, req->len, &ev, &err) != 0) {
		handle_unreadable(e, req, resp, err.msg);
		return;
	}
	if (strcmp(ev->job, id) != 0) {
		answer(e, resp, 400, "event names another job", ev->job);
		goto out;
	}
	in.ev = ev;
	submit(e, &in);
	if (in.result == DH_DB_CONFLICT)
		/* Answered like a duplicate so the agent stops resending; told here. */
		dh_log_warn("job %s seq %lld resent by %s with different "
			    "content; the first one stays",
			ev->job, (long long)ev->seq, req->peer);
	if (in.result == DH_DB_NEW || in.result == DH_DB_DUPLICATE || in.result == DH_DB_CONFLICT) {
		resp->status = 200;
		resp->body = dh_xasprintf("{\"ok\":true,\"stored\":\"%s\"}",
			in.result == DH_DB_NEW ? "new" : "duplicate");
	} else if (in.result == DH_DB_UNSTORABLE) {
		answer(e, resp, 422, "record not stored, the job is recorded as error", in.why);
	} else if (in.result == DH_ENOENT) {
		answer(e, resp, 404, "unknown job", id);
	} else {
		answer(e, resp, 503, "could not store the event", dh_err_name(in.result));
	}
out:
	dh_event_free(ev);
}
