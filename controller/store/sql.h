/*
 * The store's internal SQL toolkit (controller/store/sql.c): the one
 * header that includes <sqlite3.h>, included only by the .c files of controller/store/.
 * It defines the connection (struct dh_db) and the few helpers every
 * table module shares: turning SQLite errors into dh_err, running and
 * preparing statements, binding and reading columns, and the write
 * transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error).
 * Nothing outside that folder may include it: callers see only the
 * table modules' headers and store/db.h.
 */
#ifndef DH_SQL_H
#define DH_SQL_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "dh/err.h"

/* An open database; opened and closed by store/db.c. */
struct dh_db {
	sqlite3 *h;
	int read_depth; /* nested dh_db_read_begin calls still open */
};

/*
 * err from the connection's last error, prefixed "database: what: ".
 * Returns DH_ELOCKED for SQLITE_BUSY / SQLITE_LOCKED, else DH_EDB.
 */
int dh_sql_err(struct dh_db *db, struct dh_err *err, const char *what);

/* Run sql (no results). 0 or dh_sql_err(db, err, sql). */
int dh_sql_exec(struct dh_db *db, const char *sql, struct dh_err *err);

/* Prepare sql into *st (the caller finalizes). 0 or dh_sql_err. */
int dh_sql_prepare(struct dh_db *db, const char *sql, sqlite3_stmt **st, struct dh_err *err);

/* Bind text (NULL binds SQL NULL), a time (<= 0 binds NULL), seconds (< 0 binds NULL). */
void dh_sql_bind_text(sqlite3_stmt *st, int i, const char *s);
void dh_sql_bind_time(sqlite3_stmt *st, int i, time_t t);
void dh_sql_bind_secs(sqlite3_stmt *st, int i, int64_t v);

/* Column i as a caller-owned string, NULL when SQL NULL. */
char *dh_sql_col_dup(sqlite3_stmt *st, int i);

/* Begin a write transaction (BEGIN IMMEDIATE). 0, DH_ELOCKED or DH_EDB. */
int dh_sql_write_begin(struct dh_db *db, struct dh_err *err);

/*
 * End the write transaction begun by dh_sql_write_begin: commit when r is
 * 0, otherwise (or when the commit fails) roll back. Returns r, or the
 * commit's error.
 */
int dh_sql_write_end(struct dh_db *db, int r, struct dh_err *err);

#endif
