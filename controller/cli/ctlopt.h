/*
 * The controller's settings: what every command is given after the
 * command line was parsed (cli.c, with the shared parser dh/opt.h),
 * completed from controller.ini (config.c) for what the command line left
 * unset, then from defaults — the one place for them (OpenSSH's two
 * phases: read, then fill). Also the global option table that every
 * command accepts, and opening the database these settings name.
 */
#ifndef DH_CTLOPT_H
#define DH_CTLOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "dh/err.h"
#include "dh/opt.h"
#include "dh/problems.h"

#define DH_CTLOPT_PLANS "plans"
#define DH_CTLOPT_DB "/var/lib/drillhall/drillhall.db"
#define DH_CTLOPT_LISTEN "127.0.0.1:8443"
#define DH_CTLOPT_POS_MAX 8

/*
 * Strings are borrowed: from argv, from the option tables (format, kind)
 * or from cfg, so they live until dh_ctlopt_fini.
 */
struct dh_ctlopt {
	const char *command; /* the command word */
	/* global options, every command */
	const char *config; /* --config, else DH_CONFIG_DEFAULT_PATH */
	const char *plans;  /* --plans, else controller.ini plans, else "plans" */
	const char *db;     /* --db, else controller.ini database, else DH_CTLOPT_DB */
	time_t now;         /* --now, else the clock */
	time_t clock_now; /* the clock when the options were made: now != clock_now = --now given */
	/* command options (cli.c says which command takes which) */
	const char *format;             /* --format, else the command's first format */
	const char *listen;             /* --listen, else controller.ini, else DH_CTLOPT_LISTEN */
	const char *tls_cert, *tls_key; /* --tls-cert/--tls-key, else controller.ini */
	bool quiet;                     /* serve --quiet */
	bool use_syslog;                /* serve --syslog */
	int64_t parallel;               /* hosts --parallel, 0 = default */
	bool authorized_keys;           /* hosts --authorized-keys */
	const char *from;               /* hosts --from (authorized_keys from=) */
	const char *since, *kind;       /* history --since, --kind */
	int64_t limit;                  /* history --limit, 0 = all */
	bool open_only;                 /* actions --open */
	const char *note;               /* actions close --note */
	bool help;                      /* -h or --help: print usage, nothing else */
	const char *pos[DH_CTLOPT_POS_MAX]; /* arguments after the command word */
	size_t npos;
	struct dh_config cfg; /* controller.ini as read */
};

/* --config --plans --db --now: accepted by every command. */
extern const struct dh_opt_spec dh_ctlopt_global[];

/* Everything unset; now is the clock. */
void dh_ctlopt_init(struct dh_ctlopt *o);
void dh_ctlopt_fini(struct dh_ctlopt *o);

/*
 * Read controller.ini (--config, which must then exist, or the default
 * path, which may be absent) for what the command line left unset, then
 * defaults. Returns 0; DH_EPARSE with every problem in pr and the first
 * in err; DH_ENOENT / DH_EIO with err set.
 */
int dh_ctlopt_fill(struct dh_ctlopt *o, struct dh_problems *pr, struct dh_err *err);

struct dh_db;
#define DH_CTLOPT_DB_MUST_EXIST 1 /* a missing file is DH_ENOENT, not a new database */
#define DH_CTLOPT_DB_READ 2       /* read-only, inside one read transaction */
/*
 * Open o->db as flags say. With DH_CTLOPT_DB_MUST_EXIST a missing file is
 * DH_ENOENT ("no database at ..."). With DH_CTLOPT_DB_READ the handle
 * refuses writes and reads one snapshot, in a read transaction that
 * dh_db_close ends, so a read-only command never waits for a writer
 * (SPEC "Read-only commands ... read in a read transaction").
 */
int dh_ctlopt_open_db(const struct dh_ctlopt *o, int flags, struct dh_db **out, struct dh_err *err);

/*
 * Say on stderr why something a command needed failed: "drillhall CMD:
 * FILE:LINE: message" (or without the place), then usage when the error
 * is DH_EINVAL.
 */
void dh_ctlopt_error(const char *cmd, const struct dh_err *err, const char *usage);

#endif
