/*
 * The libssh2 adapter (jobs/ssh.h): the only file that includes
 * <libssh2.h>. A run is a straight line of stages, each against a
 * deadline: non-blocking TCP connect; banner and key exchange; the host
 * key checked against known_hosts (refused before authentication when it
 * is unknown or changed); public-key authentication; exec of the fixed
 * command string with stdin, EOF, and bounded stdout/stderr; exit status.
 * Sessions are non-blocking and every wait is a poll() on the socket in
 * the direction libssh2 asks for, so no stage can hang. Fan-out runs each
 * session in its own thread from a bounded pool.
 */
#include "jobs/ssh.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh2.h>

#include "dh/buf.h"
#include "dh/timefmt.h"

/* Preferred host key algorithms: the key an operator pins with ssh-keyscan -t ed25519 first. */
#define HOSTKEY_PREFS                                                                              \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"                                     \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa"

struct run {
	const struct dh_ssh_target *t;
	struct dh_ssh_result *res;
	int fd;
	LIBSSH2_SESSION *s;
	LIBSSH2_CHANNEL *ch;
	double deadline;
	const char *what; /* the stage being waited for, for timeouts */
	struct dh_buf out, err;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void
init_lib(void)
{
	init_rc = libssh2_init(0);
}

static int fail(struct run *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct run *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->res->msg, sizeof(r->res->msg), fmt, ap);
	va_end(ap);
	r->res->code = code;
	return code;
}

