/*
 * `drillhall history [ID] [--since WHEN] [--kind restore|failover]
 * [--limit N] [--format text|json|csv]` (cli/cmd_history.h): the
 * stored test records, newest first, each with the requirement that was
 * in force when it ran. WHEN is an RFC 3339 time, a date, or a duration
 * back from --now ("90d").
 */
#include "cli/cmd_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "store/records.h"
#include "dh/duration.h"
#include "dh/proto.h"
#include "dh/timefmt.h"
#include "render/record.h"

static int
parse_since(const char *s, time_t now, time_t *out)
{
	int64_t d;

	if (s == NULL) {
		*out = 0;
		return 0;
	}
	if (dh_time_parse(s, out) == 0 || dh_date_parse(s, out) == 0)
		return 0;
	if (dh_duration_parse(s, false, &d) == 0) {
		*out = now - (time_t)d;
		return 0;
	}
	return DH_EINVAL;
}

static void
render(const char *format, struct dh_record **recs, size_t n, struct dh_buf *out)
{
	if (strcmp(format, "json") == 0) {
		dh_record_render_json_list(recs, n, out);
	} else if (strcmp(format, "csv") == 0) {
		dh_record_render_csv_header(out);
		for (size_t i = 0; i < n; i++)
			dh_record_render_csv_row(recs[i], out);
	} else {
		for (size_t i = 0; i < n; i++)
			dh_record_render_line(recs[i], out);
	}
}

int
dh_cmd_history(struct dh_ctlopt *o)
{
	struct dh_record **recs = NULL;
	struct dh_db *db = NULL;
	struct dh_buf out;
	struct dh_err err;
	size_t n = 0;
	time_t since = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	dh_buf_init(&out);
	if (o->npos == 1 && !dh_proto_is_system_id(o->pos[0])) {
		fprintf(stderr, "drillhall history: '%s' is not a system id\n", o->pos[0]);
		goto out;
	}
	if (parse_since(o->since, o->now, &since) != 0) {
		fprintf(stderr,
			"drillhall history: --since '%s' is not a time, date or "
			"duration\n",
			o->since);
		goto out;
	}
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_MUST_EXIST | DH_CTLOPT_DB_READ, &db, &err) != 0 ||
		dh_db_history(db, o->npos ? o->pos[0] : NULL, o->kind, since, (size_t)o->limit,
			&recs, &n, &err) != 0) {
		fprintf(stderr, "drillhall history: %s\n", err.msg);
		goto out;
	}
	render(o->format, recs, n, &out);
	if (n == 0 && strcmp(o->format, "text") == 0)
		fprintf(stderr, "drillhall history: no records\n");
	rc = dh_cli_write(o, &out);
out:
	dh_buf_fini(&out);
	dh_db_records_free(recs, n);
	dh_db_close(db);
	return rc;
}
