/*
 * What the controller vouches for, independent of where it is stored
 * (controller/audit.c): the canonical text of an audit record (compact
 * JSON, keys sorted, ASCII), the hash chain hash = SHA-256(prev_hash ||
 * canonical record), the check of one stored audit record against its
 * predecessor and the row it audits, and the sealing of a test record
 * (identity, requirement and plan revision from the job; record_hash).
 * db.c stores and reads; this module decides what matches.
 */
#ifndef DH_AUDIT_H
#define DH_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/db.h"
#include "dh/proto.h"

#define DH_AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* An audit record as stored; strings borrowed. */
struct dh_audit_rec {
	int64_t seq, at, ref_seq;   /* ref_seq 0 = none */
	const char *kind, *ref, *body, *prev, *hash;
};

/* Canonical JSON text of o (sorted keys, compact, ASCII). Caller frees. */
char *dh_audit_sorted(const json_t *o);

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
 * Seal a test record with the controller's word: id, system, kind,
 * trigger, targets and plan revision from the job (not from the agent);
 * the job's host when the record names none; a "passed" restore that its
 * own figures contradict becomes "failed"; record_hash = SHA-256 of the
 * record's compact JSON without record_hash.
 */
void dh_audit_record_seal(struct dh_record *r, const struct dh_db_job *j);

#endif
