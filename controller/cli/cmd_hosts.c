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
#include "cli/ctlopt.h"
#include "plan/iface.h"
#include "jobs/ssh.h"

#define HOSTS_EXEC_MS 20000

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
print_text(const struct dh_plan_iface *p, const struct dh_ssh_result *res)
{
	printf("%-16s %-4s %-22s %-9s %-8s %s\n", "HOST", "HALL", "ADDRESS", "REACHABLE",
		"HOSTKEY", "AGENT");
	for (size_t i = 0; i < p->nhosts; i++) {
		const struct dh_plan_iface_host *h = &p->hosts[i];
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
print_json(const struct dh_plan_iface *p, const struct dh_ssh_result *res)
{
	json_t *arr = json_array(), *root = json_object();
	char *s;

	for (size_t i = 0; i < p->nhosts; i++) {
		const struct dh_plan_iface_host *h = &p->hosts[i];
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
check_hosts(const struct dh_plan_iface *p, const char *format, size_t parallel)
{
	struct dh_ssh_target *t = dh_xcalloc(p->nhosts, sizeof(*t));
	struct dh_ssh_result *res = dh_xcalloc(p->nhosts, sizeof(*res));
	int rc = DH_EXIT_OK;

	for (size_t i = 0; i < p->nhosts; i++)
		t[i] = (struct dh_ssh_target){ .name = p->hosts[i].id,
			.address = p->hosts[i].address ? p->hosts[i].address : "",
			.port = p->hosts[i].port, .user = p->hosts[i].user ? p->hosts[i].user : "",
			.key = p->ssh_key, .known_hosts = p->known_hosts, .command = "version",
			.exec_ms = HOSTS_EXEC_MS };
	dh_ssh_run_many(t, res, p->nhosts, parallel);
	if (strcmp(format, "json") == 0)
		print_json(p, res);
	else
		print_text(p, res);
	for (size_t i = 0; i < p->nhosts; i++) {
		if (!host_ok(&res[i]))
			rc = DH_EXIT_NOTOK;
		dh_ssh_result_fini(&res[i]);
	}
	free(t);
	free(res);
	return rc;
}

int
dh_cmd_hosts(struct dh_ctlopt *o)
{
	struct dh_plan_iface *p = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	signal(SIGPIPE, SIG_IGN);
	if (dh_plan_iface_load(o->plans, o->now, false, &p, &err) != 0) {
		dh_ctlopt_error("hosts", &err, "");
		goto out;
	}
	if (p->ssh_key == NULL || p->known_hosts == NULL) {
		fprintf(stderr, "drillhall hosts: inventory [controller] needs ssh_key and "
			"known_hosts\n");
		goto out;
	}
	rc = check_hosts(p, o->format, (size_t)o->parallel);
out:
	dh_plan_iface_free(p);
	return rc;
}
