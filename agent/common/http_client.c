/*
 * The libcurl adapter (dh/http_client.h): the only file in either program
 * that includes <curl/curl.h>. It owns one easy handle per client (reset
 * before each post, so no option leaks from one post to the next, while
 * libcurl keeps the connection), the always-on TLS verification, the
 * bounded response buffer, and the mapping of CURLcode to dh_err codes.
 * Used by agent/events/report.c and, later, the controller's notify/.
 */
#include "dh/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "dh/buf.h"

struct dh_http_client {
	CURL *curl;
	char *ca_file;
	char *user_agent;
	long connect_timeout_s;
	long timeout_s;
	size_t body_max;
	bool truncated;
	char errbuf[CURL_ERROR_SIZE];
	struct dh_buf resp;
};

static size_t
on_body(char *p, size_t size, size_t n, void *user)
{
	struct dh_http_client *c = user;
	size_t len = size * n;
	size_t keep = c->resp.len < c->body_max ? c->body_max - c->resp.len : 0;

	if (keep > len)
		keep = len;
	if (keep < len)
		c->truncated = true; /* read on, so the connection stays usable */
	dh_buf_append(&c->resp, p, keep);
	return len;
}

struct dh_http_client *
dh_http_client_new(const struct dh_http_client_opts *opts, struct dh_err *err)
{
	const struct dh_http_client_opts none = { 0 };
	const struct dh_http_client_opts *o = opts ? opts : &none;
	struct dh_http_client *c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		dh_err_set(err, DH_ESYS, "libcurl could not start");
		return NULL;
	}
	c = dh_xcalloc(1, sizeof(*c));
	if ((c->curl = curl_easy_init()) == NULL) {
		dh_err_set(err, DH_ESYS, "libcurl could not start");
		free(c);
		curl_global_cleanup();
		return NULL;
	}
	c->ca_file = o->ca_file ? dh_xstrdup(o->ca_file) : NULL;
	c->user_agent = dh_xstrdup(o->user_agent ? o->user_agent : "drillhall/" DH_VERSION);
	c->connect_timeout_s =
		o->connect_timeout_s > 0 ? o->connect_timeout_s : DH_HTTP_CLIENT_CONNECT_TIMEOUT_S;
	c->timeout_s = o->timeout_s > 0 ? o->timeout_s : DH_HTTP_CLIENT_TIMEOUT_S;
	c->body_max = o->body_max > 0 ? o->body_max : DH_HTTP_CLIENT_BODY_MAX;
	dh_buf_init(&c->resp);
	return c;
}

void
dh_http_client_free(struct dh_http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c->ca_file);
	free(c->user_agent);
	dh_buf_fini(&c->resp);
	free(c);
	curl_global_cleanup();
}

static void
setup_handle(struct dh_http_client *c, const char *url, struct curl_slist *hdrs, const char *body,
	size_t len)
{
	CURL *h = c->curl;

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
}

static int
transfer_code(CURLcode cc)
{
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return DH_ETIMEOUT;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return DH_EINVAL;
	default:
		return DH_ENET;
	}
}

/* One transfer: a POST of body, or a GET when body is NULL. */
static int
perform(struct dh_http_client *c, const char *url, const char *const *headers, const char *body,
	size_t len, struct dh_http_response *resp, struct dh_err *err)
{
	struct curl_slist *hdrs = NULL;
	long code = 0;
	CURLcode cc;
	int r = 0;

	/* A 100-continue round trip only slows small posts down. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		hdrs = curl_slist_append(hdrs, headers[i]);
	dh_buf_reset(&c->resp);
	c->truncated = false;
	c->errbuf[0] = '\0';
	setup_handle(c, url != NULL ? url : "", hdrs, body, len);
	cc = curl_easy_perform(c->curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	else
		r = dh_err_set(err, transfer_code(cc), "%s",
			c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc));
	curl_slist_free_all(hdrs);
	resp->status = code;
	resp->body = c->resp.data != NULL ? c->resp.data : "";
	resp->len = c->resp.len;
	resp->truncated = c->truncated;
	return r;
}

int
dh_http_client_post(struct dh_http_client *c, const char *url, const char *const *headers,
	const char *body, size_t len, struct dh_http_response *resp, struct dh_err *err)
{
	return perform(c, url, headers, body != NULL ? body : "", len, resp, err);
}

int
dh_http_client_get(struct dh_http_client *c, const char *url, struct dh_http_response *resp,
	struct dh_err *err)
{
	return perform(c, url, NULL, NULL, 0, resp, err);
}

/* host as libcurl normalised it: dotted IPv4, "[v6]" or a name. */
static bool
host_is_loopback(const char *host)
{
	unsigned char a[16];
	char v6[64];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (n < 3 || n - 2 >= sizeof(v6) || host[0] != '[' || host[n - 1] != ']')
		return false;
	memcpy(v6, host + 1, n - 2);
	v6[n - 2] = '\0';
	if (inet_pton(AF_INET6, v6, a) != 1)
		return false;
	return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a) ||
		(IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a) && a[12] == 127);
}

static bool
has_part(CURLU *u, CURLUPart part)
{
	char *v = NULL;
	bool has = curl_url_get(u, part, &v, 0) == CURLUE_OK && v != NULL;

	curl_free(v);
	return has;
}

int
dh_http_url_check(const char *url, struct dh_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	const char *why = "is not an http(s) URL";

	if (u == NULL || url == NULL)
		goto out;
	for (const unsigned char *p = (const unsigned char *)url; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f)
			goto out;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0')
		goto out;
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)
		goto out;
	if (has_part(u, CURLUPART_USER) || has_part(u, CURLUPART_PASSWORD) ||
		has_part(u, CURLUPART_OPTIONS))
		why = "must not hold user information";
	else if (strcmp(scheme, "https") == 0 || host_is_loopback(host))
		why = NULL;
	else
		why = "must be https (http only to a loopback address)";
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why == NULL ? 0 : dh_err_set(err, DH_EREFUSED, "the events URL %s", why);
}
