/*
 * libcurl in the tests: fx_curl_sink is a CURLOPT_WRITEFUNCTION that
 * appends the response body to the struct dh_buf given as CURLOPT_WRITEDATA;
 * fx_curl_run performs the request set up on c with the body into resp
 * (appended) and returns the HTTP status, or -1 when no answer came; it
 * frees the header list hd (may be NULL) and c.
 */
#ifndef DH_TEST_CURL_FX_H
#define DH_TEST_CURL_FX_H

#include <stddef.h>

#include <curl/curl.h>

#include "dh/buf.h"

static inline size_t
fx_curl_sink(char *p, size_t sz, size_t n, void *user)
{
	dh_buf_append(user, p, sz * n);
	return sz * n;
}

static inline long
fx_curl_run(CURL *c, struct curl_slist *hd, struct dh_buf *resp)
{
	long status = -1;

	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fx_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(c);
	return status;
}

#endif
