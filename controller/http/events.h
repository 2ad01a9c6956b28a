/*
 * The agents' event endpoint, POST /api/v1/jobs/{job}/events (SPEC
 * "Events to the controller"), and its group-commit writer. A request is
 * checked in the order the spec's answers imply: unknown job 404, bad or
 * stale signature 401 (the token is the job's), malformed JSON or a body
 * naming another job 400; then it is queued for the writer thread, which
 * commits queued events in one transaction and only then releases their
 * requests, so a 200 means the event is durable. A seq already stored is
 * answered 200 and stored once. The endpoint supplies its route
 * (dh_events_routes) for whoever starts httpd: the receiver, or a test.
 */
#ifndef DH_EVENTS_H
#define DH_EVENTS_H

#include <stddef.h>
#include <time.h>

#include "dh/err.h"
#include "http/httpd.h"

#define DH_EVENTS_BATCH_MAX 512          /* events per commit */
#define DH_EVENTS_BODY_MAX (1024 * 1024) /* SPEC: 413 over 1 MiB */

struct dh_events;

/*
 * Open the database at db_path twice (a reader for token lookups, a
 * writer owned by the writer thread) and start the writer. 0 or a
 * dh_db_open error.
 */
int dh_events_new(struct dh_events **out, const char *db_path, struct dh_err *err);
/* Stop the writer after it drained the queue, close, free. NULL is a no-op. */
void dh_events_free(struct dh_events *e);

/*
 * The endpoint's routes, bound to e (POST /api/v1/jobs/{job}/events,
 * signed, bodies up to DH_EVENTS_BODY_MAX): *n entries, borrowed until
 * dh_events_free.
 */
const struct dh_http_route *dh_events_routes(struct dh_events *e, size_t *n);

/*
 * The handler behind that route; user is a struct dh_events, the job is
 * the {job} parameter, the signature the X-Drillhall-Signature header.
 */
void dh_events_handle(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

/* Statistics for serve's log and the benchmark. */
struct dh_events_stats {
	unsigned long long stored, duplicates, rejected, commits;
};
void dh_events_stats(struct dh_events *e, struct dh_events_stats *out);

#endif
