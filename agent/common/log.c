/*
 * The log (include/dh/log.h): formats a message, escapes it, and writes it
 * whole to stderr (one write, so lines of threads never interleave), to
 * syslog, or to a caller's sink. State is a few globals under one mutex:
 * a process has one log.
 */
#include "dh/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "dh/utf8.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const char *log_ident = "drillhall";
static enum dh_log_dest log_dest = DH_LOG_STDERR;
static enum dh_log_level log_min = DH_LOG_INFO;
static dh_log_sink_fn log_sink;
static void *log_sink_ctx;

void
dh_log_open(const char *ident, enum dh_log_dest dest, enum dh_log_level min)
{
	pthread_mutex_lock(&mu);
	if (log_dest == DH_LOG_SYSLOG && dest != DH_LOG_SYSLOG)
		closelog();
	log_ident = ident ? ident : "drillhall";
	log_dest = dest;
	log_min = min;
	if (dest == DH_LOG_SYSLOG)
		openlog(log_ident, LOG_PID, LOG_DAEMON);
	pthread_mutex_unlock(&mu);
}

void
dh_log_set_sink(dh_log_sink_fn sink, void *ctx)
{
	pthread_mutex_lock(&mu);
	log_sink = sink;
	log_sink_ctx = ctx;
	pthread_mutex_unlock(&mu);
}

bool
dh_log_is_enabled(enum dh_log_level level)
{
	bool on;

	pthread_mutex_lock(&mu);
	on = level <= log_min;
	pthread_mutex_unlock(&mu);
	return on;
}

size_t
dh_log_escape(char *out, size_t outsz, const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, n;

	if (outsz == 0)
		return 0;
	while (*s) {
		char esc[5];
		const char *put = esc;
		size_t len;

		n = dh_utf8_seq_len((const char *)s);
		if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			n = 0; /* C1 controls (U+0080..U+009F, CSI among them) */
		if (n == 1 && *s >= 0x20 && *s != 0x7f && *s != '\\') {
			put = (const char *)s, len = 1;
		} else if (n > 1) {
			put = (const char *)s, len = n;
		} else { /* a control, a backslash, or a byte outside valid UTF-8 */
			if (*s == '\\')
				memcpy(esc, "\\\\", 3);
			else
				snprintf(esc, sizeof(esc), "\\x%02x", *s);
			len = strlen(esc), n = 1;
		}
		if (o + len >= outsz)
			break; /* cut whole: never half an escape or a character */
		memcpy(out + o, put, len);
		o += len;
		s += n;
	}
	out[o] = '\0';
	return o;
}

static int
syslog_priority(enum dh_log_level level)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	return prio[level <= DH_LOG_DEBUG ? level : DH_LOG_DEBUG];
}

void
dh_vlog(enum dh_log_level level, const char *fmt, va_list ap)
{
	char raw[DH_LOG_LINE_MAX], line[DH_LOG_LINE_MAX], out[DH_LOG_LINE_MAX + 64];
	int n;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	dh_log_escape(line, sizeof(line), raw);
	pthread_mutex_lock(&mu);
	if (level > log_min) {
		pthread_mutex_unlock(&mu);
		return;
	}
	if (log_sink) {
		log_sink(log_sink_ctx, level, line);
	} else if (log_dest == DH_LOG_SYSLOG) {
		syslog(syslog_priority(level), "%s", line);
	} else {
		n = snprintf(out, sizeof(out), "%s: %s\n", log_ident, line);
		if (n > (int)sizeof(out) - 1)
			n = (int)sizeof(out) - 1;
		/* one write: concurrent lines stay whole; a failed log write has nowhere to go */
		if (write(STDERR_FILENO, out, (size_t)n) < 0)
			(void)0;
	}
	pthread_mutex_unlock(&mu);
}

void
dh_log(enum dh_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dh_vlog(level, fmt, ap);
	va_end(ap);
}
