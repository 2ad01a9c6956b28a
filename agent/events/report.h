/*
 * Sending one event to the controller (SPEC "Events to the controller"):
 * POST {url}/api/v1/jobs/{job}/events, JSON body, signed with the job
 * token in the X-Drillhall-Signature header, over HTTPS with certificate
 * verification (plain HTTP only to a loopback controller), through the
 * shared HTTP client (dh/http_client.h), whose one handle is reused for
 * all posts so the connection is kept alive. Called by deliver.c.
 */
#ifndef DH_REPORT_H
#define DH_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/err.h"

#define DH_REPORT_CONNECT_TIMEOUT_S 10
#define DH_REPORT_TIMEOUT_S 30

enum dh_report_outcome {
	DH_REPORT_DELIVERED, /* 2xx: the controller has it */
	DH_REPORT_RETRY,     /* network, 5xx, 408, 429, 3xx: try again later */
	DH_REPORT_REJECTED,  /* any other 4xx, or a URL we refuse: never again */
};

struct dh_report;

/*
 * A sender. ca_file NULL = the system's CAs; timeouts <= 0 take the
 * defaults above. Returns NULL only when libcurl cannot start (err set).
 */
struct dh_report *dh_report_new(const char *ca_file, long connect_timeout_s, long timeout_s,
	struct dh_err *err);
void dh_report_free(struct dh_report *r);

/*
 * POST body for job to base url, signed with token at the current time.
 * *status gets the HTTP status (0 when none came). err says why for
 * RETRY and REJECTED; it never contains the token.
 */
enum dh_report_outcome dh_report_post(struct dh_report *r, const char *url, const char *job,
	const char *token, const char *body, size_t len, long *status, struct dh_err *err);

#endif
