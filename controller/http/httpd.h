/*
 * The controller's HTTP(S) server (libmicrohttpd adapter, controller/
 * httpd.c). It binds the `listen` address itself (so a caller learns that
 * another process holds it, and port 0 gives an ephemeral port), refuses
 * plain HTTP on a non-loopback address, serves TLS from the configured
 * certificate and key, bounds every request body, and dispatches through a
 * route table to handlers that see a plain request, never a libmicrohttpd
 * type. Every rejection (4xx) is logged to stderr with the peer address.
 */
#ifndef DH_HTTPD_H
#define DH_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/err.h"

#define DH_HTTPD_BODY_MAX (1024 * 1024) /* SPEC: 413 over 1 MiB */
#define DH_HTTPD_PEER_MAX 64

/* A request as a handler sees it; all pointers borrowed for the call. */
struct dh_http_req {
	const char *method;
	const char *path;
	const char *param;      /* the {job} of a route pattern, or NULL */
	const char *peer;       /* "127.0.0.1:50412", "[::1]:50412" */
	const char *signature;  /* X-Drillhall-Signature header or NULL */
	const char *body;       /* NUL-terminated, len bytes */
	size_t len;
};

/* A handler's answer: status, a body it allocated, and for a 4xx the reason to log. */
struct dh_http_resp {
	int status;
	char *body;             /* caller-owned (httpd frees it); NULL = empty */
	const char *content_type;
	char why[200];          /* logged with the peer for 4xx/5xx; never a secret */
};

typedef void (*dh_http_handler)(void *user, const struct dh_http_req *req,
	struct dh_http_resp *resp);

struct dh_httpd_config {
	const char *listen;     /* "ADDRESS:PORT", "[::1]:PORT"; port 0 = ephemeral */
	const char *tls_cert;   /* PEM files; both NULL = plain HTTP (loopback only) */
	const char *tls_key;
	dh_http_handler events; /* POST /api/v1/jobs/{job}/events */
	void *user;             /* passed to handlers */
	bool quiet;             /* do not log rejections (benchmarks) */
};

struct dh_httpd;

/*
 * Bind and start serving in libmicrohttpd's threads. Returns 0,
 * DH_EINVAL (bad listen address, only one of cert/key), DH_EREFUSED
 * (plain HTTP on a non-loopback address, or TLS unsupported), DH_EEXIST
 * (the address is in use: another serve holds it), DH_EIO (cert/key
 * unreadable) or DH_ENET.
 */
int dh_httpd_start(struct dh_httpd **out, const struct dh_httpd_config *cfg,
	struct dh_err *err);
/* The bound port (useful after port 0). */
uint16_t dh_httpd_port(const struct dh_httpd *h);
/* Stop serving, wait for handlers to return, free. NULL is a no-op. */
void dh_httpd_stop(struct dh_httpd *h);

/*
 * Parse "ADDRESS:PORT" into numeric address and port; 0 or DH_EINVAL.
 * dh_httpd_is_loopback says whether address (numeric or "localhost") is
 * 127.0.0.0/8 or ::1.
 */
int dh_httpd_parse_listen(const char *listen, char *addr, size_t addrsz,
	uint16_t *port, struct dh_err *err);
bool dh_httpd_is_loopback(const char *addr);

#endif
