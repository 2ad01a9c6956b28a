/*
 * Test records as `run` and `history` print them (SPEC "a test record"):
 * text for people (one line per record, or the full record), CSV for
 * spreadsheets, JSON in the spec's shape. Times are RFC 3339 UTC,
 * durations as plans write them. Every function appends to out and
 * prints nothing itself.
 */
#ifndef DH_RENDER_RECORD_H
#define DH_RENDER_RECORD_H

#include <stddef.h>

#include "dh/buf.h"
#include "dh/proto.h"

/* One line: started (else finished) time, system, kind, verdict, rpo/rto actual/target, id. */
void dh_record_render_line(const struct dh_record *r, struct dh_buf *out);
/* The whole record, one field per line, checks and mismatches listed. */
void dh_record_render_full(const struct dh_record *r, struct dh_buf *out);
/* CSV with a header row, CRLF line ends; fields quoted as RFC 4180 says. */
void dh_record_render_csv_header(struct dh_buf *out);
void dh_record_render_csv_row(const struct dh_record *r, struct dh_buf *out);
/* {"records":[...]} on one line (history --format json). */
void dh_record_render_json_list(struct dh_record *const *recs, size_t n, struct dh_buf *out);
/* One record as indented JSON and a newline (run --format json). */
void dh_record_render_json(const struct dh_record *r, struct dh_buf *out);

#endif
