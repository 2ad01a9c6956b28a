/*
 * The status rows (store/status.h), laid out from dh_db_standings.
 */
#include "store/status.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

int
dh_db_status_load(struct dh_db *db, const struct dh_plan *p, const char *system, time_t now,
	struct dh_db_status *out, struct dh_err *err)
{
	struct dh_standings_opt opt = { .system = system };
	int r;

	out->own = dh_xcalloc(1, sizeof(*out->own));
	out->rows = dh_xcalloc(p->nsystems ? p->nsystems : 1, sizeof(*out->rows));
	out->n = 0;
	if ((r = dh_db_standings_with(db, p, now, &opt, out->own, err)) != 0) {
		dh_db_status_fini(out);
		return r;
	}
	for (size_t i = 0; i < out->own->n; i++) {
		struct dh_status_row *row = &out->rows[out->n];

		if (system != NULL && strcmp(out->own->v[i].sys->id, system) != 0)
			continue;
		row->sys = out->own->v[i].sys;
		memcpy(row->tests, out->own->v[i].tests, sizeof(row->tests));
		row->c = out->own->v[i].c;
		out->n++;
	}
	return 0;
}

void
dh_db_status_fini(struct dh_db_status *st)
{
	if (st->own != NULL)
		dh_db_standings_fini(st->own);
	free(st->own);
	free(st->rows);
	st->own = NULL;
	st->rows = NULL;
	st->n = 0;
}
