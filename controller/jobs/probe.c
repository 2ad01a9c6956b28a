/*
 * Health probes from the controller (jobs/probe.h).
 */
#include "jobs/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dh/err.h"
#include "dh/http_client.h"

static int
bound_ms(double timeout_s)
{
	if (timeout_s < 1)
		timeout_s = 1;
	if (timeout_s > 60)
		timeout_s = 60;
	return (int)(timeout_s * 1000);
}

/* One address: 0 connected, else errno (ETIMEDOUT when no answer in time). */
static int
connect_one(const struct addrinfo *ai, int ms)
{
	struct pollfd pfd;
	int fd, e = 0;
	socklen_t el = sizeof(e);

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		     ai->ai_protocol)) < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		e = errno;
		if (e == EINPROGRESS) {
			pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, ms) <= 0)
				e = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
				e = errno;
		}
	}
	close(fd);
	return e;
}

int
dh_probe_tcp(const char *host, int port, double timeout_s, char *detail, size_t n)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char service[16];
	int ms = bound_ms(timeout_s), e = ENOENT, g;

	snprintf(service, sizeof(service), "%d", port);
	if ((g = getaddrinfo(host, service, &hints, &res)) != 0) {
		snprintf(detail, n, "tcp %s:%d: %s", host, port, gai_strerror(g));
		return DH_ENET;
	}
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
		if ((e = connect_one(ai, ms)) == 0)
			break;
	freeaddrinfo(res);
	if (e == 0) {
		snprintf(detail, n, "tcp %s:%d accepts connections", host, port);
		return 0;
	}
	if (e == ETIMEDOUT)
		snprintf(detail, n, "tcp %s:%d: no answer within %d ms", host, port, ms);
	else
		snprintf(detail, n, "tcp %s:%d: %s", host, port, strerror(e));
	return e == ETIMEDOUT ? DH_ETIMEOUT : DH_ENET;
}

int
dh_probe_http(const char *url, double timeout_s, char *detail, size_t n)
{
	long secs = (bound_ms(timeout_s) + 999) / 1000;
	struct dh_http_client_opts o = { .connect_timeout_s = secs, .timeout_s = secs };
	struct dh_http_client *c;
	struct dh_http_response resp;
	struct dh_err err;
	int r;

	dh_err_clear(&err);
	if ((c = dh_http_client_new(&o, &err)) == NULL) {
		snprintf(detail, n, "http %s: %s", url, err.msg);
		return DH_ESYS;
	}
	if ((r = dh_http_client_get(c, url, &resp, &err)) != 0)
		snprintf(detail, n, "http %s: %s", url, err.msg);
	else if (resp.status < 200 || resp.status > 299)
		r = DH_EREFUSED;
	if (resp.status != 0)
		snprintf(detail, n, "http %s: status %ld", url, resp.status);
	dh_http_client_free(c);
	return r;
}
