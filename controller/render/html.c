/*
 * The HTML escaper (render/html.h). Five characters matter in text and
 * in quoted attributes; everything else, UTF-8 included, passes through
 * unchanged (the plan loader has already refused control characters).
 */
#include "render/html.h"

#include <string.h>

void
dh_html_escape(struct dh_buf *out, const char *s)
{
	static const struct {
		char c;
		const char *ref;
	} refs[] = {
		{ '&', "&amp;" },
		{ '<', "&lt;" },
		{ '>', "&gt;" },
		{ '"', "&quot;" },
		{ '\'', "&#39;" },
	};
	size_t run;

	if (s == NULL)
		return;
	while (*s != '\0') {
		run = strcspn(s, "&<>\"'");
		dh_buf_append(out, s, run);
		s += run;
		if (*s == '\0')
			break;
		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
			if (refs[i].c == *s)
				dh_buf_puts(out, refs[i].ref);
		s++;
	}
}

/*
 * The look every page shares. Print: A4 with room for a binder's holes,
 * headings kept with what follows, rows never split, table headers
 * repeated on each page; colours kept (print-color-adjust) since red and
 * green carry meaning, and each is also said in words.
 */
static const char page_css[] =
	"@page{size:A4;margin:14mm 12mm 16mm 14mm}"
	"*{box-sizing:border-box}"
	"body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:10pt;"
	"line-height:1.35;color:#1a1a1a;margin:0 auto;max-width:60rem;padding:1rem;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"h1{font-size:17pt;margin:0 0 .2rem}"
	"h2{font-size:13pt;margin:1.4rem 0 .4rem;border-bottom:2px solid #1f3a5f;"
	"color:#1f3a5f;break-after:avoid;page-break-after:avoid}"
	"h3{font-size:11pt;margin:1rem 0 .3rem;break-after:avoid;page-break-after:avoid}"
	"p{margin:.3rem 0}"
	"table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}"
	"th,td{border:1px solid #b8c0cc;padding:.18rem .35rem;text-align:left;"
	"vertical-align:top}"
	"th{background:#e8edf3;font-weight:600}"
	"thead{display:table-header-group}"
	"tr,li,svg,.keep{break-inside:avoid;page-break-inside:avoid}"
	"td.num,th.num{text-align:right;white-space:nowrap}"
	".meta{color:#444;font-size:9pt}"
	".ok{color:#1b6e2e;font-weight:600}"
	".bad{color:#b01c1c;font-weight:600}"
	".warn{color:#8a5a00;font-weight:600}"
	".mono{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:8.5pt;"
	"word-break:break-all}"
	".small{font-size:8.5pt}"
	"@media print{body{max-width:none;padding:0}a{color:inherit;text-decoration:none}"
	".pagebreak{break-before:page;page-break-before:always}}";

void
dh_html_page_begin(struct dh_buf *out, const char *title, const char *extra_css)
{
	dh_buf_puts(out,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>");
	dh_html_escape(out, title ? title : "drillhall");
	dh_buf_puts(out, "</title>\n<style>");
	dh_buf_puts(out, page_css);
	if (extra_css != NULL)
		dh_buf_puts(out, extra_css);
	dh_buf_puts(out, "</style>\n</head>\n<body>\n");
}

void
dh_html_page_end(struct dh_buf *out)
{
	dh_buf_puts(out, "</body>\n</html>\n");
}
