/*
 * What a browser sends (http/form.c): fields of an
 * application/x-www-form-urlencoded body, and one cookie of a Cookie
 * header. Used by the web pages (http/pages.c); pure string work.
 */
#ifndef DH_HTTP_FORM_H
#define DH_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The decoded value of the first field called name in body (len bytes):
 * '+' is a space, %XX a byte. Caller frees; NULL when absent, when a %
 * escape is malformed, or when the value holds a NUL byte.
 */
char *dh_form_get(const char *body, size_t len, const char *name);

/*
 * Cookie name's value from a Cookie header ("a=1; b=2") into out
 * (outsz bytes). false when absent, NULL header, or too long.
 */
bool dh_cookie_get(const char *header, const char *name, char *out, size_t outsz);

#endif
