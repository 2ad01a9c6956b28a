/*
 * The one command-line option parser of both programs. A command declares
 * its options as a table of typed specs (flag, string, integer in a range,
 * duration, RFC 3339 time, one of a list of names); the parser fills the
 * caller's struct at each spec's offset, and the same table writes the
 * usage line and the --help text, so they cannot drift apart (libgit2's
 * cli_opt_spec works this way). Options may come before and after
 * positional arguments, as "--name value" or "--name=value"; "--" ends
 * the options; "-h" and "--help" are built in. Every error is one line
 * naming the option or argument, for the caller to print and exit 2.
 */
#ifndef DH_OPT_H
#define DH_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/err.h"

enum dh_opt_type {
	DH_OPT_FLAG,     /* bool, set to true */
	DH_OPT_STRING,   /* const char *, borrowed from argv */
	DH_OPT_INT,      /* int64_t within [min, max] */
	DH_OPT_DURATION, /* int64_t seconds (dh/duration.h); "never" when max < 0 */
	DH_OPT_TIME,     /* time_t, RFC 3339 (dh/timefmt.h) */
	DH_OPT_CHOICE,   /* const char *, one of choices (the table's string) */
};

struct dh_opt_spec {
	enum dh_opt_type type;
	const char *name;           /* without "--"; NULL ends a table */
	const char *value;          /* placeholder in usage ("DIR"); not for FLAG/CHOICE */
	const char *help;           /* one line for --help */
	size_t off;                 /* offsetof the field in the caller's struct */
	int64_t min, max;           /* DH_OPT_INT range; DURATION: max -1 allows never */
	const char *const *choices; /* DH_OPT_CHOICE: NULL-terminated names */
};

/* Table rows; st is the caller's struct, field the member the value goes to. */
/* Table-row macros read best on one line each. */
/* clang-format off */
#define DH_OPT_F(name, help, st, field) \
	{ DH_OPT_FLAG, name, NULL, help, offsetof(st, field), 0, 0, NULL }
#define DH_OPT_S(name, value, help, st, field) \
	{ DH_OPT_STRING, name, value, help, offsetof(st, field), 0, 0, NULL }
#define DH_OPT_I(name, value, help, st, field, lo, hi) \
	{ DH_OPT_INT, name, value, help, offsetof(st, field), lo, hi, NULL }
#define DH_OPT_D(name, value, help, st, field) \
	{ DH_OPT_DURATION, name, value, help, offsetof(st, field), 0, DH_DURATION_MAX, NULL }
#define DH_OPT_T(name, value, help, st, field) \
	{ DH_OPT_TIME, name, value, help, offsetof(st, field), 0, 0, NULL }
#define DH_OPT_C(name, choices, help, st, field) \
	{ DH_OPT_CHOICE, name, NULL, help, offsetof(st, field), 0, 0, choices }
#define DH_OPT_END { DH_OPT_FLAG, NULL, NULL, NULL, 0, 0, 0, NULL }
/* clang-format on */

#define DH_OPT_TABLES_MAX 4

/*
 * A parse in progress over argv[1..argc-1]. Tables are searched in the
 * order added; the first that names an option owns it. base is the
 * struct every spec's off points into. Nothing is allocated.
 */
struct dh_opt_parser {
	const struct dh_opt_spec *tables[DH_OPT_TABLES_MAX];
	size_t ntables;
	void *base;
	int argc;
	char **argv;
	int next;      /* index of the next argument to look at */
	bool dashdash; /* "--" seen: the rest are positional */
	bool help;     /* -h or --help seen (parsing stopped there) */
};

void dh_opt_init(struct dh_opt_parser *p, int argc, char **argv, void *base);
/* Add a table (borrowed; static storage in practice). */
void dh_opt_add(struct dh_opt_parser *p, const struct dh_opt_spec *table);

/*
 * Parse options up to the next positional argument and return it in *arg
 * (borrowed from argv), or NULL at the end or when --help was seen.
 * Returns 0, or DH_EINVAL with err's message one of:
 *   unknown option '--x'
 *   option '--x' needs a value
 *   option '--x' takes no value
 *   --x: 'v' is not a whole number from MIN to MAX
 *   --x: 'v' is not a duration (like 90s, 15m, 4h, 7d, 1h30m)
 *   --x: 'v' is not an RFC 3339 time (like 2026-12-31T23:59:59Z)
 *   unknown x 'v' (allowed: a, b, c)
 */
int dh_opt_next(struct dh_opt_parser *p, const char **arg, struct dh_err *err);

/*
 * Parse everything left; positional arguments go to pos (borrowed), at
 * most max of them ("unexpected argument 'v'" past that). Returns 0 or
 * DH_EINVAL as dh_opt_next.
 */
int dh_opt_rest(struct dh_opt_parser *p, const char **pos, size_t max, size_t *npos,
	struct dh_err *err);

/* Append " [--name VALUE]" for each option of table (CHOICE: "a|b"). */
void dh_opt_usage(struct dh_buf *out, const struct dh_opt_spec *table);

/* Append one "  --name VALUE   help" line per option, help in column 26. */
void dh_opt_help(struct dh_buf *out, const struct dh_opt_spec *table);

/*
 * One row of a program's command table, as usage and --help show it. A
 * program's own row type starts with this member (so a table of them can
 * be walked with its stride); the table ends at a row whose name is NULL.
 */
struct dh_opt_cmd {
	const char *name;
	const struct dh_opt_spec *opts; /* the command's own options, or NULL */
	size_t min_args, max_args;      /* positional arguments */
	const char *args;               /* as usage shows them; "" for none */
	const char *summary;            /* one line */
	const char *more;               /* further help lines, or NULL */
};

/* The row named name of the table cmds (rows of stride bytes), or NULL. */
const struct dh_opt_cmd *dh_opt_cmd_find(const void *cmds, size_t stride, const char *name);

/*
 * A program's usage: head (its first line, newline included), the
 * commands with their synopsis and summary, then the help of each option
 * table in tables (NULL-terminated), then -h/--help.
 */
void dh_opt_cmd_usage(struct dh_buf *out, const char *head, const void *cmds, size_t stride,
	const struct dh_opt_spec *const *tables);

/*
 * One command's --help: "usage: PREFIX NAME ARGS [options]", its summary
 * and further lines, its own options, then those of global.
 */
void dh_opt_cmd_help(struct dh_buf *out, const char *prefix, const struct dh_opt_cmd *c,
	const struct dh_opt_spec *global);

/* The spec named name in table, or NULL. */
const struct dh_opt_spec *dh_opt_find(const struct dh_opt_spec *table, const char *name);

#endif
