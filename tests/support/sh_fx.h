/*
 * Shell and temporary directories for the tests: fx_sh runs a command
 * built printf-style (at most 1023 bytes) through system() and returns
 * its status; fx_mkdtemp makes a fresh directory from a DH_TMPL template
 * into dir (size n); fx_rm_rf removes a directory tree. A directory that
 * cannot be made or removed fails the test.
 */
#ifndef DH_TEST_SH_FX_H
#define DH_TEST_SH_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tmpl.h"

static inline int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline int
fx_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static inline void
fx_mkdtemp(char *dir, size_t n, const char *tmpl)
{
	snprintf(dir, n, "%s", tmpl);
	assert_non_null(mkdtemp(dir));
}

static inline void
fx_rm_rf(const char *dir)
{
	assert_int_equal(fx_sh("rm -rf '%s'", dir), 0);
}

#endif
