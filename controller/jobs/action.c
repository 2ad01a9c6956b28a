/*
 * One action job over SSH (jobs/action.h): build the job, send it to the
 * host's forced command, wait for the session to end and read the
 * result. The agent answers a refusal on stderr with exit 2 (a bad job,
 * an unknown action, another protocol version); an action that ran is
 * exit 0 with the result on stdout, whatever the action's own status.
 */
#include "jobs/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/sign.h"
#include "jobs/job.h"
#include "jobs/ssh.h"

#define QUOTE_MAX 300 /* bytes of the agent's own words quoted in a message */

static char *
build_job(const struct dh_action_call *c)
{
	struct dh_job j = { .version = DH_PROTO_VERSION,
		.id = (char *)c->job,
		.kind = DH_JOB_ACTION,
		.system = (char *)c->system,
		.host = (char *)c->host,
		.timeout_s = c->timeout_s > 0 ? c->timeout_s : 0,
		.action = { .name = (char *)c->action, .marker = (char *)c->marker } };

	return dh_job_to_json(&j);
}

/* The agent's stderr, one line, for a message: its own words name the cause. */
static void
quote(const struct dh_ssh_result *res, char *out, size_t n)
{
	const char *s = res->err_out && *res->err_out ? res->err_out : (res->out ? res->out : "");
	size_t k = 0;

	for (; *s && k + 1 < n && k < QUOTE_MAX; s++)
		out[k++] = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

/* The session ran to its end: a result, or the agent's refusal. */
static int
read_answer(const struct dh_action_call *c, const struct dh_ssh_result *res,
	struct dh_action_result **out, struct dh_err *err)
{
	char said[QUOTE_MAX + 1];
	struct dh_err perr;

	if (res->exit_status != 0) {
		quote(res, said, sizeof(said));
		return dh_err_set(err, DH_EREFUSED, "%s refused action job %s (exit %d): %s",
			c->host, c->action, res->exit_status, said[0] ? said : "no reason given");
	}
	if (dh_action_result_parse(res->out ? res->out : "", res->out_len, out, &perr) != 0)
		return dh_err_set(err, DH_EPARSE,
			"%s answered action job %s with no action result of protocol %d (%s): "
			"install the controller's version of drillhall-agent there",
			c->host, c->action, DH_PROTO_VERSION, perr.msg);
	if ((*out)->action == NULL || strcmp((*out)->action, c->action) != 0 ||
		strcmp((*out)->job, c->job) != 0) {
		dh_action_result_free(*out);
		*out = NULL;
		return dh_err_set(err, DH_EPARSE, "%s answered for another action or job than %s",
			c->host, c->action);
	}
	return 0;
}

int
dh_action_call_run(const struct dh_plan *p, const struct dh_action_call *c,
	struct dh_action_result **out, struct dh_err *err)
{
	const struct dh_host *h = c->host ? dh_plan_host_get(p, c->host) : NULL;
	struct dh_ssh_target t;
	struct dh_ssh_result res = { 0 };
	int64_t wait_s = (c->timeout_s > 0 ? c->timeout_s : DH_ACTION_WAIT_S) + DH_ACTION_GRACE_S;
	char *json;
	int r;

	*out = NULL;
	if (c->host == NULL || c->action == NULL || c->system == NULL || c->job == NULL)
		return dh_err_set(err, DH_EINVAL,
			"an action call needs host, action, system and job");
	if (h == NULL || h->address == NULL || h->user == NULL)
		return dh_err_set(err, DH_EINVAL,
			"host '%s' is not in the inventory (with address and user)", c->host);
	if (p->inv.ssh_key == NULL || p->inv.known_hosts == NULL)
		return dh_err_set(err, DH_EINVAL,
			"inventory [controller] needs ssh_key and "
			"known_hosts");
	dh_job_host_target(&t, p, h);
	json = build_job(c);
	t.command = "run";
	t.input = json;
	t.input_len = strlen(json);
	t.exec_ms = wait_s > INT32_MAX / 1000 ? INT32_MAX : (int)(wait_s * 1000);
	if ((r = dh_ssh_run(&t, &res)) != 0)
		r = dh_err_set(err, r, "action %s on %s: %s", c->action, c->host, res.msg);
	else
		r = read_answer(c, &res, out, err);
	dh_ssh_result_fini(&res);
	free(json);
	return r;
}

int
dh_action_marker_new(char *out, size_t n)
{
	char tok[DH_TOKEN_HEX + 1];

	if (n < DH_ACTION_MARKER_LEN)
		return DH_EINVAL;
	out[0] = '\0';
	if (dh_sign_new_token(tok, sizeof(tok)) != 0)
		return DH_ESYS;
	snprintf(out, n, "m-%.32s", tok);
	explicit_bzero(tok, sizeof(tok));
	return 0;
}
