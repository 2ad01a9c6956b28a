/*
 * The hash-chained audit log (controller/store/audit.h): canonical audit
 * records, the chain hash, appending inside a writer's transaction,
 * export and verification. Appending and verifying read the audited row
 * with the same query (its kind's row_sql), so `audit verify` notices an
 * edited job, event or record as well as an edited audit row. The table
 * modules call dh_audit_append with their own kind inside their
 * transaction; this file knows the audit table and nothing of theirs.
 */
#include "store/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"
#include "dh/json.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"

#define AUDIT_COLUMNS                                                                              \
	"SELECT seq, at, kind, ref, coalesce(ref_seq, 0), body,"                                   \
	" prev_hash, hash FROM audit ORDER BY seq"

/* --- canonical form and the chain */

static char *
sorted(const json_t *o)
{
	return dh_json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
}

char *
dh_audit_canonical(const struct dh_audit_rec *a, const char *data_json)
{
	json_t *o = json_object();
	json_t *data = json_loads(data_json, 0, NULL);
	char *s;

	json_object_set_new(o, "seq", json_integer(a->seq));
	json_object_set_new(o, "at", json_integer(a->at));
	json_object_set_new(o, "kind", json_stringn_nocheck(a->kind, strlen(a->kind)));
	json_object_set_new(o, "ref", json_stringn_nocheck(a->ref, strlen(a->ref)));
	json_object_set_new(o, "ref_seq", a->ref_seq > 0 ? json_integer(a->ref_seq) : json_null());
	json_object_set_new(o, "data", data ? data : json_null());
	s = sorted(o);
	json_decref(o);
	return s;
}

void
dh_audit_chain_hash(const char *prev, const char *body, char *out)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_puts(&b, prev);
	dh_buf_puts(&b, body);
	dh_sha256_hex(b.data, b.len, out);
	dh_buf_fini(&b);
}

static bool
check_link(const struct dh_audit_rec *a, int64_t want_seq, const char *prev, char *why,
	size_t whysz)
{
	char hash[65];

	if (a->seq != want_seq) {
		snprintf(why, whysz, "expected record %lld here: records are missing",
			(long long)want_seq);
		return false;
	}
	if (strcmp(a->prev, prev) != 0) {
		snprintf(why, whysz, "prev_hash does not match the hash of record %lld",
			(long long)want_seq - 1);
		return false;
	}
	dh_audit_chain_hash(prev, a->body, hash);
	if (strcmp(hash, a->hash) != 0) {
		snprintf(why, whysz, "hash does not match its content");
		return false;
	}
	return true;
}

bool
dh_audit_check(const struct dh_audit_rec *a, int64_t want_seq, const char *prev,
	const char *row_json, char *why, size_t whysz)
{
	json_t *body = NULL;
	char *canon = NULL, *data = NULL;
	bool ok = false;

	if (!check_link(a, want_seq, prev, why, whysz))
		return false;
	if ((body = json_loads(a->body, 0, NULL)) == NULL ||
		!json_is_object(json_object_get(body, "data"))) {
		snprintf(why, whysz, "unreadable audit record");
		goto out;
	}
	data = sorted(json_object_get(body, "data"));
	canon = dh_audit_canonical(a, data);
	if (strcmp(canon, a->body) != 0) {
		snprintf(why, whysz, "columns do not match the hashed content");
	} else if (row_json == NULL) {
		snprintf(why, whysz, "the audited %s %s no longer exists", a->kind, a->ref);
	} else if (strcmp(data, row_json) != 0) {
		if (a->ref_seq > 0)
			snprintf(why, whysz,
				"the %s %s seq %lld was changed after it was "
				"audited",
				a->kind, a->ref, (long long)a->ref_seq);
		else
			snprintf(why, whysz, "the %s %s was changed after it was audited", a->kind,
				a->ref);
	} else {
		ok = true;
	}
out:
	json_decref(body);
	free(canon);
	free(data);
	return ok;
}

