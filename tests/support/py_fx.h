/*
 * Python helper servers for the tests (tests/support/http_peer.py,
 * tests/lab/event_receiver.py): fx_py_start runs `python3 TESTS/REL
 * ARGS...` (TESTS is $DH_TEST_DATA/.., else tests/ from the source tree;
 * args NULL-terminated, at most 16), waits up to 10 s for the helper to
 * write its port into portf and returns that port, the child in *pid;
 * fx_py_stop ends it with SIGTERM and reaps it (nothing when *pid is 0).
 */
#ifndef DH_TEST_PY_FX_H
#define DH_TEST_PY_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dh/buf.h"

static inline int
fx_py_start(const char *rel, const char *portf, const char *const *args, pid_t *pid)
{
	const char *data = getenv("DH_TEST_DATA"); /* SRC/tests/data, may not exist */
	size_t dl = data != NULL && strlen(data) >= 5 ? strlen(data) - 5 : 0;
	char *script = dl > 0 ? dh_xasprintf("%.*s/%s", (int)dl, data, rel)
			      : dh_xasprintf("tests/%s", rel);
	const char *argv[20] = { "python3", script };
	struct dh_buf b;
	int port, n = 2;

	for (; args[n - 2] != NULL && n < 18; n++)
		argv[n] = args[n - 2];
	argv[n] = NULL;
	unlink(portf);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200 && access(portf, F_OK) != 0; i++)
		usleep(50 * 1000);
	dh_buf_init(&b);
	assert_int_equal(dh_file_read(portf, 64, &b, NULL), 0);
	port = atoi(b.data);
	dh_buf_fini(&b);
	free(script);
	return port;
}

static inline void
fx_py_stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
}

#endif
