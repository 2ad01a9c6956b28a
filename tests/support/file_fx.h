/*
 * Small files for the tests: fx_put writes text to DIR/REL (created or
 * truncated); a file that cannot be opened fails the test.
 */
#ifndef DH_TEST_FILE_FX_H
#define DH_TEST_FILE_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dh/buf.h"

static inline void
fx_put(const char *dir, const char *rel, const char *text)
{
	char *path = dh_xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

#endif
