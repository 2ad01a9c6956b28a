/*
 * Manifests (include/dh/manifest.h): the sha256sum line format, its
 * escaping and a strict parser. The parser reads untrusted text — a
 * manifest comes from wherever the plan points — so every line is either
 * understood completely or reported with its line number; nothing is
 * guessed. Called by the agent's tree walker (writing) and by verify and
 * the restore test (reading).
 */
#include "dh/manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/utf8.h"

#define HEXLEN (2 * DH_SHA256_LEN)

void
dh_manifest_init(struct dh_manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void
dh_manifest_fini(struct dh_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void
dh_manifest_add(struct dh_manifest *m, const char *path, const unsigned char sha256[DH_SHA256_LEN],
	int line)
{
	struct dh_manifest_entry *e;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = dh_xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	e = &m->v[m->n++];
	e->path = dh_xstrdup(path);
	memcpy(e->sha256, sha256, DH_SHA256_LEN);
	e->line = line;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct dh_manifest_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void
dh_manifest_sort(struct dh_manifest *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
}

bool
dh_manifest_name_needs_escape(const char *name)
{
	return strpbrk(name, "\\\n\r") != NULL;
}

void
dh_manifest_escape_name(struct dh_buf *b, const char *name)
{
	for (const char *p = name; *p; p++) {
		switch (*p) {
		case '\\':
			dh_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			dh_buf_append(b, "\\n", 2);
			break;
		case '\r':
			dh_buf_append(b, "\\r", 2);
			break;
		default:
			dh_buf_putc(b, *p);
			break;
		}
	}
}

bool
dh_manifest_name_is_utf8(const char *name)
{
	return dh_utf8_is_valid(name);
}

char *
dh_manifest_record_name(const char *name)
{
	struct dh_buf b;

	if (dh_manifest_name_is_utf8(name))
		return dh_xstrdup(name);
	dh_buf_init(&b);
	for (const unsigned char *s = (const unsigned char *)name; *s;) {
		size_t n = dh_utf8_seq_len((const char *)s);
		char esc[8];

		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", *s++);
			dh_buf_puts(&b, esc);
			continue;
		}
		if (n == 1 && (*s == '\\' || *s == '\n' || *s == '\r')) {
			char one[2] = { (char)*s, '\0' };

			dh_manifest_escape_name(&b, one);
		} else {
			dh_buf_append(&b, (const char *)s, n);
		}
		s += n;
	}
	return dh_buf_take(&b);
}

void
dh_manifest_format_line(struct dh_buf *b, const char *path,
	const unsigned char sha256[DH_SHA256_LEN])
{
	static const char hex[] = "0123456789abcdef";
	char h[HEXLEN];

	for (size_t i = 0; i < DH_SHA256_LEN; i++) {
		h[2 * i] = hex[sha256[i] >> 4];
		h[2 * i + 1] = hex[sha256[i] & 15];
	}
	if (dh_manifest_name_needs_escape(path))
		dh_buf_putc(b, '\\');
	dh_buf_append(b, h, HEXLEN);
	dh_buf_append(b, "  ", 2);
	dh_manifest_escape_name(b, path);
	dh_buf_putc(b, '\n');
}

bool
dh_manifest_is_clean_path(const char *rel)
{
	const char *p = rel;

	if (rel == NULL || *rel == '\0' || *rel == '/')
		return false;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (slash == NULL)
			break;
		p = slash + 1;
		if (*p == '\0')
			return false; /* trailing slash */
	}
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo sha256sum's escaping of s[0..n) into b; false on an unknown escape. */
static bool
unescape(struct dh_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			dh_buf_putc(b, s[i]);
			continue;
		}
		if (++i == n)
			return false;
		switch (s[i]) {
		case '\\':
			dh_buf_putc(b, '\\');
			break;
		case 'n':
			dh_buf_putc(b, '\n');
			break;
		case 'r':
			dh_buf_putc(b, '\r');
			break;
		default:
			return false;
		}
	}
	return true;
}

/*
 * How a file separates hash and name, fixed by its first line as
 * sha256sum -c fixes it: "HASH  NAME" / "HASH *NAME" (GNU), or
 * "HASH NAME" (one blank, as `md5 -r` writes). Mixing the two is refused,
 * so a renamed file with a leading blank cannot pass as another style.
 */
enum sep_style { SEP_UNKNOWN, SEP_GNU, SEP_REVERSED };

