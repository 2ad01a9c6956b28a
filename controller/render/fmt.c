/*
 * Cell formatters (render/fmt.h).
 */
#include "render/fmt.h"

#include <stdio.h>
#include <string.h>

#include "dh/buf.h"

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

void
dh_render_csv_field(struct dh_buf *out, const char *s)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		dh_buf_puts(out, s);
		return;
	}
	dh_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			dh_buf_putc(out, '"');
		dh_buf_putc(out, *s);
	}
	dh_buf_putc(out, '"');
}
