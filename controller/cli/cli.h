/*
 * The controller's command line: global options and the command table.
 * Each command lives in its own cmd_<name>.c and is declared here, as
 * tmux declares its commands in one header.
 */
#ifndef DH_CLI_H
#define DH_CLI_H

#include <stdbool.h>
#include <time.h>

#include "config/config.h"
#include "dh/problems.h"

/* Exit codes everywhere (SPEC "Commands"). */
#define DH_EXIT_OK 0
#define DH_EXIT_NOTOK 1
#define DH_EXIT_USAGE 2

struct dh_plan;

/*
 * What every command gets: the global options after the config file and
 * command line were merged (command line wins), the format (validated
 * against the command's list; its first format when not given), and the
 * arguments after the command name. Borrowed for the command's run.
 */
struct dh_cli_opts {
	const char *command;
	const char *plans;   /* --plans, else controller.ini plans, else "plans" */
	const char *db;      /* --db, else controller.ini database (may be NULL) */
	const char *config;  /* --config, else DH_CONFIG_DEFAULT_PATH */
	time_t now;          /* --now, else the current time */
	const char *format;
	int argc;            /* positional arguments after the command */
	char **argv;
	const struct dh_config *cfg;
};

/* Run drillhall with argv; returns the process exit code. */
int dh_cli_main(int argc, char **argv);

/*
 * Load o->plans and run every check. Returns DH_EXIT_OK with *out set
 * (problems in pr, possibly errors), or DH_EXIT_USAGE after printing why
 * the plans could not be read at all.
 */
int dh_cli_load_plan(const struct dh_cli_opts *o, struct dh_plan **out,
	struct dh_problems *pr);

/* Commands (cmd_<name>.c). Each returns an exit code. */
int dh_cmd_check(const struct dh_cli_opts *o);
int dh_cmd_plan(const struct dh_cli_opts *o);

#endif
