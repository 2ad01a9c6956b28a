/*
 * The controller's command table (SPEC "Commands"): one row per command
 * with its options (typed specs, dh/opt.h), its arguments and its help;
 * usage and --help are written from the same rows. Options may come
 * before or after the command (`drillhall check --plans plans` and
 * `drillhall --plans plans check` are the same); controller.ini fills
 * what the command line left unset, then defaults (cli/ctlopt.c). Each
 * command lives in its own cmd_<name>.c and is given the settings.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_actions.h"
#include "cli/cmd_audit.h"
#include "cli/cmd_check.h"
#include "cli/cmd_history.h"
#include "cli/cmd_hosts.h"
#include "cli/cmd_passwd.h"
#include "cli/cmd_plan.h"
#include "cli/cmd_report.h"
#include "cli/cmd_run.h"
#include "cli/cmd_serve.h"
#include "cli/cmd_status.h"
#include "cli/cmd_due.h"
#include "dh/buf.h"

#define O struct dh_ctlopt

static const char *const fmt_tj[] = { "text", "json", NULL };
static const char *const fmt_tjc[] = { "text", "json", "csv", NULL };
static const char *const fmt_plan[] = { "text", "md", "html", "json", NULL };
static const char *const kinds[] = { "restore", "failover", NULL };

#define OPT_FORMAT(list) DH_OPT_C("format", list, "output format", O, format)
#define OPT_LISTEN                                                                                 \
	DH_OPT_S("listen", "ADDRESS:PORT",                                                         \
		"where serve listens for the "                                                     \
		"agents' events (default: controller.ini listen, else " DH_CTLOPT_LISTEN ")",      \
		O, listen)

static const struct dh_opt_spec check_opts[] = { OPT_FORMAT(fmt_tj), DH_OPT_END };
static const struct dh_opt_spec plan_opts[] = { OPT_FORMAT(fmt_plan), DH_OPT_END };
static const struct dh_opt_spec run_opts[] = { OPT_FORMAT(fmt_tj), OPT_LISTEN, DH_OPT_END };
static const struct dh_opt_spec status_opts[] = { OPT_FORMAT(fmt_tjc), OPT_LISTEN, DH_OPT_END };
static const struct dh_opt_spec due_opts[] = { OPT_FORMAT(fmt_tj), OPT_LISTEN, DH_OPT_END };
static const struct dh_opt_spec hosts_opts[] = {
	OPT_FORMAT(fmt_tj),
	DH_OPT_I("parallel", "N", "connections at once (default: all)", O, parallel, 0, 10000),
	DH_OPT_F("authorized-keys", "print each host's authorized_keys line; connect to none", O,
		authorized_keys),
	DH_OPT_S("from", "PATTERNS", "with --authorized-keys: from=\"PATTERNS\" in each line", O,
		from),
	OPT_LISTEN,
	DH_OPT_END,
};
static const struct dh_opt_spec history_opts[] = {
	DH_OPT_S("since", "WHEN",
		"records since an RFC 3339 time, a date or a duration "
		"back (90d)",
		O, since),
	DH_OPT_C("kind", kinds, "only restore tests or failover drills", O, kind),
	DH_OPT_I("limit", "N", "at most N records (default: all)", O, limit, 0, 1000000000),
	OPT_FORMAT(fmt_tjc),
	OPT_LISTEN,
	DH_OPT_END,
};
static const struct dh_opt_spec serve_opts[] = {
	OPT_LISTEN,
	DH_OPT_S("tls-cert", "FILE", "serve HTTPS with this certificate (PEM)", O, tls_cert),
	DH_OPT_S("tls-key", "FILE", "and this key (PEM)", O, tls_key),
	DH_OPT_F("quiet", "do not log each request", O, quiet),
	DH_OPT_F("syslog", "log to syslog (facility daemon) instead of stderr", O, use_syslog),
	DH_OPT_END,
};
static const struct dh_opt_spec actions_opts[] = {
	DH_OPT_F("open", "only the actions open as of --now", O, open_only),
	DH_OPT_S("note", "TEXT", "close: why the action is closed (required)", O, note),
	OPT_FORMAT(fmt_tj),
	DH_OPT_END,
};
static const char *const fmt_report[] = { "html", "csv", "json", NULL };
static const struct dh_opt_spec report_opts[] = {
	DH_OPT_S("since", "WHEN",
		"list every record since an RFC 3339 time, a date or a duration back (365d)", O,
		since),
	OPT_FORMAT(fmt_report),
	DH_OPT_END,
};
static const struct dh_opt_spec audit_opts[] = { OPT_FORMAT(fmt_tj), OPT_LISTEN, DH_OPT_END };

/* A row: how usage shows the command (first, see dh/opt.h), and what runs it. */
struct cmd {
	struct dh_opt_cmd spec;
	int (*fn)(struct dh_ctlopt *o);
};

