/*
 * The controller's settings (cli/ctlopt.h): the global option table, and
 * completing what the command line left unset from controller.ini
 * (config.c), then from defaults. cli.c parses; commands read.
 */
#include "cli/ctlopt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dh/timefmt.h"
#include "store/db.h"

const struct dh_opt_spec dh_ctlopt_global[] = {
	DH_OPT_S("plans", "DIR",
		"plans directory (default: controller.ini plans, else "
		"./" DH_CTLOPT_PLANS ")",
		struct dh_ctlopt, plans),
	DH_OPT_S("db", "FILE", "database (default: controller.ini database, else " DH_CTLOPT_DB ")",
		struct dh_ctlopt, db),
	DH_OPT_S("config", "FILE",
		"controller.ini (default " DH_CONFIG_DEFAULT_PATH "; may be absent)",
		struct dh_ctlopt, config),
	DH_OPT_T("now", "RFC3339", "evaluate as of this time (default: now)", struct dh_ctlopt,
		now),
	DH_OPT_END,
};

void
dh_ctlopt_init(struct dh_ctlopt *o)
{
	memset(o, 0, sizeof(*o));
	o->now = o->clock_now = dh_time_now();
	dh_config_init(&o->cfg);
}

void
dh_ctlopt_fini(struct dh_ctlopt *o)
{
	dh_config_fini(&o->cfg);
	memset(o, 0, sizeof(*o));
}

static void
fill(const char **dst, const char *v)
{
	if (*dst == NULL)
		*dst = v;
}

int
dh_ctlopt_fill(struct dh_ctlopt *o, struct dh_problems *pr, struct dh_err *err)
{
	bool must_exist = o->config != NULL;
	int r;

	fill(&o->config, DH_CONFIG_DEFAULT_PATH);
	r = dh_config_load(&o->cfg, o->config, must_exist, pr, err);
	if (r == DH_EPARSE && pr->n > 0) {
		dh_problems_sort(pr);
		r = dh_err_at(err, DH_EPARSE, pr->v[0].file, pr->v[0].line, "%s", pr->v[0].message);
	}
	if (r != 0)
		return r;
	fill(&o->plans, o->cfg.plans);
	fill(&o->db, o->cfg.database);
	fill(&o->listen, o->cfg.listen);
	fill(&o->tls_cert, o->cfg.tls_cert);
	fill(&o->tls_key, o->cfg.tls_key);
	fill(&o->plans, DH_CTLOPT_PLANS);
	fill(&o->db, DH_CTLOPT_DB);
	fill(&o->listen, DH_CTLOPT_LISTEN);
	return 0;
}

int
dh_ctlopt_open_db(const struct dh_ctlopt *o, int flags, struct dh_db **out, struct dh_err *err)
{
	int r;

	if ((flags & DH_CTLOPT_DB_MUST_EXIST) && access(o->db, F_OK) != 0)
		return dh_err_set(err, DH_ENOENT,
			"no database at %s (--db, or database in "
			"the controller configuration)",
			o->db);
	if (!(flags & DH_CTLOPT_DB_READ))
		return dh_db_open(out, o->db, err);
	if ((r = dh_db_open_readonly(out, o->db, err)) != 0)
		return r;
	if ((r = dh_db_read_begin(*out, err)) != 0) {
		dh_db_close(*out);
		*out = NULL;
	}
	return r;
}

void
dh_ctlopt_error(const char *cmd, const struct dh_err *err, const char *usage)
{
	char msg[DH_ERR_MSG_MAX + 300];

	dh_err_format(err, msg, sizeof(msg));
	fprintf(stderr, "drillhall %s: %s\n%s", cmd, msg, err->code == DH_EINVAL ? usage : "");
}
