/*
 * The agent's command table (SPEC "The agent").
 */
#include "agent_cli.h"

#include <stdio.h>
#include <string.h>

static int
cmd_version(int argc, char **argv)
{
	printf("drillhall-agent %s\n", DH_VERSION);
	return 0;
}

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "version", cmd_version, "version", "print the version" },
	{ NULL, NULL, NULL, NULL },
};

int
dh_agent_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: drillhall-agent [--config FILE] COMMAND\n");
		return 2;
	}
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "drillhall-agent: unknown command '%s'\n", argv[1]);
	return 2;
}
