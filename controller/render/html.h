/*
 * HTML helpers for every renderer that writes a page (render/plan.c
 * today; the report and the web pages next): the one escaper, so no
 * page escapes differently from another, and the one page frame and
 * style sheet, so that every page looks and prints alike.
 */
#ifndef DH_RENDER_HTML_H
#define DH_RENDER_HTML_H

#include "dh/buf.h"

/*
 * Append s to out with & < > " ' as character references, safe inside
 * element text and inside a quoted attribute value. s NULL appends nothing.
 */
void dh_html_escape(struct dh_buf *out, const char *s);

/*
 * Begin a page with drillhall's look: doctype, charset, title (escaped;
 * NULL: "drillhall"), the shared style sheet (screen, and print on A4:
 * @page, page breaks kept out of rows and headings, table headers
 * repeated), then extra_css verbatim (the caller's own constants, never
 * user text; NULL: none), and <body>. Self-contained: no scripts, no
 * external style sheets, fonts or images. Shared by the report and the
 * web pages, so that every page looks and prints alike.
 */
void dh_html_page_begin(struct dh_buf *out, const char *title, const char *extra_css);

/* End a page begun by dh_html_page_begin. */
void dh_html_page_end(struct dh_buf *out);

#endif
