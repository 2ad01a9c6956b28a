/*
 * The libsodium adapter (http/auth.h): argon2id hashing and verification
 * (crypto_pwhash_str_alg / crypto_pwhash_str_verify), random tokens
 * (randombytes_buf) and constant-time comparison (sodium_memcmp).
 */
#include "http/auth.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

int
dh_auth_init(struct dh_err *err)
{
	/* 0 = started now, 1 = already started; -1 = no entropy source */
	if (sodium_init() < 0)
		return dh_err_set(err, DH_ESYS, "libsodium could not start (no random source)");
	return 0;
}

int
dh_auth_hash(const char *password, size_t len, char *out, size_t outsz, struct dh_err *err)
{
	int r;

	if (len == 0 || len > DH_AUTH_PASSWORD_MAX)
		return dh_err_set(err, DH_EINVAL, "a password has 1 to %d bytes",
			DH_AUTH_PASSWORD_MAX);
	if (outsz < crypto_pwhash_STRBYTES)
		return dh_err_set(err, DH_EINVAL, "hash buffer too small");
	if ((r = dh_auth_init(err)) != 0)
		return r;
	if (crypto_pwhash_str_alg(out, password, len, DH_AUTH_OPSLIMIT, DH_AUTH_MEMLIMIT,
		    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return dh_err_set(err, DH_ESYS, "argon2id needs %lu MiB of memory",
			DH_AUTH_MEMLIMIT / (1024UL * 1024UL));
	return 0;
}

bool
dh_auth_verify(const char *hash, const char *password, size_t len)
{
	if (hash == NULL || password == NULL || len > DH_AUTH_PASSWORD_MAX ||
		strncmp(hash, "$argon2id$", 10) != 0 || sodium_init() < 0)
		return false;
	return crypto_pwhash_str_verify(hash, password, len) == 0;
}

void
dh_auth_token(char out[DH_AUTH_TOKEN_HEX])
{
	unsigned char raw[DH_AUTH_TOKEN_BYTES];

	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, DH_AUTH_TOKEN_HEX, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

bool
dh_auth_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
