/*
 * What every command of the controller shares (cli/cmd.c): exit codes,
 * opening the plan, writing the output. The command table (cli.c) and
 * the commands (cmd_<name>.c) include this; it includes neither.
 */
#ifndef DH_CLI_CMD_H
#define DH_CLI_CMD_H

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

/*
 * Load o->plans and run every check. Returns DH_EXIT_OK with *out set
 * (problems in pr, possibly errors), or DH_EXIT_USAGE after printing why
 * the plans could not be read at all.
 */
int dh_cli_load_plan(const struct dh_ctlopt *o, struct dh_plan **out, struct dh_problems *pr);

/*
 * Write a command's rendered output to stdout. Returns DH_EXIT_OK, or
 * DH_EXIT_USAGE after saying that stdout could not be written.
 */
int dh_cli_write(const struct dh_ctlopt *o, const struct dh_buf *out);

/*
 * Open the plan in dir (NULL: "plans") as of now. A plan with errors has
 * them printed to stderr, then is refused when strict (run, status:
 * requirements must be right) or used anyway (hosts needs only the
 * inventory). Returns DH_EXIT_OK with *out set (the caller's,
 * dh_plan_free), or DH_EXIT_USAGE after saying why on stderr as
 * "drillhall CMD: ...".
 */
int dh_cli_open_plan(const char *cmd, const char *dir, time_t now, bool strict,
	struct dh_plan **out);

#endif
