/*
 * SSH dispatch (libssh2 adapter, jobs/ssh.c): run one fixed command
 * string on a host with public-key authentication, the host key pinned in
 * an OpenSSH known_hosts file (plain or hashed entries, `[host]:port` for
 * ports other than 22). An unknown or changed host key refuses the host
 * before any authentication is attempted: nothing runs there. The command
 * string never carries plan text; on the server the forced command in
 * authorized_keys decides what runs (it sees the string as
 * SSH_ORIGINAL_COMMAND). dh_ssh_run_many runs many hosts at once in a
 * bounded pool of threads, each session non-blocking with deadlines, so a
 * slow or silent host costs only its own timeout.
 */
#ifndef DH_SSH_H
#define DH_SSH_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/err.h"

#define DH_SSH_OUT_MAX (1024 * 1024) /* stdout kept */
#define DH_SSH_ERR_MAX (64 * 1024)   /* stderr kept */
#define DH_SSH_CONNECT_MS 10000
#define DH_SSH_AUTH_MS 15000
#define DH_SSH_EXEC_MS 60000
#define DH_SSH_POOL_MAX 64

/* Where and what to run. All pointers are borrowed for the call. */
struct dh_ssh_target {
	const char *name;    /* inventory host id, for messages */
	const char *address; /* as written in known_hosts */
	int port;            /* 0 = 22 */
	const char *user;
	const char *key; /* private key file (no passphrase) */
	const char *known_hosts;
	const char *command; /* exec string: "run", "version" */
	const char *input;   /* written to stdin then EOF; NULL = none */
	size_t input_len;
	int connect_ms; /* 0 = DH_SSH_CONNECT_MS: TCP connect */
	int auth_ms;    /* 0 = DH_SSH_AUTH_MS: banner, kex, host key, auth */
	int exec_ms;    /* 0 = DH_SSH_EXEC_MS: command until exit */
};

/* How far a run got; each stage implies the ones before. */
enum dh_ssh_stage {
	DH_SSH_NONE,
	DH_SSH_CONNECTED,  /* TCP connected */
	DH_SSH_HOSTKEY_OK, /* handshake done, key matches known_hosts */
	DH_SSH_AUTHED,     /* public key accepted */
	DH_SSH_EXITED,     /* command ran and exited */
};

struct dh_ssh_result {
	int code; /* 0 or DH_ENET, DH_ETIMEOUT, DH_EREFUSED, DH_EIO */
	enum dh_ssh_stage stage;
	int exit_status; /* the command's, -1 when unknown */
	char *out;       /* stdout (NUL-terminated, <= DH_SSH_OUT_MAX) */
	size_t out_len;
	char *err_out;  /* stderr (<= DH_SSH_ERR_MAX) */
	bool truncated; /* output was longer than kept */
	double seconds; /* wall time of the whole run */
	char msg[300];  /* why it failed, for the record and the log */
};

/*
 * Run t's command. Always fills *res (dh_ssh_result_fini frees it) and
 * returns res->code: 0 when the command ran to its exit (whatever its
 * status); DH_ENET cannot connect; DH_ETIMEOUT a deadline passed;
 * DH_EREFUSED host key unknown or changed, or key not accepted; DH_EIO a
 * protocol or channel failure. Thread-safe.
 */
int dh_ssh_run(const struct dh_ssh_target *t, struct dh_ssh_result *res);

/*
 * Run n targets concurrently with at most parallel (<= DH_SSH_POOL_MAX;
 * 0 = min(n, DH_SSH_POOL_MAX)) sessions at a time; res[i] is t[i]'s.
 */
void dh_ssh_run_many(const struct dh_ssh_target *t, struct dh_ssh_result *res, size_t n,
	size_t parallel);

void dh_ssh_result_fini(struct dh_ssh_result *res);

#endif
