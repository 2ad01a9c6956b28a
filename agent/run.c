/*
 * `drillhall-agent run` and `flush` (run.h): the only file that ties the
 * agent's configuration (config.h) and restore test (restore.h) to the
 * event path. `run` is what the controller's key is forced to run over
 * SSH, so it trusts nothing it is given: SSH_ORIGINAL_COMMAND selects at
 * most `version`, the job on stdin is bounded, parsed and checked before
 * anything is spooled, and once `accepted` is durable the job detaches
 * from the SSH session (new session, stdio on /dev/null) so a restore of
 * hours does not hang on the connection. An action job (a drill's step,
 * probe or marker) runs in the session instead and answers on stdout
 * (action.c).
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "config.h"
#include "events/deliver.h"
#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/http_client.h"
#include "dh/proto.h"
#include "events/emit.h"
#include "restore/restore.h"
#include "events/spool.h"

#define STDIN_DEADLINE_MS (60 * 1000) /* the job must arrive within this */

static int
load_config(const char *path, struct dh_agent_config **cfg)
{
	struct dh_err err = { 0 };
	char msg[DH_ERR_MSG_MAX + 300];

	int r = dh_agent_config_load(path, cfg, &err);

	if (r == DH_EPARSE) {
		fprintf(stderr, "%s\n", err.msg); /* already "PATH:LINE: error: ..." lines */
		return -1;
	} else if (r != 0) {
		dh_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "drillhall-agent: %s\n", msg);
		return -1;
	}
	if (dh_spool_open((*cfg)->spool, &err) != 0) {
		fprintf(stderr, "drillhall-agent: %s\n", err.msg);
		dh_agent_config_free(*cfg);
		*cfg = NULL;
		return -1;
	}
	return 0;
}

/* One pass (or retry_ms of passes) over the spool; fills st. */
static int
flush_spool(const struct dh_agent_config *cfg, int64_t retry_ms, bool nowait, FILE *log,
	struct dh_deliver_stats *st)
{
	struct dh_deliver_opts o = { .budget_ms = retry_ms > 0 ? retry_ms : 0,
		.log = log,
		.nowait = nowait };
	struct dh_err err = { 0 };
	struct dh_report *rep = dh_report_new(cfg->ca_file, 0, 0, &err);
	int r;

	memset(st, 0, sizeof(*st));
	if (rep == NULL) {
		fprintf(stderr, "drillhall-agent: %s\n", err.msg);
		return DH_ESYS;
	}
	r = dh_deliver_run(cfg->spool, rep, &o, st, &err);
	if (r != 0 && r != DH_ETIMEOUT && log != NULL)
		fprintf(log, "drillhall-agent: %s\n", err.msg);
	dh_report_free(rep);
	return r == DH_ETIMEOUT ? 0 : r;
}

int
dh_agent_flush_cmd(const char *config, int64_t retry_s)
{
	struct dh_agent_config *cfg = NULL;
	struct dh_deliver_stats st;
	int rc = 2;

	if (load_config(config, &cfg) != 0)
		return 2;
	if (flush_spool(cfg, retry_s >= 0 ? retry_s * 1000 : -1, false, stderr, &st) != 0)
		goto out;
	printf("delivered %zu, rejected %zu, pending %zu, without job state %zu\n", st.delivered,
		st.rejected, st.pending, st.orphaned);
	rc = st.pending > 0 || st.rejected > 0 || st.orphaned > 0 ? 1 : 0;
out:
	dh_agent_config_free(cfg);
	return rc;
}

/* Read the job from stdin: at most DH_JOB_MAX bytes within the deadline. */
static int
read_job(struct dh_buf *b, struct dh_err *err)
{
	struct timespec t0, t;
	char chunk[8192];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		long el;

		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= STDIN_DEADLINE_MS)
			return dh_err_set(err, DH_ETIMEOUT, "no complete job on stdin within %d s",
				STDIN_DEADLINE_MS / 1000);
		int pr = poll(&p, 1, (int)(STDIN_DEADLINE_MS - el));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return dh_err_sys(err, DH_EIO, "cannot read the job");
		if (pr == 0)
			continue;
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dh_err_sys(err, DH_EIO, "cannot read the job");
		if (n == 0)
			break;
		if (b->len + (size_t)n > DH_JOB_MAX)
			return dh_err_set(err, DH_ETOOBIG, "job is larger than %d bytes",
				DH_JOB_MAX);
		dh_buf_append(b, chunk, (size_t)n);
	}
	if (b->len == 0)
		return dh_err_set(err, DH_EPARSE, "no job on stdin");
	return 0;
}

/* Parse and check a job so that only a job this agent can run is accepted. */
static int
get_job(struct dh_job **job, struct dh_err *err)
{
	struct dh_buf b;
	int r;

	dh_buf_init(&b);
	if ((r = read_job(&b, err)) == 0)
		r = dh_job_parse(b.data, b.len, job, err);
	dh_buf_fini(&b);
	if (r != 0)
		return r;
	if ((*job)->kind == DH_JOB_FAILOVER)
		r = dh_err_set(err, DH_EINVAL,
			"a failover drill is run by the controller; this agent runs its "
			"actions (action jobs) and restore tests");
	else if ((*job)->kind == DH_JOB_RESTORE)
		r = dh_http_url_check((*job)->url, err);
	if (r != 0) {
		dh_job_free(*job);
		*job = NULL;
	}
	return r;
}

static void
on_step(void *user, const char *step, const char *detail)
{
	dh_emit_event(user, DH_EVENT_STEP, step, detail, NULL, NULL);
}

