/*
 * HTML helpers for every renderer that writes a page (render/plan.c
 * today; the report and the web pages next): the one escaper, so no
 * page escapes differently from another.
 */
#ifndef DH_RENDER_HTML_H
#define DH_RENDER_HTML_H

#include "dh/buf.h"

/*
 * Append s to out with & < > " ' as character references, safe inside
 * element text and inside a quoted attribute value. s NULL appends nothing.
 */
void dh_html_escape(struct dh_buf *out, const char *s);

#endif