/* --- reading the audited row */

/* The column of st as JSON: integers stay numbers, the rest text or null. */
static json_t *
column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_NULL:
		return json_null();
	default:
		return json_stringn_nocheck((const char *)sqlite3_column_text(st, i),
			(size_t)sqlite3_column_bytes(st, i));
	}
}

/* The audited row as canonical JSON, or NULL (*r = DH_ENOENT) when gone. */
static char *
audit_row(struct dh_db *db, const struct dh_audit_kind *k, const char *ref, int64_t ref_seq, int *r,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	json_t *o = NULL;
	char *text = NULL;

	if ((*r = dh_sql_prepare(db, k->row_sql, &st, err)) != 0)
		return NULL;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, ref_seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		*r = DH_ENOENT;
		goto out;
	}
	o = json_object();
	for (int i = 0; i < sqlite3_column_count(st); i++)
		json_object_set_new(o, sqlite3_column_name(st, i), column_json(st, i));
	text = sorted(o);
	json_decref(o);
out:
	sqlite3_finalize(st);
	return text;
}

/* --- appending */

int
dh_audit_append(struct dh_db *db, const struct dh_audit_kind *k, const char *ref, int64_t ref_seq,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65] = DH_AUDIT_GENESIS, hash[65];
	struct dh_audit_rec a = { .seq = 1,
		.at = (int64_t)dh_time_now(),
		.kind = k->kind,
		.ref = ref,
		.ref_seq = ref_seq };
	char *body = NULL, *data;
	int r;

	if ((data = audit_row(db, k, ref, ref_seq, &r, err)) == NULL)
		return r == DH_ENOENT ? dh_err_set(err, DH_EDB, "audited row vanished") : r;
	if ((r = dh_sql_prepare(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st,
		     err)) != 0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		a.seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	body = dh_audit_canonical(&a, data);
	dh_audit_chain_hash(prev, body, hash);
	if ((r = dh_sql_prepare(db,
		     "INSERT INTO audit (seq, at, kind, ref, ref_seq, body,"
		     " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		     &st, err)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, a.seq);
	sqlite3_bind_int64(st, 2, a.at);
	dh_sql_bind_text(st, 3, k->kind);
	dh_sql_bind_text(st, 4, ref);
	if (ref_seq > 0)
		sqlite3_bind_int64(st, 5, ref_seq);
	dh_sql_bind_text(st, 6, body);
	dh_sql_bind_text(st, 7, prev);
	dh_sql_bind_text(st, 8, hash);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "append to audit log");
out:
	sqlite3_finalize(st);
	free(data);
	free(body);
	return r;
}

/* --- export and verification */

/* The audit record in the current row of an AUDIT_COLUMNS statement. */
static struct dh_audit_rec
rec_from_row(sqlite3_stmt *st)
{
	struct dh_audit_rec a = {
		.seq = sqlite3_column_int64(st, 0),
		.at = sqlite3_column_int64(st, 1),
		.kind = (const char *)sqlite3_column_text(st, 2),
		.ref = (const char *)sqlite3_column_text(st, 3),
		.ref_seq = sqlite3_column_int64(st, 4),
		.body = (const char *)sqlite3_column_text(st, 5),
		.prev = (const char *)sqlite3_column_text(st, 6),
		.hash = (const char *)sqlite3_column_text(st, 7),
	};

	return a;
}

int
dh_db_audit_each(struct dh_db *db, int (*fn)(void *user, const struct dh_audit_rec *a), void *user,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, rc = 0;

	if ((r = dh_sql_prepare(db, AUDIT_COLUMNS, &st, err)) != 0)
		return r;
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_audit_rec a = rec_from_row(st);

		if (a.kind && a.ref && a.body && a.prev && a.hash)
			rc = fn(user, &a);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = dh_sql_err(db, err, "read audit log");
	sqlite3_finalize(st);
	return rc;
}

int
dh_db_audit_head(struct dh_db *db, int64_t at, int64_t *seq, char *head, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	*seq = 0;
	snprintf(head, 65, "%s", DH_AUDIT_GENESIS);
	/* from the newest back: an "as of now" reads one row */
	if ((r = dh_sql_prepare(db,
		     "SELECT seq, hash FROM audit WHERE at <= ?1 ORDER BY seq DESC LIMIT 1", &st,
		     err)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, at);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_text(st, 1) != NULL)
			snprintf(head, 65, "%s", (const char *)sqlite3_column_text(st, 1));
		r = 0;
	} else if (r == SQLITE_DONE) {
		r = 0;
	} else {
		r = dh_sql_err(db, err, "read audit log");
	}
	sqlite3_finalize(st);
	return r;
}

static const struct dh_audit_kind *
kind_find(const struct dh_audit_kind *const *kinds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kinds[i]->kind, name) == 0)
			return kinds[i];
	return NULL;
}