/* Fill what the restore did not: identity, targets, who ran it, an error. */
static void
complete_record(struct dh_record *rec, const struct dh_job *job, const struct dh_emit *em, int rc)
{
	if (rec->id == NULL)
		rec->id = dh_xstrdup(job->id);
	if (rec->system == NULL)
		rec->system = dh_xstrdup(job->system);
	rec->kind = job->kind;
	if (rec->plan_revision == NULL && job->plan_revision != NULL)
		rec->plan_revision = dh_xstrdup(job->plan_revision);
	if (rec->rpo_target_s < 0)
		rec->rpo_target_s = job->rpo_target_s;
	if (rec->rto_target_s < 0)
		rec->rto_target_s = job->rto_target_s;
	if (rec->nhosts == 0)
		dh_record_add_host(rec, job->host != NULL ? job->host : em->host);
	if (rec->agent_host == NULL)
		rec->agent_host = dh_xstrdup(em->host);
	if (rec->agent_version == NULL)
		rec->agent_version = dh_xstrdup(DH_VERSION);
	if (rec->finished_at == 0)
		rec->finished_at = time(NULL);
	if (rc != 0) {
		rec->verdict = DH_VERDICT_ERROR;
		if (rec->error == NULL)
			rec->error = dh_xasprintf("the restore test could not produce a "
						  "record: %s",
				dh_err_name(rc));
	}
}

/* The job itself, after `accepted`: restore, finished, deliver. */
static void
run_job(const struct dh_agent_config *cfg, const struct dh_job *job, struct dh_emit *em, bool say)
{
	struct dh_record *rec = dh_record_new();
	time_t started = time(NULL);
	int rc;

	rc = dh_restore_run(cfg, job, rec, on_step, em);
	if (rec->started_at == 0)
		rec->started_at = started;
	complete_record(rec, job, em, rc);
	if (dh_emit_event(em, DH_EVENT_FINISHED, NULL, NULL, rec, NULL) == 0)
		dh_emit_drain(em, NULL);
	if (say)
		fprintf(stdout, "finished %s %s\n", job->id, dh_verdict_name(rec->verdict));
	dh_record_free(rec);
}

/* Leave the SSH session: *parent says which side of the fork returned. */
static int
detach(bool *parent)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	*parent = pid > 0;
	if (*parent)
		return 0;
	setsid();
	signal(SIGHUP, SIG_IGN);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (chdir("/") != 0) {
		/* stay where we are: every path the job uses is absolute */
	}
	return 0;
}

/* SSH_ORIGINAL_COMMAND: -1 go on with a job, else the exit code. */
static int
forced_command(void)
{
	const char *oc = getenv("SSH_ORIGINAL_COMMAND");

	if (oc == NULL || oc[0] == '\0' || strcmp(oc, "run") == 0)
		return -1;
	if (strcmp(oc, "version") == 0) {
		printf("drillhall-agent %s (protocol %d)\n", DH_VERSION, DH_PROTO_VERSION);
		return 0;
	}
	fprintf(stderr,
		"drillhall-agent: this key only runs jobs; refused a command "
		"of %zu bytes\n",
		strlen(oc));
	return 2;
}

/* Accept job: flush older events, spool + send `accepted`, say so. */
static int
accept_job(const struct dh_agent_config *cfg, const struct dh_job *job, struct dh_emit *em)
{
	struct dh_deliver_stats st;
	struct dh_err err = { 0 };

	/* one pass; when a detached job is sending right now, that is the flush */
	flush_spool(cfg, 0, true, stderr, &st);
	if (dh_emit_init(em, cfg->spool, job, 1, cfg->ca_file, &err) != 0 ||
		dh_emit_event(em, DH_EVENT_ACCEPTED, NULL, NULL, NULL, &err) != 0) {
		fprintf(stderr, "drillhall-agent: job %s not accepted: %s\n", job->id, err.msg);
		return -1;
	}
	printf("accepted %s\n", job->id);
	fflush(stdout);
	return 0;
}

int
dh_agent_run_cmd(const char *config, bool foreground, int64_t retry_s)
{
	struct dh_agent_config *cfg = NULL;
	struct dh_job *job = NULL;
	struct dh_emit em = { 0 };
	struct dh_err err = { 0 };
	bool parent = false;
	int rc;

	if ((rc = forced_command()) >= 0)
		return rc;
	rc = 2;
	if (load_config(config, &cfg) != 0)
		return 2;
	if (get_job(&job, &err) != 0) {
		fprintf(stderr, "drillhall-agent: bad job: %s\n", err.msg);
		goto out;
	}
	if (job->kind == DH_JOB_ACTION) {
		/* now, in the session: the answer is the action result on stdout */
		rc = dh_agent_action_job(cfg, job, stdout);
		goto out;
	}
	if (accept_job(cfg, job, &em) != 0)
		goto out;
	rc = 0;
	if (retry_s >= 0)
		em.opts.budget_ms = retry_s * 1000;
	if (foreground) {
		em.opts.log = stderr;
	} else if (detach(&parent) != 0) {
		/* accepted, so it must run: in this process, holding the session */
		fprintf(stderr, "drillhall-agent: cannot detach: %s\n", strerror(errno));
	} else if (parent) {
		goto out;
	} else if (dh_emit_reopen(&em, NULL) != 0) {
		goto out; /* the spool keeps `accepted`; without curl nothing can run */
	}
	run_job(cfg, job, &em, foreground);
out:
	dh_emit_fini(&em);
	dh_job_free(job);
	dh_agent_config_free(cfg);
	return rc;
}
