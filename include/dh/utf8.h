/*
 * UTF-8 validity, as RFC 3629 defines it: no overlong forms, no UTF-16
 * surrogates, nothing past U+10FFFF. Used where bytes from outside (file
 * names, request text) must become valid UTF-8 text: the log's escaping
 * and the names that test records carry.
 */
#ifndef DH_UTF8_H
#define DH_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length in bytes (1..4) of the valid UTF-8 sequence that starts at s, or
 * 0 when the bytes there are not one (a NUL ends a sequence early: 0).
 */
size_t dh_utf8_seq_len(const char *s);

/* True when the NUL-terminated s is valid UTF-8 throughout. */
bool dh_utf8_is_valid(const char *s);

#endif
