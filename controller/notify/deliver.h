/*
 * Delivering the outbox (controller/notify/deliver.c, SPEC
 * "Notifications"): the targets [notify] configures (each webhook; each
 * email_to address when email_from and smtp are set), the events its
 * `on` names, planning new outbox rows into deliveries, and one pass
 * over the deliveries that are due: a webhook counts as delivered on a
 * 2xx answer, a mail on the server's 250; anything else is tried again
 * after dh_notify_deliver_backoff. Targets are named in the store without their
 * URL ("webhook:" + 16 hex digits of its SHA-256, "email:ADDRESS"), and
 * the log names a webhook by its place in the file, so a webhook's
 * secret path never reaches the database text or the log. A delivery
 * whose target is no longer configured is given up, saying so.
 * Called by notify/notify.c's loop; one thread.
 */
#ifndef DH_NOTIFY_DELIVER_H
#define DH_NOTIFY_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config/config.h"
#include "dh/err.h"
#include "store/db.h"

#define DH_NOTIFY_DELIVER_BATCH 32        /* deliveries taken per pass */
#define DH_NOTIFY_DELIVER_TIMEOUT_S 15    /* one webhook post or mail, whole */
#define DH_NOTIFY_DELIVER_BACKOFF_FIRST 2 /* seconds before the first retry */
#define DH_NOTIFY_DELIVER_BACKOFF_MAX 600 /* retries at least this often */

struct dh_notify_deliver;

/*
 * Targets from nf (borrowed until free; nf->smtp_password_file is read
 * now with dh_config_read_secret), links from public_url (may be NULL).
 * 0, or that function's error (err never holds the password).
 */
int dh_notify_deliver_new(struct dh_notify_deliver **out, const struct dh_config_notify *nf,
	const char *public_url, struct dh_err *err);
void dh_notify_deliver_free(struct dh_notify_deliver *d);

/* How many targets there are. */
size_t dh_notify_deliver_ntargets(const struct dh_notify_deliver *d);

/*
 * Seconds to wait after the attempts-th failed attempt (attempts >= 1):
 * FIRST, doubling, at most MAX.
 */
time_t dh_notify_deliver_backoff(int attempts);

/* Plan the outbox's new rows into deliveries (dh_db_outbox_plan) as of now. */
int dh_notify_deliver_plan(struct dh_notify_deliver *d, struct dh_db *db, time_t now,
	struct dh_err *err);

/*
 * Try each delivery due at now (at most DH_NOTIFY_DELIVER_BATCH), settling each
 * in the store; stops early when *stop becomes true. *sent: delivered
 * (may be NULL). Errors are the store's; a failed send is a retry.
 */
int dh_notify_deliver_pass(struct dh_notify_deliver *d, struct dh_db *db, time_t now,
	const volatile bool *stop, size_t *sent, struct dh_err *err);

#endif
