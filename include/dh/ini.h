/*
 * The inih adapter: the only place that includes <ini.h>. It feeds inih
 * one line at a time through its own reader so every callback knows its
 * line number and the raw line, reports sections (even empty ones) as they
 * open, and catches what inih would swallow or cut silently: over-long
 * lines, invalid UTF-8, lines that are neither section nor key, and text
 * that an inline " ;" comment removed from a value. The plan loader and
 * agent.ini both read through it.
 */
#ifndef DH_INI_H
#define DH_INI_H

#include <stddef.h>

#include "dh/err.h"

/* Longest line accepted; a longer one is a problem on its line. */
#define DH_INI_MAX_LINE 4096
/* Largest file dh_ini_parse_file reads. */
#define DH_INI_MAX_FILE (4 * 1024 * 1024)

enum dh_ini_kind {
	DH_INI_SECTION, /* a "[name]" line; key and value are NULL */
	DH_INI_KEY,     /* key = value in section */
	DH_INI_ERROR,   /* a line that could not be read; value is the message */
};

struct dh_ini_entry {
	enum dh_ini_kind kind;
	const char *section; /* current section ("" before the first) */
	const char *key;
	const char *value;   /* stripped, inline comment removed */
	const char *comment; /* text after an inline " ;" on a KEY line, or NULL */
	int line;            /* 1-based */
};

/* Called for each entry; pointers are valid only during the call. */
typedef void (*dh_ini_handler)(void *user, const struct dh_ini_entry *e);

/* Parse text (len bytes, may contain NULs: those lines are errors). */
void dh_ini_parse_string(const char *text, size_t len, dh_ini_handler h, void *user);

/*
 * Read path (at most DH_INI_MAX_FILE bytes) and parse it. Returns 0 when
 * the file was read (problems inside go to the handler as DH_INI_ERROR),
 * or DH_ENOENT / DH_EIO / DH_ETOOBIG with err set when it could not be.
 */
int dh_ini_parse_file(const char *path, dh_ini_handler h, void *user, struct dh_err *err);

#endif
