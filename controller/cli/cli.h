/*
 * The controller's command line: one command table (cli.c) whose rows
 * name each command's options, arguments and help; every command gets
 * the parsed settings (cli/ctlopt.h) and lives in its own cmd_<name>.c
 * with its cmd_<name>.h, as tmux declares its commands; what they share
 * is cli/cmd.h.
 */
#ifndef DH_CLI_H
#define DH_CLI_H

#include <stdbool.h>
#include <time.h>

#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "dh/problems.h"

/* Run drillhall with argv; returns the process exit code. */
int dh_cli_main(int argc, char **argv);

/*
 * Parse argv (argv[0] the program) into o, which the caller has set up
 * with dh_ctlopt_init: options before and after the command word, the
 * command's own options and at most its number of arguments, the format
 * checked against the command's list (its first when not given). Does not
 * read controller.ini (dh_ctlopt_fill does). Returns 0 with o->command
 * set (NULL when argv names none: usage, or help when o->help); DH_EINVAL
 * with a one-line message in err (unknown command or option, bad value,
 * too many or too few arguments).
 */
int dh_cli_parse(struct dh_ctlopt *o, int argc, char **argv, struct dh_err *err);

#endif
