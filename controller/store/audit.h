/*
 * The hash-chained audit log (controller/store/audit.c, SPEC "History
 * and audit"): the canonical text of an audit record (compact JSON, keys
 * sorted, ASCII), the chain hash = SHA-256(prev_hash || canonical record),
 * appending a record for a row written in the caller's transaction,
 * walking the chain for export, and verifying it. The chain knows no
 * table: each table module describes its audited row by a struct
 * dh_audit_kind (the query that reads the row as the record's data) and
 * passes it in; store/verify.h gathers the kinds to verify the whole
 * store. Depends on store/db.h only; no table module's header.
 */
#ifndef DH_AUDIT_H
#define DH_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define DH_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* An audit record as stored; strings borrowed. */
struct dh_audit_rec {
	int64_t seq, at, ref_seq; /* ref_seq 0 = none */
	const char *kind, *ref, *body, *prev, *hash;
};

/*
 * What one kind of audit record vouches for, owned by the table module
 * that writes the row. row_sql reads the audited row (?1 = ref, ?2 =
 * ref_seq when the kind has one); its column names become the record's
 * data (secrets and large bodies enter only as dh_sha256(...)). orphan_sql
 * (NULL: not checked) finds one row that has no audit record: two text
 * columns, the kind and the row's name.
 */
struct dh_audit_kind {
	const char *kind;
	const char *row_sql;
	const char *orphan_sql;
};

/* The outcome of a verification. bad_seq 0 = the chain holds. */
struct dh_audit_result {
	int64_t records; /* audit records checked */
	int64_t bad_seq; /* first record that does not match; 0 = the chain
			    holds; -1 = a row that was never audited */
	char why[256];
};

/*
 * The canonical body of audit record a (its body field is ignored) whose
 * audited row reads data_json (canonical JSON object). Caller frees.
 */
char *dh_audit_canonical(const struct dh_audit_rec *a, const char *data_json);

/* out (>= 65 bytes) = hex SHA-256(prev || body). */
void dh_audit_chain_hash(const char *prev, const char *body, char *out);

/*
 * Check stored record a: it is number want_seq, links to prev, its hash
 * matches its body, its columns match its body, and row_json (the audited
 * row as it reads now, canonical; NULL when the row is gone) matches what
 * was audited. false with why filled when anything does not.
 */
bool dh_audit_check(const struct dh_audit_rec *a, int64_t want_seq, const char *prev,
	const char *row_json, char *why, size_t whysz);

/*
 * Inside the caller's write transaction: append the audit record of the
 * row (kind k, ref, ref_seq; 0 = none) written in that transaction.
 * 0, DH_EDB (the row cannot be read, or the append failed) or DH_ELOCKED.
 */
int dh_audit_append(struct dh_db *db, const struct dh_audit_kind *k, const char *ref,
	int64_t ref_seq, struct dh_err *err);

/*
 * Call fn for every audit record in order (strings valid during the
 * call); stops early when fn returns non-zero and returns that. For
 * `audit export`: an auditor can recompute each hash from prev_hash and
 * body. 0, fn's value, or DH_EDB.
 */
int dh_db_audit_each(struct dh_db *db, int (*fn)(void *user, const struct dh_audit_rec *a),
	void *user, struct dh_err *err);

/*
 * The chain as it stood at time at (seconds, UTC): *seq the last audit
 * record appended at or before it (0 when none; the sequence has no gaps,
 * so it is also how many there were) and head (>= 65 bytes) its hash
 * (DH_AUDIT_GENESIS when none). For the report's "as of". 0 or DH_EDB.
 */
int dh_db_audit_head(struct dh_db *db, int64_t at, int64_t *seq, char *head, struct dh_err *err);
/*
 * In one read transaction, recompute the chain: each record's hash from
 * its predecessor and canonical text, the sequence without gaps, each
 * audited row (found by its kind among kinds[0..n)) against what its
 * record says, and then, in the order of kinds, rows that were never
 * audited. Returns 0 when it could read the chain (res says whether it
 * holds), else DH_EDB or DH_ELOCKED.
 */
int dh_audit_verify(struct dh_db *db, const struct dh_audit_kind *const *kinds, size_t n,
	struct dh_audit_result *res, struct dh_err *err);

#endif
