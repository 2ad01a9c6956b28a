/*
 * Error codes and the error value every module fills in. A struct dh_err
 * carries a code, the file and line that caused it (when there is one) and
 * a message; the setters return the code so a caller can write
 * `return dh_err_at(err, DH_EPARSE, path, line, "...")`. Only main()
 * decides to print and exit.
 */
#ifndef DH_ERR_H
#define DH_ERR_H

#include <stddef.h>

enum {
	DH_OK = 0,
	DH_EINVAL = -1,   /* bad argument or value */
	DH_EPARSE = -2,   /* malformed input */
	DH_EIO = -3,      /* read/write/open failed */
	DH_ETOOBIG = -4,  /* input over its maximum size */
	DH_ENOENT = -5,   /* missing file, key or record */
	DH_EEXIST = -6,   /* already exists */
	DH_ESYS = -7,     /* a system call failed */
	DH_ETIMEOUT = -8, /* a deadline passed */
	DH_EREFUSED = -9, /* refused: host key, signature, policy */
	DH_ENET = -10,    /* network unreachable or connection failed */
	DH_EDB = -11,     /* database error */
	DH_ELOCKED = -12, /* resource busy or locked */
};

#define DH_ERR_MSG_MAX 512

struct dh_err {
	int code;
	int line;       /* 0 when no line applies */
	char file[256]; /* empty when no file applies */
	char msg[DH_ERR_MSG_MAX];
};

/* Reset to "no error". err may be NULL. */
void dh_err_clear(struct dh_err *err);

/* Set code and message; return code. err may be NULL (then only returns). */
int dh_err_set(struct dh_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like dh_err_set with a file and line (file may be NULL, line 0). */
int dh_err_at(struct dh_err *err, int code, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Like dh_err_set, appending ": strerror(errno)" from the saved errno. */
int dh_err_sys(struct dh_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A short constant name for a code ("parse error", ...). */
const char *dh_err_name(int code);

/* Format "file:line: msg" (or just msg) into a static-free caller buffer. */
void dh_err_format(const struct dh_err *err, char *out, size_t outsz);

#endif
