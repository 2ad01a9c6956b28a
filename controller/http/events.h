/*
 * The agents' event endpoint, POST /api/v1/jobs/{job}/events (SPEC
 * "Events to the controller"), and its group-commit writer. A request is
 * checked in the order the spec's answers imply: unknown job 404, bad or
 * stale signature 401 (the token is the job's), malformed JSON or a body
 * naming another job 400; then it is queued for the writer thread, which
 * commits queued events in one transaction and only then releases their
 * requests, so a 200 means the event is durable. A seq already stored is
 * answered 200 and stored once. Called by httpd.c through its route table.
 */
#ifndef DH_EVENTS_H
#define DH_EVENTS_H

#include <stddef.h>
#include <time.h>

#include "dh/err.h"
#include "http/httpd.h"

#define DH_EVENTS_BATCH_MAX 512 /* events per commit */

struct dh_events;

/*
 * Open the database at db_path twice (a reader for token lookups, a
 * writer owned by the writer thread) and start the writer. 0 or a
 * dh_db_open error.
 */
int dh_events_new(struct dh_events **out, const char *db_path, struct dh_err *err);
/* Stop the writer after it drained the queue, close, free. NULL is a no-op. */
void dh_events_free(struct dh_events *e);

/* The dh_http_handler for the endpoint; user is a struct dh_events. */
void dh_events_handle(void *user, const struct dh_http_req *req,
	struct dh_http_resp *resp);

/* Statistics for serve's log and the benchmark. */
struct dh_events_stats {
	unsigned long long stored, duplicates, rejected, commits;
};
void dh_events_stats(struct dh_events *e, struct dh_events_stats *out);

#endif
