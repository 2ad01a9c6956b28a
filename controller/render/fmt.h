/*
 * Small cell formatters every text and CSV renderer shares, so that an
 * absent value reads the same everywhere: "-".
 */
#ifndef DH_RENDER_FMT_H
#define DH_RENDER_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* t (seconds since the epoch) as RFC 3339 UTC into out (n bytes); "-" when t <= 0. */
void dh_render_time(time_t t, char *out, size_t n);

/*
 * v seconds as plans write durations (90s, 4h, 7d) into out (n bytes);
 * "-" for a negative value (not measured, not set; an interval's "never"
 * is not a value this formats).
 */
void dh_render_duration(int64_t v, char *out, size_t n);

struct dh_buf;
/*
 * Append s (NULL: empty) as one CSV field (RFC 4180): quoted, with quotes
 * doubled, when it holds a comma, a quote or a line end; as is otherwise.
 * The separator is the caller's.
 */
void dh_render_csv_field(struct dh_buf *out, const char *s);

#endif
