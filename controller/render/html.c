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
