/*
 * The libmicrohttpd adapter (http/httpd.h): the only file that includes
 * <microhttpd.h>. It owns the listening socket (bound here so "address in
 * use" is a clear answer and loopback can be enforced for plain HTTP), TLS
 * setup, body limits (Content-Length checked before the body is read, and
 * bytes counted while it arrives, against the matched route's limit),
 * matching requests to the caller's route table, the guard call, and the
 * rejection log. The routes themselves belong to the caller (the receiver
 * passes the event endpoint's and /healthz). Handlers see only struct
 * dh_http_req. libmicrohttpd runs one thread per connection, so a handler
 * that waits for a group commit blocks only its own agent.
 */
#include "http/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dh/log.h"
#include "dh/buf.h"

#define TLS_FILE_MAX (256 * 1024)
#define DRAIN_FACTOR 4 /* a body up to 4 x the limit is read and dropped before a 413 */

/* One open connection, watched for the whole-request deadline. */
struct watch {
	struct watch *next, *prev;
	int fd;
	time_t start; /* monotonic: opened, or last answered */
	bool busy;    /* the request arrived whole: its handler runs */
	bool cut;
	char peer[DH_HTTPD_PEER_MAX];
};

struct dh_httpd {
	struct MHD_Daemon *mhd;
	pthread_mutex_t mu; /* watches, stopping, the log bucket */
	pthread_cond_t cond;
	pthread_t watchdog;
	bool watching, stopping;
	struct watch *watches;
	double tokens; /* rejection lines that may be logged now */
	time_t refilled;
	unsigned long suppressed;
	struct dh_httpd_config cfg;
	struct dh_http_route *routes; /* the caller's table, copied */
	uint16_t port;
	char *cert, *key; /* PEM in memory for libmicrohttpd */
};

/* Per-request state between libmicrohttpd's calls. */
struct conn_ctx {
	const struct dh_http_route *route; /* NULL: 404 or 405 */
	bool wrong_method;
	struct dh_http_req req; /* params filled when route is set */
	size_t body_max;
	struct dh_buf body;
	size_t seen;
	bool too_big;
};

int
dh_httpd_parse_listen(const char *listen, char *addr, size_t addrsz, uint16_t *port,
	struct dh_err *err)
{
	const char *colon = listen ? strrchr(listen, ':') : NULL;
	const char *a = listen;
	size_t alen;
	char *end;
	unsigned long p;

	if (colon == NULL || colon == listen || colon[1] == '\0')
		return dh_err_set(err, DH_EINVAL, "listen address '%s' is not ADDRESS:PORT",
			listen ? listen : "");
	alen = (size_t)(colon - listen);
	if (a[0] == '[') {
		if (alen < 3 || a[alen - 1] != ']')
			return dh_err_set(err, DH_EINVAL, "listen address '%s': bad [IPv6]",
				listen);
		a++;
		alen -= 2;
	}
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || errno || p > 65535 || alen >= addrsz)
		return dh_err_set(err, DH_EINVAL, "listen address '%s': bad port", listen);
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static bool
sa_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a6) ||
			(IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
	}
	return false;
}

bool
dh_httpd_is_loopback(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL, *p;
	bool all = true;

	if (getaddrinfo(addr, NULL, &hints, &ai) != 0)
		return false;
	for (p = ai; p != NULL; p = p->ai_next)
		all = all && sa_is_loopback(p->ai_addr);
	freeaddrinfo(ai);
	return all;
}

static void
peer_name(struct MHD_Connection *c, char *out, size_t outsz)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	socklen_t len;

	snprintf(out, outsz, "unknown");
	if (sa == NULL)
		return;
	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	snprintf(out, outsz, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
}

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * A token bucket: log_per_s lines a second, as many in a burst. True when
 * this rejection may be logged; *missed gets the count suppressed since
 * the last logged one. Called with h->mu held.
 */
