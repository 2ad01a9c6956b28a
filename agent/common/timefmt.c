/*
 * RFC 3339 and date parsing/formatting (include/dh/timefmt.h). Written by
 * hand because libc has no strict RFC 3339 parser; calendar arithmetic
 * goes through timegm() so leap years are libc's problem.
 */
#include "dh/timefmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dh/err.h"

void
dh_time_format(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
digits(const char *s, int n, int *val)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return true;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parse "YYYY-MM-DD" at s into tm; false when malformed or not a real day. */
static bool
parse_ymd(const char *s, struct tm *tm)
{
	int y, mo, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
		!digits(s + 8, 2, &d))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	return true;
}

int
dh_date_parse(const char *s, time_t *out)
{
	struct tm tm;

	if (s == NULL || strlen(s) != 10 || !parse_ymd(s, &tm))
		return DH_EPARSE;
	*out = timegm(&tm);
	return 0;
}

/* Parse "HH:MM:SS[.frac]" at s into tm; *rest = what follows. */
static bool
parse_hms(const char *s, struct tm *tm, const char **rest)
{
	int h, mi, sec;
	const char *p = s + 8;

	if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi) || s[5] != ':' ||
		!digits(s + 6, 2, &sec))
		return false;
	if (h > 23 || mi > 59 || sec > 60)
		return false;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	*rest = p;
	return true;
}

/* Parse "Z", "z" or "+HH:MM"/"-HH:MM" (RFC 3339 time-numoffset: HH 00-23) into seconds east. */
static bool
parse_offset(const char *p, long *east)
{
	int oh, om;

	if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
		*east = 0;
		return true;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || !digits(p + 1, 2, &oh) || p[3] != ':' ||
		!digits(p + 4, 2, &om) || oh > 23 || om > 59)
		return false;
	*east = (*p == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
	return true;
}

int
dh_time_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	long east;
	time_t t;

	if (s == NULL || strlen(s) < 20 || !parse_ymd(s, &tm))
		return DH_EPARSE;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return DH_EPARSE;
	if (!parse_hms(s + 11, &tm, &p) || !parse_offset(p, &east))
		return DH_EPARSE;
	if (tm.tm_sec == 60) {
		/*
		 * A leap second exists only as 23:59:60 UTC. It is read as
		 * 23:59:59 (POSIX time has no 60th second): a backup time is
		 * never made later than it was.
		 */
		tm.tm_sec = 59;
		t = timegm(&tm) - east;
		if (t % 86400 != 86399)
			return DH_EPARSE;
		*out = t;
		return 0;
	}
	*out = timegm(&tm) - east;
	return 0;
}

time_t
dh_time_now(void)
{
	return time(NULL);
}

double
dh_time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
