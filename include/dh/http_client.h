/*
 * An HTTP(S) client for both programs (the libcurl adapter,
 * agent/common/http_client.c): the agent posts its events to the
 * controller through it (agent/events/report.c), and the controller will
 * post notifications (webhooks) the same way. One client keeps one
 * reusable connection handle, so posts to the same server reuse the
 * connection; a client is for one thread at a time. TLS peer and host
 * verification are always on; a CA file may pin the server's CA. Nothing
 * here logs or prints: what went wrong comes back in struct dh_err, whose
 * message never holds the URL, a header or the body (they may carry a
 * token or a webhook secret).
 */
#ifndef DH_HTTP_CLIENT_H
#define DH_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/err.h"

#define DH_HTTP_CLIENT_CONNECT_TIMEOUT_S 10
#define DH_HTTP_CLIENT_TIMEOUT_S 30
#define DH_HTTP_CLIENT_BODY_MAX 4096 /* response bytes kept by default */

struct dh_http_client_opts {
	const char *ca_file;    /* PEM CA bundle; NULL = the system's CAs */
	long connect_timeout_s; /* <= 0: DH_HTTP_CLIENT_CONNECT_TIMEOUT_S */
	long timeout_s;         /* the whole transfer; <= 0: DH_HTTP_CLIENT_TIMEOUT_S */
	size_t body_max;        /* response body bytes kept; 0: DH_HTTP_CLIENT_BODY_MAX */
	const char *user_agent; /* NULL: "drillhall/VERSION" */
};

/* What came back; body is the client's until its next post or free. */
struct dh_http_response {
	long status;      /* HTTP status; 0 when no answer came */
	const char *body; /* NUL-terminated, the first len bytes ("" when none) */
	size_t len;       /* <= body_max */
	bool truncated;   /* the body was longer; the rest was read and dropped */
};

struct dh_http_client;

/*
 * A client; opts may be NULL (all defaults). Strings in opts are copied.
 * Returns NULL only when libcurl cannot start (err set, DH_ESYS).
 */
struct dh_http_client *dh_http_client_new(const struct dh_http_client_opts *opts,
	struct dh_err *err);
/* NULL is a no-op. */
void dh_http_client_free(struct dh_http_client *c);

/*
 * POST len bytes of body to url (http or https; redirects are not
 * followed) with headers, a NULL-terminated list of "Name: value" (NULL
 * for none). Returns 0 when an HTTP answer came, whatever its status
 * (resp->status says which), or: DH_ETIMEOUT when a timeout passed,
 * DH_EINVAL for a URL that cannot be used, DH_ENET for any other
 * transfer failure (refused connection, unknown host, failed TLS
 * verification). On failure resp->status is 0 and err has libcurl's
 * reason.
 */
/*
 * Whether url may carry a job's events: parsed with libcurl's URL API (the
 * same parser that later connects), the scheme is https, or http only when
 * the host libcurl will connect to is a loopback address (127.0.0.0/8 in any
 * form libcurl accepts, such as 2130706433 or 0x7f.1, which it normalises;
 * [::1]; [::ffff:127.x.y.z]; "localhost" in any case, not "localhost.").
 * User information ("user@", "a:b@") is refused, as are control
 * characters and spaces. Returns 0, or DH_EREFUSED with the reason in err
 * (the reason never holds the URL).
 */
int dh_http_url_check(const char *url, struct dh_err *err);

int dh_http_client_post(struct dh_http_client *c, const char *url, const char *const *headers,
	const char *body, size_t len, struct dh_http_response *resp, struct dh_err *err);

/*
 * GET url (http or https, TLS verified, redirects not followed), as the
 * controller's drill probes `http URL` (SPEC "Failover drill"): returns
 * as dh_http_client_post does, resp->status says the answer.
 */
int dh_http_client_get(struct dh_http_client *c, const char *url, struct dh_http_response *resp,
	struct dh_err *err);

#endif
