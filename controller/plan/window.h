/*
 * Time windows of the plan (SPEC "Scheduler", policy.ini [windows]):
 * `DAYS HH:MM-HH:MM[, DAYS HH:MM-HH:MM ...]` with DAYS a day (`sat`), a
 * range (`mon-fri`, `fri-mon`) or a comma list (`sat,sun`, `mon-wed,fri`);
 * a window that passes midnight belongs to the day it starts. Parsed by
 * the plan loader (errors become file:line problems in `check`), asked by
 * `due` and the scheduler.
 *
 * Windows are wall-clock times in the plan's `timezone`, read through the
 * system tz database: an instant is inside when the local clock shows a
 * time inside a window of the day the window starts ("DST changes shift
 * nothing but the clock"). So on the spring-forward night a window
 * 02:00-03:00 does not occur (the clock never shows 02:xx), and on the
 * fall-back night it lasts two hours (the clock shows 02:xx twice).
 *
 * Time zone: the process's TZ is switched to the plan's zone the first
 * time one is asked (setenv + tzset under a mutex; after that only
 * localtime_r, which is thread-safe). The controller holds one plan, so
 * one zone; asking with another zone switches again (tests do). Nothing
 * else in the controller reads local time: records are UTC.
 */
#ifndef DH_PLAN_WINDOW_H
#define DH_PLAN_WINDOW_H

#include <stdbool.h>
#include <time.h>

#include "dh/err.h"
#include "plan/model.h"

/* How far dh_window_next looks ahead: every window recurs within a week. */
#define DH_WINDOW_HORIZON_S (8 * 86400)

/*
 * Parse s into *w (overwritten; w->line is kept): at most
 * DH_WINDOW_RANGES windows, each "DAYS HH:MM-HH:MM", separated by ','.
 * HH:MM is 00:00..24:00; start and end differ. 0, or DH_EPARSE with err
 * naming the part that is wrong.
 */
int dh_window_parse(const char *s, struct dh_window *w, struct dh_err *err);

/*
 * Whether instant t (seconds since the epoch) is inside w in time zone tz
 * (a tz database name; NULL or "" = UTC). An unset w is never open: the
 * plan gave no window, so nothing is scheduled.
 */
bool dh_window_is_open(const struct dh_window *w, const char *tz, time_t t);

/*
 * The first instant >= t at which w is open (t itself when it is), on a
 * whole minute unless t; (time_t)-1 when w does not open within
 * DH_WINDOW_HORIZON_S (unset, or a window that never occurs).
 */
time_t dh_window_next(const struct dh_window *w, const char *tz, time_t t);

/*
 * When the opening of w that t is inside began (whole minute, at most
 * DH_WINDOW_HORIZON_S back); (time_t)-1 when w is not open at t. An
 * opening is one window on one start day, also when it touches the next
 * ("mon-sun 00:00-24:00" opens every midnight). The scheduler retries a
 * failed test only in a later opening.
 */
time_t dh_window_opened_at(const struct dh_window *w, const char *tz, time_t t);

#endif
