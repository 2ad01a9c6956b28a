/*
 * The one log of both programs (ARCHITECTURE "one log module decides
 * destination and level"). Library code reports through here or through
 * a struct dh_err, never with fprintf. A line goes to stderr as
 * "IDENT: message" (the default, IDENT "drillhall"), or to syslog (LOG_DAEMON)
 * when serve runs as a daemon. Every message is made safe before it is
 * written: a control byte (newline, escape, ...; C1 controls too), a
 * backslash, or a byte that is not part of valid UTF-8 is written as \xNN (a backslash as \\),
 * so text taken from a request or a file can never forge a line or a
 * terminal sequence (SPEC "Events to the controller": "anything taken from
 * a request is escaped before it is logged"). Lines are cut at
 * DH_LOG_LINE_MAX bytes. Thread-safe.
 */
#ifndef DH_LOG_H
#define DH_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define DH_LOG_LINE_MAX 2048

enum dh_log_level {
	DH_LOG_ERROR = 0, /* an operation failed */
	DH_LOG_WARN = 1,  /* something was refused or degraded, work goes on */
	DH_LOG_INFO = 2,  /* progress an operator follows (the default level) */
	DH_LOG_DEBUG = 3, /* detail for finding a fault */
};

enum dh_log_dest {
	DH_LOG_STDERR = 0,
	DH_LOG_SYSLOG = 1,
};

/*
 * A test's (or a daemon's) own destination: called with the level and the
 * escaped line (no newline; borrowed for the call only) instead of writing.
 */
typedef void (*dh_log_sink_fn)(void *ctx, enum dh_log_level level, const char *line);

/*
 * Choose where lines go and the least urgent level written. ident is
 * borrowed for as long as the log is used (a string literal). Calling it
 * again switches (closing syslog when leaving it).
 */
void dh_log_open(const char *ident, enum dh_log_dest dest, enum dh_log_level min);

/* Send lines to sink(ctx, ...) instead (NULL: back to the destination). */
void dh_log_set_sink(dh_log_sink_fn sink, void *ctx);

/* True when a message of this level would be written. */
bool dh_log_is_enabled(enum dh_log_level level);

/* Write one line. fmt's result is escaped as the file comment says. */
void dh_log(enum dh_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dh_vlog(enum dh_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Escape in into out (outsz bytes, always NUL-terminated, cut short rather
 * than overflowing) as the log does. Returns the length written.
 */
size_t dh_log_escape(char *out, size_t outsz, const char *in);

#define dh_log_error(...) dh_log(DH_LOG_ERROR, __VA_ARGS__)
#define dh_log_warn(...) dh_log(DH_LOG_WARN, __VA_ARGS__)
#define dh_log_info(...) dh_log(DH_LOG_INFO, __VA_ARGS__)
#define dh_log_debug(...) dh_log(DH_LOG_DEBUG, __VA_ARGS__)

#endif
