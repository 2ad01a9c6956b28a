/*
 * Event signatures and job tokens (SPEC "Events to the controller"):
 * header `X-Drillhall-Signature: t=UNIX,sig=HEX`, sig = HMAC-SHA256(token,
 * t + "." + body). The token is the job's 32 random bytes as sent in the
 * job, used as the HMAC key in its hex form. OpenSSL does the crypto.
 */
#ifndef DH_SIGN_H
#define DH_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"

#define DH_SIGN_HEADER "X-Drillhall-Signature"
#define DH_SIGN_MAX_SKEW 300 /* seconds a signature stays fresh */
#define DH_SIGN_VALUE_MAX 96 /* "t=" + 20 digits + ",sig=" + 64 hex + NUL */

/* Fill out with DH_TOKEN_HEX hex chars + NUL from the CSPRNG. 0 or DH_ESYS. */
int dh_sign_new_token(char *out, size_t outsz);

/* Write the header value for body at time t into out. */
void dh_sign_make(const char *token, time_t t, const void *body, size_t len, char *out,
	size_t outsz);

/*
 * Check a header value against body at time now: 0 when valid and within
 * DH_SIGN_MAX_SKEW; DH_EPARSE malformed, DH_EREFUSED wrong or stale. The
 * comparison is constant-time.
 */
int dh_sign_check(const char *token, const char *header, const void *body, size_t len, time_t now);

/* Lower-case hex SHA-256 of data into out (>= 65 bytes). */
void dh_sha256_hex(const void *data, size_t len, char *out);

#endif
