/*
 * The controller's command line: global options and the command table.
 * Each command lives in its own cmd_<name>.c.
 */
#ifndef DH_CLI_H
#define DH_CLI_H

/* Exit codes everywhere (SPEC "Commands"). */
#define DH_EXIT_OK 0
#define DH_EXIT_NOTOK 1
#define DH_EXIT_USAGE 2

/* Run drillhall with argv; returns the process exit code. */
int dh_cli_main(int argc, char **argv);

#endif
