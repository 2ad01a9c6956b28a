/*
 * Child processes (proc.h). One fork/execvp path for every external
 * program the agent runs, so the rules hold everywhere: no shell, a
 * process group per child, bounded capture, deadlines enforced on the
 * whole group, and a SIGTERM to the agent passed on as SIGKILL to the
 * group it is waiting for. An exec failure travels back over a CLOEXEC
 * pipe so "restic is not installed" is an error, not an exit status.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dh/timefmt.h"

extern char **environ;

static volatile sig_atomic_t cancel_flag;
static volatile sig_atomic_t child_pgid;
static struct sigaction saved[3];
static const int guarded[3] = { SIGTERM, SIGINT, SIGHUP };

static void
on_signal(int sig)
{
	cancel_flag = 1;
	if (child_pgid > 0)
		kill(-(pid_t)child_pgid, SIGKILL);
}

void
dh_proc_guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(guarded[i], &sa, &saved[i]);
}

void
dh_proc_guard_remove(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(guarded[i], &saved[i], NULL);
}

volatile sig_atomic_t *
dh_proc_cancel_flag(void)
{
	return &cancel_flag;
}

void
dh_proc_result_init(struct dh_proc_result *res)
{
	memset(res, 0, sizeof(*res));
	dh_buf_init(&res->out);
	dh_buf_init(&res->err);
	dh_buf_append(&res->out, "", 0);
	dh_buf_append(&res->err, "", 0);
}

void
dh_proc_result_fini(struct dh_proc_result *res)
{
	dh_buf_fini(&res->out);
	dh_buf_fini(&res->err);
}

/* The environment for the child: ours plus o->env (later entries win). */
static char **
build_env(const char *const *extra)
{
	size_t n = 0, k = 0, m = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = dh_xcalloc(n + m + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		bool overridden = false;

		for (size_t j = 0; j < m && !overridden; j++) {
			size_t klen = strcspn(extra[j], "=");

			overridden =
				strncmp(environ[i], extra[j], klen) == 0 && environ[i][klen] == '=';
		}
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		if (strchr(extra[j], '=') != NULL) /* a bare NAME only removes NAME */
			env[k++] = (char *)extra[j];
	return env;
}

/* In the child: never returns. */
static void
child(const struct dh_proc_opts *o, char **env, int out, int errfd, int report)
{
	sigset_t none;
	int null;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		goto fail;
	if (o->cwd != NULL && chdir(o->cwd) != 0)
		goto fail;
	environ = env;
	execvp(o->argv[0], o->argv);
fail:
	e = errno;
	if (write(report, &e, sizeof(e)) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(127);
}

static void
take(int fd, struct dh_buf *b, int64_t *total, size_t keep, bool *eof)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		*eof = true;
		return;
	}
	*total += n;
	if (b->len < keep)
		dh_buf_append(b, chunk, (size_t)n < keep - b->len ? (size_t)n : keep - b->len);
}

struct waitstate {
	pid_t pid;
	bool reaped;
	int status;
	double term_at;   /* when SIGTERM went out (0 = not yet) */
	double drain_end; /* stop reading after the child is gone */
};

/* Enforce deadline and cancel; reap. Called every poll round. */
static void
supervise(const struct dh_proc_opts *o, struct waitstate *w, struct dh_proc_result *res)
{
	double now = dh_time_mono();

	if (!w->reaped && waitpid(w->pid, &w->status, WNOHANG) == w->pid) {
		w->reaped = true;
		kill(-w->pid, SIGKILL); /* leftovers of the group must not outlive it */
		w->drain_end = now + 2.0;
		return;
	}
	if (w->reaped)
		return;
	if (cancel_flag && !res->interrupted) {
		res->interrupted = true;
		kill(-w->pid, SIGKILL);
	}
	if (o->deadline > 0 && now > o->deadline && w->term_at == 0) {
		res->timed_out = true;
		w->term_at = now;
		kill(-w->pid, SIGTERM);
	}
	if (w->term_at > 0 && now > w->term_at + DH_PROC_GRACE)
		kill(-w->pid, SIGKILL);
}

static void
collect(const struct dh_proc_opts *o, struct waitstate *w, int out, int errfd,
	struct dh_proc_result *res)
{
	size_t keep = o->keep ? o->keep : DH_PROC_KEEP;
	bool eof_out = false, eof_err = false;