static int
timeout_ms(const struct run *r)
{
	double left = r->deadline - dh_time_mono();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* Wait until the socket is ready the way libssh2 needs it, or the deadline. */
static int
wait_socket(struct run *r)
{
	int dir = libssh2_session_block_directions(r->s), n;
	struct pollfd pfd = { .fd = r->fd };

	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (pfd.events == 0)
		pfd.events = POLLIN;
	do {
		if (timeout_ms(r) == 0)
			return fail(r, DH_ETIMEOUT, "%s: timed out waiting for %s", r->t->name,
				r->what);
		n = poll(&pfd, 1, timeout_ms(r));
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return fail(r, DH_ETIMEOUT, "%s: timed out waiting for %s", r->t->name, r->what);
	return 0;
}

static const char *
last_error(struct run *r)
{
	char *m = NULL;

	libssh2_session_last_error(r->s, &m, NULL, 0);
	return m ? m : "unknown error";
}

static int
tcp_connect(struct run *r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char port[8];
	int e = 0, rc, n;
	socklen_t el = sizeof(e);
	struct pollfd pfd;

	snprintf(port, sizeof(port), "%d", r->t->port ? r->t->port : 22);
	if ((rc = getaddrinfo(r->t->address, port, &hints, &ai)) != 0)
		return fail(r, DH_ENET, "%s: cannot resolve %s: %s", r->t->name, r->t->address,
			gai_strerror(rc));
	r->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0 ||
		(connect(r->fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS)) {
		e = errno;
		goto out;
	}
	pfd = (struct pollfd){ .fd = r->fd, .events = POLLOUT };
	while ((n = poll(&pfd, 1, timeout_ms(r))) < 0 && errno == EINTR)
		;
	if (n == 0) {
		freeaddrinfo(ai);
		return fail(r, DH_ETIMEOUT, "%s: connect to %s port %s timed out", r->t->name,
			r->t->address, port);
	}
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
		e = errno;
out:
	freeaddrinfo(ai);
	if (e != 0)
		return fail(r, DH_ENET, "%s: cannot connect to %s port %s: %s", r->t->name,
			r->t->address, port, strerror(e));
	r->res->stage = DH_SSH_CONNECTED;
	return 0;
}

static int
knownhost_type(int hostkey_type)
{
	switch (hostkey_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default:
		return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* The pin: no trust on first use, no auth unless the key matches. */
static int
check_host_key(struct run *r)
{
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(r->s);
	size_t len = 0;
	int type = 0, rc, port = r->t->port ? r->t->port : 22;
	const char *key = libssh2_session_hostkey(r->s, &len, &type);

	if (kh == NULL || key == NULL) {
		rc = fail(r, DH_EIO, "%s: no host key from the server", r->t->name);
		goto out;
	}
	if (libssh2_knownhost_readfile(kh, r->t->known_hosts, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		rc = fail(r, DH_EREFUSED, "%s: host refused: cannot read known_hosts %s",
			r->t->name, r->t->known_hosts);
		goto out;
	}
	rc = libssh2_knownhost_checkp(kh, r->t->address, port, key, len,
		LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | knownhost_type(type),
		NULL);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		r->res->stage = DH_SSH_HOSTKEY_OK;
		rc = 0;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		rc = fail(r, DH_EREFUSED,
			"%s: host refused: its host key has CHANGED "
			"(does not match %s); not authenticating",
			r->t->name, r->t->known_hosts);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		rc = fail(r, DH_EREFUSED,
			"%s: host refused: host key unknown (no entry "
			"for %s port %d in %s); not authenticating",
			r->t->name, r->t->address, port, r->t->known_hosts);
		break;
	default:
		rc = fail(r, DH_EREFUSED, "%s: host refused: cannot check the host key",
			r->t->name);
	}
out:
	libssh2_knownhost_free(kh);
	return rc;
}

/*
 * Our host key preference, restricted to what this libssh2 supports:
 * libssh2 1.10 strips unsupported names with an overlapping memcpy, so it
 * must never be handed one.
 */
static void
set_hostkey_prefs(LIBSSH2_SESSION *s)
{
	const char **algs = NULL;
	char prefs[] = HOSTKEY_PREFS, *save = NULL;
	struct dh_buf want;
	int n = libssh2_session_supported_algs(s, LIBSSH2_METHOD_HOSTKEY, &algs);

	dh_buf_init(&want);
	for (char *name = strtok_r(prefs, ",", &save); name && n > 0;
		name = strtok_r(NULL, ",", &save))
		for (int i = 0; i < n; i++)
			if (strcmp(algs[i], name) == 0)
				dh_buf_printf(&want, "%s%s", want.len ? "," : "", name);
	if (want.len > 0)
		libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, want.data);
	if (algs)
		libssh2_free(s, algs);
	dh_buf_fini(&want);
}

static int
handshake_and_auth(struct run *r)
{
	int rc;

	r->s = libssh2_session_init();
	if (r->s == NULL)
		return fail(r, DH_EIO, "%s: cannot create an SSH session", r->t->name);
	libssh2_session_set_blocking(r->s, 0);
	set_hostkey_prefs(r->s);
	r->what = "the SSH handshake";
	while ((rc = libssh2_session_handshake(r->s, r->fd)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	if (rc != 0)
		return fail(r, DH_EIO, "%s: SSH handshake failed: %s", r->t->name, last_error(r));
	if ((rc = check_host_key(r)) != 0)
		return rc;
	r->what = "public key authentication";
	while ((rc = libssh2_userauth_publickey_fromfile(r->s, r->t->user, NULL, r->t->key,
			NULL)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	if (rc != 0)
		return fail(r, DH_EREFUSED, "%s: public key authentication as %s failed: %s",
			r->t->name, r->t->user, last_error(r));
	r->res->stage = DH_SSH_AUTHED;
	return 0;
}

/* Read what is available on one stream; >0 read, 0 nothing, <0 error. */
static ssize_t
drain(struct run *r, int stream, struct dh_buf *b, size_t max)
{
	char buf[16384];
	ssize_t n, total = 0;

	while ((n = libssh2_channel_read_ex(r->ch, stream, buf, sizeof(buf))) > 0) {
		size_t keep =
			b->len >= max ? 0 : ((size_t)n < max - b->len ? (size_t)n : max - b->len);

		if (keep < (size_t)n)
			r->res->truncated = true;
		dh_buf_append(b, buf, keep);
		total += n;
	}
	if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
		return n;
	return total;
}

static int
write_input(struct run *r)
{
	size_t off = 0;
	ssize_t n;
	int rc;

	r->what = "the command to read its input";
	while (r->t->input && off < r->t->input_len) {
		n = libssh2_channel_write(r->ch, r->t->input + off, r->t->input_len - off);
		if (n == LIBSSH2_ERROR_EAGAIN) {
			if ((rc = wait_socket(r)) != 0)
				return rc;
			continue;
		}
		if (n < 0)
			return fail(r, DH_EIO, "%s: writing the job failed: %s", r->t->name,
				last_error(r));
		off += (size_t)n;
	}
	while ((rc = libssh2_channel_send_eof(r->ch)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	return 0;
}

static int
exec_command(struct run *r)
{
	ssize_t a, b;
	int rc;

	r->what = "a channel";
	while ((r->ch = libssh2_channel_open_session(r->s)) == NULL &&
		libssh2_session_last_errno(r->s) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	if (r->ch == NULL)
		return fail(r, DH_EIO, "%s: cannot open a channel: %s", r->t->name, last_error(r));
	r->what = "the command to start";
	while ((rc = libssh2_channel_exec(r->ch, r->t->command)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	if (rc != 0)
		return fail(r, DH_EIO, "%s: exec refused: %s", r->t->name, last_error(r));
	if ((rc = write_input(r)) != 0)
		return rc;
	r->what = "the command to finish";
	for (;;) {
		a = drain(r, 0, &r->out, DH_SSH_OUT_MAX);
		b = drain(r, SSH_EXTENDED_DATA_STDERR, &r->err, DH_SSH_ERR_MAX);
		if (a < 0 || b < 0)
			return fail(r, DH_EIO, "%s: reading output failed: %s", r->t->name,
				last_error(r));
		if (libssh2_channel_eof(r->ch)) {
			/* Data that came with the EOF. */
			if (drain(r, 0, &r->out, DH_SSH_OUT_MAX) < 0 ||
				drain(r, SSH_EXTENDED_DATA_STDERR, &r->err, DH_SSH_ERR_MAX) < 0)
				return fail(r, DH_EIO, "%s: reading output failed: %s", r->t->name,
					last_error(r));
			break;
		}
		if (a == 0 && b == 0 && (rc = wait_socket(r)) != 0)
			return rc;
	}
	while ((rc = libssh2_channel_close(r->ch)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	while ((rc = libssh2_channel_wait_closed(r->ch)) == LIBSSH2_ERROR_EAGAIN)
		if ((rc = wait_socket(r)) != 0)
			return rc;
	r->res->exit_status = libssh2_channel_get_exit_status(r->ch);
	r->res->stage = DH_SSH_EXITED;
	return 0;
}

/*
 * Free the session whatever state it is in. Blocking with a short
 * timeout, because in non-blocking mode libssh2's free calls may answer
 * EAGAIN and leave memory behind; a polite goodbye must not hang a run.
 */
static void
teardown(struct run *r)
{
	if (r->s) {
		libssh2_session_set_timeout(r->s, 1000);
		libssh2_session_set_blocking(r->s, 1);
		if (r->ch)
			libssh2_channel_free(r->ch);
		if (r->res->stage >= DH_SSH_HOSTKEY_OK)
			libssh2_session_disconnect(r->s, "done");
		libssh2_session_free(r->s);
	}
	if (r->fd >= 0)
		close(r->fd);
}

int
dh_ssh_run(const struct dh_ssh_target *t, struct dh_ssh_result *res)
{
	struct run r = { .t = t, .res = res, .fd = -1 };
	double start = dh_time_mono();
	int rc;

	memset(res, 0, sizeof(*res));
	res->exit_status = -1;
	dh_buf_init(&r.out);
	dh_buf_init(&r.err);
	pthread_once(&init_once, init_lib);
	if (init_rc != 0) {
		rc = fail(&r, DH_EIO, "libssh2 failed to initialise");
		goto out;
	}
	r.deadline = start + (t->connect_ms ? t->connect_ms : DH_SSH_CONNECT_MS) / 1000.0;
	if ((rc = tcp_connect(&r)) != 0)
		goto out;
	r.deadline = dh_time_mono() + (t->auth_ms ? t->auth_ms : DH_SSH_AUTH_MS) / 1000.0;
	if ((rc = handshake_and_auth(&r)) != 0)
		goto out;
	r.deadline = dh_time_mono() + (t->exec_ms ? t->exec_ms : DH_SSH_EXEC_MS) / 1000.0;
	rc = exec_command(&r);
out:
	teardown(&r);
	res->out_len = r.out.len;
	res->out = dh_buf_take(&r.out);
	res->err_out = dh_buf_take(&r.err);
	res->seconds = dh_time_mono() - start;
	res->code = rc;
	return rc;
}

void
dh_ssh_result_fini(struct dh_ssh_result *res)
{
	if (res == NULL)
		return;
	free(res->out);
	free(res->err_out);
	res->out = res->err_out = NULL;
}

struct pool {
	const struct dh_ssh_target *t;
	struct dh_ssh_result *res;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *
pool_worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		dh_ssh_run(&p->t[i], &p->res[i]);
	}
}

void
dh_ssh_run_many(const struct dh_ssh_target *t, struct dh_ssh_result *res, size_t n, size_t parallel)
{
	struct pool p = { .t = t, .res = res, .n = n };
	pthread_t th[DH_SSH_POOL_MAX];
	size_t nth = parallel ? parallel : n, started = 0;

	if (nth > DH_SSH_POOL_MAX)
		nth = DH_SSH_POOL_MAX;
	if (nth > n)
		nth = n;
	pthread_mutex_init(&p.mu, NULL);
	pthread_once(&init_once, init_lib);
	for (size_t i = 0; i < nth; i++)
		if (pthread_create(&th[started], NULL, pool_worker, &p) == 0)
			started++;
	if (started == 0)
		pool_worker(&p); /* no threads to be had: do it here, one by one */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}
