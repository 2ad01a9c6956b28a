/*
 * `actions` output and the corrective actions `status` shows (SPEC
 * "Commands": actions, "JSON shapes": actions; "Corrective actions").
 * Pure: given the actions and the time they are seen as of (--now), it
 * appends to a caller's buffer; it never opens the store. An action
 * closed after now is shown open, as it was then (eval/actions.h).
 */
#ifndef DH_RENDER_ACTIONS_H
#define DH_RENDER_ACTIONS_H

#include <stddef.h>
#include <time.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "eval/actions.h"

/*
 * A table, one line per action: id, system, kind, opened, due, and the
 * state ("open", "PAST DUE", or "closed AT by WHO: note"), then who
 * opened it. Nothing when n is 0.
 */
void dh_actions_render_text(const struct dh_action *v, size_t n, time_t now, struct dh_buf *out);

/*
 * {"now","actions":[{"id","system","kind","opened_at","opened_by",
 * "due_at","closed_at","closed_by","note","closed_record","open",
 * "past_due"}]}: the SPEC keys, times RFC 3339 UTC, null when not set.
 */
void dh_actions_render_json(const struct dh_action *v, size_t n, time_t now, struct dh_buf *out);

/* One action as the JSON object above (a new reference), for status and the report. */
json_t *dh_action_json(const struct dh_action *a, time_t now);

/*
 * One line for `status`: "corrective action N (KIND): opened DATE by REC,
 * due DATE[, PAST DUE]\n".
 */
void dh_action_render_line(const struct dh_action *a, time_t now, struct dh_buf *out);

#endif
