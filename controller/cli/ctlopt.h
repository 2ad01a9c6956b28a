/*
 * Options of the transport commands (serve, run, hosts, history, status,
 * audit): the global options of SPEC "Commands" (--plans --db --config
 * --now --format) accepted after the command too, command-specific ones
 * from a small table, and the [controller] section of the controller
 * configuration (plans, database, listen, tls_cert, tls_key; read by
 * config.c) for what the command line left unset. cli.c hands these
 * commands argv as it came, because they take options of their own.
 */
#ifndef DH_CTLOPT_H
#define DH_CTLOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dh/err.h"

#define DH_CTLOPT_DB "/var/lib/drillhall/drillhall.db"
#define DH_CTLOPT_LISTEN "127.0.0.1:8443"
#define DH_CTLOPT_POS_MAX 8

/* A command-specific option: "--name VALUE" into *val, or a flag. */
struct dh_opt {
	const char *name;
	char **val;  /* has an argument when non-NULL */
	bool *flag;  /* a flag when non-NULL */
};

/* Every pointer is owned by the struct (dh_ctlopt_fini). */
struct dh_ctlopt {
	char *config, *plans, *db, *listen, *tls_cert, *tls_key, *format, *now_text;
	time_t now;              /* --now, or the clock */
	bool help;
	char *pos[DH_CTLOPT_POS_MAX]; /* positional arguments after the command */
	size_t npos;
};

/*
 * Parse argv (argv[0] is the command name) and then read the config
 * (--config, or DH_CTLOPT_CONFIG when it exists) for unset values, then
 * defaults. Returns 0, or DH_EINVAL (unknown option, missing value, bad
 * --now, too many arguments) / a config read error, with err set.
 */
int dh_ctlopt_parse(struct dh_ctlopt *o, int argc, char **argv,
	const struct dh_opt *extra, size_t nextra, struct dh_err *err);
void dh_ctlopt_fini(struct dh_ctlopt *o);

/*
 * The start every transport command shares: parse argv (with the
 * command's extra options) and answer --help. Returns -1 when the command
 * goes on; otherwise the exit code to return: DH_EXIT_OK after printing
 * usage for --help, DH_EXIT_USAGE after saying what was wrong. o must be
 * finished with dh_ctlopt_fini either way.
 */
int dh_ctlopt_start(struct dh_ctlopt *o, const char *cmd, int argc, char **argv,
	const struct dh_opt *extra, size_t nextra, const char *usage);

/*
 * Say why dh_ctlopt_parse failed on stderr: "drillhall CMD: FILE:LINE:
 * message" for a configuration problem, the message and usage for a
 * command-line one.
 */
void dh_ctlopt_error(const char *cmd, const struct dh_err *err, const char *usage);

struct dh_db;
/*
 * Open o->db. When must_exist, a missing file is DH_ENOENT ("no database
 * at ...") instead of a new empty database.
 */
int dh_ctlopt_open_db(const struct dh_ctlopt *o, bool must_exist, struct dh_db **out,
	struct dh_err *err);

/* True when fmt is one of the comma-separated names in allowed. */
bool dh_ctlopt_is_format(const char *fmt, const char *allowed);

#endif