static bool
log_allowed(struct dh_httpd *h, unsigned long *missed)
{
	time_t now = mono_now();
	double rate = h->cfg.log_per_s;

	h->tokens += rate * (double)(now - h->refilled);
	h->refilled = now;
	if (h->tokens > rate)
		h->tokens = rate;
	*missed = 0;
	if (h->tokens < 1.0) {
		h->suppressed++;
		return false;
	}
	h->tokens -= 1.0;
	*missed = h->suppressed;
	h->suppressed = 0;
	return true;
}

/* Whether a line may be logged now; first says how many were not. */
static bool
log_take(struct dh_httpd *h)
{
	unsigned long missed;
	bool ok;

	pthread_mutex_lock(&h->mu);
	ok = log_allowed(h, &missed);
	pthread_mutex_unlock(&h->mu);
	if (ok && missed > 0)
		dh_log_warn("%lu more rejections suppressed", missed);
	return ok;
}

/* One rejection line from peer, at a bounded rate; the log escapes it. */
static void
log_line(struct dh_httpd *h, const char *peer, const char *method, const char *url, int status,
	const char *why)
{
	if (h->cfg.quiet || !log_take(h))
		return;
	/* bounded here; the log escapes whatever the client sent (dh/log.h) */
	dh_log_warn("rejected %.16s %.160s from %s: %d %.200s", method ? method : "-",
		url ? url : "-", peer, status, why);
}

/* libmicrohttpd's own messages: escaped, bounded, at the same rate. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	struct dh_httpd *h = cls;
	char line[300];

	if (h->cfg.quiet)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (!log_take(h))
		return;
	dh_log_warn("http: %s", line);
}

static void
log_rejection(struct dh_httpd *h, struct MHD_Connection *c, const char *method, const char *url,
	const struct dh_http_resp *resp)
{
	char peer[DH_HTTPD_PEER_MAX];

	if (resp->status < 400 || h->cfg.quiet)
		return;
	peer_name(c, peer, sizeof(peer));
	log_line(h, peer, method, url, resp->status, resp->why);
}

static enum MHD_Result
reply(struct dh_httpd *h, struct MHD_Connection *c, const char *method, const char *url,
	struct dh_http_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *body = resp->body ? resp->body : dh_xstrdup("");

	log_rejection(h, c, method, url, resp);
	r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	resp->body = NULL;
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		resp->content_type ? resp->content_type : "application/json");
	for (size_t i = 0; i < resp->nheaders && i < DH_HTTP_RESP_HEADERS; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	ret = MHD_queue_response(c, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
set_error(struct dh_http_resp *resp, int status, const char *why)
{
	resp->status = status;
	snprintf(resp->why, sizeof(resp->why), "%s", why);
	free(resp->body);
	resp->body = dh_xasprintf("{\"error\":\"%s\"}", why);
}

const char *
dh_http_req_header(const struct dh_http_req *req, const char *name)
{
	return req->header != NULL ? req->header(req->conn, name) : NULL;
}

static const char *
conn_header(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

const char *
dh_http_req_query(const struct dh_http_req *req, const char *name)
{
	return req->query != NULL ? req->query(req->conn, name) : NULL;
}

static const char *
conn_query(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The route for method and url (params into req), or NULL. */
static const struct dh_http_route *
route_find(const struct dh_httpd *h, const char *method, const char *url, struct dh_http_req *req,
	bool *wrong_method)
{
	*wrong_method = false;
	for (size_t i = 0; i < h->cfg.nroutes; i++) {
		const struct dh_http_route *rt = &h->routes[i];

		if (!dh_http_route_match(rt->pattern, url, req))
			continue;
		if (strcmp(method, rt->method) != 0) {
			*wrong_method = true;
			dh_http_params_fini(req);
			continue;
		}
		return rt;
	}
	return NULL;
}

