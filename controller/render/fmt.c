/*
 * Cell formatters (render/fmt.h).
 */
#include "render/fmt.h"

#include <stdio.h>

#include "dh/duration.h"
#include "dh/timefmt.h"

void
dh_render_time(time_t t, char *out, size_t n)
{
	if (t > 0)
		dh_time_format(t, out, n);
	else
		snprintf(out, n, "-");
}

void
dh_render_duration(int64_t v, char *out, size_t n)
{
	if (v >= 0)
		dh_duration_format(v, out, n);
	else
		snprintf(out, n, "-");
}
