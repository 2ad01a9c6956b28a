/*
 * Event signatures, job tokens and SHA-256 hex (include/dh/sign.h), all
 * through OpenSSL: HMAC via EVP_MAC-free one-shot HMAC(), RAND_bytes for
 * tokens, CRYPTO_memcmp for a constant-time compare.
 */
#include "dh/sign.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "dh/buf.h"
#include "dh/proto.h"

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
dh_sign_new_token(char *out, size_t outsz)
{
	unsigned char raw[DH_TOKEN_HEX / 2];

	if (outsz < DH_TOKEN_HEX + 1 || RAND_bytes(raw, sizeof(raw)) != 1)
		return DH_ESYS;
	to_hex(raw, sizeof(raw), out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

static void
mac_hex(const char *token, long long t, const void *body, size_t len, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char prefix[32];
	struct dh_buf msg;

	snprintf(prefix, sizeof(prefix), "%lld.", t);
	dh_buf_init(&msg);
	dh_buf_puts(&msg, prefix);
	dh_buf_append(&msg, body, len);
	HMAC(EVP_sha256(), token, (int)strlen(token), (const unsigned char *)msg.data, msg.len, mac,
		&maclen);
	dh_buf_fini(&msg);
	to_hex(mac, maclen, out);
}

void
dh_sign_make(const char *token, time_t t, const void *body, size_t len, char *out, size_t outsz)
{
	char sig[2 * EVP_MAX_MD_SIZE + 1];

	mac_hex(token, (long long)t, body, len, sig);
	snprintf(out, outsz, "t=%lld,sig=%s", (long long)t, sig);
}

int
dh_sign_check(const char *token, const char *header, const void *body, size_t len, time_t now)
{
	char want[2 * EVP_MAX_MD_SIZE + 1];
	const char *sig;
	char *end;
	long long t;

	if (header == NULL || strncmp(header, "t=", 2) != 0)
		return DH_EPARSE;
	t = strtoll(header + 2, &end, 10);
	if (end == header + 2 || strncmp(end, ",sig=", 5) != 0)
		return DH_EPARSE;
	sig = end + 5;
	if (strlen(sig) != 64)
		return DH_EPARSE;
	if (t < (long long)now - DH_SIGN_MAX_SKEW || t > (long long)now + DH_SIGN_MAX_SKEW)
		return DH_EREFUSED;
	mac_hex(token, t, body, len, want);
	return CRYPTO_memcmp(want, sig, 64) == 0 ? 0 : DH_EREFUSED;
}

void
dh_sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	to_hex(md, sizeof(md), out);
}
