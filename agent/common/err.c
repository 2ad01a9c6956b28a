/*
 * The error value (include/dh/err.h): setters that format a message and
 * return the code, so failures read as one line at the call site.
 */
#include "dh/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
dh_err_clear(struct dh_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

static void
vset(struct dh_err *err, int code, const char *file, int line, const char *fmt, va_list ap)
{
	err->code = code;
	err->line = line;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
dh_err_set(struct dh_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, NULL, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
dh_err_at(struct dh_err *err, int code, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, file, line, fmt, ap);
	va_end(ap);
	return code;
}

int
dh_err_sys(struct dh_err *err, int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, NULL, 0, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(saved));
	return code;
}

const char *
dh_err_name(int code)
{
	static const char *const names[] = {
		"ok",
		"invalid value",
		"parse error",
		"i/o error",
		"too big",
		"not found",
		"already exists",
		"system error",
		"timed out",
		"refused",
		"network error",
		"database error",
		"locked",
	};
	int i = -code;

	if (i < 0 || i >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown error";
	return names[i];
}

void
dh_err_format(const struct dh_err *err, char *out, size_t outsz)
{
	if (err->file[0] != '\0')
		snprintf(out, outsz, "%s:%d: %s", err->file, err->line, err->msg);
	else
		snprintf(out, outsz, "%s", err->msg);
}