static const struct cmd cmds[] = {
	{ { "check", check_opts, 0, 0, "", "validate the plans", NULL }, dh_cmd_check },
	{ { "plan", plan_opts, 0, 0, "", "print the continuity plan in recovery order", NULL },
		dh_cmd_plan },
	{ { "run", run_opts, 2, 2, "restore|failover ID",
		  "run a restore test or failover drill now, wait, print the record",
		  "Exit 0 passed, 1 failed, 2 error.\n" },
		dh_cmd_run },
	{ { "status", status_opts, 0, 0, "", "per system: requirement, last tests, due, compliant",
		  NULL },
		dh_cmd_status },
	{ { "due", due_opts, 0, 0, "", "tests due or overdue now, oldest first",
		  "Exit 1 when any test is overdue.\n" },
		dh_cmd_due },
	{ { "hosts", hosts_opts, 0, 0, "", "per host: reachable, host key ok, agent version",
		  "--authorized-keys prints, per host, the line that binds the controller's key\n"
		  "(inventory ssh_key + \".pub\") to the forced command AGENT --config\n"
		  "AGENT_CONFIG run (inventory agent, agent_config); it connects to no host.\n" },
		dh_cmd_hosts },
	{ { "history", history_opts, 0, 1, "[ID]", "test records, newest first (text, json, csv)",
		  NULL },
		dh_cmd_history },
	{ { "serve", serve_opts, 0, 0, "",
		  "receive agent events over HTTP(S) until SIGINT or SIGTERM", NULL },
		dh_cmd_serve },
	{ { "actions", actions_opts, 0, 2, "[close N --note TEXT]",
		  "corrective actions; close one by hand, with a reason",
		  "Without arguments: every corrective action (--open: those open as of --now).\n"
		  "close N --note TEXT: close action N by hand, naming you and why (exit 2 when\n"
		  "        there is no action N or it is closed already).\n" },
		dh_cmd_actions },
	{ { "report", report_opts, 0, 0, "", "the auditor's report as of --now (html, csv, json)",
		  "Compliance per system and board, the gaps, corrective actions, the audit\n"
		  "chain's head; records judged against the requirement in force when they ran.\n" },
		dh_cmd_report },
	{ { "audit", audit_opts, 1, 1, "verify|export", "check / export the hash-chained audit log",
		  "verify: recompute the hash-chained audit log; name the first record that does\n"
		  "        not match (exit 1).\n"
		  "export: print every audit record with its canonical body and hashes, so the\n"
		  "        chain can be recomputed elsewhere: hash = SHA-256(prev_hash || body).\n" },
		dh_cmd_audit },
	{ { "passwd", (const struct dh_opt_spec[]){ DH_OPT_END }, 1, 1, "USER",
		  "read a password, print the password = line for [user USER]",
		  "From a terminal it asks twice, without echo; otherwise it reads one line\n"
		  "from stdin. The argon2id hash goes to stdout, everything else to stderr.\n" },
		dh_cmd_passwd },
	{ { NULL, NULL, 0, 0, NULL, NULL, NULL }, NULL },
};

/* Before the command word only the global options and --format are known. */
static const struct dh_opt_spec before_opts[] = {
	DH_OPT_S("format", "F", "output format, per command", O, format),
	DH_OPT_END,
};

static const struct cmd *
find_cmd(const char *name)
{
	/* spec is a row's first member: the row starts where its spec does */
	return (const struct cmd *)dh_opt_cmd_find(cmds, sizeof(cmds[0]), name);
}

static void
usage(FILE *f)
{
	static const struct dh_opt_spec *const tables[] = { dh_ctlopt_global, before_opts, NULL };
	struct dh_buf head, b;

	dh_buf_init(&head);
	dh_buf_init(&b);
	dh_buf_puts(&head, "usage: drillhall");
	dh_opt_usage(&head, dh_ctlopt_global);
	dh_buf_puts(&head, " COMMAND [--format F]\n");
	dh_opt_cmd_usage(&b, head.data, cmds, sizeof(cmds[0]), tables);
	fwrite(b.data, 1, b.len, f);
	dh_buf_fini(&b);
	dh_buf_fini(&head);
}

