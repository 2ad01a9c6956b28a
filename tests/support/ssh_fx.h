/*
 * The real sshd of tests/data/ssh_fixture.sh for the SSH tests
 * (tests/unit/jobs/): fx_sshd_usable says whether one can start (root and
 * /usr/sbin/sshd); fx_sshd_start makes a temporary directory from a
 * DH_TMPL template into dir (size n), starts the fixture there on a free
 * port of 127.0.0.2 (client_key, known_hosts, sshd.log in dir) and returns
 * the port; fx_sshd runs another verb (rekey, stop) on it and returns its
 * status; FX_NEED_SSHD(f) skips a test whose setup left f->dir empty
 * because no sshd could start. A fixture that does not start fails the test.
 */
#ifndef DH_TEST_SSH_FX_H
#define DH_TEST_SSH_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "net_fx.h"
#include "sh_fx.h"

#define FX_NEED_SSHD(f)                                                                            \
	do {                                                                                       \
		if ((f)->dir[0] == '\0')                                                           \
			skip();                                                                    \
	} while (0)

/* SRC/tests/data: $DH_TEST_DATA, else relative to the source tree. */
static inline const char *
fx_test_data(void)
{
	return getenv("DH_TEST_DATA") ? getenv("DH_TEST_DATA") : "tests/data";
}

static inline bool
fx_sshd_usable(void)
{
	return getuid() == 0 && access("/usr/sbin/sshd", X_OK) == 0;
}

static inline int
fx_sshd(const char *verb, const char *dir)
{
	return fx_sh("bash %s/ssh_fixture.sh %s %s >/dev/null", fx_test_data(), verb, dir);
}

static inline int
fx_sshd_start(char *dir, size_t n, const char *tmpl)
{
	int port;

	fx_mkdtemp(dir, n, tmpl);
	port = fx_free_port("127.0.0.2", NULL);
	assert_int_equal(fx_sh("bash %s/ssh_fixture.sh start %s 127.0.0.2 %d >/dev/null",
				 fx_test_data(), dir, port),
		0);
	return port;
}

#endif