static void
size_text(size_t n, char *out, size_t outsz)
{
	if (n > 0 && n % (1024 * 1024) == 0)
		snprintf(out, outsz, "%zu MiB", n / (1024 * 1024));
	else if (n > 0 && n % 1024 == 0)
		snprintf(out, outsz, "%zu KiB", n / 1024);
	else
		snprintf(out, outsz, "%zu bytes", n);
}

static void
set_too_big(struct dh_http_resp *resp, size_t max, const char *more)
{
	char why[80], sz[32];

	size_text(max, sz, sizeof(sz));
	snprintf(why, sizeof(why), "body over %s%s", sz, more);
	set_error(resp, 413, why);
}

static enum MHD_Result
dispatch(struct dh_httpd *h, struct MHD_Connection *c, const char *url, const char *method,
	struct conn_ctx *ctx)
{
	struct dh_http_resp resp = { .status = 500 };
	struct dh_http_req *req = &ctx->req;
	const struct dh_http_route *rt = ctx->route;
	char peer[DH_HTTPD_PEER_MAX];
	enum MHD_Result ret;

	if (rt == NULL) {
		set_error(&resp, ctx->wrong_method ? 405 : 404,
			ctx->wrong_method ? "method not allowed" : "no such path");
		return reply(h, c, method, url, &resp);
	}
	peer_name(c, peer, sizeof(peer));
	req->method = method;
	req->path = url;
	req->peer = peer;
	req->header = conn_header;
	req->query = conn_query;
	req->conn = c;
	req->body = ctx->body.data ? ctx->body.data : "";
	req->len = ctx->body.len;
	if (rt->need <= DH_HTTP_NEED_SIGNED ||
		h->cfg.guard(h->cfg.guard_user, rt->need, req, &resp))
		rt->handler(rt->user, req, &resp);
	ret = reply(h, c, method, url, &resp);
	free(resp.body);
	return ret;
}

/* First call for a request: find its route, and answer now when far too big. */
static enum MHD_Result
begin(struct dh_httpd *h, struct MHD_Connection *c, const char *url, const char *method,
	void **con_cls)
{
	const char *cl =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct conn_ctx *ctx = dh_xcalloc(1, sizeof(*ctx));
	struct dh_http_resp resp = { 0 };

	dh_buf_init(&ctx->body);
	*con_cls = ctx;
	ctx->route = route_find(h, method, url, &ctx->req, &ctx->wrong_method);
	ctx->body_max = ctx->route ? ctx->route->body_max : DH_HTTPD_UNROUTED_BODY_MAX;
	/*
	 * Far too big: answer before reading (the connection closes).
	 * Somewhat too big: read and discard it, so the client, still
	 * sending, is not cut off before it sees the 413.
	 */
	if (cl != NULL && strtoull(cl, NULL, 10) > DRAIN_FACTOR * ctx->body_max) {
		ctx->too_big = true;
		set_too_big(&resp, ctx->body_max, "");
		return reply(h, c, method, url, &resp);
	}
	return MHD_YES;
}

/* The request on c arrived whole (busy), or was answered: a new deadline. */
static void
watch_mark(struct dh_httpd *h, struct MHD_Connection *c, bool busy)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;

	if (w == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	w->busy = busy;
	if (!busy)
		w->start = mono_now();
	pthread_mutex_unlock(&h->mu);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
	enum MHD_ConnectionNotificationCode toe)
{
	struct dh_httpd *h = cls;
	struct watch *w = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = dh_xcalloc(1, sizeof(*w));
		w->fd = ci ? ci->connect_fd : -1;
		w->start = mono_now();
		peer_name(c, w->peer, sizeof(w->peer));
		pthread_mutex_lock(&h->mu);
		w->next = h->watches;
		if (h->watches)
			h->watches->prev = w;
		h->watches = w;
		pthread_mutex_unlock(&h->mu);
		*socket_context = w;
		return;
	}
	if (w == NULL)
		return;
	/* libmicrohttpd closes the socket after this: no cut can follow */
	pthread_mutex_lock(&h->mu);
	if (w->prev)
		w->prev->next = w->next;
	else
		h->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&h->mu);
	free(w);
	*socket_context = NULL;
}

