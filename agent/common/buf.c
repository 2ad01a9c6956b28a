/*
 * Allocation wrappers that abort on failure, growable buffers, and a
 * bounded whole-file reader (include/dh/buf.h).
 */
#include "dh/log.h"
#include "dh/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(size_t n)
{
	dh_log_error("out of memory allocating %zu bytes", n);
	abort();
}

void *
dh_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
dh_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
dh_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
dh_xstrdup(const char *s)
{
	return dh_xstrndup(s, strlen(s));
}

char *
dh_xstrndup(const char *s, size_t n)
{
	char *p = dh_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
dh_xasprintf(const char *fmt, ...)
{
	struct dh_buf b;
	va_list ap;

	dh_buf_init(&b);
	va_start(ap, fmt);
	dh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return dh_buf_take(&b);
}

void
dh_buf_init(struct dh_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
dh_buf_fini(struct dh_buf *b)
{
	free(b->data);
	dh_buf_init(b);
}

void
dh_buf_reset(struct dh_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static void
reserve(struct dh_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 64;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	b->data = dh_xrealloc(b->data, cap);
	b->cap = cap;
}

void
dh_buf_append(struct dh_buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
dh_buf_puts(struct dh_buf *b, const char *s)
{
	dh_buf_append(b, s, strlen(s));
}

void
dh_buf_putc(struct dh_buf *b, char c)
{
	dh_buf_append(b, &c, 1);
}

void
dh_buf_vprintf(struct dh_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
dh_buf_printf(struct dh_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dh_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
dh_buf_take(struct dh_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = dh_xstrdup("");
	dh_buf_init(b);
	return p;
}

int
dh_file_read(const char *path, size_t max, struct dh_buf *b, struct dh_err *err)
{
	char chunk[65536];
	size_t start = b->len;
	FILE *f;
	size_t n;
	int r = 0;

	f = fopen(path, "rb");
	if (f == NULL)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO, "cannot open %s",
			path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len - start + n > max) {
			r = dh_err_set(err, DH_ETOOBIG, "%s is larger than %zu bytes", path, max);
			goto out;
		}
		dh_buf_append(b, chunk, n);
	}
	if (ferror(f))
		r = dh_err_sys(err, DH_EIO, "cannot read %s", path);
	else if (b->data == NULL)
		dh_buf_append(b, "", 0);
out:
	fclose(f);
	return r;
}
