/*
 * Passwords and secrets for the web pages (http/auth.c, the libsodium
 * adapter: the only file that includes <sodium.h>). SPEC "Web pages and
 * roles": passwords are stored as argon2id hashes (`drillhall passwd`
 * prints one for a [user] section of controller.ini) and checked with
 * libsodium's constant-time verification; session ids and CSRF tokens
 * are random bytes from libsodium (getrandom underneath), compared in
 * constant time. Callers: cli/cmd_passwd.c, http/session.c, http/pages.c.
 */
#ifndef DH_HTTP_AUTH_H
#define DH_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/err.h"

/* argon2id cost (SPEC's example: m=65536 KiB, t=2, p=1). */
#define DH_AUTH_OPSLIMIT 2
#define DH_AUTH_MEMLIMIT (65536UL * 1024UL) /* bytes */
#define DH_AUTH_PASSWORD_MAX 1024           /* bytes of a password we accept */
#define DH_AUTH_HASH_MAX 128                /* bytes of a hash line, with its NUL */
#define DH_AUTH_TOKEN_BYTES 32              /* random bytes in a session id or CSRF token */
#define DH_AUTH_TOKEN_HEX (2 * DH_AUTH_TOKEN_BYTES + 1)

/* Start libsodium (idempotent, thread-safe). 0 or DH_ESYS. */
int dh_auth_init(struct dh_err *err);

/*
 * Hash password (len bytes, 1..DH_AUTH_PASSWORD_MAX) with argon2id at
 * the cost above into out ("$argon2id$v=19$m=65536,t=2,p=1$..."; at
 * least DH_AUTH_HASH_MAX bytes). 0, DH_EINVAL (empty or too long) or
 * DH_ESYS (out of memory for the hash's 64 MiB).
 */
int dh_auth_hash(const char *password, size_t len, char *out, size_t outsz, struct dh_err *err);

/*
 * Whether password matches hash (a "$argon2id$" line). A malformed hash
 * or a wrong password is false; the time it takes does not depend on
 * where a wrong password differs.
 */
bool dh_auth_verify(const char *hash, const char *password, size_t len);

/* out (DH_AUTH_TOKEN_HEX bytes) = hex of DH_AUTH_TOKEN_BYTES random bytes. */
void dh_auth_token(char out[DH_AUTH_TOKEN_HEX]);

/* Constant-time equality of two NUL-terminated strings; NULL never equals. */
bool dh_auth_equal(const char *a, const char *b);

#endif
