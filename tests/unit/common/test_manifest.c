/*
 * Manifests: sha256sum's line format and escaping (checked against what
 * GNU coreutils 9 writes), the strict parser and its file:line messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/manifest.h"
#include "tmpl.h"

#define H64 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const unsigned char abc[DH_SHA256_LEN] = {
	0xba,
	0x78,
	0x16,
	0xbf,
	0x8f,
	0x01,
	0xcf,
	0xea,
	0x41,
	0x41,
	0x40,
	0xde,
	0x5d,
	0xae,
	0x22,
	0x23,
	0xb0,
	0x03,
	0x61,
	0xa3,
	0x96,
	0x17,
	0x7a,
	0x9c,
	0xb4,
	0x10,
	0xff,
	0x61,
	0xf2,
	0x00,
	0x15,
	0xad,
};

static void
test_format_plain_and_escaped(void **state)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_manifest_format_line(&b, "dir/a b.txt", abc);
	dh_manifest_format_line(&b, "x\\y", abc);
	dh_manifest_format_line(&b, "n\nl", abc);
	dh_manifest_format_line(&b, "c\rr", abc);
	assert_string_equal(b.data,
		H64 "  dir/a b.txt\n"
		    "\\" H64 "  x\\\\y\n"
		    "\\" H64 "  n\\nl\n"
		    "\\" H64 "  c\\rr\n");
	dh_buf_fini(&b);
}

static void
test_parse_good(void **state)
{
	const char *t =
		"# a comment\n" H64 "  b\n"
		"\\" H64 "  x\\\\y\\nz\n"
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD *./bin.dat\n"
		"\n" H64 "  ./././a/with space";
	struct dh_manifest m;
	struct dh_err e;

	dh_manifest_init(&m);
	assert_int_equal(dh_manifest_parse_string(t, strlen(t), "m", &m, &e), 0);
	assert_int_equal(m.n, 4);
	assert_string_equal(m.v[0].path, "a/with space");
	assert_int_equal(m.v[0].line, 6);
	assert_string_equal(m.v[1].path, "b");
	assert_string_equal(m.v[2].path, "bin.dat");
	assert_string_equal(m.v[3].path, "x\\y\nz");
	for (size_t i = 0; i < m.n; i++)
		assert_memory_equal(m.v[i].sha256, abc, DH_SHA256_LEN);
	dh_manifest_fini(&m);
}

static void
test_roundtrip(void **state)
{
	const char *names[] = { "\\", "\n", "a\\n", "tab\there", "utf8 \xc3\xa5\xc3\xa4\xc3\xb6",
		"sp  two", "*star" };
	struct dh_manifest m;
	struct dh_buf b;
	struct dh_err e;

	dh_buf_init(&b);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		dh_manifest_format_line(&b, names[i], abc);
	dh_manifest_init(&m);
	assert_int_equal(dh_manifest_parse_string(b.data, b.len, "m", &m, &e), 0);
	assert_int_equal(m.n, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < m.n; i++) {
		bool found = false;

		for (size_t k = 0; k < m.n; k++)
			found |= strcmp(m.v[k].path, names[i]) == 0;
		assert_true(found);
	}
	for (size_t i = 1; i < m.n; i++)
		assert_true(strcmp(m.v[i - 1].path, m.v[i].path) < 0);
	dh_manifest_fini(&m);
	dh_buf_fini(&b);
}

static void
expect_error(const char *text, const char *want)
{
	struct dh_manifest m;
	struct dh_err e;
	char msg[1024];

	dh_manifest_init(&m);
	dh_err_clear(&e);
	assert_int_equal(dh_manifest_parse_string(text, strlen(text), "sums.sha256", &m, &e),
		DH_EPARSE);
	dh_err_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, want);
	assert_int_equal(m.n, 0);
	dh_manifest_fini(&m);
}

static void
test_errors_name_their_line(void **state)
{
	expect_error(H64 "  ok\nnot a manifest line\n",
		"sums.sha256:2: malformed line (expected '<64 hex digits>  NAME')");
	expect_error("# c\n" H64 "x ok\n",
		"sums.sha256:2: malformed line (expected two spaces or ' *' after the hash)");
	expect_error("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  f\n",
		"sums.sha256:1: malformed SHA-256 (expected 64 hex digits)");
	expect_error("\\" H64 "  bad\\tescape\n", "sums.sha256:1: bad escape in file name");
	expect_error("\\" H64 "  trailing\\\n", "sums.sha256:1: bad escape in file name");
	expect_error(H64 "  /etc/passwd\n",
		"sums.sha256:1: file name must be a relative path without '.' or '..' parts");
	expect_error(H64 "  a/../../x\n",
		"sums.sha256:1: file name must be a relative path without '.' or '..' parts");
	expect_error(H64 "  a//b\n",
		"sums.sha256:1: file name must be a relative path without '.' or '..' parts");
	expect_error(H64 "  a\n" H64 "  b\n" H64 "  a\n",
		"sums.sha256:3: duplicate entry for a file already listed on line 1");
	expect_error(H64 " \n", "sums.sha256:1: malformed line (expected '<64 hex digits>  NAME')");
	expect_error(H64 "  a\n" H64 " b\n",
		"sums.sha256:2: mixes 'HASH NAME' lines with 'HASH  NAME' lines");
	expect_error(H64 "  a\r\n\\" H64 "  b\\q\r\n", "sums.sha256:2: bad escape in file name");
}

/* Parse text that must succeed; the names in sorted order, NULL-terminated. */
static void
expect_names(const char *text, size_t len, const char *const *want)
{
	struct dh_manifest m;
	struct dh_err e;
	size_t n = 0;

	dh_manifest_init(&m);
	dh_err_clear(&e);
	assert_int_equal(dh_manifest_parse_string(text, len, "m", &m, &e), 0);
	for (; want[n]; n++) {
		assert_true(n < m.n);
		assert_string_equal(m.v[n].path, want[n]);
		assert_memory_equal(m.v[n].sha256, abc, DH_SHA256_LEN);
	}
	assert_int_equal(m.n, n);
	dh_manifest_fini(&m);
}

