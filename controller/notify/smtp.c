/*
 * SMTP through libcurl (notify/smtp.h).
 */
#include "notify/smtp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <curl/curl.h>

struct reader {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *user)
{
	struct reader *r = user;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

static bool
host_is_loopback(const char *host)
{
	char v6[64];
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n > 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(v6)) {
		memcpy(v6, host + 1, n - 2);
		v6[n - 2] = '\0';
		return inet_pton(AF_INET6, v6, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return false;
}

bool
dh_smtp_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool yes = false;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		yes = host_is_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

static void
setup(CURL *c, const struct dh_smtp *s, char *errbuf, struct reader *rd)
{
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL,
		dh_smtp_url_is_loopback(s->url) ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, s->timeout_s > 0 ? s->timeout_s : DH_SMTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, rd);
	if (s->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
}

int
dh_smtp_send(const struct dh_smtp *s, const char *from, const char *to, const char *msg,
	struct dh_err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", addr[512];
	struct reader rd = { msg, strlen(msg) };
	struct curl_slist *rcpt = NULL;
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode cc;
	int r = 0;

	if (c == NULL)
		return dh_err_set(err, DH_ENET, "smtp: libcurl cannot start");
	setup(c, s, errbuf, &rd);
	snprintf(addr, sizeof(addr), "<%s>", from);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		r = dh_err_set(err, DH_ETIMEOUT, "smtp: timed out");
	else if (cc != CURLE_OK && code >= 400)
		r = dh_err_set(err, DH_EREFUSED, "smtp: the server answered %ld", code);
	else if (cc != CURLE_OK)
		r = dh_err_set(err, DH_ENET, "smtp: %s",
			errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else if (code != 250)
		r = dh_err_set(err, DH_EREFUSED, "smtp: the server answered %ld, not 250", code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return r;
}
