/*
 * An action job, start to answer (action.h). The action is looked up by
 * name in agent.ini, the only list of commands a job can cause to run; its
 * argv comes from there and nothing of the job reaches it but three
 * checked environment values (system id, job id, marker syntax are
 * checked by the job codec). stdout and stderr are kept separately up to
 * the output limit and joined in that order for the result.
 */
#include "action.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "proc.h"

/* stdout then stderr, at most DH_ACTION_OUTPUT_MAX bytes, as UTF-8 text. */
static void
join_output(const struct dh_proc_result *pr, struct dh_action_result *res)
{
	struct dh_buf b;
	size_t room;

	dh_buf_init(&b);
	dh_buf_append(&b, pr->out.data ? pr->out.data : "", pr->out.len);
	room = DH_ACTION_OUTPUT_MAX - b.len;
	dh_buf_append(&b, pr->err.data ? pr->err.data : "",
		pr->err.len < room ? pr->err.len : room);
	res->output_cut = pr->out_total + pr->err_total > (int64_t)b.len;
	res->output = dh_action_output_text(b.data ? b.data : "", b.len);
	dh_buf_fini(&b);
}

int
dh_agent_action_run(const struct dh_agent_config *cfg, const struct dh_job *job,
	struct dh_action_result *res, struct dh_err *err)
{
	const struct dh_agent_action *a = dh_agent_config_action(cfg, job->action.name);
	char *sys = NULL, *id = NULL, *mark = NULL;
	struct dh_proc_result pr;
	struct dh_proc_opts o = { .keep = DH_ACTION_OUTPUT_MAX };
	char status[160];
	int r;

	memset(res, 0, sizeof(*res));
	if (a == NULL)
		return dh_err_set(err, DH_ENOENT,
			"no [action %s] in %s: this host does not allow that action",
			job->action.name, cfg->path);
	sys = dh_xasprintf("DRILLHALL_SYSTEM=%s", job->system);
	id = dh_xasprintf("DRILLHALL_JOB=%s", job->id);
	mark = job->action.marker ? dh_xasprintf("DRILLHALL_MARKER=%s", job->action.marker)
				  : dh_xstrdup("DRILLHALL_MARKER"); /* bare: removed */
	const char *env[] = { sys, id, mark, NULL };
	o.argv = a->argv;
	o.env = env;
	o.deadline = dh_time_mono() +
		(double)(job->timeout_s > 0 && job->timeout_s < a->timeout_s ? job->timeout_s
									     : a->timeout_s);
	dh_proc_result_init(&pr);
	dh_proc_guard_install();
	r = dh_proc_run(&o, &pr, err);
	dh_proc_guard_remove();
	if (r == 0) {
		res->job = dh_xstrdup(job->id);
		res->action = dh_xstrdup(a->name);
		res->exit_code = pr.exited ? pr.exit_code : -1;
		res->timed_out = pr.timed_out;
		res->seconds = pr.seconds;
		join_output(&pr, res);
		dh_proc_describe(&pr, status, sizeof(status));
		res->status = dh_xstrdup(status);
	}
	dh_proc_result_fini(&pr);
	free(sys);
	free(id);
	free(mark);
	return r;
}

int
dh_agent_action_job(const struct dh_agent_config *cfg, const struct dh_job *job, FILE *out)
{
	struct dh_action_result res;
	struct dh_err err = { 0 };
	char *json;

	/* the session may be gone when the answer is written: say so, don't die */
	signal(SIGPIPE, SIG_IGN);
	if (dh_agent_action_run(cfg, job, &res, &err) != 0) {
		fprintf(stderr, "drillhall-agent: action job %s refused: %s\n", job->id, err.msg);
		return 2;
	}
	json = dh_action_result_to_json(&res);
	fprintf(out, "%s\n", json);
	free(json);
	free(res.job);
	free(res.action);
	free(res.output);
	free(res.status);
	return fflush(out) == 0 ? 0 : 2;
}
