/*
 * `drillhall hosts [--format text|json]` (cli/cmd_hosts.h): every
 * inventory host in both halls, all at once, through the same SSH path as
 * a job: connect, host key against known_hosts, public key, and the exec
 * string "version", which the forced command turns into
 * `drillhall-agent version`; the answers become the rows render/hosts.c
 * formats. Exit 0 when every host is reachable with a good key and an
 * agent that answers, 1 otherwise, 2 could not run.
 * With --authorized-keys it connects to nothing: it reads the public half
 * of the inventory's ssh_key (ssh_key + ".pub") and prints per host the
 * authorized_keys line binding it to that host's agent and agent_config
 * (render/hosts.c builds and quotes it); exit 0, or 2 when the key or a
 * path cannot be written into such a line.
 */
#include "cli/cmd_hosts.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "dh/buf.h"
#include "cli/ctlopt.h"
#include "jobs/job.h"
#include "jobs/ssh.h"
#include "plan/plan.h"
#include "render/hosts.h"

#define HOSTS_EXEC_MS 20000
#define PUBKEY_MAX 16384 /* an RSA-16384 public key line is ~2.8 KiB */

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

/* The rows render/hosts.c formats; versions are the caller's to free. */
static struct dh_hosts_row *
rows_of(const struct dh_plan *p, const struct dh_ssh_result *res)
{
	struct dh_hosts_row *rows = dh_xcalloc(p->inv.nhosts ? p->inv.nhosts : 1, sizeof(*rows));

	for (size_t i = 0; i < p->inv.nhosts; i++) {
		const struct dh_host *h = &p->inv.hosts[i];

		rows[i] = (struct dh_hosts_row){ .host = h->id,
			.hall = h->hall,
			.address = h->address,
			.port = h->port,
			.reachable = res[i].stage >= DH_SSH_CONNECTED,
			.host_key_ok = res[i].stage >= DH_SSH_HOSTKEY_OK,
			.agent_version = agent_version(&res[i]),
			.error = res[i].msg,
			.seconds = res[i].seconds };
	}
	return rows;
}

static int
print_hosts(const struct dh_ctlopt *o, const struct dh_plan *p, const struct dh_ssh_result *res)
{
	struct dh_hosts_row *rows = rows_of(p, res);
	struct dh_buf out;
	int rc;

	dh_buf_init(&out);
	if (strcmp(o->format, "json") == 0)
		dh_hosts_render_json(rows, p->inv.nhosts, &out);
	else
		dh_hosts_render_text(rows, p->inv.nhosts, &out);
	rc = dh_cli_write(o, &out);
	for (size_t i = 0; i < p->inv.nhosts; i++)
		free((char *)rows[i].agent_version);
	free(rows);
	dh_buf_fini(&out);
	return rc;
}

static int
check_hosts(const struct dh_ctlopt *o, const struct dh_plan *p)
{
	struct dh_ssh_target *t = dh_xcalloc(p->inv.nhosts ? p->inv.nhosts : 1, sizeof(*t));
	struct dh_ssh_result *res = dh_xcalloc(p->inv.nhosts ? p->inv.nhosts : 1, sizeof(*res));
	int rc = DH_EXIT_OK;

	for (size_t i = 0; i < p->inv.nhosts; i++) {
		dh_job_host_target(&t[i], p, &p->inv.hosts[i]);
		t[i].command = "version";
		t[i].exec_ms = HOSTS_EXEC_MS;
	}
	dh_ssh_run_many(t, res, p->inv.nhosts, (size_t)o->parallel);
	rc = print_hosts(o, p, res);
	for (size_t i = 0; i < p->inv.nhosts; i++) {
		if (rc == DH_EXIT_OK && !host_ok(&res[i]))
			rc = DH_EXIT_NOTOK;
		dh_ssh_result_fini(&res[i]);
	}
	free(t);
	free(res);
	return rc;
}

