/*
 * The controller's HTTP(S) server (libmicrohttpd adapter, http/httpd.c).
 * It binds the `listen` address itself (so a caller learns that another
 * process holds it, and port 0 gives an ephemeral port), refuses plain
 * HTTP on a non-loopback address, serves TLS from the configured
 * certificate and key, bounds every request body by its route's limit,
 * and dispatches through a route table that the caller passes in at start
 * (the event API, /healthz, later /metrics and pages) to handlers that see
 * a plain request, never a libmicrohttpd type. Every rejection (4xx) is
 * logged with the peer address, escaped and at a bounded rate; a request
 * must arrive whole within a deadline, and one address may hold only so
 * many connections.
 */
#ifndef DH_HTTPD_H
#define DH_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/err.h"

#define DH_HTTPD_PEER_MAX 64
#define DH_HTTP_PARAMS_MAX 4                   /* {name} segments in one pattern */
#define DH_HTTP_PARAM_NAME_MAX 24              /* bytes of a {name}, with its NUL */
#define DH_HTTPD_UNROUTED_BODY_MAX (64 * 1024) /* read before a 404/405 */
#define DH_HTTPD_REQUEST_TIMEOUT_S 30          /* a request arrives whole within this */
#define DH_HTTPD_PER_PEER_MAX 16               /* connections from one address */
#define DH_HTTPD_CONN_MAX 1024                 /* connections in all */
#define DH_HTTPD_LOG_PER_S 10                  /* rejection lines a second (and burst) */

/* One {name} of a route pattern and the path segment it matched. */
struct dh_http_param {
	char name[DH_HTTP_PARAM_NAME_MAX];
	char *value; /* owned by httpd for the call */
};

/* A request as a handler sees it; all pointers borrowed for the call. */
struct dh_http_req {
	const char *method;
	const char *path;
	const char *peer; /* "127.0.0.1:50412", "[::1]:50412" */
	const char *body; /* NUL-terminated, len bytes */
	size_t len;
	struct dh_http_param params[DH_HTTP_PARAMS_MAX];
	size_t nparams;
	/* Header lookup (case-insensitive name); set by httpd, or by a test. */
	const char *(*header)(void *conn, const char *name);
	const char *(*query)(void *conn, const char *name);
	void *conn;
};

/* The path segment matched by {name}, or NULL. */
const char *dh_http_req_param(const struct dh_http_req *req, const char *name);
/* A request header's value, or NULL when absent. */
const char *dh_http_req_header(const struct dh_http_req *req, const char *name);
/* A query argument's value ("?as_of=..."), decoded by libmicrohttpd, or NULL when absent. */
const char *dh_http_req_query(const struct dh_http_req *req, const char *name);

#define DH_HTTP_RESP_HEADERS 8       /* extra headers of one answer */
#define DH_HTTP_HEADER_VALUE_MAX 320 /* bytes of one, with its NUL */

/* A handler's answer: status, a body it allocated, and for a 4xx the reason to log. */
struct dh_http_resp {
	int status;
	char *body; /* caller-owned (httpd frees it); NULL = empty */
	const char *content_type;
	char why[200]; /* logged with the peer for 4xx/5xx; never a secret */
	/* more headers (Set-Cookie, Location, Cache-Control), sent as given */
	struct {
		char name[32];
		char value[DH_HTTP_HEADER_VALUE_MAX];
	} headers[DH_HTTP_RESP_HEADERS];
	size_t nheaders;
};

typedef void (
	*dh_http_handler)(void *user, const struct dh_http_req *req, struct dh_http_resp *resp);

/*
 * What a request must show before its route's handler runs. NONE and
 * SIGNED routes go straight to the handler (a signed route's handler
 * checks the per-job signature itself); the others go through the
 * configured guard first, and httpd refuses to start with such a route
 * but no guard, so a page is never served unguarded by mistake.
 */
enum dh_http_need {
	DH_HTTP_NEED_NONE,     /* anyone: /healthz, the login form */
	DH_HTTP_NEED_SIGNED,   /* the handler checks a signature: the event API */
	DH_HTTP_NEED_TOKEN,    /* a bearer token, or a loopback peer: /metrics */
	DH_HTTP_NEED_AUDITOR,  /* a session whose user reads: pages */
	DH_HTTP_NEED_OPERATOR, /* a session whose user may act: POST /systems/ID/run */
};

