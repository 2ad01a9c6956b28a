/*
 * The controller's command line: one command table (cli.c) whose rows
 * name each command's options, arguments and help; every command gets
 * the parsed settings (cli/ctlopt.h) and lives in its own cmd_<name>.c,
 * declared here or in cmd_<name>.h, as tmux declares its commands.
 */
#ifndef DH_CLI_H
#define DH_CLI_H

#include <stdbool.h>
#include <time.h>

#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "dh/problems.h"

/* Exit codes everywhere (SPEC "Commands"). */
#define DH_EXIT_OK 0
#define DH_EXIT_NOTOK 1
#define DH_EXIT_USAGE 2

struct dh_plan;

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

/*
 * Load o->plans and run every check. Returns DH_EXIT_OK with *out set
 * (problems in pr, possibly errors), or DH_EXIT_USAGE after printing why
 * the plans could not be read at all.
 */
int dh_cli_load_plan(const struct dh_ctlopt *o, struct dh_plan **out,
	struct dh_problems *pr);

/*
 * Write a command's rendered output to stdout. Returns DH_EXIT_OK, or
 * DH_EXIT_USAGE after saying that stdout could not be written.
 */
int dh_cli_write(const struct dh_ctlopt *o, const struct dh_buf *out);

/* Commands (cmd_<name>.c). Each returns an exit code. */
int dh_cmd_check(struct dh_ctlopt *o);
int dh_cmd_plan(struct dh_ctlopt *o);

#endif
