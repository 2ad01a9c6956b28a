/*
 * The controller's store: the connection (controller/store/db.c). The
 * database runs in WAL mode with synchronous=FULL; its schema is migrated
 * by PRAGMA user_version when a writer opens it. The tables have their own
 * modules, each writing function committing before it returns and
 * appending to the audit chain inside the same transaction as the row it
 * audits: store/jobs.h (jobs, tokens, serves), store/events.h (agent
 * events, group commit), store/records.h (test records, history),
 * store/revisions.h (plan revisions), store/actions.h (corrective
 * actions), store/audit.h (the hash chain) and
 * store/verify.h (checking the whole chain). A handle may be used from
 * several threads (SQLite serialises calls); transactions are not shared
 * between threads.
 *
 * Read-only commands (SPEC "Read-only commands ... read in a read
 * transaction and never wait for the writer") open with
 * dh_db_open_readonly and read between dh_db_read_begin and
 * dh_db_read_end: in WAL mode a reader sees the last commit before its
 * read transaction began and never waits for a writer holding its
 * transaction open.
 */
#ifndef DH_DB_H
#define DH_DB_H

#include "dh/err.h"

#define DH_DB_SCHEMA_VERSION 7
#define DH_DB_BUSY_MS 10000 /* how long a writer waits for a lock */

struct dh_db;

/*
 * Open (creating and migrating) the database at path. Returns 0,
 * DH_EDB (cannot open, newer schema than this program knows) or
 * DH_ELOCKED (locked past DH_DB_BUSY_MS). *out is the caller's.
 */
int dh_db_open(struct dh_db **out, const char *path, struct dh_err *err);

/*
 * Open the database at path for reading only: every writing function
 * fails on this handle with DH_EDB. A database that does not exist yet or
 * has an older schema is first created or migrated once by a writing
 * open (which may wait for a writer, as dh_db_open does); otherwise
 * opening takes no write lock. Returns 0, DH_EDB (cannot open, newer
 * schema than this program knows) or DH_ELOCKED. *out is the caller's.
 */
int dh_db_open_readonly(struct dh_db **out, const char *path, struct dh_err *err);

/* Close db (NULL is a no-op); an open read transaction ends with it. */
void dh_db_close(struct dh_db *db);

/*
 * Begin a read transaction on db (read-only or not): every read on db
 * until dh_db_read_end sees one snapshot (the last commit before this
 * call), and no writer makes it wait. Calls nest; only the outermost pair begins and ends the
 * transaction. Do not call a writing function on db inside one. Returns
 * 0, DH_EDB or DH_ELOCKED (nothing to end then).
 */
int dh_db_read_begin(struct dh_db *db, struct dh_err *err);

/* End the read transaction of the matching dh_db_read_begin. */
void dh_db_read_end(struct dh_db *db);

#endif
