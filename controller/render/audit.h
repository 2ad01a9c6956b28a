/*
 * `drillhall audit` output: the verdict of `audit verify` as a sentence
 * or JSON, and the records of `audit export` with their canonical bodies
 * and hashes, as lines or as one JSON document. The command reads the
 * store; this module only formats what it is given.
 */
#ifndef DH_RENDER_AUDIT_H
#define DH_RENDER_AUDIT_H

#include <stdint.h>

#include "dh/buf.h"
#include "store/audit.h"

/*
 * records checked; bad_seq the first record that does not match (0 the
 * chain holds, -1 a row that was never audited); why says what is wrong.
 */
void dh_audit_render_verify_text(int64_t records, int64_t bad_seq, const char *why,
	struct dh_buf *out);
/* {"ok","records","first_bad","reason"}, indented, and a newline. */
void dh_audit_render_verify_json(int64_t records, int64_t bad_seq, const char *why,
	struct dh_buf *out);

/* "SEQ AT KIND REF[#REF_SEQ] HASH BODY" and a newline. */
void dh_audit_render_export_text(const struct dh_audit_rec *a, struct dh_buf *out);
/*
 * {"records":[ one compact object per line ]}: _begin, then _json for
 * record i = 0, 1, ... (i > 0 adds the separator), then _end.
 */
void dh_audit_render_export_begin(struct dh_buf *out);
void dh_audit_render_export_json(const struct dh_audit_rec *a, size_t i, struct dh_buf *out);
void dh_audit_render_export_end(struct dh_buf *out);

#endif