/* Lines as sha256sum -c reads them (each checked against coreutils 9.1). */
static void
test_read_as_sha256sum(void **state)
{
	static const char crlf[] = H64 "  a\r\n" H64 " *b\r\n\r\n# note\r\n"
				       "\\" H64 "  c\\\\d\r\n" H64 "  e";
	static const char *const crlf_names[] = { "a", "b", "c\\d", "e", NULL };
	static const char win[] = H64 "  cr\r\r\n" H64 "  plain\r\n";
	static const char *const win_names[] = { "cr\r", "plain", NULL };
	static const char blanks[] = "  " H64 "  a\n\t" H64 "\t*b\n" H64 "   lead\n";
	static const char *const blank_names[] = { " lead", "a", "b", NULL };
	static const char one[] = H64 " a\n" H64 " *star\n" H64 "  two\n";
	static const char *const one_names[] = { " two", "*star", "a", NULL };

	expect_names(crlf, sizeof(crlf) - 1, crlf_names);
	expect_names(win, sizeof(win) - 1, win_names);
	expect_names(blanks, sizeof(blanks) - 1, blank_names);
	expect_names(one, sizeof(one) - 1, one_names);
}

static void
test_empty_manifest_is_refused_on_load(void **state)
{
	static const char *const texts[] = { "", "\n\n", "# only a comment\r\n\r\n" };
	char path[] = DH_TMPL("/tmp/dh-test-manifest-");
	struct dh_manifest m;
	struct dh_err e;
	char want[128];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		assert_non_null(f);
		fputs(texts[i], f);
		fclose(f);
		dh_manifest_init(&m);
		dh_err_clear(&e);
		assert_int_equal(dh_manifest_load(path, &m, &e), DH_EPARSE);
		snprintf(want, sizeof(want), "the manifest %s lists no files", path);
		assert_string_equal(e.msg, want);
		assert_int_equal(m.n, 0);
		dh_manifest_fini(&m);
		unlink(path);
		memcpy(path, DH_TMPL("/tmp/dh-test-manifest-"), sizeof(path));
	}
}

static void
test_record_names_keep_every_byte(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain.txt", "plain.txt" },
		{ "\xc3\xa5ngstr\xc3\xb6m", "\xc3\xa5ngstr\xc3\xb6m" }, /* UTF-8 stays */
		{ "back\\slash", "back\\slash" },                       /* UTF-8: as it is */
		{ "latin1-\xe5.txt", "latin1-\\xe5.txt" },
		{ "mix\\\xff\n\xc3\xa5", "mix\\\\\\xff\\n\xc3\xa5" },
		{ "overlong-\xc0\xaf", "overlong-\\xc0\\xaf" },
		{ "surrogate-\xed\xa0\x80", "surrogate-\\xed\\xa0\\x80" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = dh_manifest_record_name(cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
	assert_true(dh_manifest_name_is_utf8("\xe2\x82\xac"));
	assert_false(dh_manifest_name_is_utf8("\xe2\x82"));
}

static void
test_nul_in_name(void **state)
{
	char t[] = H64 "  a?b\n";
	struct dh_manifest m;
	struct dh_err e;

	t[64 + 3] = '\0';
	dh_manifest_init(&m);
	assert_int_equal(dh_manifest_parse_string(t, sizeof(t) - 1, "m", &m, &e), DH_EPARSE);
	assert_string_equal(e.msg, "file name contains a NUL byte");
	dh_manifest_fini(&m);
}

static void
test_clean_paths(void **state)
{
	assert_true(dh_manifest_is_clean_path("a"));
	assert_true(dh_manifest_is_clean_path("a/b/c.txt"));
	assert_true(dh_manifest_is_clean_path("..a/b..")); /* names, not parents */
	assert_false(dh_manifest_is_clean_path(""));
	assert_false(dh_manifest_is_clean_path("/a"));
	assert_false(dh_manifest_is_clean_path("a/"));
	assert_false(dh_manifest_is_clean_path("./a"));
	assert_false(dh_manifest_is_clean_path("a/./b"));
	assert_false(dh_manifest_is_clean_path(".."));
	assert_false(dh_manifest_is_clean_path("a/.."));
	assert_false(dh_manifest_is_clean_path(NULL));
}

static void
test_load_missing_file(void **state)
{
	struct dh_manifest m;
	struct dh_err e;

	dh_manifest_init(&m);
	assert_int_equal(dh_manifest_load("/nonexistent/drillhall.sha256", &m, &e), DH_ENOENT);
	dh_manifest_fini(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_plain_and_escaped),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_errors_name_their_line),
		cmocka_unit_test(test_nul_in_name),
		cmocka_unit_test(test_clean_paths),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_read_as_sha256sum),
		cmocka_unit_test(test_empty_manifest_is_refused_on_load),
		cmocka_unit_test(test_record_names_keep_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
