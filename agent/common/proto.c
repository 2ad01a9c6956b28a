/*
 * The wire protocol's names and identifiers (include/dh/proto.h): enum
 * values to and from their JSON names, and the syntax of job ids, system
 * ids and job tokens. The codecs are job.c, record.c and event.c; the
 * JSON helpers they share are json.c.
 */
#include "dh/proto.h"

#include <ctype.h>
#include <string.h>

#define NAMES(x) (sizeof(x) / sizeof((x)[0]))

static const char *const method_names[] = { "restic", "tar", "action" };
static const char *const verify_names[] = { "manifest", "min_files", "min_bytes", "file",
	"action" };
static const char *const verdict_names[] = { "passed", "failed", "error", "aborted" };
/* records are restore or failover; "action" is a job kind only (job.c) */
static const char *const kind_names[] = { "restore", "failover", "action" };
static const char *const event_names[] = { "accepted", "step", "finished" };

static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *
name_at(const char *const *names, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

const char *
dh_restore_method_name(enum dh_restore_method m)
{
	return name_at(method_names, NAMES(method_names), (int)m);
}
int
dh_restore_method_parse(const char *s)
{
	return name_index(method_names, NAMES(method_names), s);
}
const char *
dh_verify_kind_name(enum dh_verify_kind k)
{
	return name_at(verify_names, NAMES(verify_names), (int)k);
}
int
dh_verify_kind_parse(const char *s)
{
	return name_index(verify_names, NAMES(verify_names), s);
}
const char *
dh_verdict_name(enum dh_verdict v)
{
	return name_at(verdict_names, NAMES(verdict_names), (int)v);
}
int
dh_verdict_parse(const char *s)
{
	return name_index(verdict_names, NAMES(verdict_names), s);
}
const char *
dh_job_kind_name(enum dh_job_kind k)
{
	return name_at(kind_names, NAMES(kind_names), (int)k);
}
/* Kinds of record only: an action job is named by the job codec alone. */
int
dh_job_kind_parse(const char *s)
{
	return name_index(kind_names, DH_JOB_ACTION, s);
}
const char *
dh_event_type_name(enum dh_event_type t)
{
	return name_at(event_names, NAMES(event_names), (int)t);
}

bool
dh_proto_is_job_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > DH_JOB_ID_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return strstr(s, "..") == NULL;
}

/* Bytes of [A-Za-z0-9], plus the characters of extra, n of them in 1..max. */
static bool
word_of(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(extra, s[i]) == NULL)
			return false;
	return true;
}

bool
dh_proto_is_action_name(const char *s)
{
	return word_of(s, 64, "_.-") && isalnum((unsigned char)s[0]);
}

bool
dh_proto_is_marker(const char *s)
{
	return word_of(s, DH_MARKER_MAX, "_.-");
}

bool
dh_proto_is_system_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int
dh_event_type_parse(const char *s)
{
	return name_index(event_names, NAMES(event_names), s);
}

bool
dh_proto_is_token(const char *s)
{
	if (s == NULL || strlen(s) != DH_TOKEN_HEX)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}
