/*
 * A job's events (emit.h): numbering, JSON through the wire protocol
 * module, spool-before-send, and the job state a later `flush` needs.
 * Sending is delegated to deliver.c; one pass after every event keeps the
 * controller's view current, and dh_emit_drain retries with backoff at
 * the end of a job.
 */
#include "events/emit.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dh/buf.h"
#include "events/spool.h"

static char *
hostname_dup(void)
{
	char h[HOST_NAME_MAX + 1];

	if (gethostname(h, sizeof(h)) != 0)
		return dh_xstrdup("unknown");
	h[sizeof(h) - 1] = '\0';
	return dh_xstrdup(h);
}

int
dh_emit_init(struct dh_emit *em, const char *spool, const struct dh_job *job, int64_t first_seq,
	const char *ca_file, struct dh_err *err)
{
	struct dh_spool_job js = { .url = job->url, .token = job->token };
	struct dh_spool_job old;
	int r;

	memset(em, 0, sizeof(*em));
	if (first_seq <= 1 && dh_spool_job_load(spool, job->id, &old, NULL) == 0) {
		dh_spool_job_fini(&old);
		return dh_err_set(err, DH_EEXIST, "job %s was already accepted", job->id);
	}
	if ((r = dh_spool_job_save(spool, job->id, &js, err)) != 0)
		return r;
	em->spool = dh_xstrdup(spool);
	em->job = dh_xstrdup(job->id);
	em->url = dh_xstrdup(job->url);
	em->token = dh_xstrdup(job->token);
	em->host = hostname_dup();
	em->ca_file = ca_file != NULL ? dh_xstrdup(ca_file) : NULL;
	em->seq = first_seq > 1 ? first_seq - 1 : 0;
	em->opts.budget_ms = DH_DELIVER_BUDGET_MS;
	return dh_emit_reopen(em, err);
}

int
dh_emit_reopen(struct dh_emit *em, struct dh_err *err)
{
	dh_report_free(em->rep);
	em->rep = dh_report_new(em->ca_file, 0, 0, err);
	return em->rep != NULL ? 0 : DH_ESYS;
}

void
dh_emit_fini(struct dh_emit *em)
{
	if (em == NULL)
		return;
	dh_report_free(em->rep);
	free(em->spool);
	free(em->job);
	free(em->url);
	if (em->token != NULL)
		memset(em->token, 0, strlen(em->token));
	free(em->token);
	free(em->host);
	free(em->ca_file);
	memset(em, 0, sizeof(*em));
}

/* Make the record's JSON fit the wire: drop the output, then listed mismatches. */
static char *
event_json_fitting(struct dh_event *ev)
{
	char *json = dh_event_to_json(ev);
	struct dh_record *rec = ev->record;

	if (strlen(json) <= DH_EVENT_MAX || rec == NULL)
		return json;
	free(rec->output);
	rec->output = dh_xstrdup("(output dropped: the record was over the event size limit)");
	while (strlen(json) > DH_EVENT_MAX && rec->nmismatches > 0) {
		size_t keep = rec->nmismatches / 2;
		for (size_t i = keep; i < rec->nmismatches; i++) {
			free(rec->mismatches[i].path);
			free(rec->mismatches[i].problem);
		}
		rec->nmismatches = keep; /* mismatches_total still counts them all */
		free(json);
		json = dh_event_to_json(ev);
	}
	return json;
}

int
dh_emit_event(struct dh_emit *em, enum dh_event_type type, const char *step, const char *detail,
	struct dh_record *rec, struct dh_err *err)
{
	struct dh_event ev = {
		.job = em->job,
		.seq = em->seq + 1,
		.type = type,
		.at = time(NULL),
		.host = em->host,
		.step = (char *)step,
		.detail = (char *)detail,
		.record = type == DH_EVENT_FINISHED ? rec : NULL,
	};
	struct dh_deliver_stats st = { 0 };
	/* never wait for another sender here: it is sending, and drain follows */
	struct dh_deliver_opts once = { .log = em->opts.log, .nowait = true };
	char *json = event_json_fitting(&ev);
	int r;

	r = dh_spool_put(em->spool, em->job, ev.seq, json, strlen(json), err);
	free(json);
	if (r != 0)
		return r;
	em->seq = ev.seq;
	if (type == DH_EVENT_FINISHED) {
		struct dh_spool_job js = { .url = em->url, .token = em->token, .done = true };
		/* only after the event is durable, so flush never forgets a token too early */
		if ((r = dh_spool_job_save(em->spool, em->job, &js, err)) != 0)
			return r;
	}
	dh_deliver_pass(em->spool, em->rep, &once, &st, NULL);
	return 0;
}

int
dh_emit_drain(struct dh_emit *em, struct dh_err *err)
{
	struct dh_deliver_stats st;

	return dh_deliver_run(em->spool, em->rep, &em->opts, &st, err);
}
