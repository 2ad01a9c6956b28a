/*
 * Shared fixture for the agent's sending tests (test_report.c,
 * test_emit.c): a temp dir with a spool, and tests/lab/event_receiver.py
 * as a real HTTP(S) listener that checks signatures and stores each seq
 * once. Static functions: include from one test file each.
 */
#ifndef DH_TEST_RECEIVER_FX_H
#define DH_TEST_RECEIVER_FX_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dh/buf.h"
#include "events/spool.h"
#include "py_fx.h"
#include "sh_fx.h"
#include "tmpl.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fx {
	char *tmp;
	char *spool;
	char *url;
	pid_t pid;
	int port;
};

static __attribute__((unused)) void
start_receiver_tls(struct fx *f, int fail, bool tls)
{
	char *portf = dh_xasprintf("%s/port", f->tmp);
	char *toks = dh_xasprintf("%s/tokens", f->tmp);
	char *store = dh_xasprintf("%s/store.jsonl", f->tmp);
	char *cert = dh_xasprintf("%s/cert.pem", f->tmp);
	char *key = dh_xasprintf("%s/key.pem", f->tmp);
	char failn[16];
	const char *args[] = { "--port-file", portf, "--tokens", toks, "--store", store, "--fail",
		failn, tls ? "--tls-cert" : NULL, cert, "--tls-key", key, NULL };

	snprintf(failn, sizeof(failn), "%d", fail);
	f->port = fx_py_start("lab/event_receiver.py", portf, args, &f->pid);
	free(f->url);
	f->url = dh_xasprintf("%s://127.0.0.1:%d", tls ? "https" : "http", f->port);
	free(cert);
	free(key);
	free(portf);
	free(toks);
	free(store);
}

static __attribute__((unused)) void
start_receiver(struct fx *f, int fail)
{
	start_receiver_tls(f, fail, false);
}

static __attribute__((unused)) void
stop_receiver(struct fx *f)
{
	fx_py_stop(&f->pid);
}

static __attribute__((unused)) int
setup(void **state)
{
	struct fx *f = dh_xcalloc(1, sizeof(*f));
	char tmpl[] = DH_TMPL("/tmp/dh-test-report-");
	char *toks;
	FILE *fp;

	if (mkdtemp(tmpl) == NULL)
		return -1;
	f->tmp = dh_xstrdup(tmpl);
	f->spool = dh_xasprintf("%s/spool", tmpl);
	toks = dh_xasprintf("%s/tokens", tmpl);
	fp = fopen(toks, "w");
	fprintf(fp, "job-1 %s\njob-2 %s\njob-3 %s\n", TOKEN, TOKEN, TOKEN);
	fclose(fp);
	free(toks);
	if (dh_spool_open(f->spool, NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static __attribute__((unused)) int
teardown(void **state)
{
	struct fx *f = *state;

	stop_receiver(f);
	fx_rm_rf(f->tmp);
	free(f->tmp);
	free(f->spool);
	free(f->url);
	free(f);
	return 0;
}

/* Lines in the receiver's store. */
static __attribute__((unused)) int
stored_count(struct fx *f)
{
	char *p = dh_xasprintf("%s/store.jsonl", f->tmp);
	struct dh_buf b;
	int n = 0;

	dh_buf_init(&b);
	if (dh_file_read(p, 1 << 24, &b, NULL) == 0)
		for (size_t i = 0; i < b.len; i++)
			n += b.data[i] == '\n';
	dh_buf_fini(&b);
	free(p);
	return n;
}

static __attribute__((unused)) void
spool_events(struct fx *f, const char *job, int n, bool done)
{
	struct dh_spool_job js = { .url = f->url, .token = TOKEN, .done = done };

	assert_int_equal(dh_spool_job_save(f->spool, job, &js, NULL), 0);
	for (int i = 1; i <= n; i++) {
		char *body = dh_xasprintf("{\"job\":\"%s\",\"seq\":%d,\"type\":\"step\"}", job, i);
		assert_int_equal(dh_spool_put(f->spool, job, i, body, strlen(body), NULL), 0);
		free(body);
	}
}

static __attribute__((unused)) size_t
spooled(struct fx *f)
{
	struct dh_spool_list l;
	size_t n;

	assert_int_equal(dh_spool_list(f->spool, &l, NULL), 0);
	n = l.n;
	dh_spool_list_fini(&l);
	return n;
}

#endif