/* Find the name after the hash (s[HEXLEN] is the blank); NULL when styles mix. */
static const char *
split_name(const char *s, size_t n, enum sep_style *style, size_t *namelen)
{
	const char *p = s + HEXLEN + 1;
	size_t rest = n - HEXLEN - 1;

	if (rest == 1 || (p[0] != ' ' && p[0] != '*')) {
		if (*style == SEP_GNU)
			return NULL;
		*style = SEP_REVERSED;
	} else if (*style != SEP_REVERSED) {
		*style = SEP_GNU;
		p++, rest--;
	}
	*namelen = rest;
	return p;
}

/*
 * Parse one line (without its LF and one trailing CR) into m, as GNU
 * sha256sum -c reads it: leading blanks skipped, a leading '\' marks an
 * escaped name, a blank (space or tab) after the hash. Returns 0 or sets err.
 */
static int
parse_line(const char *s, size_t n, const char *name, int line, enum sep_style *style,
	struct dh_manifest *m, struct dh_err *err)
{
	unsigned char sha[DH_SHA256_LEN];
	bool escaped = false;
	struct dh_buf path;
	const char *p;
	int r = 0;

	while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	if (n > 0 && s[0] == '\\') {
		escaped = true;
		s++, n--;
	}
	if (n < HEXLEN + 2) /* hash, a blank, at least one name byte */
		return dh_err_at(err, DH_EPARSE, name, line,
			"malformed line (expected '<64 hex digits>  NAME')");
	for (size_t i = 0; i < DH_SHA256_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return dh_err_at(err, DH_EPARSE, name, line,
				"malformed SHA-256 (expected 64 hex digits)");
		sha[i] = (unsigned char)(hi << 4 | lo);
	}
	if (s[HEXLEN] != ' ' && s[HEXLEN] != '\t')
		return dh_err_at(err, DH_EPARSE, name, line,
			"malformed line (expected two spaces or ' *' after the hash)");
	if ((p = split_name(s, n, style, &n)) == NULL)
		return dh_err_at(err, DH_EPARSE, name, line,
			"mixes 'HASH NAME' lines with 'HASH  NAME' lines");
	dh_buf_init(&path);
	if (memchr(p, '\0', n) != NULL) {
		r = dh_err_at(err, DH_EPARSE, name, line, "file name contains a NUL byte");
		goto out;
	}
	if (escaped ? !unescape(&path, p, n) : (dh_buf_append(&path, p, n), false)) {
		r = dh_err_at(err, DH_EPARSE, name, line, "bad escape in file name");
		goto out;
	}
	dh_buf_append(&path, "", 0);
	while (strncmp(path.data, "./", 2) == 0) {
		memmove(path.data, path.data + 2, path.len - 1);
		path.len -= 2;
	}
	if (!dh_manifest_is_clean_path(path.data)) {
		r = dh_err_at(err, DH_EPARSE, name, line,
			"file name must be a relative path without '.' or '..' parts");
		goto out;
	}
	dh_manifest_add(m, path.data, sha, line);
out:
	dh_buf_fini(&path);
	return r;
}

static int
check_duplicates(struct dh_manifest *m, const char *name, struct dh_err *err)
{
	for (size_t i = 1; i < m->n; i++) {
		const struct dh_manifest_entry *a = &m->v[i - 1], *b = &m->v[i];

		if (strcmp(a->path, b->path) == 0) {
			int first = a->line < b->line ? a->line : b->line;
			int second = a->line < b->line ? b->line : a->line;

			return dh_err_at(err, DH_EPARSE, name, second,
				"duplicate entry for a file already listed on line %d", first);
		}
	}
	return 0;
}

int
dh_manifest_parse_string(const char *text, size_t len, const char *name, struct dh_manifest *m,
	struct dh_err *err)
{
	const char *p = text, *end = text + len;
	enum sep_style style = SEP_UNKNOWN;
	int line = 0, r = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t used = n - (n > 0 && p[n - 1] == '\r'); /* CRLF: one CR, as sha256sum */

		line++;
		if (used > 0 && p[0] != '#') {
			r = parse_line(p, used, name, line, &style, m, err);
			if (r != 0)
				goto out;
		}
		p += n + (nl != NULL);
	}
	dh_manifest_sort(m);
	r = check_duplicates(m, name, err);
out:
	if (r != 0)
		dh_manifest_fini(m);
	return r;
}

int
dh_manifest_load(const char *path, struct dh_manifest *m, struct dh_err *err)
{
	struct dh_buf b;
	int r;

	dh_buf_init(&b);
	r = dh_file_read(path, DH_MANIFEST_MAX_FILE, &b, err);
	if (r == 0)
		r = dh_manifest_parse_string(b.data, b.len, path, m, err);
	if (r == 0 && m->n == 0)
		r = dh_err_set(err, DH_EPARSE, "the manifest %s lists no files", path);
	dh_buf_fini(&b);
	return r;
}
