/*
 * Times as the product shows them: RFC 3339 in UTC for records and JSON,
 * plain dates (YYYY-MM-DD) for classifications. Parsing accepts what
 * restic and other tools print: fractional seconds and numeric offsets.
 */
#ifndef DH_TIMEFMT_H
#define DH_TIMEFMT_H

#include <stddef.h>
#include <time.h>

#define DH_RFC3339_LEN 21 /* "2026-11-27T21:13:33Z" + NUL */

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out (>= DH_RFC3339_LEN). */
void dh_time_format(time_t t, char *out, size_t outsz);

/*
 * Parse RFC 3339 in every form it allows: "2026-11-27T21:13:33Z",
 * "...T22:13:33.123+01:00", lower-case t/z, a space between date and time
 * (`date --rfc-3339=seconds`), any number of fraction digits (dropped),
 * offsets -23:59..+23:59 (the grammar's range; real zones use
 * -12:00..+14:00). A leap second is accepted only where one can be,
 * 23:59:60 in UTC (after the offset), and read as 23:59:59. Invalid dates
 * (2026-02-30), hours past 23, minutes past 59, years before 1970, a
 * missing offset and trailing text are refused. Returns 0 or DH_EPARSE.
 */
int dh_time_parse(const char *s, time_t *out);

/* Parse a calendar date "YYYY-MM-DD" as midnight UTC; 0 or DH_EPARSE. */
int dh_date_parse(const char *s, time_t *out);

/* Seconds since the epoch now, from the realtime clock. */
time_t dh_time_now(void);

/* Monotonic seconds (for measuring, not for stamping). */
double dh_time_mono(void);

#endif
