/*
 * Running external programs for the restore test: restic, the host's own
 * actions. Always from an argv vector (fork + execvp), never through a
 * shell; in a process group of its own so a timeout or a SIGTERM to the
 * agent kills the whole group (kill(-pgid)); stdout and stderr captured
 * separately and bounded; stdin is /dev/null. The guard functions install
 * the SIGTERM/SIGINT/SIGHUP handler that kills the running group and
 * raises a flag the restore test polls to clean up and stop.
 */
#ifndef DH_AGENT_PROC_H
#define DH_AGENT_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/buf.h"
#include "dh/err.h"

#define DH_PROC_KEEP (64 * 1024) /* bytes kept of each stream by default */
#define DH_PROC_GRACE 3.0        /* seconds between SIGTERM and SIGKILL */

struct dh_proc_opts {
	char *const *argv;      /* argv[0] is looked up in PATH */
	const char *const *env; /* "KEY=VALUE" set, bare "KEY" removed; may be NULL */
	const char *cwd;        /* NULL = the agent's */
	double deadline;        /* dh_time_mono() deadline; 0 = none */
	size_t keep;            /* bytes kept of each stream; 0 = DH_PROC_KEEP */
};

struct dh_proc_result {
	bool exited; /* normal exit: exit_code valid */
	int exit_code;
	int signal;                   /* killing signal when !exited */
	bool timed_out;               /* killed because the deadline passed */
	bool interrupted;             /* killed because the agent got SIGTERM/SIGINT/SIGHUP */
	struct dh_buf out, err;       /* kept output (NUL-terminated) */
	int64_t out_total, err_total; /* bytes the program wrote */
	double seconds;               /* wall time it ran */
};

void dh_proc_result_init(struct dh_proc_result *res);
void dh_proc_result_fini(struct dh_proc_result *res);

/*
 * Run the program and wait for it (and its group). Returns 0 when it ran
 * (res says how it ended), DH_ENOENT when argv[0] cannot be executed,
 * DH_ESYS when fork/pipe fail — with err set.
 */
int dh_proc_run(const struct dh_proc_opts *o, struct dh_proc_result *res, struct dh_err *err);

/* True when the program exited with status 0. */
bool dh_proc_is_success(const struct dh_proc_result *res);
/* "exit status 3", "killed by signal 9", "timed out", "interrupted". */
void dh_proc_describe(const struct dh_proc_result *res, char *out, size_t outsz);
/* Append "$ argv...\n" and both kept streams (marked when cut) to b. */
void dh_proc_append_output(struct dh_buf *b, const struct dh_proc_opts *o,
	const struct dh_proc_result *res);

/* Install / remove the termination handler; the flag is the cancel flag. */
void dh_proc_guard_install(void);
void dh_proc_guard_remove(void);
/* Non-zero once SIGTERM/SIGINT/SIGHUP arrived while the guard was installed. */
volatile sig_atomic_t *dh_proc_cancel_flag(void);

#endif
