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

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
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

int
dh_time_parse(const char *s, time_t *out)
{
	struct tm tm;
	int h, mi, sec, oh, om, sign;
	const char *p;

	if (s == NULL || strlen(s) < 20 || !parse_ymd(s, &tm))
		return DH_EPARSE;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return DH_EPARSE;
	if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &sec))
		return DH_EPARSE;
	if (h > 23 || mi > 59 || sec > 60)
		return DH_EPARSE;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return DH_EPARSE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*out = timegm(&tm);
		return 0;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || !digits(p + 1, 2, &oh) ||
	    p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
		return DH_EPARSE;
	sign = *p == '+' ? 1 : -1;
	*out = timegm(&tm) - sign * (oh * 3600 + om * 60);
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
