/*
 * drillhall-agent: entry point. Everything lives in dh_agent_core; this
 * file only hands argv to the agent's command table.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return dh_agent_cli_main(argc, argv);
}
