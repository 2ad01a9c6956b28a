/*
 * The agent's command line: `drillhall-agent [--config FILE] COMMAND`.
 */
#ifndef DH_AGENT_CLI_H
#define DH_AGENT_CLI_H

/* Run drillhall-agent with argv; returns the process exit code. */
int dh_agent_cli_main(int argc, char **argv);

#endif
