/*
 * Building notifications (notify/message.h): JSON through jansson,
 * headers by hand (they are a few fixed lines).
 */
#include "notify/message.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dh/json.h"
#include "dh/timefmt.h"

static void
put_segment(struct dh_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			strchr("-._~", c) != NULL)
			dh_buf_putc(b, (char)c);
		else
			dh_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

char *
dh_notify_link(const struct dh_outbox_item *it, const char *public_url)
{
	struct dh_buf b;
	size_t n;

	if (public_url == NULL)
		return NULL;
	dh_buf_init(&b);
	n = strlen(public_url);
	while (n > 0 && public_url[n - 1] == '/')
		n--;
	dh_buf_append(&b, public_url, n);
	if (it->record != NULL) {
		dh_buf_puts(&b, "/records/");
		put_segment(&b, it->record);
	} else if (it->system != NULL) {
		dh_buf_puts(&b, "/systems/");
		put_segment(&b, it->system);
	}
	return dh_buf_take(&b);
}

/* Append s with every control character as a space. */
static void
put_line(struct dh_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		dh_buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

char *
dh_notify_text(const struct dh_outbox_item *it, const char *link)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_puts(&b, "drillhall: ");
	put_line(&b, it->summary ? it->summary : it->event);
	if (link != NULL) {
		dh_buf_putc(&b, ' ');
		put_line(&b, link);
	}
	return dh_buf_take(&b);
}

char *
dh_notify_webhook_json(const struct dh_outbox_item *it, const char *public_url)
{
	char *link = dh_notify_link(it, public_url), *text = dh_notify_text(it, link), *s;
	json_t *o = json_object();

	json_object_set_new(o, "event", dh_json_str_or_null(it->event));
	json_object_set_new(o, "system", dh_json_str_or_null(it->system));
	json_object_set_new(o, "kind", dh_json_str_or_null(it->kind));
	json_object_set_new(o, "verdict", dh_json_str_or_null(it->verdict));
	json_object_set_new(o, "record", dh_json_str_or_null(it->record));
	json_object_set_new(o, "at", dh_json_time_or_null(it->at));
	json_object_set_new(o, "summary", dh_json_str_or_null(it->summary));
	json_object_set_new(o, "url", dh_json_str_or_null(link));
	json_object_set_new(o, "text", json_string(text));
	s = dh_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	free(link);
	free(text);
	return s;
}

static bool
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static void
base64(struct dh_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			(i + 2 < n ? p[i + 2] : 0);

		dh_buf_putc(out, tab[v >> 18 & 63]);
		dh_buf_putc(out, tab[v >> 12 & 63]);
		dh_buf_putc(out, i + 1 < n ? tab[v >> 6 & 63] : '=');
		dh_buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* Bytes of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t
seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* "=?UTF-8?B?" + "?=" is 12 bytes; 45 input bytes are 60 of base64: 72 <= 75. */
#define WORD_IN_MAX 45

void
dh_notify_rfc2047(struct dh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	if (plain_ascii(s)) {
		dh_buf_puts(out, s);
		return;
	}
	while (i < n) {
		size_t take = 0;

		while (i + take < n) {
			size_t l = seq_len(p[i + take]);

			if (i + take + l > n)
				l = n - i - take;
			if (take + l > WORD_IN_MAX)
				break;
			take += l;
		}
		if (i > 0)
			dh_buf_puts(out, "\r\n ");
		dh_buf_puts(out, "=?UTF-8?B?");
		base64(out, p + i, take);
		dh_buf_puts(out, "?=");
		i += take;
	}
}

void
dh_notify_date(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* the C locale's names are RFC 5322's; strftime would follow LC_TIME */
	static const char days[] = "SunMonTueWedThuFriSat",
			  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	snprintf(out, outsz, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000", days + 3 * tm.tm_wday,
		tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		tm.tm_sec);
}

static void
mail_headers(struct dh_buf *b, const struct dh_outbox_item *it, const char *from, const char *to,
	const char *tag, time_t now)
{
	char date[64], subject[DH_NOTIFY_SUBJECT_MAX + 1];
	const char *at = strrchr(from, '@');
	struct dh_buf line;

	dh_notify_date(now, date, sizeof(date));
	dh_buf_init(&line);
	put_line(&line, it->summary ? it->summary : it->event);
	snprintf(subject, sizeof(subject), "drillhall: %s", line.data ? line.data : "");
	dh_buf_fini(&line);
	dh_buf_printf(b, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date, from, to);
	dh_notify_rfc2047(b, subject);
	dh_buf_printf(b,
		"\r\nMessage-ID: <drillhall.%lld.%s@%s>\r\nMIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		(long long)it->id, tag, at && at[1] ? at + 1 : "drillhall");
}

char *
dh_notify_mail(const struct dh_outbox_item *it, const char *public_url, const char *from,
	const char *to, const char *tag, time_t now)
{
	char *link = dh_notify_link(it, public_url);
	char at[DH_RFC3339_LEN];
	struct dh_buf b;

	dh_buf_init(&b);
	mail_headers(&b, it, from, to, tag, now);
	dh_time_format(it->at, at, sizeof(at));
	put_line(&b, it->summary ? it->summary : it->event);
	dh_buf_printf(&b, "\r\n\r\nevent: %s\r\n", it->event);
	if (it->system != NULL)
		dh_buf_printf(&b, "system: %s\r\n", it->system);
	if (it->kind != NULL)
		dh_buf_printf(&b, "kind: %s\r\n", it->kind);
	if (it->verdict != NULL)
		dh_buf_printf(&b, "verdict: %s\r\n", it->verdict);
	if (it->record != NULL)
		dh_buf_printf(&b, "record: %s\r\n", it->record);
	dh_buf_printf(&b, "at: %s\r\n", at);
	if (link != NULL)
		dh_buf_printf(&b, "\r\n%s\r\n", link);
	free(link);
	return dh_buf_take(&b);
}