static void
cmd_usage(const struct cmd *c)
{
	struct dh_buf prefix, b;

	dh_buf_init(&prefix);
	dh_buf_init(&b);
	dh_buf_puts(&prefix, "drillhall");
	dh_opt_usage(&prefix, dh_ctlopt_global);
	dh_opt_cmd_help(&b, prefix.data, &c->spec, dh_ctlopt_global);
	fwrite(b.data, 1, b.len, stdout);
	dh_buf_fini(&b);
	dh_buf_fini(&prefix);
}

/* Find the command word: options before it are global ones (and --format). */
static int
find_word(struct dh_ctlopt *o, int argc, char **argv, const struct cmd **c, struct dh_err *err)
{
	struct dh_ctlopt scratch;
	struct dh_opt_parser p;
	const char *word;
	int r;

	*c = NULL;
	memset(&scratch, 0, sizeof(scratch));
	dh_opt_init(&p, argc, argv, &scratch);
	dh_opt_add(&p, dh_ctlopt_global);
	dh_opt_add(&p, before_opts);
	if ((r = dh_opt_next(&p, &word, err)) != 0)
		return r;
	o->help = p.help;
	if (word != NULL && (*c = find_cmd(word)) == NULL)
		return dh_err_set(err, DH_EINVAL, "unknown command '%s'", word);
	return 0;
}

int
dh_cli_parse(struct dh_ctlopt *o, int argc, char **argv, struct dh_err *err)
{
	const struct cmd *c;
	struct dh_opt_parser p;
	const struct dh_opt_spec *fmt;
	int r;

	if ((r = find_word(o, argc, argv, &c, err)) != 0 || c == NULL)
		return r;
	/* again from the start, now knowing the command's options */
	dh_opt_init(&p, argc, argv, o);
	dh_opt_add(&p, dh_ctlopt_global);
	dh_opt_add(&p, c->spec.opts);
	o->command = c->spec.name;
	if ((r = dh_opt_rest(&p, o->pos, c->spec.max_args + 1, &o->npos, err)) != 0)
		return r;
	o->help = p.help;
	memmove(o->pos, o->pos + 1, (o->npos - 1) * sizeof(o->pos[0]));
	o->npos--;
	if (o->help)
		return 0;
	if (o->npos < c->spec.min_args)
		return dh_err_set(err, DH_EINVAL, "expected %s", c->spec.args);
	if ((fmt = dh_opt_find(c->spec.opts, "format")) != NULL && o->format == NULL)
		o->format = fmt->choices[0];
	return 0;
}

/* controller.ini and defaults; DH_EXIT_USAGE after saying what was wrong. */
static int
fill(struct dh_ctlopt *o)
{
	struct dh_problems pr;
	struct dh_err err;
	char msg[DH_ERR_MSG_MAX + 300];
	int r;

	dh_problems_init(&pr);
	dh_err_clear(&err);
	if ((r = dh_ctlopt_fill(o, &pr, &err)) != 0) {
		if (r == DH_EPARSE) {
			dh_problems_print(&pr, stderr);
		} else {
			dh_err_format(&err, msg, sizeof(msg));
			fprintf(stderr, "drillhall %s: %s\n", o->command, msg);
		}
	}
	dh_problems_fini(&pr);
	return r != 0 ? DH_EXIT_USAGE : DH_EXIT_OK;
}

int
dh_cli_main(int argc, char **argv)
{
	struct dh_ctlopt o;
	struct dh_err err;
	int r;

	dh_ctlopt_init(&o);
	dh_err_clear(&err);
	if (dh_cli_parse(&o, argc, argv, &err) != 0) {
		fprintf(stderr, "drillhall%s%s: %s\n", o.command ? " " : "",
			o.command ? o.command : "", err.msg);
		r = DH_EXIT_USAGE;
	} else if (o.command == NULL) {
		usage(o.help ? stdout : stderr);
		r = o.help ? DH_EXIT_OK : DH_EXIT_USAGE;
	} else if (o.help) {
		cmd_usage(find_cmd(o.command));
		r = DH_EXIT_OK;
	} else if ((r = fill(&o)) == DH_EXIT_OK) {
		r = find_cmd(o.command)->fn(&o);
	}
	dh_ctlopt_fini(&o);
	return r;
}
