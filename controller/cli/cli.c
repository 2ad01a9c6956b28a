/*
 * The controller's command table and global options (SPEC "Commands").
 * Options may come before or after the command (`drillhall check --plans
 * plans` and `drillhall --plans plans check` are the same); the config
 * file is read first and the command line overrides it. Commands are
 * added to the table as their modules land.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "cli/cmd_audit.h"
#include "cli/cmd_history.h"
#include "cli/cmd_hosts.h"
#include "cli/cmd_run.h"
#include "cli/cmd_serve.h"
#include "cli/cmd_status.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "plan/open.h"

struct cmd {
	const char *name;
	int (*fn)(const struct dh_cli_opts *o);
	const char *formats[5];
	const char *usage;
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "check", dh_cmd_check, { "text", "json" },
		"check [--format text|json]", "validate the plans" },
	{ "plan", dh_cmd_plan, { "text", "md", "html", "json" },
		"plan [--format text|md|html|json]",
		"print the continuity plan in recovery order" },
	{ NULL, NULL, { NULL }, NULL, NULL },
};

/*
 * The transport commands parse their own options (the global ones too,
 * in any position, and their own such as --since or --listen; see
 * controller/ctlopt.c), so they get argv as it came, command word first.
 */
static const struct raw_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
} raw_cmds[] = {
	{ "run", dh_cmd_run, "run restore ID [--format text|json]",
		"dispatch a restore test now, wait, print the record" },
	{ "status", dh_cmd_status, "status [--format text|json|csv]",
		"per system: requirement, last tests, due, compliant" },
	{ "hosts", dh_cmd_hosts, "hosts [--format text|json]",
		"per host: reachable, host key ok, agent version" },
	{ "history", dh_cmd_history, "history [ID] [--since T] [--kind K]",
		"test records, newest first (text, json, csv)" },
	{ "serve", dh_cmd_serve, "serve", "receive agent events over HTTP(S)" },
	{ "audit", dh_cmd_audit, "audit verify|export [--format text|json]",
		"check / export the hash-chained audit log" },
	{ NULL, NULL, NULL, NULL },
};

/* Global options that take a value, to find the command word. */
static bool
takes_value(const char *a)
{
	static const char *const with_value[] = { "--plans", "--db", "--config", "--now",
		"--format" };

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (strcmp(a, with_value[i]) == 0)
			return true;
	return false;
}

/* Run a transport command when argv names one; -1 when it does not. */
static int
raw_dispatch(int argc, char **argv)
{
	int k = 1, r;
	char **v;

	while (k < argc && argv[k][0] == '-')
		k += takes_value(argv[k]) ? 2 : 1;
	if (k >= argc)
		return -1;
	for (const struct raw_cmd *c = raw_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, argv[k]) != 0)
			continue;
		v = dh_xcalloc((size_t)argc, sizeof(*v));
		v[0] = argv[k];
		for (int i = 1, j = 1; i < argc; i++)
			if (i != k)
				v[j++] = argv[i];
		r = c->fn(argc - 1, v);
		free(v);
		return r;
	}
	return -1;
}

enum opt_id { O_PLANS, O_DB, O_CONFIG, O_NOW, O_FORMAT, O_HELP };

static const struct opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
} opts[] = {
	{ "--plans", O_PLANS, true },
	{ "--db", O_DB, true },
	{ "--config", O_CONFIG, true },
	{ "--now", O_NOW, true },
	{ "--format", O_FORMAT, true },
	{ "--help", O_HELP, false },
	{ "-h", O_HELP, false },
};

struct parsed {
	const char *val[O_HELP];
	bool help;
	const char *command;
	char **args;
	int nargs;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: drillhall [--plans DIR] [--db FILE] [--config FILE] "
		"[--now RFC3339] COMMAND [--format F]\n\ncommands:\n");
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		fprintf(f, "  %-34s %s\n", c->usage, c->summary);
	for (const struct raw_cmd *c = raw_cmds; c->name != NULL; c++)
		fprintf(f, "  %-34s %s\n", c->usage, c->summary);
	fprintf(f, "\noptions (before or after the command):\n"
		"  --plans DIR      plans directory (default: controller.ini "
		"plans, else ./plans)\n"
		"  --db FILE        database (default: controller.ini database)\n"
		"  --config FILE    controller.ini (default %s; may be absent)\n"
		"  --now RFC3339    evaluate as of this time (default: now)\n"
		"  --format F       output format, per command\n"
		"  --help           this text, or a command's own\n",
		DH_CONFIG_DEFAULT_PATH);
}

static void
cmd_usage(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: drillhall [--plans DIR] [--config FILE] [--now RFC3339] "
		"%s\n%s.\n", c->usage, c->summary);
}

