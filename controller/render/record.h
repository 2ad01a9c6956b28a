/*
 * Test records as `run` and `history` print them (SPEC "a test record"):
 * text for people (one line per record, or the full record), CSV for
 * spreadsheets, JSON in the spec's shape. Times are RFC 3339 UTC,
 * durations as plans write them.
 */
#ifndef DH_RECFMT_H
#define DH_RECFMT_H

#include <stdio.h>

#include "dh/proto.h"

/* One line: finished time, system, kind, verdict, rpo/rto actual/target, id. */
void dh_recfmt_line(FILE *f, const struct dh_record *r);
/* The whole record, one field per line, checks and mismatches listed. */
void dh_recfmt_full(FILE *f, const struct dh_record *r);
/* CSV with a header row; fields quoted as RFC 4180 says. */
void dh_recfmt_csv_header(FILE *f);
void dh_recfmt_csv_row(FILE *f, const struct dh_record *r);
/* {"records":[...]} */
void dh_recfmt_json_list(FILE *f, struct dh_record *const *recs, size_t n);

#endif
