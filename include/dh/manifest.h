/*
 * Manifests in GNU sha256sum format: one line per regular file,
 * "HEX  NAME", names relative to the tree root, sorted bytewise, escaped
 * exactly as GNU sha256sum (coreutils 9) escapes them: a name holding '\',
 * LF or CR gets a leading '\' on its line and those bytes written as "\\",
 * "\n", "\r". So `cd DIR && sha256sum -c --strict MANIFEST` accepts what
 * `drillhall-agent manifest DIR` prints. Parsing also takes binary-mode
 * lines ("HEX *NAME"), upper-case hex, '#' comment lines and a leading
 * "./" (as `find . | xargs sha256sum` writes), and reads lines as
 * `sha256sum -c` does: CRLF line ends (one CR before the LF is dropped, so
 * a Windows-written name that truly ends in CR keeps it), leading blanks,
 * a tab or one space after the hash ("HASH NAME", not mixed with the
 * two-space form in one file). It refuses names that are absolute or
 * climb with "..". The agent's tree walker, verify and the
 * restore test use this module; it owns no I/O beyond reading the file.
 */
#ifndef DH_MANIFEST_H
#define DH_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dh/buf.h"
#include "dh/err.h"

#define DH_SHA256_LEN 32
/* Largest manifest file read (about 3 million lines of typical length). */
#define DH_MANIFEST_MAX_FILE (256u * 1024 * 1024)

struct dh_manifest_entry {
	char *path; /* relative, unescaped; owned */
	unsigned char sha256[DH_SHA256_LEN];
	int line; /* line in the file it came from, 0 if built */
};

struct dh_manifest {
	struct dh_manifest_entry *v;
	size_t n;
	size_t cap;
};

void dh_manifest_init(struct dh_manifest *m);
void dh_manifest_fini(struct dh_manifest *m);
/* Append an entry (path copied). */
void dh_manifest_add(struct dh_manifest *m, const char *path,
	const unsigned char sha256[DH_SHA256_LEN], int line);
/* Sort bytewise by path (strcmp order on unsigned bytes). */
void dh_manifest_sort(struct dh_manifest *m);

/*
 * Parse text (len bytes) into m (appended, then sorted). name is the PATH
 * in messages. Returns 0, or DH_EPARSE with err at "name:LINE" for the
 * first malformed line: bad hash, missing separator, bad escape, empty,
 * absolute or ".." name, duplicate name. On error m is left empty.
 */
int dh_manifest_parse_string(const char *text, size_t len, const char *name, struct dh_manifest *m,
	struct dh_err *err);
/* Read path (at most DH_MANIFEST_MAX_FILE) and parse it. DH_ENOENT/DH_EIO/DH_ETOOBIG/DH_EPARSE. */
int dh_manifest_load(const char *path, struct dh_manifest *m, struct dh_err *err);

/* True when name needs sha256sum's escaping (holds '\', LF or CR). */
bool dh_manifest_name_needs_escape(const char *name);
/* Append name escaped as sha256sum does (without the line's leading '\'). */
void dh_manifest_escape_name(struct dh_buf *b, const char *name);
/* True when name is valid UTF-8 (no overlong forms, surrogates or bytes past U+10FFFF). */
bool dh_manifest_name_is_utf8(const char *name);
/*
 * name as records show it (the caller's, never NULL): a UTF-8 name as it
 * is; any other name escaped as sha256sum escapes names (backslash as
 * two, LF as "\n", CR as "\r") and each byte outside valid UTF-8 as
 * "\xNN", so every byte is kept and the record stays valid JSON text.
 */
char *dh_manifest_record_name(const char *name);
/* Append one manifest line for (path, sha256), with its newline. */
void dh_manifest_format_line(struct dh_buf *b, const char *path,
	const unsigned char sha256[DH_SHA256_LEN]);
/* True when rel is a clean relative path: no leading '/', no "", "." or ".." component. */
bool dh_manifest_is_clean_path(const char *rel);

#endif
