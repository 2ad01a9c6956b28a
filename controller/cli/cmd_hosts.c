/*
 * `drillhall hosts [--format text|json]` (controller/cmd_hosts.h): every
 * inventory host in both halls, all at once, through the same SSH path as
 * a job: connect, host key against known_hosts, public key, and the exec
 * string "version", which the forced command turns into
 * `drillhall-agent version`. Exit 0 when every host is reachable with a
 * good key and an agent that answers, 1 otherwise, 2 could not run.
 */
#include "cli/cmd_hosts.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "dh/buf.h"
#include "cli/cmdplan.h"
#include "cli/ctlopt.h"
#include "jobs/job.h"
#include "plan/plan.h"
#include "jobs/ssh.h"

#define HOSTS_EXEC_MS 20000

static const char usage[] =
	"usage: drillhall hosts [--format text|json] [--plans DIR] [--parallel N]\n"
	"Per inventory host: reachable, host key ok, agent version.\n";

/* The agent's version line, trimmed; NULL when it did not answer. */
static char *
agent_version(const struct dh_ssh_result *r)
{
	size_t n;

	if (r->code != 0 || r->exit_status != 0 || r->out == NULL || r->out[0] == '\0')
		return NULL;
	n = strcspn(r->out, "\r\n");
	return n > 0 ? dh_xstrndup(r->out, n > 200 ? 200 : n) : NULL;
}

static bool
host_ok(const struct dh_ssh_result *r)
{
	char *v = agent_version(r);
	bool ok = v != NULL;

	free(v);
	return ok;
}

static void
print_text(const struct dh_plan *p, const struct dh_ssh_result *res)
{
	printf("%-16s %-4s %-22s %-9s %-8s %s\n", "HOST", "HALL", "ADDRESS", "REACHABLE",
		"HOSTKEY", "AGENT");
	for (size_t i = 0; i < p->inv.nhosts; i++) {
		const struct dh_host *h = &p->inv.hosts[i];
		char addr[300], *v = agent_version(&res[i]);

		snprintf(addr, sizeof(addr), "%s:%d", h->address ? h->address : "-", h->port);
		printf("%-16s %-4s %-22s %-9s %-8s %s\n", h->id, h->hall ? h->hall : "-", addr,
			res[i].stage >= DH_SSH_CONNECTED ? "yes" : "no",
			res[i].stage >= DH_SSH_HOSTKEY_OK ? "ok" :
			res[i].stage >= DH_SSH_CONNECTED ? "REFUSED" : "-",
			v ? v : (res[i].msg[0] ? res[i].msg : "no answer"));
		free(v);
	}
}

static void
print_json(const struct dh_plan *p, const struct dh_ssh_result *res)
{
	json_t *arr = json_array(), *root = json_object();
	char *s;

	for (size_t i = 0; i < p->inv.nhosts; i++) {
		const struct dh_host *h = &p->inv.hosts[i];
		json_t *o = json_object();
		char *v = agent_version(&res[i]);

		json_object_set_new(o, "host", json_string(h->id));
		json_object_set_new(o, "hall", h->hall ? json_string(h->hall) : json_null());
		json_object_set_new(o, "address", h->address ? json_string(h->address) :
			json_null());
		json_object_set_new(o, "port", json_integer(h->port));
		json_object_set_new(o, "reachable", json_boolean(res[i].stage >= DH_SSH_CONNECTED));
		json_object_set_new(o, "host_key_ok",
			json_boolean(res[i].stage >= DH_SSH_HOSTKEY_OK));
		json_object_set_new(o, "agent_version", v ? json_string(v) : json_null());
		json_object_set_new(o, "error", v ? json_null() : json_string(res[i].msg[0] ?
			res[i].msg : "the agent did not answer"));
		json_object_set_new(o, "seconds", json_real(res[i].seconds));
		json_array_append_new(arr, o);
		free(v);
	}
	json_object_set_new(root, "hosts", arr);
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
	json_decref(root);
}

static int
check_hosts(const struct dh_plan *p, const char *format, size_t parallel)
{
	struct dh_ssh_target *t = dh_xcalloc(p->inv.nhosts, sizeof(*t));
	struct dh_ssh_result *res = dh_xcalloc(p->inv.nhosts, sizeof(*res));
	int rc = DH_EXIT_OK;

	for (size_t i = 0; i < p->inv.nhosts; i++) {
		dh_job_host_target(&t[i], p, &p->inv.hosts[i]);
		t[i].command = "version";
		t[i].exec_ms = HOSTS_EXEC_MS;
	}
	dh_ssh_run_many(t, res, p->inv.nhosts, parallel);
	if (strcmp(format, "json") == 0)
		print_json(p, res);
	else
		print_text(p, res);
	for (size_t i = 0; i < p->inv.nhosts; i++) {
		if (!host_ok(&res[i]))
			rc = DH_EXIT_NOTOK;
		dh_ssh_result_fini(&res[i]);
	}
	free(t);
	free(res);
	return rc;
}

int
dh_cmd_hosts(int argc, char **argv)
{
	struct dh_ctlopt o;
	struct dh_plan *p = NULL;
	char *par = NULL;
	const struct dh_opt extra[] = { { "parallel", &par, NULL } };
	int rc = DH_EXIT_USAGE;

	if ((rc = dh_ctlopt_start(&o, "hosts", argc, argv, extra, 1, usage)) >= 0)
		goto out;
	rc = DH_EXIT_USAGE;
	if (o.npos != 0 || !dh_ctlopt_is_format(o.format, "text,json")) {
		fprintf(stderr, "drillhall hosts: %s\n%s", o.npos ? "unexpected argument" :
			"format is text or json", usage);
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((rc = dh_cmdplan_open("hosts", o.plans, o.now, false, &p)) != DH_EXIT_OK)
		goto out;
	rc = DH_EXIT_USAGE;
	if (p->inv.ssh_key == NULL || p->inv.known_hosts == NULL) {
		fprintf(stderr, "drillhall hosts: inventory [controller] needs ssh_key and "
			"known_hosts\n");
		goto out;
	}
	rc = check_hosts(p, o.format, par ? (size_t)strtoul(par, NULL, 10) : 0);
out:
	dh_plan_free(p);
	free(par);
	dh_ctlopt_fini(&o);
	return rc;
}
