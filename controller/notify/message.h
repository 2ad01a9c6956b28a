/*
 * What a notification says (controller/notify/message.c, SPEC
 * "Notifications"): the webhook's JSON body, its one-line `text` for chat
 * tools, and the e-mail message with an RFC 2047 encoded UTF-8 subject,
 * Date and Message-ID headers. Pure: given an outbox item and the
 * public URL it builds text; it sends nothing and reads no clock (the
 * caller passes the time). Callers: notify/notify.c, tests.
 */
#ifndef DH_NOTIFY_MESSAGE_H
#define DH_NOTIFY_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "dh/buf.h"
#include "store/outbox.h"

#define DH_NOTIFY_SUBJECT_MAX 200 /* bytes of the subject before encoding */

/*
 * The link for item: public_url + "/records/ID" when it names a record,
 * + "/systems/ID" when a system, public_url itself otherwise; NULL when
 * public_url is NULL. Path segments are percent-encoded. Caller frees.
 */
char *dh_notify_link(const struct dh_outbox_item *it, const char *public_url);

/*
 * One line for chat tools: "drillhall: SUMMARY LINK" (control characters
 * replaced by spaces). Caller frees.
 */
char *dh_notify_text(const struct dh_outbox_item *it, const char *link);

/*
 * The webhook body, compact JSON {"event","system","kind","verdict",
 * "record","at","summary","url","text"}: at in RFC 3339 UTC, absent
 * values null. Caller frees.
 */
char *dh_notify_webhook_json(const struct dh_outbox_item *it, const char *public_url);

/*
 * Append s to out as an RFC 2047 header value: as it is when it is
 * printable ASCII, else as "=?UTF-8?B?...?=" encoded words of at most 75
 * bytes, never splitting a UTF-8 sequence, joined by CRLF SP (folded).
 */
void dh_notify_rfc2047(struct dh_buf *out, const char *s);

/* An RFC 5322 date of t in UTC ("Mon, 30 Nov 2026 21:00:00 +0000") into out. */
void dh_notify_date(time_t t, char *out, size_t outsz);

/*
 * The whole mail (headers, blank line, body; CRLF line ends, body lines
 * starting with '.' doubled is libcurl's job) from `from` to `to` sent at
 * now: Date, From, To, Subject (encoded), Message-ID
 * "<drillhall.ID.TAG@DOMAIN>" (the same for a re-sent delivery, so mail
 * readers drop a duplicate), MIME-Version and a UTF-8 text/plain body.
 * tag: a short token naming the delivery. Caller frees.
 */
char *dh_notify_mail(const struct dh_outbox_item *it, const char *public_url, const char *from,
	const char *to, const char *tag, time_t now);

#endif
