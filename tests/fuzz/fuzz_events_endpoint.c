/*
 * libFuzzer target for the event endpoint past its signature check
 * (http/events.c + store/): each input is a body, signed correctly
 * for a stored job and handed to dh_events_handle, so parsing, the
 * controller's completion of records, the group-commit writer, the store
 * and the audit log all see hostile-but-authentic input. Answers other
 * than 200/400 are bugs, and so is an audit chain that no longer verifies.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "store/db.h"
#include "store/jobs.h"
#include "store/verify.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "http/events.h"
#include "http/httpd.h"
#include "../support/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char token[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
static struct dh_events *ev;
static struct dh_db *db;
static unsigned long runs;
static char dir[] = DH_TMPL("/tmp/dh-fuzz-events-");

/* The request's only header: conn is the signature. */
static const char *
header(void *conn, const char *name)
{
	return strcasecmp(name, DH_SIGN_HEADER) == 0 ? conn : NULL;
}

static void
cleanup(void)
{
	char cmd[80];

	dh_events_free(ev);
	dh_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void
init(void)
{
	char path[64];
	struct dh_job j = { .version = 1,
		.id = "fuzz-job",
		.system = "fuzz",
		.host = "h",
		.token = (char *)token,
		.rpo_target_s = 60,
		.rto_target_s = 60,
		.timeout_s = 120 };

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/dh.db", dir);
	if (dh_db_open(&db, path, NULL) != 0 || dh_db_job_insert(db, &j, "manual", NULL) != 0 ||
		dh_events_new(&ev, path, NULL) != 0)
		abort();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sig[DH_SIGN_VALUE_MAX];
	char *body = dh_xstrndup((const char *)data, size);
	struct dh_http_req req = { .method = "POST",
		.params = { { "job", "fuzz-job" } },
		.nparams = 1,
		.peer = "127.0.0.1:1",
		.body = body,
		.len = size,
		.header = header };
	struct dh_http_resp resp = { 0 };
	struct dh_audit_result res;

	if (ev == NULL)
		init();
	dh_sign_make(token, dh_time_now(), body, size, sig, sizeof(sig));
	req.conn = sig;
	dh_events_handle(ev, &req, &resp);
	if (resp.status != 200 && resp.status != 400) {
		fprintf(stderr, "unexpected status %d: %s\n", resp.status, resp.why);
		abort();
	}
	if (++runs % 256 == 0 && (dh_db_audit_verify(db, &res, NULL) != 0 || res.bad_seq)) {
		fprintf(stderr, "audit chain broken: %s\n", res.why);
		abort();
	}
	free(resp.body);
	free(body);
	return 0;
}
