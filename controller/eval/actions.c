/*
 * The corrective-action rules of SPEC "Corrective actions"
 * (eval/actions.h): the due date and the state of an action as of a
 * time. Pure: the time arrives as an argument.
 */
#include "eval/actions.h"

#include <stdlib.h>

void
dh_action_fini(struct dh_action *a)
{
	if (a == NULL)
		return;
	free(a->system);
	free(a->opened_by);
	free(a->closed_by);
	free(a->closed_record);
	free(a->note);
	*a = (struct dh_action){ 0 };
}

void
dh_actions_free(struct dh_action *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		dh_action_fini(&v[i]);
	free(v);
}

time_t
dh_action_due_at(time_t opened_at, int64_t every_s)
{
	int64_t after = every_s > 0 ? every_s / 4 : DH_ACTION_DUE_MAX_S;

	if (after < DH_ACTION_DUE_MIN_S)
		after = DH_ACTION_DUE_MIN_S;
	if (after > DH_ACTION_DUE_MAX_S)
		after = DH_ACTION_DUE_MAX_S;
	return opened_at + (time_t)after;
}

bool
dh_action_is_seen(const struct dh_action *a, time_t now)
{
	return a->opened_at <= now;
}

bool
dh_action_is_open(const struct dh_action *a, time_t now)
{
	return dh_action_is_seen(a, now) && (a->closed_at == 0 || a->closed_at > now);
}

bool
dh_action_is_past_due(const struct dh_action *a, time_t now)
{
	return dh_action_is_open(a, now) && a->due_at < now;
}
