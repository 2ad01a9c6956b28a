/*
 * Sending one e-mail through libcurl's SMTP (controller/notify/smtp.c,
 * SPEC "Notifications"): STARTTLS is required (CURLUSESSL_ALL) unless the
 * server's host is a loopback address, TLS peers are verified, and the
 * message counts as delivered only when the server answered 250 to it.
 * The password is handed to libcurl only; nothing here logs, and errors
 * never hold the password or the message.
 */
#ifndef DH_NOTIFY_SMTP_H
#define DH_NOTIFY_SMTP_H

#include <stdbool.h>

#include "dh/err.h"

#define DH_SMTP_TIMEOUT_S 60

struct dh_smtp {
	const char *url;      /* smtp://HOST[:PORT] or smtps://... */
	const char *user;     /* NULL: no login */
	const char *password; /* with user */
	long timeout_s;       /* <= 0: DH_SMTP_TIMEOUT_S */
};

/*
 * Send msg (a whole message, CRLF line ends) from `from` to `to`.
 * Returns 0 when the server accepted it (250), DH_EREFUSED when it
 * refused it (err has the server's code), DH_ETIMEOUT or DH_ENET
 * otherwise (err has libcurl's reason).
 */
int dh_smtp_send(const struct dh_smtp *s, const char *from, const char *to, const char *msg,
	struct dh_err *err);

/* Whether the host of url is loopback: 127.0.0.0/8, ::1 or "localhost". */
bool dh_smtp_url_is_loopback(const char *url);

#endif