/* The first line of ssh_key.pub, owned; NULL after saying why on stderr. */
static char *
read_pubkey(const char *ssh_key)
{
	struct dh_buf path, b;
	struct dh_err err;
	char *line = NULL;

	dh_buf_init(&path);
	dh_buf_init(&b);
	dh_err_clear(&err);
	dh_buf_printf(&path, "%s.pub", ssh_key);
	if (dh_file_read(path.data, PUBKEY_MAX, &b, &err) != 0)
		fprintf(stderr,
			"drillhall hosts: %s (the controller's public key; make it with "
			"ssh-keygen -y -f %s >%s)\n",
			err.msg, ssh_key, path.data);
	else
		line = dh_xstrndup(b.data, strcspn(b.data, "\r\n"));
	dh_buf_fini(&b);
	dh_buf_fini(&path);
	return line;
}

/* Every host's line into lines[i] (owned); DH_EXIT_USAGE after saying which failed. */
static int
build_lines(const struct dh_ctlopt *o, const struct dh_plan *p, const char *pubkey, char **lines)
{
	for (size_t i = 0; i < p->inv.nhosts; i++) {
		const struct dh_host *h = &p->inv.hosts[i];
		struct dh_buf b;
		struct dh_err err;

		dh_buf_init(&b);
		dh_err_clear(&err);
		if (dh_hosts_authkey_line(&b, h->agent, h->agent_config, o->from, pubkey, &err) !=
			0) {
			fprintf(stderr, "drillhall hosts: inventory.ini:%d: host %s: %s\n", h->line,
				h->id, err.msg);
			dh_buf_fini(&b);
			return DH_EXIT_USAGE;
		}
		lines[i] = dh_buf_take(&b);
	}
	return DH_EXIT_OK;
}

static int
print_authorized_keys(const struct dh_ctlopt *o, const struct dh_plan *p)
{
	size_t n = p->inv.nhosts;
	char **lines = dh_xcalloc(n ? n : 1, sizeof(*lines));
	struct dh_authkey_row *rows = dh_xcalloc(n ? n : 1, sizeof(*rows));
	char *pubkey = read_pubkey(p->inv.ssh_key);
	struct dh_buf out;
	int rc = DH_EXIT_USAGE;

	dh_buf_init(&out);
	if (pubkey == NULL || (rc = build_lines(o, p, pubkey, lines)) != DH_EXIT_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct dh_host *h = &p->inv.hosts[i];

		rows[i] = (struct dh_authkey_row){ .host = h->id,
			.user = h->user,
			.address = h->address,
			.port = h->port,
			.line = lines[i] };
	}
	if (strcmp(o->format, "json") == 0)
		dh_hosts_render_authkeys_json(rows, n, &out);
	else
		dh_hosts_render_authkeys_text(rows, n, &out);
	rc = dh_cli_write(o, &out);
out:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(rows);
	free(pubkey);
	dh_buf_fini(&out);
	return rc;
}

int
dh_cmd_hosts(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if ((rc = dh_cli_open_plan("hosts", o->plans, o->now, false, &p)) != DH_EXIT_OK)
		goto out;
	rc = DH_EXIT_USAGE;
	if (o->from != NULL && !o->authorized_keys) {
		fprintf(stderr, "drillhall hosts: --from goes with --authorized-keys\n");
		goto out;
	}
	if (o->authorized_keys) {
		if (p->inv.ssh_key == NULL)
			fprintf(stderr, "drillhall hosts: inventory [controller] needs ssh_key\n");
		else
			rc = print_authorized_keys(o, p);
		goto out;
	}
	if (p->inv.ssh_key == NULL || p->inv.known_hosts == NULL) {
		fprintf(stderr,
			"drillhall hosts: inventory [controller] needs ssh_key and "
			"known_hosts\n");
		goto out;
	}
	rc = check_hosts(o, p);
out:
	dh_plan_free(p);
	return rc;
}
