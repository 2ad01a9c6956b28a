/*
 * The HTTP server's limits against hostile clients (http/httpd.c), over
 * real sockets made here: a client that trickles one byte a second is
 * answered 408 and closed once the whole-request deadline (3 s here)
 * passes, while a normal request on another connection is answered 200
 * during the trickle; more connections from one address than the per-peer
 * limit are refused while another address (127.0.0.2) is served; and a
 * burst of bad requests logs at most the bucket's lines plus one
 * "N more rejections suppressed" line, each rejection on one escaped line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dh/log.h"
#include "http/httpd.h"

static void
ok(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	resp->status = 200;
	resp->body = strdup("{}");
}

static const struct dh_http_route routes[] = {
	{ .method = "POST", .pattern = "/in", .handler = ok, .body_max = 1024 },
};

static struct dh_httpd *
start(unsigned timeout_s, unsigned per_peer, unsigned log_per_s)
{
	struct dh_httpd_config hc = { .listen = "127.0.0.1:0",
		.routes = routes,
		.nroutes = 1,
		.request_timeout_s = timeout_s,
		.per_peer_max = per_peer,
		.log_per_s = log_per_s };
	struct dh_httpd *h = NULL;
	struct dh_err err;

	assert_int_equal(dh_httpd_start(&h, &hc, &err), 0);
	return h;
}

/* A connected socket from source address src to the server. */
static int
dial(struct dh_httpd *h, const char *src)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, s = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, src, &s.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	a.sin_port = htons(dh_httpd_port(h));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Read the answer until EOF or wait_ms; its status (0: none, closed). */
static int
answer(int fd, int wait_ms)
{
	char buf[512] = "";
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t r;

	while (n + 1 < sizeof(buf) && poll(&p, 1, wait_ms) == 1) {
		r = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (strstr(buf, "\r\n\r\n") != NULL && strstr(buf, " 200 ") != NULL)
			break;
	}
	buf[n] = '\0';
	return strncmp(buf, "HTTP/1.1 ", 9) == 0 ? atoi(buf + 9) : 0;
}

static int
request(struct dh_httpd *h, const char *src)
{
	static const char req[] = "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
				  "Connection: close\r\n\r\n{}";
	int fd = dial(h, src), st;

	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1)) {
		close(fd);
		return 0;
	}
	st = answer(fd, 3000);
	close(fd);
	return st;
}

static void
test_trickle_cut_off(void **state)
{
	static const char head[] = "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n";
	struct dh_httpd *h = start(3, 0, 0);
	int fd = dial(h, "127.0.0.1"), st = 0;
	time_t t0 = time(NULL);
	bool closed = false;

	for (size_t i = 0; i < sizeof(head) - 1 && !closed; i++) {
		if (send(fd, head + i, 1, MSG_NOSIGNAL) != 1)
			closed = true;
		if (i == 1)
			assert_int_equal(request(h, "127.0.0.1"), 200); /* served meanwhile */
		if (!closed && (st = answer(fd, 1000)) != 0)
			closed = true;
		assert_true(time(NULL) - t0 < 10);
	}
	assert_true(closed);
	assert_true(st == 408 || st == 0);
	assert_true(time(NULL) - t0 >= 2);
	close(fd);
	dh_httpd_stop(h);
}

static void
test_per_peer_limit(void **state)
{
	struct dh_httpd *h = start(0, 3, 0);
	int fds[3];

	for (int i = 0; i < 3; i++)
		fds[i] = dial(h, "127.0.0.1");
	usleep(200 * 1000);
	assert_int_equal(request(h, "127.0.0.1"), 0); /* the fourth: refused */
	assert_int_equal(request(h, "127.0.0.2"), 200);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	dh_httpd_stop(h);
}

struct lines {
	pthread_mutex_t mu;
	int n, suppressed;
	bool bad;
};

static void
sink(void *ctx, enum dh_log_level level, const char *line)
{
	struct lines *l = ctx;

	pthread_mutex_lock(&l->mu);
	l->n++;
	if (strstr(line, "more rejections suppressed") != NULL)
		l->suppressed++;
	if (strpbrk(line, "\n\r\x1b") != NULL)
		l->bad = true;
	pthread_mutex_unlock(&l->mu);
}

static void
test_rejections_bounded(void **state)
{
	static const char bad[] = "GET /no\x1b[31m\r\nforged HTTP/1.1\r\nHost: x\r\n"
				  "Connection: close\r\n\r\n";
	static const char nf[] = "GET /missing/%0a%1b\xff HTTP/1.1\r\nHost: x\r\n"
				 "Connection: close\r\n\r\n";
	struct lines l = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct dh_httpd *h = start(0, 0, 5);
	time_t t0 = time(NULL);
	int fd, seconds;

	dh_log_set_sink(sink, &l);
	for (int i = 0; i < 1000; i++) {
		fd = dial(h, "127.0.0.1");
		(void)!send(fd, i % 2 ? bad : nf, (i % 2 ? sizeof(bad) : sizeof(nf)) - 1,
			MSG_NOSIGNAL);
		answer(fd, 2000);
		close(fd);
	}
	sleep(1);
	fd = dial(h, "127.0.0.1"); /* logged after a pause: the suppressed count */
	(void)!send(fd, nf, sizeof(nf) - 1, MSG_NOSIGNAL);
	answer(fd, 2000);
	close(fd);
	dh_httpd_stop(h);
	dh_log_set_sink(NULL, NULL);
	seconds = (int)(time(NULL) - t0) + 1;
	assert_false(l.bad);
	assert_true(l.suppressed >= 1);
	if (l.n > 5 + 2 * 5 * seconds)
		fail_msg("%d lines in %d s", l.n, seconds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trickle_cut_off),
		cmocka_unit_test(test_per_peer_limit),
		cmocka_unit_test(test_rejections_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
