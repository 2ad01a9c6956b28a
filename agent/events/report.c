/*
 * Posting one event (report.h): the URL policy, the signature, and the
 * mapping of what came back — transfer errors and HTTP statuses — to
 * delivered / retry / rejected. The transfer itself goes through the
 * shared libcurl adapter (dh/http_client.h), which keeps one connection
 * handle and always verifies TLS peer and host; ca_file pins the
 * controller's CA. Nothing here logs: the caller (deliver.c) decides what
 * to say, and err never holds the token.
 */
#include "events/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh/buf.h"
#include "dh/http_client.h"
#include "dh/proto.h"
#include "dh/sign.h"

#define RESPONSE_MAX 4096 /* bytes of a response body we keep for messages */

struct dh_report {
	struct dh_http_client *http;
};

struct dh_report *
dh_report_new(const char *ca_file, long connect_timeout_s, long timeout_s, struct dh_err *err)
{
	struct dh_http_client_opts o = { .ca_file = ca_file,
		.connect_timeout_s =
			connect_timeout_s > 0 ? connect_timeout_s : DH_REPORT_CONNECT_TIMEOUT_S,
		.timeout_s = timeout_s > 0 ? timeout_s : DH_REPORT_TIMEOUT_S,
		.body_max = RESPONSE_MAX,
		.user_agent = "drillhall-agent/" DH_VERSION };
	struct dh_http_client *http = dh_http_client_new(&o, err);
	struct dh_report *r;

	if (http == NULL)
		return NULL;
	r = dh_xcalloc(1, sizeof(*r));
	r->http = http;
	return r;
}

void
dh_report_free(struct dh_report *r)
{
	if (r == NULL)
		return;
	dh_http_client_free(r->http);
	free(r);
}

/* The answer as one line of printable text, for messages. */
static void
printable(const struct dh_http_response *resp, char *out, size_t outsz)
{
	size_t i = 0;

	for (; i < resp->len && i + 1 < outsz; i++)
		out[i] = resp->body[i] >= 0x20 && resp->body[i] < 0x7f ? resp->body[i] : ' ';
	out[i] = '\0';
}

static enum dh_report_outcome
classify(const struct dh_http_response *resp, struct dh_err *err)
{
	long code = resp->status;
	char why[201];

	if (code >= 200 && code <= 299)
		return DH_REPORT_DELIVERED;
	printable(resp, why, sizeof(why));
	if (code >= 400 && code <= 499 && code != 408 && code != 429) {
		dh_err_set(err, DH_EREFUSED, "controller refused the event: HTTP %ld %s", code,
			why);
		return DH_REPORT_REJECTED;
	}
	dh_err_set(err, DH_ENET, "controller answered HTTP %ld %s", code, why);
	return DH_REPORT_RETRY;
}

enum dh_report_outcome
dh_report_post(struct dh_report *r, const char *url, const char *job, const char *token,
	const char *body, size_t len, long *status, struct dh_err *err)
{
	char sig[DH_SIGN_VALUE_MAX], hdr[DH_SIGN_VALUE_MAX + 64];
	const char *hdrs[] = { "Content-Type: application/json", hdr, NULL };
	struct dh_http_response resp;
	struct dh_err terr;
	enum dh_report_outcome out;
	size_t ulen = url != NULL ? strlen(url) : 0;
	char *target = NULL;

	*status = 0;
	if (dh_http_url_check(url, err) != 0)
		return DH_REPORT_REJECTED;
	if (!dh_proto_is_job_id(job)) {
		dh_err_set(err, DH_EREFUSED, "refusing to send: not a job id");
		return DH_REPORT_REJECTED;
	}
	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	target = dh_xasprintf("%.*s/api/v1/jobs/%s/events", (int)ulen, url, job);
	dh_sign_make(token, time(NULL), body, len, sig, sizeof(sig));
	snprintf(hdr, sizeof(hdr), "%s: %s", DH_SIGN_HEADER, sig);
	dh_err_clear(&terr);
	if (dh_http_client_post(r->http, target, hdrs, body, len, &resp, &terr) != 0) {
		dh_err_set(err, DH_ENET, "cannot reach the controller: %s", terr.msg);
		out = DH_REPORT_RETRY;
		goto out;
	}
	*status = resp.status;
	out = classify(&resp, err);
out:
	explicit_bzero(hdr, sizeof(hdr));
	free(target);
	return out;
}
