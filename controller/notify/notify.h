/*
 * serve's notifier (controller/notify/notify.c, SPEC "Notifications"): a
 * thread that, about once a second, plans the outbox's new rows into
 * deliveries and delivers what is due (notify/deliver.h); every
 * DH_NOTIFY_OVERDUE_EVERY_S it judges the plan's systems as of now
 * (store/compliance.h) and writes an `overdue` event for each test that is
 * overdue, once per system, kind and due date (the outbox's dedup key);
 * at start and every DH_NOTIFY_AUDIT_EVERY_S (in a thread of its own,
 * with its own connection: a long chain takes a while) it verifies the audit
 * chain, stores the outcome for /metrics and writes an `audit_broken`
 * event, once per broken record. The loop has its own connection.
 * When these two checks are due, and the instant the overdue check judges
 * at, follow cfg.clock (serve passes the scheduler's clock, which a test
 * injects: sched/clock.h); deliveries, their backoff and the times stored
 * for the audit check follow the system clock.
 * Started by cli/cmd_serve.c after the recovery of interrupted drills,
 * stopped before the receiver.
 */
#ifndef DH_NOTIFY_H
#define DH_NOTIFY_H

#include <time.h>

#include "config/config.h"
#include "dh/err.h"

#define DH_NOTIFY_TICK_MS 1000
#define DH_NOTIFY_OVERDUE_EVERY_S 60
#define DH_NOTIFY_AUDIT_EVERY_S 3600

struct dh_notify_cfg {
	const char *db_path;
	const char *plans;                  /* the plans directory */
	const struct dh_config *cfg;        /* [notify], public_url; borrowed until stop */
	int overdue_every_s, audit_every_s; /* 0: the defaults above */
	/* The periodic checks' clock, Unix seconds, called from the notifier's
	 * threads with clock_arg (borrowed until stop); NULL: the system clock. */
	time_t (*clock)(void *clock_arg);
	void *clock_arg;
};

struct dh_notify;

/*
 * Open the store, read the SMTP password (dh_config_read_secret) and
 * start the thread. 0, or DH_EDB / DH_ELOCKED / the secret's error /
 * DH_ESYS with err set. Strings are copied except cfg.
 */
int dh_notify_start(struct dh_notify **out, const struct dh_notify_cfg *c, struct dh_err *err);

/* Stop the thread (after the delivery in flight), close, free. NULL is a no-op. */
void dh_notify_stop(struct dh_notify *n);

#endif
