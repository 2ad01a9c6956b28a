/*
 * The agent's event spool (SPEC "Architecture", "Events to the
 * controller"): a directory, mode 0700, where every event is written and
 * fsynced before it is sent, and removed only after the controller
 * answered 2xx. One file per event, `<job>.<seq, 10 digits>.json`, so a
 * sorted listing is the order of sending; beside them one `<job>.job` file
 * (mode 0600) per job with what a later `flush` needs to send without the
 * job: the events URL base and the job token. Every write is atomic: a
 * temporary file in the same directory, fsync, rename, fsync of the
 * directory. Callers: deliver.c (sending) and run.c (writing).
 */
#ifndef DH_SPOOL_H
#define DH_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/buf.h"
#include "dh/err.h"

#define DH_SPOOL_SEQ_DIGITS 10
#define DH_SPOOL_JOB_MAX 8192 /* bytes of a <job>.job state file */

/* A spooled event; strings owned by the list that holds it. */
struct dh_spool_entry {
	char *job;
	int64_t seq;
	char *name; /* file name inside the spool directory */
};

struct dh_spool_list {
	struct dh_spool_entry *v;
	size_t n;
};

/* What a job left behind so its events can be sent later. */
struct dh_spool_job {
	char *url;   /* controller base URL */
	char *token; /* the job token: never logged */
	bool done;   /* the finished event has been spooled */
};

/*
 * Create dir (and missing parents) with mode 0700, or check an existing
 * one: a directory owned by us; group/other bits are removed. 0,
 * DH_ESYS, or DH_EREFUSED when it belongs to someone else.
 */
int dh_spool_open(const char *dir, struct dh_err *err);

/*
 * Write event body (len <= DH_EVENT_MAX, else DH_ETOOBIG) for job/seq
 * atomically and durably. DH_EINVAL for a bad job id or seq < 1.
 */
int dh_spool_put(const char *dir, const char *job, int64_t seq, const char *body, size_t len,
	struct dh_err *err);

/* Save (atomically, mode 0600) / load the state of job. Load: DH_ENOENT if none. */
int dh_spool_job_save(const char *dir, const char *job, const struct dh_spool_job *st,
	struct dh_err *err);
int dh_spool_job_load(const char *dir, const char *job, struct dh_spool_job *out,
	struct dh_err *err);
void dh_spool_job_fini(struct dh_spool_job *st);
/* Remove the state of job (absent is fine). */
int dh_spool_job_remove(const char *dir, const char *job, struct dh_err *err);

/*
 * The pending events, sorted by job then seq (what was sent first stays
 * first). Files that do not look like events are ignored. *out is filled
 * (dh_spool_list_fini).
 */
int dh_spool_list(const char *dir, struct dh_spool_list *out, struct dh_err *err);
void dh_spool_list_fini(struct dh_spool_list *l);
/* Job ids that have a state file, sorted; caller frees with dh_spool_list_fini. */
int dh_spool_jobs(const char *dir, struct dh_spool_list *out, struct dh_err *err);
/* True when job has pending events in l. */
bool dh_spool_list_has_job(const struct dh_spool_list *l, const char *job);

/* Read one event body (bounded by DH_EVENT_MAX) into b. */
int dh_spool_read(const char *dir, const struct dh_spool_entry *e, struct dh_buf *b,
	struct dh_err *err);
/* Remove a delivered event durably (already gone is fine). */
int dh_spool_remove(const char *dir, const struct dh_spool_entry *e, struct dh_err *err);
/* Keep a permanently refused event as `<name>.rejected`, out of the queue. */
int dh_spool_reject(const char *dir, const struct dh_spool_entry *e, struct dh_err *err);

/*
 * Take / release the spool's sending lock (flock on `<dir>/.lock`), so a
 * `flush` and a running job never send the same file twice at once.
 * lock returns 0 and sets *fd; without wait it returns DH_ELOCKED at once
 * when another process holds it.
 */
int dh_spool_lock(const char *dir, bool wait, int *fd, struct dh_err *err);
void dh_spool_unlock(int fd);

#endif
