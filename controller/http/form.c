/*
 * Form fields and cookies (http/form.h). The body is bounded by the
 * route's limit before it gets here.
 */
#include "http/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

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

/* Decode v[0..n) into a new string; NULL when malformed or it holds a NUL. */
static char *
decode(const char *v, size_t n)
{
	char *out = dh_xmalloc(n + 1);
	size_t o = 0;
	int hi, lo;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == '+') {
			out[o++] = ' ';
		} else if (v[i] != '%') {
			out[o++] = v[i];
		} else if (i + 2 < n && (hi = hexval(v[i + 1])) >= 0 &&
			(lo = hexval(v[i + 2])) >= 0 && (hi | lo) != 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			free(out);
			return NULL;
		}
	}
	out[o] = '\0';
	return out;
}

char *
dh_form_get(const char *body, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (i < len) {
		size_t end = i, eq;

		while (end < len && body[end] != '&')
			end++;
		eq = i;
		while (eq < end && body[eq] != '=')
			eq++;
		if (eq - i == nl && memcmp(body + i, name, nl) == 0)
			return decode(body + eq + (eq < end), end - eq - (eq < end));
		i = end + 1;
	}
	return NULL;
}

bool
dh_cookie_get(const char *header, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		size_t vl;

		p += strspn(p, " \t;");
		vl = strcspn(p, ";");
		if (vl > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			vl -= nl + 1;
			while (vl > 0 && (p[nl + 1 + vl - 1] == ' ' || p[nl + 1 + vl - 1] == '\t'))
				vl--;
			if (vl + 1 > outsz)
				return false;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return true;
		}
		p += vl;
	}
	return false;
}
