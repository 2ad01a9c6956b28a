/*
 * Ports for the tests' listeners: fx_free_port binds an ephemeral TCP
 * port on a loopback address and reports its number. The socket is
 * closed (the port is free for a listener started next), or, with
 * fd_keep, left listening and handed to the caller: a port that accepts
 * in the kernel and never answers. A failed bind fails the test.
 */
#ifndef DH_TEST_NET_FX_H
#define DH_TEST_NET_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

static inline int
fx_free_port(const char *addr, int *fd_keep)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, addr, &sa.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	if (fd_keep) {
		assert_int_equal(listen(fd, 8), 0);
		*fd_keep = fd;
	} else {
		close(fd);
	}
	return ntohs(sa.sin_port);
}

#endif
