/*
 * Option and [controller] configuration parsing for the transport
 * commands (controller/ctlopt.h). Command line first, the controller
 * configuration (config.c, shared with check and plan) for what it left
 * unset, then defaults (OpenSSH's two phases: read, then fill).
 */
#include "cli/ctlopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "dh/buf.h"
#include "cli/cli.h"
#include "config/config.h"
#include "dh/problems.h"
#include "dh/timefmt.h"

static void
fill(char **dst, const char *v)
{
	if (*dst == NULL && v != NULL)
		*dst = dh_xstrdup(v);
}

/* The controller configuration (config.c) for what the command line left unset. */
static int
read_config(struct dh_ctlopt *o, struct dh_err *err)
{
	struct dh_config cfg;
	struct dh_problems pr;
	int r;

	dh_config_init(&cfg);
	dh_problems_init(&pr);
	r = dh_config_load(&cfg, o->config ? o->config : DH_CONFIG_DEFAULT_PATH,
		o->config != NULL, &pr, err);
	if (r == DH_EPARSE && pr.n > 0) {
		dh_problems_sort(&pr);
		r = dh_err_at(err, DH_EPARSE, pr.v[0].file, pr.v[0].line, "%s",
			pr.v[0].message);
	}
	if (r == 0) {
		fill(&o->plans, cfg.plans);
		fill(&o->db, cfg.database);
		fill(&o->listen, cfg.listen);
		fill(&o->tls_cert, cfg.tls_cert);
		fill(&o->tls_key, cfg.tls_key);
	}
	dh_problems_fini(&pr);
	dh_config_fini(&cfg);
	return r;
}

static char **
common_slot(struct dh_ctlopt *o, const char *name)
{
	static const struct { const char *name; size_t off; } common[] = {
		{ "config", offsetof(struct dh_ctlopt, config) },
		{ "plans", offsetof(struct dh_ctlopt, plans) },
		{ "db", offsetof(struct dh_ctlopt, db) },
		{ "now", offsetof(struct dh_ctlopt, now_text) },
		{ "format", offsetof(struct dh_ctlopt, format) },
		{ "listen", offsetof(struct dh_ctlopt, listen) },
	};

	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcmp(common[i].name, name) == 0)
			return (char **)((char *)o + common[i].off);
	return NULL;
}

/* One "--name[=value]" at argv[*i]; advances *i past a separate value. */
static int
parse_one(struct dh_ctlopt *o, int argc, char **argv, int *i,
	const struct dh_opt *extra, size_t nextra, struct dh_err *err)
{
	char *name = dh_xstrdup(argv[*i] + 2), *eq = strchr(name, '=');
	char **slot;
	const char *val = eq ? eq + 1 : NULL;
	int r = 0;

	if (eq)
		*eq = '\0';
	slot = common_slot(o, name);
	for (size_t k = 0; slot == NULL && k < nextra; k++) {
		if (strcmp(extra[k].name, name) != 0)
			continue;
		if (extra[k].flag) {
			*extra[k].flag = true;
			goto out;
		}
		slot = extra[k].val;
	}
	if (slot == NULL) {
		r = dh_err_set(err, DH_EINVAL, "unknown option --%s", name);
		goto out;
	}
	if (val == NULL) {
		if (*i + 1 >= argc) {
			r = dh_err_set(err, DH_EINVAL, "option --%s needs a value", name);
			goto out;
		}
		val = argv[++*i];
	}
	free(*slot);
	*slot = dh_xstrdup(val);
out:
	free(name);
	return r;
}

int
dh_ctlopt_parse(struct dh_ctlopt *o, int argc, char **argv,
	const struct dh_opt *extra, size_t nextra, struct dh_err *err)
{
	int r;

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			o->help = true;
			return 0;
		}
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			if ((r = parse_one(o, argc, argv, &i, extra, nextra, err)) != 0)
				return r;
		} else if (o->npos < DH_CTLOPT_POS_MAX) {
			o->pos[o->npos++] = dh_xstrdup(argv[i]);
		} else {
			return dh_err_set(err, DH_EINVAL, "too many arguments");
		}
	}
	o->now = dh_time_now();
	if (o->now_text && dh_time_parse(o->now_text, &o->now) != 0)
		return dh_err_set(err, DH_EINVAL, "--now '%s' is not an RFC 3339 time",
			o->now_text);
	if ((r = read_config(o, err)) != 0)
		return r;
	if (o->db == NULL)
		o->db = dh_xstrdup(DH_CTLOPT_DB);
	if (o->listen == NULL)
		o->listen = dh_xstrdup(DH_CTLOPT_LISTEN);
	if (o->format == NULL)
		o->format = dh_xstrdup("text");
	return 0;
}

void
dh_ctlopt_fini(struct dh_ctlopt *o)
{
	free(o->config);
	free(o->plans);
	free(o->db);
	free(o->listen);
	free(o->tls_cert);
	free(o->tls_key);
	free(o->format);
	free(o->now_text);
	for (size_t i = 0; i < o->npos; i++)
		free(o->pos[i]);
	memset(o, 0, sizeof(*o));
}

bool
dh_ctlopt_is_format(const char *fmt, const char *allowed)
{
	size_t n = strlen(fmt);
	const char *p = allowed;

	while (n > 0 && (p = strstr(p, fmt)) != NULL) {
		if ((p == allowed || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

int
dh_ctlopt_open_db(const struct dh_ctlopt *o, bool must_exist, struct dh_db **out,
	struct dh_err *err)
{
	if (must_exist && access(o->db, F_OK) != 0)
		return dh_err_set(err, DH_ENOENT, "no database at %s (--db, or database in "
			"the controller configuration)", o->db);
	return dh_db_open(out, o->db, err);
}

void
dh_ctlopt_error(const char *cmd, const struct dh_err *err, const char *usage)
{
	char msg[DH_ERR_MSG_MAX + 300];

	dh_err_format(err, msg, sizeof(msg));
	fprintf(stderr, "drillhall %s: %s\n%s", cmd, msg,
		err->code == DH_EINVAL ? usage : "");
}

int
dh_ctlopt_start(struct dh_ctlopt *o, const char *cmd, int argc, char **argv,
	const struct dh_opt *extra, size_t nextra, const char *usage)
{
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_ctlopt_parse(o, argc, argv, extra, nextra, &err) != 0) {
		dh_ctlopt_error(cmd, &err, usage);
		return DH_EXIT_USAGE;
	}
	if (o->help) {
		fputs(usage, stdout);
		return DH_EXIT_OK;
	}
	return -1;
}
