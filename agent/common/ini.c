/*
 * inih adapter (include/dh/ini.h). inih does the INI grammar; this file
 * gives it lines through ini_parse_stream() so that it knows where each
 * key came from, and screens each raw line first so that nothing is cut
 * or dropped without the caller hearing of it.
 */
#include "dh/ini.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include <ini.h>

#include "dh/buf.h"

struct stream {
	const char *p;
	const char *end;
	int line;
	char section[DH_INI_MAX_LINE];
	char comment[DH_INI_MAX_LINE]; /* inline comment of the current line */
	bool has_comment;
	dh_ini_handler h;
	void *user;
};

static void
report(struct stream *st, enum dh_ini_kind kind, const char *key, const char *value)
{
	struct dh_ini_entry e = {
		.kind = kind,
		.section = st->section,
		.key = key,
		.value = value,
		.comment = kind == DH_INI_KEY && st->has_comment ? st->comment : NULL,
		.line = st->line,
	};

	st->h(st->user, &e);
}

static bool
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned int cp;

		if (c < 0x80) {
			if (c == 0)
				return false;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Reject overlong forms, surrogates and values past U+10FFFF. */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
			(len == 4 && cp < 0x10000) || cp > 0x10ffff ||
			(cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/*
 * Look at one raw line (no newline) before inih does. Returns true when
 * inih may see it; false when it was reported here as a problem (inih then
 * gets an empty line, so its own line count stays right).
 */
static bool
screen_line(struct stream *st, const char *raw, size_t n)
{
	const char *s = raw, *e = raw + n;
	const char *eq;

	st->has_comment = false;
	if (n > DH_INI_MAX_LINE) {
		report(st, DH_INI_ERROR, NULL, "line is longer than 4096 bytes");
		return false;
	}
	if (!valid_utf8((const unsigned char *)raw, n)) {
		report(st, DH_INI_ERROR, NULL, "line is not valid UTF-8 text");
		return false;
	}
	if (st->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (s == e || *s == ';' || *s == '#')
		return true;
	if (*s == '[') {
		const char *close = memchr(s, ']', (size_t)(e - s));
		const char *after = close ? close + 1 : e;

		while (after < e && isspace((unsigned char)*after))
			after++;
		if (close == NULL || (after < e && *after != ';')) {
			report(st, DH_INI_ERROR, NULL,
				"malformed section header (expected '[name]')");
			return false;
		}
		snprintf(st->section, sizeof(st->section), "%.*s", (int)(close - s - 1), s + 1);
		report(st, DH_INI_SECTION, NULL, NULL);
		return true;
	}
	eq = s;
	while (eq < e && *eq != '=' && *eq != ':')
		eq++;
	if (eq == e || eq == s) {
		report(st, DH_INI_ERROR, NULL, "expected 'key = value'");
		return false;
	}
	/* inih cuts a value at " ;" (whitespace then ';'): remember the rest. */
	for (const char *p = eq + 1; p < e; p++) {
		if (*p == ';' && isspace((unsigned char)p[-1])) {
			const char *c = p + 1;

			while (c < e && isspace((unsigned char)*c))
				c++;
			snprintf(st->comment, sizeof(st->comment), "%.*s", (int)(e - c), c);
			st->has_comment = true;
			break;
		}
	}
	return true;
}

static char *
reader(char *str, int num, void *stream)
{
	struct stream *st = stream;
	const char *nl;
	size_t n;

	if (st->p >= st->end)
		return NULL;
	nl = memchr(st->p, '\n', (size_t)(st->end - st->p));
	n = nl ? (size_t)(nl - st->p) : (size_t)(st->end - st->p);
	st->line++;
	if (n > 0 && st->p[n - 1] == '\r')
		n--;
	if (screen_line(st, st->p, n) && (int)n + 2 <= num) {
		memcpy(str, st->p, n);
		str[n] = '\n';
		str[n + 1] = '\0';
	} else {
		str[0] = '\n';
		str[1] = '\0';
	}
	st->p = nl ? nl + 1 : st->end;
	return str;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct stream *st = user;

	report(st, DH_INI_KEY, name, value);
	return 1;
}

void
dh_ini_parse_string(const char *text, size_t len, dh_ini_handler h, void *user)
{
	struct stream *st = dh_xcalloc(1, sizeof(*st));

	st->p = text;
	st->end = text + len;
	st->h = h;
	st->user = user;
	/* Debian's inih reads these at run time: no continuation lines (a
	 * value never grows silently), a heap line buffer big enough for
	 * every line screen_line() let through. */
	ini_allow_multiline = false;
	ini_allow_inline_comments = true;
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = DH_INI_MAX_LINE + 3;
	ini_initial_alloc = DH_INI_MAX_LINE + 3;
	ini_parse_stream(reader, st, on_key, st);
	free(st);
}

int
dh_ini_parse_file(const char *path, dh_ini_handler h, void *user, struct dh_err *err)
{
	struct dh_buf b;
	int r;

	dh_buf_init(&b);
	r = dh_file_read(path, DH_INI_MAX_FILE, &b, err);
	if (r == 0)
		dh_ini_parse_string(b.data, b.len, h, user);
	dh_buf_fini(&b);
	return r;
}