/* Check one stored record against its predecessor and its row. */
static bool
rec_check(struct dh_db *db, const struct dh_audit_kind *const *kinds, size_t n,
	const struct dh_audit_rec *a, int64_t want_seq, const char *prev, char *why, size_t whysz)
{
	const struct dh_audit_kind *k = kind_find(kinds, n, a->kind);
	char *row;
	bool ok;
	int r;

	if (k == NULL) {
		snprintf(why, whysz, "unknown audit kind '%s'", a->kind);
		return false;
	}
	row = audit_row(db, k, a->ref, a->ref_seq, &r, NULL);
	ok = dh_audit_check(a, want_seq, prev, row, why, whysz);
	free(row);
	return ok;
}

/* Rows that should have an audit record but have none. */
static int
orphans(struct dh_db *db, const struct dh_audit_kind *const *kinds, size_t n,
	struct dh_audit_result *res, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	for (size_t i = 0; i < n && res->bad_seq == 0; i++) {
		if (kinds[i]->orphan_sql == NULL)
			continue;
		if ((r = dh_sql_prepare(db, kinds[i]->orphan_sql, &st, err)) != 0)
			return r;
		if (sqlite3_step(st) == SQLITE_ROW) {
			res->bad_seq = -1;
			snprintf(res->why, sizeof(res->why), "%s %s is not in the audit log",
				(const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	return r;
}

/* Walk the chain, stopping at the first record that does not hold. */
static int
walk(struct dh_db *db, const struct dh_audit_kind *const *kinds, size_t n,
	struct dh_audit_result *res, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65] = DH_AUDIT_GENESIS;
	int r, rc;

	if ((r = dh_sql_prepare(db, AUDIT_COLUMNS, &st, err)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_audit_rec a = rec_from_row(st);

		if (!a.kind || !a.ref || !a.body || !a.prev || !a.hash) {
			res->bad_seq = a.seq;
			snprintf(res->why, sizeof(res->why), "a column is empty");
			goto out;
		}
		if (!rec_check(db, kinds, n, &a, res->records + 1, prev, res->why,
			    sizeof(res->why))) {
			res->bad_seq = a.seq;
			goto out;
		}
		snprintf(prev, sizeof(prev), "%s", a.hash);
		res->records++;
	}
	if (rc != SQLITE_DONE)
		r = dh_sql_err(db, err, "read audit log");
out:
	sqlite3_finalize(st);
	return r;
}

int
dh_audit_verify(struct dh_db *db, const struct dh_audit_kind *const *kinds, size_t n,
	struct dh_audit_result *res, struct dh_err *err)
{
	int r;

	memset(res, 0, sizeof(*res));
	if ((r = dh_db_read_begin(db, err)) != 0)
		return r;
	if ((r = walk(db, kinds, n, res, err)) == 0 && res->bad_seq == 0)
		r = orphans(db, kinds, n, res, err);
	dh_db_read_end(db);
	return r;
}
