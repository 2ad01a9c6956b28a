/*
 * Statement helpers shared by the store's table modules
 * (controller/store/sql.h): SQLite errors as dh_err, prepare and exec,
 * binding and reading columns, the write transaction. Every writing
 * function of the store wraps its statements in dh_sql_write_begin /
 * dh_sql_write_end, so it commits before it returns.
 */
#include "store/sql.h"

#include <stdlib.h>

#include "dh/buf.h"

int
dh_sql_err(struct dh_db *db, struct dh_err *err, const char *what)
{
	int rc = sqlite3_errcode(db->h);
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? DH_ELOCKED : DH_EDB;

	return dh_err_set(err, code, "database: %s: %s", what, sqlite3_errmsg(db->h));
}

int
dh_sql_exec(struct dh_db *db, const char *sql, struct dh_err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dh_sql_err(db, err, sql);
	return 0;
}

int
dh_sql_prepare(struct dh_db *db, const char *sql, sqlite3_stmt **st, struct dh_err *err)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return dh_sql_err(db, err, "prepare");
	return 0;
}

void
dh_sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void
dh_sql_bind_time(sqlite3_stmt *st, int i, time_t t)
{
	if (t > 0)
		sqlite3_bind_int64(st, i, (int64_t)t);
	else
		sqlite3_bind_null(st, i);
}

void
dh_sql_bind_secs(sqlite3_stmt *st, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

char *
dh_sql_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? dh_xstrdup((const char *)s) : NULL;
}

int
dh_sql_write_begin(struct dh_db *db, struct dh_err *err)
{
	return dh_sql_exec(db, "BEGIN IMMEDIATE", err);
}

int
dh_sql_write_end(struct dh_db *db, int r, struct dh_err *err)
{
	if (r == 0)
		r = dh_sql_exec(db, "COMMIT", err);
	if (r != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return r;
}
