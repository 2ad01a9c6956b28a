/*
 * JSON helpers over jansson, for the wire codecs and whoever stores or
 * prints JSON (agent/common/json.c). Getters: 0 when the key is absent and
 * not required or when it was read; otherwise DH_EPARSE with err naming
 * the key. Strings come back as owned copies (the old *out is freed);
 * strings with a NUL byte inside are refused.
 */
#ifndef DH_JSON_H
#define DH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "dh/err.h"

int dh_json_get_str(json_t *o, const char *key, bool required, char **out, struct dh_err *err);
/* An integer >= min into *out. */
int dh_json_get_int(json_t *o, const char *key, bool required, int64_t min, int64_t *out,
	struct dh_err *err);
/* An optional RFC 3339 string into *out (seconds since the epoch, UTC). */
int dh_json_get_time(json_t *o, const char *key, time_t *out, struct dh_err *err);
/* A required string turned into an enum value by parse (negative = unknown). */
int dh_json_get_enum(json_t *o, const char *key, int (*parse)(const char *), int *out,
	struct dh_err *err);

/* New references: s or null; RFC 3339 UTC of t or null when t is 0; v or null when v < 0. */
json_t *dh_json_str_or_null(const char *s);
json_t *dh_json_time_or_null(time_t t);
json_t *dh_json_secs_or_null(int64_t v);

/*
 * Parse json (len bytes, at most max) as one object, duplicate keys
 * refused. Returns a new reference, or NULL with err set: DH_ETOOBIG,
 * DH_EPARSE ("malformed JSON at line L column C: ...", "expected a JSON
 * object").
 */
json_t *dh_json_load_object(const char *json, size_t len, size_t max, struct dh_err *err);

/*
 * Serialise v with jansson's flags (JSON_COMPACT, JSON_SORT_KEYS, ...).
 * Returns an owned string (dh_xmalloc'd); v stays the caller's. Aborts
 * when out of memory, as dh_xmalloc does: output is never silently lost.
 */
char *dh_json_dumps(const json_t *v, size_t flags);

/*
 * Serialise root, keys in insertion order, compact or indented by indent
 * spaces, and release root. Returns an owned string. Aborts when out of
 * memory.
 */
char *dh_json_dump(json_t *root, int indent);

struct dh_buf;
/*
 * Append root as a command prints JSON: indented by 2, keys in insertion
 * order, then a newline; releases root. Aborts when out of memory.
 */
void dh_json_print(struct dh_buf *out, json_t *root);

struct dh_record;
/* A test record as a new jansson object: the SPEC record shape, as dh_record_to_json prints it. */
json_t *dh_record_json(const struct dh_record *r);

#endif
