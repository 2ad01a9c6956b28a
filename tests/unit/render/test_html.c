/*
 * The HTML escaper (render/html.c): the five characters that matter in
 * text and quoted attributes, runs between them, UTF-8 passed through,
 * NULL and the empty string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render/html.h"

static void
expect(const char *in, const char *want)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_puts(&b, "[");
	dh_html_escape(&b, in);
	dh_buf_puts(&b, "]");
	assert_string_equal(b.data, want);
	dh_buf_fini(&b);
}

static void
test_escape(void **state)
{
	expect("plain text", "[plain text]");
	expect("<script>alert(\"x\")</script> & co",
		"[&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co]");
	expect("it's", "[it&#39;s]");
	expect("&amp;", "[&amp;amp;]"); /* escaped again: the input is text, not HTML */
	expect("<<>>", "[&lt;&lt;&gt;&gt;]");
	expect("Räkna — försumbar", "[Räkna — försumbar]");
	expect("", "[]");
	expect(NULL, "[]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
