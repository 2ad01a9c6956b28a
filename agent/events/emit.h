/*
 * A job's events (SPEC "Events to the controller"): numbers them from
 * seq 1, builds their JSON with the wire protocol, writes each to the
 * spool (durable) before trying to send it, and keeps the job's state
 * (url, token) in the spool so `flush` can finish what the job could not.
 * A finished event too large for the wire has its record shrunk (tool
 * output, then listed mismatches; the count stays) rather than lost.
 * Used by run.c for the accepted, step and finished events.
 */
#ifndef DH_EMIT_H
#define DH_EMIT_H

#include <stdint.h>

#include "events/deliver.h"
#include "dh/err.h"
#include "dh/proto.h"
#include "events/report.h"

struct dh_emit {
	char *spool;   /* owned */
	char *job;     /* owned */
	char *url;     /* owned */
	char *token;   /* owned, wiped on fini */
	char *host;    /* owned: this machine's hostname */
	char *ca_file; /* owned, NULL = system CAs */
	int64_t seq;   /* last seq used */
	struct dh_report *rep;
	struct dh_deliver_opts opts; /* for dh_emit_drain */
};

/*
 * Start the events of job into spool dir (opened by the caller) and save
 * the job state. first_seq is the seq of the next event (1 for a new
 * job). ca_file may be NULL. Fails with DH_EEXIST when the job already
 * has state in the spool and first_seq is 1 (accepted twice).
 */
int dh_emit_init(struct dh_emit *em, const char *spool, const struct dh_job *job, int64_t first_seq,
	const char *ca_file, struct dh_err *err);
void dh_emit_fini(struct dh_emit *em);

/*
 * Spool one event and try to send what is pending once. step/detail
 * only for step events (may be NULL), rec only for finished (borrowed;
 * may be shrunk to fit). After a finished event the job state is marked
 * done. Returns 0 once the event is durable, whether or not it was sent.
 */
int dh_emit_event(struct dh_emit *em, enum dh_event_type type, const char *step, const char *detail,
	struct dh_record *rec, struct dh_err *err);

/* New connection state after fork(): the child must not share the parent's. */
int dh_emit_reopen(struct dh_emit *em, struct dh_err *err);

/* Send what is pending with backoff for em->opts.budget_ms. 0 or DH_ETIMEOUT. */
int dh_emit_drain(struct dh_emit *em, struct dh_err *err);

#endif