/*
 * Close w's late connection: plain HTTP gets a 408 first (nothing was sent
 * on it since its last answer). shutdown() wakes libmicrohttpd's thread.
 */
static void
cut(struct dh_httpd *h, struct watch *w)
{
	static const char late[] = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
				   "Content-Length: 0\r\n\r\n";

	if (h->cert == NULL)
		(void)!send(w->fd, late, sizeof(late) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(w->fd, SHUT_RDWR);
	w->cut = true;
}

static void *
watchdog(void *arg)
{
	struct dh_httpd *h = arg;
	char peers[8][DH_HTTPD_PEER_MAX];
	size_t n;

	pthread_mutex_lock(&h->mu);
	while (!h->stopping) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&h->cond, &h->mu, &ts);
		n = 0;
		for (struct watch *w = h->watches; w != NULL; w = w->next) {
			if (w->busy || w->cut || w->fd < 0 ||
				mono_now() - w->start < (time_t)h->cfg.request_timeout_s)
				continue;
			cut(h, w);
			if (n < 8)
				snprintf(peers[n++], DH_HTTPD_PEER_MAX, "%s", w->peer);
		}
		pthread_mutex_unlock(&h->mu);
		for (size_t i = 0; i < n; i++)
			log_line(h, peers[i], "-", "-", 408, "request not whole in time, closed");
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct dh_httpd *h = cls;
	struct conn_ctx *ctx = *con_cls;
	struct dh_http_resp resp = { 0 };

	if (ctx == NULL)
		return begin(h, c, url, method, con_cls);
	if (*upload_size > 0) {
		ctx->seen += *upload_size;
		if (ctx->seen > DRAIN_FACTOR * ctx->body_max) {
			/* No answer can be queued mid-upload: log it and hang up. */
			set_too_big(&resp, ctx->body_max, ", connection closed");
			log_rejection(h, c, method, url, &resp);
			free(resp.body);
			return MHD_NO;
		}
		if (ctx->seen > ctx->body_max) {
			ctx->too_big = true;
			dh_buf_fini(&ctx->body);
		} else {
			dh_buf_append(&ctx->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	watch_mark(h, c, true);
	if (ctx->too_big) {
		set_too_big(&resp, ctx->body_max, "");
		return reply(h, c, method, url, &resp);
	}
	return dispatch(h, c, url, method, ctx);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	watch_mark(cls, c, false);
	if (ctx == NULL)
		return;
	dh_http_params_fini(&ctx->req);
	dh_buf_fini(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

static int
bind_listen(const char *addr, uint16_t port, int *fd_out, uint16_t *bound, struct dh_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char ps[8];
	int fd = -1, one = 1, r;

	snprintf(ps, sizeof(ps), "%u", port);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0 || ai == NULL)
		return dh_err_set(err, DH_EINVAL, "cannot resolve listen address '%s'", addr);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = dh_err_sys(err, DH_ENET, "socket");
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		r = errno == EADDRINUSE ? dh_err_set(err, DH_EEXIST, "%s:%u is in use", addr, port)
					: dh_err_sys(err, DH_ENET, "cannot bind %s:%u", addr, port);
		goto out;
	}
	if (listen(fd, 512) != 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		r = dh_err_sys(err, DH_ENET, "cannot listen on %s:%u", addr, port);
		goto out;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	fd = -1;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return r;
}

static int
load_tls(struct dh_httpd *h, const struct dh_httpd_config *cfg, struct dh_err *err)
{
	struct dh_buf b;
	int r;

	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
		return dh_err_set(err, DH_EINVAL, "tls_cert and tls_key go together");
	if (cfg->tls_cert == NULL)
		return 0;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
		return dh_err_set(err, DH_EREFUSED, "this libmicrohttpd has no TLS support");
	dh_buf_init(&b);
	if ((r = dh_file_read(cfg->tls_cert, TLS_FILE_MAX, &b, err)) != 0)
		return r;
	h->cert = dh_buf_take(&b);
	if ((r = dh_file_read(cfg->tls_key, TLS_FILE_MAX, &b, err)) != 0)
		return r;
	h->key = dh_buf_take(&b);
	return 0;
}

static void
fill_defaults(struct dh_httpd_config *c)
{
	if (c->request_timeout_s == 0)
		c->request_timeout_s = DH_HTTPD_REQUEST_TIMEOUT_S;
	if (c->per_peer_max == 0)
		c->per_peer_max = DH_HTTPD_PER_PEER_MAX;
	if (c->log_per_s == 0)
		c->log_per_s = DH_HTTPD_LOG_PER_S;
}

int
dh_httpd_start(struct dh_httpd **out, const struct dh_httpd_config *cfg, struct dh_err *err)
{
	struct dh_httpd *h = dh_xcalloc(1, sizeof(*h));
	unsigned int flags =
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	char addr[256];
	uint16_t port;
	int fd = -1, r;

	h->cfg = *cfg;
	fill_defaults(&h->cfg);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->tokens = h->cfg.log_per_s;
	h->refilled = mono_now();
	h->routes = dh_xcalloc(cfg->nroutes + 1, sizeof(*h->routes));
	for (size_t i = 0; i < cfg->nroutes; i++) {
		if ((r = dh_http_route_check(&cfg->routes[i], cfg, err)) != 0)
			goto out;
		h->routes[i] = cfg->routes[i];
	}
	h->cfg.routes = h->routes;
	if ((r = dh_httpd_parse_listen(cfg->listen, addr, sizeof(addr), &port, err)) != 0 ||
		(r = load_tls(h, cfg, err)) != 0)
		goto out;
	if (h->cert == NULL && !dh_httpd_is_loopback(addr)) {
		r = dh_err_set(err, DH_EREFUSED,
			"refusing plain HTTP on %s: it is not a "
			"loopback address (set tls_cert and tls_key)",
			cfg->listen);
		goto out;
	}
	if ((r = bind_listen(addr, port, &fd, &h->port, err)) != 0)
		goto out;
	if (h->cert)
		flags |= MHD_USE_TLS;
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_logger, h, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, h, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)DH_HTTPD_CONN_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->cfg.per_peer_max,
		MHD_OPTION_CONNECTION_TIMEOUT, h->cfg.request_timeout_s,
		h->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, h->cert,
		MHD_OPTION_HTTPS_MEM_KEY, h->key, MHD_OPTION_END);
	if (h->mhd == NULL) {
		close(fd);
		r = dh_err_set(err, DH_ENET, "cannot start the HTTP server on %s%s", cfg->listen,
			h->cert ? " (check tls_cert and tls_key)" : "");
		goto out;
	}
	if (pthread_create(&h->watchdog, NULL, watchdog, h) != 0) {
		r = dh_err_set(err, DH_ESYS, "cannot start the request watchdog");
		goto out;
	}
	h->watching = true;
	*out = h;
	h = NULL;
	r = 0;
out:
	dh_httpd_stop(h);
	return r;
}

uint16_t
dh_httpd_port(const struct dh_httpd *h)
{
	return h->port;
}

void
dh_httpd_stop(struct dh_httpd *h)
{
	if (h == NULL)
		return;
	if (h->watching) {
		pthread_mutex_lock(&h->mu);
		h->stopping = true;
		pthread_cond_signal(&h->cond);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->watchdog, NULL);
	}
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	free(h->routes);
	free(h->cert);
	if (h->key) {
		explicit_bzero(h->key, strlen(h->key));
		free(h->key);
	}
	free(h);
}
