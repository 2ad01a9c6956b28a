/*
 * Memory and growable byte buffers. Allocation failure aborts (as tmux and
 * Redis do): a drill tool that cannot allocate a few kilobytes has nothing
 * useful left to report. Every buffer filled from a file or the network is
 * given a maximum and returns DH_ETOOBIG past it.
 */
#ifndef DH_BUF_H
#define DH_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "dh/err.h"

void *dh_xmalloc(size_t n);
void *dh_xcalloc(size_t n, size_t size);
void *dh_xrealloc(void *p, size_t n);
char *dh_xstrdup(const char *s);
char *dh_xstrndup(const char *s, size_t n);
/* Returns a caller-owned formatted string. */
char *dh_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable buffer; data is always NUL-terminated (when non-NULL). */
struct dh_buf {
	char *data;
	size_t len;
	size_t cap;
};

void dh_buf_init(struct dh_buf *b);
void dh_buf_fini(struct dh_buf *b);
void dh_buf_reset(struct dh_buf *b);
void dh_buf_append(struct dh_buf *b, const void *p, size_t n);
void dh_buf_puts(struct dh_buf *b, const char *s);
void dh_buf_putc(struct dh_buf *b, char c);
void dh_buf_printf(struct dh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dh_buf_vprintf(struct dh_buf *b, const char *fmt, va_list ap);
/* Move the contents out (caller frees; "" when empty); the buffer is reset. */
char *dh_buf_take(struct dh_buf *b);

/*
 * Read a whole file into b (appended, NUL-terminated). Returns 0,
 * DH_ENOENT, DH_EIO, or DH_ETOOBIG when it is larger than max bytes.
 */
int dh_file_read(const char *path, size_t max, struct dh_buf *b, struct dh_err *err);

#endif
