/*
 * What a notification says (controller/notify/message.c) and when a
 * failed delivery is tried again (notify/deliver.c): the webhook's JSON
 * keys and values, its one-line text with the link, a subject in UTF-8
 * encoded per RFC 2047 (plain ASCII left as it is, encoded words of at
 * most 75 bytes that never split a character), the RFC 5322 date, the
 * mail's headers, and the backoff schedule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "dh/buf.h"
#include "notify/deliver.h"
#include "notify/message.h"

static struct dh_outbox_item
item(const char *summary)
{
	return (struct dh_outbox_item){ .id = 7,
		.target = "webhook:0123",
		.event = "failed",
		.system = "proc",
		.kind = "restore",
		.verdict = "failed",
		.record = "j 1",
		.summary = (char *)summary,
		.at = 1796083200 };
}

static void
test_webhook_json(void **state)
{
	struct dh_outbox_item it = item("restore test of proc failed:\nverify");
	char *s = dh_notify_webhook_json(&it, "https://dh.example.se:8443/");
	json_t *o = json_loads(s, 0, NULL);

	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "event")), "failed");
	assert_string_equal(json_string_value(json_object_get(o, "system")), "proc");
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "restore");
	assert_string_equal(json_string_value(json_object_get(o, "verdict")), "failed");
	assert_string_equal(json_string_value(json_object_get(o, "record")), "j 1");
	assert_string_equal(json_string_value(json_object_get(o, "at")), "2026-12-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "summary")),
		"restore test of proc failed:\nverify");
	assert_string_equal(json_string_value(json_object_get(o, "url")),
		"https://dh.example.se:8443/records/j%201");
	assert_string_equal(json_string_value(json_object_get(o, "text")),
		"drillhall: restore test of proc failed: verify "
		"https://dh.example.se:8443/records/j%201");
	json_decref(o);
	free(s);
	/* no public_url: url null; no record: the system's page */
	it.record = NULL;
	s = dh_notify_webhook_json(&it, NULL);
	o = json_loads(s, 0, NULL);
	assert_true(json_is_null(json_object_get(o, "url")));
	assert_true(json_is_null(json_object_get(o, "record")));
	json_decref(o);
	free(s);
	s = dh_notify_link(&it, "http://h");
	assert_string_equal(s, "http://h/systems/proc");
	free(s);
}

static void
test_rfc2047(void **state)
{
	struct dh_buf b;
	char big[256] = "";

	dh_buf_init(&b);
	dh_notify_rfc2047(&b, "drillhall: restore test of proc failed");
	assert_string_equal(b.data, "drillhall: restore test of proc failed");
	dh_buf_reset(&b);
	dh_notify_rfc2047(&b, "\xc3\x85"); /* Å */
	assert_string_equal(b.data, "=?UTF-8?B?w4U=?=");
	dh_buf_reset(&b);
	for (int i = 0; i < 100; i++)
		strcat(big, "\xc3\xa5"); /* å, 200 bytes */
	dh_notify_rfc2047(&b, big);
	/* 44 bytes a word (45 would split an å): 5 words, folded */
	{
		size_t words = 0;
		char *save = NULL, *copy = dh_xstrdup(b.data);

		for (char *w = strtok_r(copy, "\r\n ", &save); w;
			w = strtok_r(NULL, "\r\n ", &save)) {
			assert_true(strlen(w) <= 75);
			assert_memory_equal(w, "=?UTF-8?B?", 10);
			words++;
		}
		assert_int_equal(words, 5);
		free(copy);
	}
	assert_non_null(strstr(b.data, "?=\r\n =?UTF-8?B?"));
	/* the first word holds 44 bytes (60 base64 characters, one '=' of
	 * padding): 45 would have cut an å in two */
	assert_memory_equal(b.data + 10 + 59, "=?=\r\n", 5);
	dh_buf_fini(&b);
}

static void
test_mail(void **state)
{
	struct dh_outbox_item it = item("Återläsning av proc misslyckades");
	char date[64], *m;

	dh_notify_date(0, date, sizeof(date));
	assert_string_equal(date, "Thu, 01 Jan 1970 00:00:00 +0000");
	m = dh_notify_mail(&it, "https://dh", "drillhall@example.se", "it@example.se", "abc",
		1796083200);
	assert_non_null(strstr(m, "Date: Tue, 01 Dec 2026 00:00:00 +0000\r\n"));
	assert_non_null(strstr(m, "From: drillhall@example.se\r\nTo: it@example.se\r\n"));
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(m, "Message-ID: <drillhall.7.abc@example.se>\r\n"));
	assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: 8bit\r\n\r\nÅterläsning"));
	assert_non_null(strstr(m, "verdict: failed\r\n"));
	assert_non_null(strstr(m, "https://dh/records/j%201\r\n"));
	free(m);
}

static void
test_backoff(void **state)
{
	assert_int_equal(dh_notify_deliver_backoff(1), 2);
	assert_int_equal(dh_notify_deliver_backoff(2), 4);
	assert_int_equal(dh_notify_deliver_backoff(3), 8);
	assert_int_equal(dh_notify_deliver_backoff(9), 512);
	assert_int_equal(dh_notify_deliver_backoff(10), 600);
	assert_int_equal(dh_notify_deliver_backoff(1000), 600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webhook_json),
		cmocka_unit_test(test_rfc2047),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