/*
 * One route. pattern is '/'-separated; a segment "{name}" matches one
 * non-empty segment, found by dh_http_req_param(req, "name"); other
 * segments match exactly. A path that matches with another method is
 * answered 405, no match 404. A body over body_max bytes is answered 413
 * (0: the route takes no body).
 */
struct dh_http_route {
	const char *method;  /* "GET", "POST" */
	const char *pattern; /* "/api/v1/jobs/{job}/events" */
	dh_http_handler handler;
	void *user; /* passed to handler */
	size_t body_max;
	enum dh_http_need need;
};

/*
 * The guard for routes that need more than NONE or SIGNED: true lets the
 * request through; false means it filled resp (401, 403, a redirect).
 */
typedef bool (*dh_http_guard)(void *user, enum dh_http_need need, const struct dh_http_req *req,
	struct dh_http_resp *resp);

struct dh_httpd_config {
	const char *listen;   /* "ADDRESS:PORT", "[::1]:PORT"; port 0 = ephemeral */
	const char *tls_cert; /* PEM files; both NULL = plain HTTP (loopback only) */
	const char *tls_key;
	const struct dh_http_route *routes; /* copied at start; strings and */
	size_t nroutes;                     /* users borrowed until stop */
	dh_http_guard guard;                /* NULL: only NONE and SIGNED routes allowed */
	void *guard_user;
	bool quiet; /* do not log rejections (benchmarks) */
	/*
	 * 0 means the DH_HTTPD_* default. A connection whose request has not
	 * arrived whole request_timeout_s after it opened (or after its last
	 * answer) is answered 408 (plain HTTP) and closed, however steadily it
	 * trickles bytes. More than per_peer_max connections from one address
	 * are refused at accept. At most log_per_s rejection lines a second
	 * are logged; the rest are counted in one "N more rejections
	 * suppressed" line when logging resumes.
	 */
	unsigned request_timeout_s;
	unsigned per_peer_max;
	unsigned log_per_s;
};

struct dh_httpd;

/*
 * Bind and start serving in libmicrohttpd's threads. Returns 0,
 * DH_EINVAL (bad listen address, only one of cert/key, a malformed
 * pattern, a guarded route without a guard), DH_EREFUSED
 * (plain HTTP on a non-loopback address, or TLS unsupported), DH_EEXIST
 * (the address is in use: another serve holds it), DH_EIO (cert/key
 * unreadable) or DH_ENET.
 */
int dh_httpd_start(struct dh_httpd **out, const struct dh_httpd_config *cfg, struct dh_err *err);
/* The bound port (useful after port 0). */
uint16_t dh_httpd_port(const struct dh_httpd *h);
/* Stop serving, wait for handlers to return, free. NULL is a no-op. */
void dh_httpd_stop(struct dh_httpd *h);

/*
 * Parse "ADDRESS:PORT" into numeric address and port; 0 or DH_EINVAL.
 * dh_httpd_is_loopback says whether address (numeric or "localhost") is
 * 127.0.0.0/8 or ::1.
 */
int dh_httpd_parse_listen(const char *listen, char *addr, size_t addrsz, uint16_t *port,
	struct dh_err *err);
bool dh_httpd_is_loopback(const char *addr);

/* Route patterns (http/route.c), for httpd.c and its tests. */

/*
 * Whether url matches pattern pat segment by segment; on a match the
 * {name} segments go into req->params (owned, dh_http_params_fini).
 */
bool dh_http_route_match(const char *pat, const char *url, struct dh_http_req *req);

/* Free req's params and set nparams to 0. */
void dh_http_params_fini(struct dh_http_req *req);

/*
 * A pattern httpd can match ("/" segments, {name}s that fit) with a
 * method and handler, and a guard (cfg->guard) when the route needs one.
 * 0 or DH_EINVAL with err naming the route.
 */
int dh_http_route_check(const struct dh_http_route *rt, const struct dh_httpd_config *cfg,
	struct dh_err *err);

#endif
