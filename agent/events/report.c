/*
 * The libcurl adapter (report.h): one reusable easy handle, a signed POST
 * per event, and the mapping of what came back — transfer errors and HTTP
 * statuses — to delivered / retry / rejected. TLS peer and host checks
 * are always on; ca_file pins the controller's CA. Nothing here logs: the
 * caller (deliver.c) decides what to say, and err never holds the token.
 */
#include "events/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "dh/buf.h"
#include "dh/proto.h"
#include "dh/sign.h"

#define RESPONSE_MAX 4096 /* bytes of a response body we keep for messages */

struct dh_report {
	CURL *curl;
	char *ca_file;
	long connect_timeout_s;
	long timeout_s;
	char errbuf[CURL_ERROR_SIZE];
	struct dh_buf resp;
};

static size_t
on_body(char *p, size_t size, size_t n, void *user)
{
	struct dh_buf *b = user;
	size_t len = size * n;

	size_t keep = b->len < RESPONSE_MAX ? RESPONSE_MAX - b->len : 0;

	if (keep > len)
		keep = len;
	/* kept only for messages: one line of printable text */
	for (size_t i = 0; i < keep; i++)
		dh_buf_putc(b, p[i] >= 0x20 && p[i] < 0x7f ? p[i] : ' ');
	return len;
}

struct dh_report *
dh_report_new(const char *ca_file, long connect_timeout_s, long timeout_s,
	struct dh_err *err)
{
	struct dh_report *r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		dh_err_set(err, DH_ESYS, "libcurl could not start");
		return NULL;
	}
	r = dh_xcalloc(1, sizeof(*r));
	if ((r->curl = curl_easy_init()) == NULL) {
		dh_err_set(err, DH_ESYS, "libcurl could not start");
		free(r);
		curl_global_cleanup();
		return NULL;
	}
	r->ca_file = ca_file != NULL ? dh_xstrdup(ca_file) : NULL;
	r->connect_timeout_s = connect_timeout_s > 0 ? connect_timeout_s
		: DH_REPORT_CONNECT_TIMEOUT_S;
	r->timeout_s = timeout_s > 0 ? timeout_s : DH_REPORT_TIMEOUT_S;
	dh_buf_init(&r->resp);
	return r;
}

void
dh_report_free(struct dh_report *r)
{
	if (r == NULL)
		return;
	curl_easy_cleanup(r->curl);
	free(r->ca_file);
	dh_buf_fini(&r->resp);
	free(r);
	curl_global_cleanup();
}

static bool
is_loopback_host(const char *h, size_t n)
{
	static const char *names[] = { "localhost", "[::1]" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) && strncasecmp(h, names[i], n) == 0)
			return true;
	return n >= 4 && strncmp(h, "127.", 4) == 0
		&& strspn(h, "0123456789.") == n;
}

bool
dh_report_is_allowed_url(const char *url)
{
	const char *h, *end;

	if (url == NULL || strpbrk(url, " \t\r\n") != NULL)
		return false;
	if (strncasecmp(url, "https://", 8) == 0)
		return url[8] != '\0';
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	h = url + 7;
	if (h[0] == '[')
		end = strchr(h, ']') ? strchr(h, ']') + 1 : h + strlen(h);
	else
		end = h + strcspn(h, ":/");
	return is_loopback_host(h, (size_t)(end - h));
}

static void
setup_handle(struct dh_report *r, const char *target, struct curl_slist *hdrs,
	const char *body, size_t len)
{
	CURL *c = r->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, target);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (r->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, r->ca_file);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, r->timeout_s);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->resp);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "drillhall-agent/" DH_VERSION);
}

static enum dh_report_outcome
classify(struct dh_report *r, long code, struct dh_err *err)
{
	const char *why = r->resp.data != NULL ? r->resp.data : "";

	if (code >= 200 && code <= 299)
		return DH_REPORT_DELIVERED;
	if (code >= 400 && code <= 499 && code != 408 && code != 429) {
		dh_err_set(err, DH_EREFUSED, "controller refused the event: HTTP %ld %.200s",
			code, why);
		return DH_REPORT_REJECTED;
	}
	dh_err_set(err, DH_ENET, "controller answered HTTP %ld %.200s", code, why);
	return DH_REPORT_RETRY;
}

enum dh_report_outcome
dh_report_post(struct dh_report *r, const char *url, const char *job,
	const char *token, const char *body, size_t len, long *status,
	struct dh_err *err)
{
	char sig[DH_SIGN_VALUE_MAX], hdr[DH_SIGN_VALUE_MAX + 64];
	struct curl_slist *hdrs = NULL;
	enum dh_report_outcome out;
	size_t ulen = url != NULL ? strlen(url) : 0;
	char *target = NULL;
	long code = 0;
	CURLcode cc;

	*status = 0;
	if (!dh_report_is_allowed_url(url) || !dh_proto_is_job_id(job)) {
		dh_err_set(err, DH_EREFUSED, "refusing to send to this URL "
			"(https, or http to loopback only)");
		return DH_REPORT_REJECTED;
	}
	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	target = dh_xasprintf("%.*s/api/v1/jobs/%s/events", (int)ulen, url, job);
	dh_sign_make(token, time(NULL), body, len, sig, sizeof(sig));
	snprintf(hdr, sizeof(hdr), "%s: %s", DH_SIGN_HEADER, sig);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, hdr);
	hdrs = curl_slist_append(hdrs, "Expect:");
	dh_buf_reset(&r->resp);
	r->errbuf[0] = '\0';
	setup_handle(r, target, hdrs, body, len);
	cc = curl_easy_perform(r->curl);
	if (cc != CURLE_OK) {
		dh_err_set(err, DH_ENET, "cannot reach the controller: %s",
			r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
		out = DH_REPORT_RETRY;
		goto out;
	}
	curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &code);
	*status = code;
	out = classify(r, code, err);
out:
	curl_slist_free_all(hdrs);
	free(target);
	return out;
}
