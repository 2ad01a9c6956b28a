/*
 * The controller's command table and global options (SPEC "Commands").
 * Commands are added to the table as their modules land.
 */
#include "cli.h"
#include "cmd_audit.h"
#include "cmd_history.h"
#include "cmd_hosts.h"
#include "cmd_run.h"
#include "cmd_serve.h"
#include "cmd_status.h"

#include <stdio.h>
#include <string.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "serve", dh_cmd_serve, "serve", "receive agent events over HTTP(S)" },
	{ "run", dh_cmd_run, "run restore ID", "dispatch a restore test now, wait, print the record" },
	{ "hosts", dh_cmd_hosts, "hosts [--format text|json]",
		"per host: reachable, host key ok, agent version" },
	{ "status", dh_cmd_status, "status [--format text|json|csv]",
		"per system: requirement, last tests, due, compliant" },
	{ "history", dh_cmd_history, "history [ID] [--since T] [--kind K]",
		"test records, newest first" },
	{ "audit", dh_cmd_audit, "audit verify", "check the hash-chained audit log" },
	{ NULL, NULL, NULL, NULL },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: drillhall [--plans DIR] [--db FILE] [--config FILE] "
		"[--now RFC3339] COMMAND [--format F]\n\ncommands:\n");
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		fprintf(f, "  %-34s %s\n", c->usage, c->summary);
}

int
dh_cli_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? DH_EXIT_USAGE : DH_EXIT_OK;
	}
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "drillhall: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return DH_EXIT_USAGE;
}
