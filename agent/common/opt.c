/*
 * The option parser both programs use (include/dh/opt.h): typed specs in
 * tables, values stored at each spec's offset in the caller's struct,
 * usage and --help written from the same tables. Called by the agent's
 * command table (agent/cli.c) and the controller's (controller/cli/cli.c).
 */
#include "dh/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh/duration.h"
#include "dh/timefmt.h"

#define HELP_COLUMN 26

void
dh_opt_init(struct dh_opt_parser *p, int argc, char **argv, void *base)
{
	memset(p, 0, sizeof(*p));
	p->argc = argc;
	p->argv = argv;
	p->base = base;
	p->next = 1;
}

void
dh_opt_add(struct dh_opt_parser *p, const struct dh_opt_spec *table)
{
	if (table != NULL && p->ntables < DH_OPT_TABLES_MAX)
		p->tables[p->ntables++] = table;
}

const struct dh_opt_spec *
dh_opt_find(const struct dh_opt_spec *table, const char *name)
{
	for (const struct dh_opt_spec *s = table; s != NULL && s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* The spec for the first n bytes of name, searching every table. */
static const struct dh_opt_spec *
lookup(const struct dh_opt_parser *p, const char *name, size_t n)
{
	for (size_t t = 0; t < p->ntables; t++)
		for (const struct dh_opt_spec *s = p->tables[t]; s->name != NULL; s++)
			if (strlen(s->name) == n && strncmp(s->name, name, n) == 0)
				return s;
	return NULL;
}

static int
set_int(const struct dh_opt_spec *s, const char *v, int64_t *dst, struct dh_err *err)
{
	char *end = NULL;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || n < s->min || n > s->max)
		return dh_err_set(err, DH_EINVAL,
			"--%s: '%s' is not a whole number from "
			"%lld to %lld",
			s->name, v, (long long)s->min, (long long)s->max);
	*dst = n;
	return 0;
}

static int
set_choice(const struct dh_opt_spec *s, const char *v, const char **dst, struct dh_err *err)
{
	struct dh_buf allowed;
	int r;

	for (size_t i = 0; s->choices[i] != NULL; i++)
		if (strcmp(s->choices[i], v) == 0) {
			*dst = s->choices[i];
			return 0;
		}
	dh_buf_init(&allowed);
	for (size_t i = 0; s->choices[i] != NULL; i++)
		dh_buf_printf(&allowed, "%s%s", i ? ", " : "", s->choices[i]);
	r = dh_err_set(err, DH_EINVAL, "unknown %s '%s' (allowed: %s)", s->name, v,
		allowed.data ? allowed.data : "");
	dh_buf_fini(&allowed);
	return r;
}

/* Store v (NULL for a flag) as s says. */
static int
store(const struct dh_opt_parser *p, const struct dh_opt_spec *s, const char *v, struct dh_err *err)
{
	void *dst = (char *)p->base + s->off;
	time_t t;

	switch (s->type) {
	case DH_OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case DH_OPT_STRING:
		*(const char **)dst = v;
		return 0;
	case DH_OPT_INT:
		return set_int(s, v, dst, err);
	case DH_OPT_DURATION:
		if (dh_duration_parse(v, s->max < 0, dst) != 0)
			return dh_err_set(err, DH_EINVAL,
				"--%s: '%s' is not a duration "
				"(like 90s, 15m, 4h, 7d, 1h30m)",
				s->name, v);
		return 0;
	case DH_OPT_TIME:
		if (dh_time_parse(v, &t) != 0)
			return dh_err_set(err, DH_EINVAL,
				"--%s: '%s' is not an RFC 3339 "
				"time (like 2026-12-31T23:59:59Z)",
				s->name, v);
		*(time_t *)dst = t;
		return 0;
	case DH_OPT_CHOICE:
		return set_choice(s, v, dst, err);
	}
	return dh_err_set(err, DH_EINVAL, "--%s: bad option type", s->name);
}

/* The option at argv[p->next] (starting "--"); advances past its value. */
static int
long_option(struct dh_opt_parser *p, struct dh_err *err)
{
	const char *a = p->argv[p->next++], *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct dh_opt_spec *s = lookup(p, a + 2, n);
	const char *v = eq ? eq + 1 : NULL;

	if (s == NULL)
		return dh_err_set(err, DH_EINVAL, "unknown option '%.*s'", (int)(n + 2), a);
	if (s->type == DH_OPT_FLAG) {
		if (eq)
			return dh_err_set(err, DH_EINVAL, "option '--%s' takes no value", s->name);
		return store(p, s, NULL, err);
	}
	if (v == NULL) {
		if (p->next >= p->argc)
			return dh_err_set(err, DH_EINVAL, "option '--%s' needs a value", s->name);
		v = p->argv[p->next++];
	}
	return store(p, s, v, err);
}

int
dh_opt_next(struct dh_opt_parser *p, const char **arg, struct dh_err *err)
{
	int r;

	*arg = NULL;
	while (!p->help && p->next < p->argc) {
		const char *a = p->argv[p->next];

		if (p->dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
			*arg = a;
			p->next++;
			return 0;
		}
		if (strcmp(a, "--") == 0) {
			p->dashdash = true;
			p->next++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			p->help = true;
			p->next++;
		} else if (a[1] != '-') {
			return dh_err_set(err, DH_EINVAL, "unknown option '%s'", a);
		} else if ((r = long_option(p, err)) != 0) {
			return r;
		}
	}
	return 0;
}

int
dh_opt_rest(struct dh_opt_parser *p, const char **pos, size_t max, size_t *npos, struct dh_err *err)
{
	const char *a;
	int r;

	*npos = 0;
	for (;;) {
		if ((r = dh_opt_next(p, &a, err)) != 0)
			return r;
		if (a == NULL)
			return 0;
		if (*npos >= max)
			return dh_err_set(err, DH_EINVAL, "unexpected argument '%s'", a);
		pos[(*npos)++] = a;
	}
}

/* "--name VALUE", "--name a|b" or "--name" into out. */
static void
synopsis(struct dh_buf *out, const struct dh_opt_spec *s)
{
	dh_buf_printf(out, "--%s", s->name);
	if (s->type == DH_OPT_CHOICE) {
		for (size_t i = 0; s->choices[i] != NULL; i++)
			dh_buf_printf(out, "%c%s", i ? '|' : ' ', s->choices[i]);
	} else if (s->type != DH_OPT_FLAG) {
		dh_buf_printf(out, " %s", s->value ? s->value : "VALUE");
	}
}

void
dh_opt_usage(struct dh_buf *out, const struct dh_opt_spec *table)
{
	for (const struct dh_opt_spec *s = table; s != NULL && s->name != NULL; s++) {
		dh_buf_puts(out, " [");
		synopsis(out, s);
		dh_buf_putc(out, ']');
	}
}

void
dh_opt_help(struct dh_buf *out, const struct dh_opt_spec *table)
{
	for (const struct dh_opt_spec *s = table; s != NULL && s->name != NULL; s++) {
		size_t start = out->len;

		dh_buf_puts(out, "  ");
		synopsis(out, s);
		do
			dh_buf_putc(out, ' ');
		while (out->len - start < HELP_COLUMN);
		dh_buf_printf(out, "%s\n", s->help ? s->help : "");
	}
}

const struct dh_opt_cmd *
dh_opt_cmd_find(const void *cmds, size_t stride, const char *name)
{
	for (const char *row = cmds;; row += stride) {
		const struct dh_opt_cmd *c = (const struct dh_opt_cmd *)row;

		if (c->name == NULL)
			return NULL;
		if (strcmp(c->name, name) == 0)
			return c;
	}
}

/* "NAME ARGS [--opt ...]" */
static void
cmd_synopsis(struct dh_buf *out, const struct dh_opt_cmd *c)
{
	dh_buf_puts(out, c->name);
	if (c->args[0] != '\0')
		dh_buf_printf(out, " %s", c->args);
	dh_opt_usage(out, c->opts);
}

void
dh_opt_cmd_usage(struct dh_buf *out, const char *head, const void *cmds, size_t stride,
	const struct dh_opt_spec *const *tables)
{
	dh_buf_printf(out, "%s\ncommands:\n", head);
	for (const char *row = cmds; ((const struct dh_opt_cmd *)row)->name; row += stride) {
		const struct dh_opt_cmd *c = (const struct dh_opt_cmd *)row;

		dh_buf_puts(out, "  ");
		cmd_synopsis(out, c);
		dh_buf_printf(out, "\n      %s\n", c->summary);
	}
	dh_buf_puts(out, "\noptions (before or after the command):\n");
	for (; *tables != NULL; tables++)
		dh_opt_help(out, *tables);
	dh_buf_puts(out, "  -h, --help              this text, or a command's own\n");
}

void
dh_opt_cmd_help(struct dh_buf *out, const char *prefix, const struct dh_opt_cmd *c,
	const struct dh_opt_spec *global)
{
	dh_buf_printf(out, "usage: %s ", prefix);
	cmd_synopsis(out, c);
	dh_buf_printf(out, "\n%s.\n%s\noptions (before or after the command):\n", c->summary,
		c->more ? c->more : "");
	dh_opt_help(out, c->opts);
	dh_opt_help(out, global);
}