	while (!(w->reaped && eof_out && eof_err)) {
		struct pollfd p[2] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 } };

		p[0].fd = eof_out ? -1 : out;
		p[1].fd = eof_err ? -1 : errfd;
		if (poll(p, 2, 50) > 0) {
			if (p[0].revents)
				take(out, &res->out, &res->out_total, keep, &eof_out);
			if (p[1].revents)
				take(errfd, &res->err, &res->err_total, keep, &eof_err);
		}
		supervise(o, w, res);
		if (w->reaped && dh_time_mono() > w->drain_end)
			break; /* a grandchild that left the group still holds the pipe */
	}
}

static int
cloexec_pipe(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int
spawn(const struct dh_proc_opts *o, int pout[2], int perr[2], int prep[2], pid_t *pid,
	struct dh_err *err)
{
	char **env = build_env(o->env);
	int r = 0;

	*pid = fork();
	if (*pid < 0)
		r = dh_err_sys(err, DH_ESYS, "cannot fork for %s", o->argv[0]);
	else if (*pid == 0) {
		close(pout[0]);
		close(perr[0]);
		close(prep[0]);
		child(o, env, pout[1], perr[1], prep[1]);
	}
	free(env);
	return r;
}

int
dh_proc_run(const struct dh_proc_opts *o, struct dh_proc_result *res, struct dh_err *err)
{
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, prep[2] = { -1, -1 };
	struct waitstate w = { 0 };
	double start = dh_time_mono();
	int child_errno = 0, r = 0;

	if (cloexec_pipe(pout) || cloexec_pipe(perr) || cloexec_pipe(prep)) {
		r = dh_err_sys(err, DH_ESYS, "cannot create pipes");
		goto out;
	}
	if ((r = spawn(o, pout, perr, prep, &w.pid, err)) != 0)
		goto out;
	setpgid(w.pid, w.pid); /* also here: no window where a kill misses it */
	child_pgid = w.pid;
	close(pout[1]), pout[1] = -1;
	close(perr[1]), perr[1] = -1;
	close(prep[1]), prep[1] = -1;
	collect(o, &w, pout[0], perr[0], res);
	if (!w.reaped) {
		kill(-w.pid, SIGKILL);
		waitpid(w.pid, &w.status, 0);
	}
	child_pgid = 0;
	if (cancel_flag)
		res->interrupted = true; /* the handler may have killed it before we looked */
	res->seconds = dh_time_mono() - start;
	if (read(prep[0], &child_errno, sizeof(child_errno)) == sizeof(child_errno)) {
		errno = child_errno;
		r = dh_err_sys(err, DH_ENOENT, "cannot run %s", o->argv[0]);
		goto out;
	}
	res->exited = WIFEXITED(w.status);
	res->exit_code = res->exited ? WEXITSTATUS(w.status) : -1;
	res->signal = WIFSIGNALED(w.status) ? WTERMSIG(w.status) : 0;
out:
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
		if (prep[i] >= 0)
			close(prep[i]);
	}
	return r;
}

bool
dh_proc_is_success(const struct dh_proc_result *res)
{
	return res->exited && res->exit_code == 0 && !res->timed_out && !res->interrupted;
}

void
dh_proc_describe(const struct dh_proc_result *res, char *out, size_t outsz)
{
	if (res->interrupted)
		snprintf(out, outsz, "interrupted (agent received a termination signal)");
	else if (res->timed_out)
		snprintf(out, outsz, "timed out after %.0fs, process group killed", res->seconds);
	else if (res->exited)
		snprintf(out, outsz, "exit status %d", res->exit_code);
	else
		snprintf(out, outsz, "killed by signal %d", res->signal);
}

static void
append_stream(struct dh_buf *b, const char *name, const struct dh_buf *s, int64_t total)
{
	if (total == 0)
		return;
	dh_buf_printf(b, "[%s]\n%s", name, s->data);
	if (s->len > 0 && s->data[s->len - 1] != '\n')
		dh_buf_putc(b, '\n');
	if ((int64_t)s->len < total)
		dh_buf_printf(b, "[... %lld more bytes not kept]\n",
			(long long)(total - (int64_t)s->len));
}

void
dh_proc_append_output(struct dh_buf *b, const struct dh_proc_opts *o,
	const struct dh_proc_result *res)
{
	dh_buf_puts(b, "$");
	for (char *const *a = o->argv; *a; a++)
		dh_buf_printf(b, " %s", *a);
	dh_buf_putc(b, '\n');
	append_stream(b, "stdout", &res->out, res->out_total);
	append_stream(b, "stderr", &res->err, res->err_total);
}
