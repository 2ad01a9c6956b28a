/*
 * Parsers for the values plan files write: levels, ports, counts, ids,
 * "HOST NAME" action references, verify and health entries (time windows:
 * plan/window.h).
 * Pure functions of a string, used by the plan loader (load.c, plan.c)
 * and its tests. Each returns 0, or DH_EPARSE with a message in err that the
 * loader places at the key's file:line.
 */
#ifndef DH_PLAN_VALUE_H
#define DH_PLAN_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "dh/err.h"
#include "plan/model.h"

/* [a-z0-9][a-z0-9-]*, at most DH_PLAN_ID_MAX bytes (systems and hosts). */
bool dh_plan_value_is_id(const char *s);
/* [A-Za-z0-9][A-Za-z0-9-]*, at most DH_PLAN_ID_MAX bytes (halls: "A"). */
bool dh_plan_value_is_hall_id(const char *s);
/* [A-Za-z0-9][A-Za-z0-9_.-]*, at most DH_PLAN_ID_MAX bytes. */
bool dh_plan_value_is_action_name(const char *s);
/* An absolute path without control characters or "..". */
bool dh_plan_value_is_abs_path(const char *s);
/* A host name as restic records it (--host): letters, digits, '-', '_',
 * '.', not starting with '-' or '.', at most 253 characters. */
bool dh_plan_value_is_hostname(const char *s);
/* One restic tag (--tag): 1..255 printable characters without a comma
 * (restic reads "a,b" as two tags) or a space. */
bool dh_plan_value_is_restic_tag(const char *s);

/* A KLASSA level: exactly one digit 0..4. */
int dh_plan_value_level(const char *s, int *out, struct dh_err *err);
/* A TCP port 1..65535. */
int dh_plan_value_port(const char *s, int *out, struct dh_err *err);
/* A non-negative decimal count (at most 10^15). */
int dh_plan_value_count(const char *s, int64_t *out, struct dh_err *err);
/* "yes" or "no". */
int dh_plan_value_bool(const char *s, bool *out, struct dh_err *err);
/* An http:// or https:// URL without spaces or control characters. */
int dh_plan_value_url(const char *s, struct dh_err *err);
/*
 * A time zone the tz database knows (SPEC "Checks": "a timezone the tz
 * database does not know"): a name such as Europe/Stockholm whose file
 * under $TZDIR (default /usr/share/zoneinfo) is a TZif file. Names are
 * [A-Za-z0-9_+-] parts joined by '/', so nothing outside the database is
 * opened. 0 or DH_EPARSE with err saying which (syntax, unknown, no
 * database on this machine).
 */
int dh_plan_value_timezone(const char *s, struct dh_err *err);

/* A host's max_jobs: 1..DH_PLAN_MAX_JOBS_LIMIT (SPEC inventory.ini; default 1). */
#define DH_PLAN_MAX_JOBS_LIMIT 256
int dh_plan_value_max_jobs(const char *s, int *out, struct dh_err *err);

/* "a, b , c" into *list (appended, owned ids); an empty value is no ids. */
int dh_plan_value_idlist(const char *s, char ***list, size_t *n, struct dh_err *err);
/* "restic" | "tar" | "action". */
int dh_plan_value_method(const char *s, enum dh_restore_method *m, struct dh_err *err);

/* "HOST NAME" into caller-owned *host and *action. */
int dh_plan_value_action(const char *s, char **host, char **action, struct dh_err *err);
/* "manifest PATH" | "min_files N" | "min_bytes N" | "file REL" | "action NAME". */
int dh_plan_value_verify(const char *s, struct dh_plan_verify *v, struct dh_err *err);
/* "tcp HOST:PORT" | "http URL" | "HOST ACTION". */
int dh_plan_value_health(const char *s, struct dh_health *h, struct dh_err *err);

#endif
