/*
 * The scheduler's clock (sched/clock.h): the system clock, or an instant
 * and speed read from a test's clock file at every tick.
 */
#include "sched/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dh/timefmt.h"

const char *
dh_sched_clock_file(void)
{
	const char *f = getenv(DH_SCHED_CLOCK_ENV);

	return f && f[0] ? f : NULL;
}

int
dh_sched_clock_now(const char *file, time_t *out, struct dh_err *err)
{
	char line[128], when[64] = "";
	double speed = 1.0;
	struct stat sb;
	time_t at;
	FILE *f;
	int got;

	if (file == NULL) {
		*out = dh_time_now();
		return 0;
	}
	if ((f = fopen(file, "r")) == NULL || fstat(fileno(f), &sb) != 0) {
		if (f)
			fclose(f);
		return dh_err_set(err, DH_EIO, "clock file %s cannot be read", file);
	}
	got = fgets(line, sizeof(line), f) ? sscanf(line, "%63s x%lf", when, &speed) : 0;
	fclose(f);
	if (got < 1 || dh_time_parse(when, &at) != 0 || !(speed > 0) ||
		speed > DH_SCHED_CLOCK_SPEED_MAX)
		return dh_err_set(err, DH_EPARSE,
			"clock file %s: expected 'RFC3339 [xSPEED]', like "
			"'2026-12-05T00:30:00Z x60'",
			file);
	*out = at + (time_t)((double)(dh_time_now() - sb.st_mtime) * speed);
	return 0;
}
