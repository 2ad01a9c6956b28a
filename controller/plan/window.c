/*
 * Time windows (plan/window.h): the parser of a [windows] value and the
 * questions the scheduler and `due` ask of it, in the plan's time zone.
 * Instants are judged by the local wall clock (localtime_r), minute by
 * minute where a search is needed: every zone in use today is offset by
 * whole minutes, so a window's edges fall on UTC minutes, and a week of
 * minutes is about ten thousand localtime_r calls.
 */
#include "plan/window.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "mon-fri,sun" (n bytes) into a bitmask; 0 when malformed. */
static unsigned
parse_days(const char *s, size_t n)
{
	unsigned mask = 0;
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *q = comma ? comma : end;
		const char *dash = memchr(p, '-', (size_t)(q - p));
		int a = day_index(p, (size_t)((dash ? dash : q) - p));
		int b = dash ? day_index(dash + 1, (size_t)(q - dash - 1)) : a;

		if (a < 0 || b < 0)
			return 0;
		for (int d = a;; d = (d + 1) % 7) {
			mask |= 1u << d;
			if (d == b)
				break;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end)
			return 0;
	}
	return mask;
}

static bool
hhmm(const char *s, int *min)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
		!isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');

	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*min = h * 60 + m;
	return true;
}

/* One "DAYS HH:MM-HH:MM" at *pp; advances past it and the spaces after. */
static bool
parse_one(const char **pp, struct dh_window_range *r)
{
	const char *p = *pp, *d = p;

	while (*p != '\0' && *p != ' ')
		p++;
	r->days = parse_days(d, (size_t)(p - d));
	while (*p == ' ')
		p++;
	if (r->days == 0 || strlen(p) < 11 || p[5] != '-' || !hhmm(p, &r->start_min) ||
		!hhmm(p + 6, &r->end_min) || r->start_min == r->end_min)
		return false;
	p += 11;
	while (*p == ' ')
		p++;
	*pp = p;
	return true;
}

int
dh_window_parse(const char *s, struct dh_window *w, struct dh_err *err)
{
	const char *p = s;
	int line = w->line;

	memset(w, 0, sizeof(*w));
	w->line = line;
	for (;;) {
		const char *at = p;

		if (w->n == DH_WINDOW_RANGES)
			return dh_err_set(err, DH_EPARSE, "more than %d windows in '%s'",
				DH_WINDOW_RANGES, s);
		if (!parse_one(&p, &w->r[w->n]))
			return dh_err_set(err, DH_EPARSE,
				"'%s' is not a window like 'mon-fri 22:00-06:00' (days mon..sun, "
				"ranges or commas; HH:MM-HH:MM, start and end differ)",
				at);
		w->n++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return dh_err_set(err, DH_EPARSE,
				"'%s' after a window: separate windows with ','", p - 1);
		while (*p == ' ')
			p++;
	}
	w->set = true;
	return 0;
}

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char tz_now[256] = "\x01"; /* the zone TZ was last set to; none yet */

/* Make the process's local time tz (once per zone), then localtime_r. */
static void
local(const char *tz, time_t t, struct tm *tm)
{
	const char *want = tz && tz[0] ? tz : "UTC";

	pthread_mutex_lock(&tz_lock);
	if (strcmp(tz_now, want) != 0) {
		setenv("TZ", want, 1);
		tzset();
		strncpy(tz_now, want, sizeof(tz_now) - 1);
	}
	pthread_mutex_unlock(&tz_lock);
	localtime_r(&t, tm);
}

static bool
range_open(const struct dh_window_range *r, int wday, int min)
{
	int yday = (wday + 6) % 7; /* the day before */

	if (r->start_min < r->end_min)
		return (r->days & (1u << wday)) && min >= r->start_min && min < r->end_min;
	return ((r->days & (1u << wday)) && min >= r->start_min) ||
		((r->days & (1u << yday)) && min < r->end_min);
}

bool
dh_window_is_open(const struct dh_window *w, const char *tz, time_t t)
{
	struct tm tm;
	int wday, min;

	if (w == NULL || !w->set)
		return false;
	local(tz, t, &tm);
	wday = (tm.tm_wday + 6) % 7; /* Monday = 0 */
	min = tm.tm_hour * 60 + tm.tm_min;
	for (int i = 0; i < w->n; i++)
		if (range_open(&w->r[i], wday, min))
			return true;
	return false;
}

time_t
dh_window_next(const struct dh_window *w, const char *tz, time_t t)
{
	time_t u;

	if (dh_window_is_open(w, tz, t))
		return t;
	for (u = t - (t % 60 + 60) % 60 + 60; u - t <= DH_WINDOW_HORIZON_S; u += 60)
		if (dh_window_is_open(w, tz, u))
			return u;
	return (time_t)-1;
}

/*
 * Whether t (local time tm) is inside an occurrence of r; *day: the
 * local day number (days since the epoch, local) that occurrence starts
 * on, which tells one occurrence from the next even when they touch.
 */
static bool
occurrence(const struct dh_window_range *r, time_t t, const struct tm *tm, long *day)
{
	int wday = (tm->tm_wday + 6) % 7, min = tm->tm_hour * 60 + tm->tm_min;
	long today = (long)((t + tm->tm_gmtoff - (((t + tm->tm_gmtoff) % 86400) + 86400) % 86400) /
		86400);

	if ((r->days & (1u << wday)) && min >= r->start_min &&
		(r->start_min > r->end_min || min < r->end_min)) {
		*day = today;
		return true;
	}
	if (r->start_min > r->end_min && (r->days & (1u << ((wday + 6) % 7))) && min < r->end_min) {
		*day = today - 1;
		return true;
	}
	return false;
}

time_t
dh_window_opened_at(const struct dh_window *w, const char *tz, time_t t)
{
	struct tm tm;
	long day, d;
	time_t u;
	int i;

	if (w == NULL || !w->set)
		return (time_t)-1;
	local(tz, t, &tm);
	for (i = 0; i < w->n; i++)
		if (occurrence(&w->r[i], t, &tm, &day))
			break;
	if (i == w->n)
		return (time_t)-1;
	u = t - (t % 60 + 60) % 60;
	while (t - u < DH_WINDOW_HORIZON_S) {
		local(tz, u - 60, &tm);
		if (!occurrence(&w->r[i], u - 60, &tm, &d) || d != day)
			break;
		u -= 60;
	}
	return u;
}
