/*
 * The record's restore point (include/dh/proto.h struct dh_snapshot):
 * its JSON object by method, and the pre-protocol-3 string form that
 * records stored earlier still hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "dh/timefmt.h"
#include "record_json.h"

void
dh_snapshot_fini(struct dh_snapshot *s)
{
	free(s->id);
	free(s->archive);
	free(s->host);
	for (size_t i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	memset(s, 0, sizeof(*s));
}

void
dh_record_add_snapshot_path(struct dh_record *r, const char *path)
{
	struct dh_snapshot *s = &r->snapshot;

	if (s->npaths >= DH_SNAPSHOT_PATHS_CAP)
		return;
	s->paths = dh_xrealloc(s->paths, (s->npaths + 1) * sizeof(*s->paths));
	s->paths[s->npaths++] = dh_xstrdup(path);
}

json_t *
dh_snapshot_json(const struct dh_snapshot *s)
{
	json_t *o, *arr;

	if (s->id == NULL && s->archive == NULL && s->time == 0)
		return json_null();
	o = json_object();
	if (s->id != NULL)
		json_object_set_new(o, "id", json_string(s->id));
	if (s->archive != NULL)
		json_object_set_new(o, "archive", json_string(s->archive));
	json_object_set_new(o, "time", dh_json_time_or_null(s->time));
	if (s->id == NULL)
		return o;
	json_object_set_new(o, "host", dh_json_str_or_null(s->host));
	arr = json_array();
	for (size_t i = 0; i < s->npaths; i++)
		json_array_append_new(arr, json_string(s->paths[i]));
	json_object_set_new(o, "paths", arr);
	return o;
}

static int
parse_paths(json_t *arr, const char *key, struct dh_record *r, struct dh_err *err)
{
	json_t *v;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > DH_SNAPSHOT_PATHS_CAP)
		return dh_err_set(err, DH_EPARSE, "\"%s\" must be an array of at most %d", key,
			DH_SNAPSHOT_PATHS_CAP);
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return dh_err_set(err, DH_EPARSE, "\"%s\" must hold strings", key);
		dh_record_add_snapshot_path(r, json_string_value(v));
	}
	return 0;
}

/* A restic snapshot id as restic prints it: 64 lowercase hex digits. */
static int
is_restic_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 64 && s[n] == '\0';
}

/*
 * Before protocol 3: "snapshot" a string beside "snapshot_host" and
 * "snapshot_paths". A restic snapshot is known by its host or paths or
 * its id's shape, a backup-time action by a string that is the backup
 * time itself; anything else was a tar archive.
 */
static int
parse_string_form(json_t *o, const char *name, struct dh_record *r, time_t backup_at,
	struct dh_err *err)
{
	struct dh_snapshot *s = &r->snapshot;
	char when[DH_RFC3339_LEN];

	if (dh_json_get_str(o, "snapshot_host", false, &s->host, err) ||
		parse_paths(json_object_get(o, "snapshot_paths"), "snapshot_paths", r, err))
		return DH_EPARSE;
	s->time = backup_at;
	dh_time_format(backup_at, when, sizeof(when));
	if (s->host != NULL || s->npaths > 0 || is_restic_id(name))
		s->id = dh_xstrdup(name);
	else if (backup_at == 0 || strcmp(name, when) != 0)
		s->archive = dh_xstrdup(name);
	return 0;
}

/* Say that a field's error is inside "snapshot". */
static int
in_snapshot(struct dh_err *err)
{
	char msg[DH_ERR_MSG_MAX];

	if (err == NULL)
		return DH_EPARSE;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	return dh_err_set(err, DH_EPARSE, "\"snapshot\": %s", msg);
}

int
dh_snapshot_from_json(json_t *o, struct dh_record *r, time_t backup_at, struct dh_err *err)
{
	json_t *v = json_object_get(o, "snapshot");
	struct dh_snapshot *s = &r->snapshot;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return dh_err_set(err, DH_EPARSE, "\"snapshot\" holds a NUL byte");
		return parse_string_form(o, json_string_value(v), r, backup_at, err);
	}
	if (!json_is_object(v))
		return dh_err_set(err, DH_EPARSE, "\"snapshot\" must be an object or null");
	if (dh_json_get_str(v, "id", false, &s->id, err) ||
		dh_json_get_str(v, "archive", false, &s->archive, err) ||
		dh_json_get_time(v, "time", &s->time, err) ||
		dh_json_get_str(v, "host", false, &s->host, err) ||
		parse_paths(json_object_get(v, "paths"), "paths", r, err))
		return in_snapshot(err);
	if (s->id != NULL && s->archive != NULL)
		return dh_err_set(err, DH_EPARSE,
			"\"snapshot\" names both a restic \"id\" and a tar \"archive\"");
	return 0;
}
