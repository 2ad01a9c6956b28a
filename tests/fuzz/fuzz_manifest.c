/*
 * libFuzzer target: the manifest parser (dh_manifest_parse_string) on
 * arbitrary bytes. A parse must either succeed with clean relative paths
 * in sorted order, every one of which formats and parses back to itself,
 * or fail with a line number inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dh_manifest m, back;
	struct dh_buf b;
	struct dh_err e;

	dh_manifest_init(&m);
	dh_err_clear(&e);
	if (dh_manifest_parse_string((const char *)data, size, "fuzz", &m, &e) != 0) {
		if (e.line < 1 || (size_t)e.line > size + 1)
			abort();
		dh_manifest_fini(&m);
		return 0;
	}
	dh_buf_init(&b);
	for (size_t i = 0; i < m.n; i++) {
		if (!dh_manifest_is_clean_path(m.v[i].path) ||
			(i > 0 && strcmp(m.v[i - 1].path, m.v[i].path) >= 0))
			abort();
		dh_manifest_format_line(&b, m.v[i].path, m.v[i].sha256);
	}
	dh_manifest_init(&back);
	if (dh_manifest_parse_string(b.data ? b.data : "", b.len, "again", &back, &e) != 0 ||
		back.n != m.n)
		abort();
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(back.v[i].path, m.v[i].path) != 0 ||
			memcmp(back.v[i].sha256, m.v[i].sha256, DH_SHA256_LEN) != 0)
			abort();
	dh_manifest_fini(&back);
	dh_buf_fini(&b);
	dh_manifest_fini(&m);
	return 0;
}
