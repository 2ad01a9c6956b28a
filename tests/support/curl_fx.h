/*
 * libcurl in the tests: fx_curl_sink is a CURLOPT_WRITEFUNCTION that
 * appends the response body to the struct dh_buf given as CURLOPT_WRITEDATA.
 */
#ifndef DH_TEST_CURL_FX_H
#define DH_TEST_CURL_FX_H

#include <stddef.h>

#include "dh/buf.h"

static inline size_t
fx_curl_sink(char *p, size_t sz, size_t n, void *user)
{
	dh_buf_append(user, p, sz * n);
	return sz * n;
}

#endif