/* Returns 0, or DH_EXIT_USAGE after saying what was wrong. */
static int
parse_args(int argc, char **argv, struct parsed *ps)
{
	ps->args = dh_xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		size_t k;

		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (ps->command == NULL)
				ps->command = a;
			else
				ps->args[ps->nargs++] = argv[i];
			continue;
		}
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strlen(opts[k].name) == n && strncmp(opts[k].name, a, n) == 0)
				break;
		if (k == sizeof(opts) / sizeof(opts[0]) || (eq && !opts[k].has_arg)) {
			fprintf(stderr, "drillhall: unknown option '%s'\n", a);
			return DH_EXIT_USAGE;
		}
		if (opts[k].id == O_HELP) {
			ps->help = true;
			continue;
		}
		if (!eq && i + 1 >= argc) {
			fprintf(stderr, "drillhall: option %s needs a value\n", a);
			return DH_EXIT_USAGE;
		}
		ps->val[opts[k].id] = eq ? eq + 1 : argv[++i];
	}
	return 0;
}

static const struct cmd *
find_cmd(const char *name)
{
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int
pick_format(const struct cmd *c, const char *want, const char **out)
{
	char allowed[128] = "";

	if (want == NULL) {
		*out = c->formats[0];
		return 0;
	}
	for (size_t i = 0; i < 5 && c->formats[i] != NULL; i++) {
		if (strcmp(c->formats[i], want) == 0) {
			*out = c->formats[i];
			return 0;
		}
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
			"%s%s", i ? ", " : "", c->formats[i]);
	}
	fprintf(stderr, "drillhall %s: unknown format '%s' (allowed: %s)\n",
		c->name, want, allowed);
	return DH_EXIT_USAGE;
}

/* Merge the config file and the command line into o. */
static int
setup(const struct parsed *ps, struct dh_config *cfg, struct dh_cli_opts *o)
{
	struct dh_problems pr;
	struct dh_err err;
	int r;

	dh_problems_init(&pr);
	dh_err_clear(&err);
	o->config = ps->val[O_CONFIG] ? ps->val[O_CONFIG] : DH_CONFIG_DEFAULT_PATH;
	r = dh_config_load(cfg, o->config, ps->val[O_CONFIG] != NULL, &pr, &err);
	if (r < 0) {
		dh_problems_print(&pr, stderr);
		if (r != DH_EPARSE)
			fprintf(stderr, "drillhall: %s\n", err.msg);
		dh_problems_fini(&pr);
		return DH_EXIT_USAGE;
	}
	dh_problems_fini(&pr);
	o->cfg = cfg;
	o->plans = ps->val[O_PLANS] ? ps->val[O_PLANS] :
		cfg->plans ? cfg->plans : "plans";
	o->db = ps->val[O_DB] ? ps->val[O_DB] : cfg->database;
	o->now = dh_time_now();
	if (ps->val[O_NOW] != NULL && dh_time_parse(ps->val[O_NOW], &o->now) < 0) {
		fprintf(stderr, "drillhall: --now '%s' is not an RFC 3339 time "
			"(like 2026-12-31T23:59:59Z)\n", ps->val[O_NOW]);
		return DH_EXIT_USAGE;
	}
	return 0;
}

int
dh_cli_main(int argc, char **argv)
{
	struct parsed ps = { 0 };
	struct dh_config cfg;
	struct dh_cli_opts o = { 0 };
	const struct cmd *c = NULL;
	int r;

	if ((r = raw_dispatch(argc, argv)) >= 0)
		return r;
	dh_config_init(&cfg);
	if ((r = parse_args(argc, argv, &ps)) != 0)
		goto out;
	if (ps.command == NULL) {
		usage(ps.help ? stdout : stderr);
		r = ps.help ? DH_EXIT_OK : DH_EXIT_USAGE;
		goto out;
	}
	if ((c = find_cmd(ps.command)) == NULL) {
		fprintf(stderr, "drillhall: unknown command '%s'\n", ps.command);
		usage(stderr);
		r = DH_EXIT_USAGE;
		goto out;
	}
	if (ps.help) {
		cmd_usage(c, stdout);
		r = DH_EXIT_OK;
		goto out;
	}
	if ((r = pick_format(c, ps.val[O_FORMAT], &o.format)) != 0 ||
	    (r = setup(&ps, &cfg, &o)) != 0)
		goto out;
	o.command = c->name;
	o.argc = ps.nargs;
	o.argv = ps.args;
	r = c->fn(&o);
out:
	free(ps.args);
	dh_config_fini(&cfg);
	return r;
}

int
dh_cli_load_plan(const struct dh_cli_opts *o, struct dh_plan **out,
	struct dh_problems *pr)
{
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_plan_open(out, o->plans, o->now, pr, &err) < 0) {
		dh_problems_print(pr, stderr);
		fprintf(stderr, "drillhall %s: %s\n", o->command, err.msg);
		return DH_EXIT_USAGE;
	}
	return DH_EXIT_OK;
}
