/*
 * A test record from a jansson value and the restore point's JSON, shared
 * by record.c and event.c (a finished event carries its record); private
 * to agent/common. dh_record_json itself is public (dh/json.h).
 */
#ifndef DH_RECORD_JSON_H
#define DH_RECORD_JSON_H

#include <jansson.h>

#include "dh/json.h"
#include "dh/proto.h"

/* Read a record from object o into *out (owned by the caller). 0 or DH_EPARSE with err. */
int dh_record_from_json(json_t *o, struct dh_record **out, struct dh_err *err);

/* A new reference to the restore point's JSON (null when there is none). */
json_t *dh_snapshot_json(const struct dh_snapshot *s);

/*
 * Read o's "snapshot" into r->snapshot: the object, or the string form
 * of records stored before protocol 3 (named with backup_at, the
 * record's backup time). 0, or DH_EPARSE with err.
 */
int dh_snapshot_from_json(json_t *o, struct dh_record *r, time_t backup_at, struct dh_err *err);

#endif
