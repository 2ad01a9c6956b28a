/*
 * Corrective actions (SPEC "Corrective actions"): what one is, when it
 * is due, and whether it is open or past due as of a time. A `failed` or
 * `error` test opens one for its system and kind; it is due a quarter of
 * the test interval after it was opened, at least 1 day and at most 30
 * days; a later `passed` test of the same system and kind, or an
 * operator with a note, closes it. Pure rules: the store opens and
 * closes actions (store/actions.h) and asks this module for the due
 * date; compliance (eval/compliance.h), `actions` and `status` ask
 * whether one is open or past due as of --now. Nothing here opens the
 * store, reads a clock or prints.
 */
#ifndef DH_EVAL_ACTIONS_H
#define DH_EVAL_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/proto.h"

#define DH_ACTION_DUE_MIN_S INT64_C(86400)        /* at least 1 day */
#define DH_ACTION_DUE_MAX_S (INT64_C(30) * 86400) /* at most 30 days */

/*
 * A corrective action as stored. Times in seconds since the epoch (UTC);
 * closed_at 0 = not closed. Strings are owned (dh_action_fini); NULL
 * when not set. closed_by names the record that closed it, or the user
 * ("cli:NAME", "web:NAME"); closed_record is that record's id, NULL when
 * a person closed it.
 */
struct dh_action {
	int64_t id;
	char *system;
	enum dh_job_kind kind;
	time_t opened_at;
	char *opened_by; /* the failed or error record that opened it */
	time_t due_at;
	time_t closed_at;
	char *closed_by;
	char *closed_record;
	char *note;
};

void dh_action_fini(struct dh_action *a);
/* Free an array of n actions (each finished, then the array); NULL is a no-op. */
void dh_actions_free(struct dh_action *v, size_t n);

/*
 * When an action opened at opened_at is due: a quarter of every_s (the
 * test interval in force, seconds) later, clamped to [1 day, 30 days].
 * An interval of never (DH_DURATION_NEVER) or not known (0) gives the
 * longest, 30 days (SPEC's upper bound).
 */
time_t dh_action_due_at(time_t opened_at, int64_t every_s);

/* Opened at or before now (an auditor's "as of" sees no later ones). */
bool dh_action_is_seen(const struct dh_action *a, time_t now);

/* Seen and not closed as of now (a close after now does not count yet). */
bool dh_action_is_open(const struct dh_action *a, time_t now);

/* Open as of now and its due date is past. */
bool dh_action_is_past_due(const struct dh_action *a, time_t now);

#endif
