/*
 * The plan revision (revision.h): a SHA-256 over the plan files' paths,
 * lengths and contents, so that two directories holding the same files
 * have the same revision wherever they live. Called by the loader in
 * plan.c once the files are sorted by path.
 */
#include "plan/revision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* SHA-256 over each file in path order: path NUL length NUL contents. */
void
dh_plan_revision(char out[DH_PLAN_REVISION_LEN], const struct dh_plan_file *const *sorted, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char len[32];

	if (ctx == NULL)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (size_t i = 0; i < n; i++) {
		int ln = snprintf(len, sizeof(len), "%zu", sorted[i]->len);

		EVP_DigestUpdate(ctx, sorted[i]->path, strlen(sorted[i]->path) + 1);
		EVP_DigestUpdate(ctx, len, (size_t)ln + 1);
		EVP_DigestUpdate(ctx, sorted[i]->text, sorted[i]->len);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
