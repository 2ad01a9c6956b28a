/*
 * Delivering the outbox (notify/deliver.h).
 */
#include "notify/deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/http_client.h"
#include "dh/log.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "notify/message.h"
#include "notify/smtp.h"
#include "store/outbox.h"

#define EVENT_BITS 7

struct target {
	char name[220];  /* as stored */
	char label[240]; /* as logged */
	const char *webhook, *email;
};

struct dh_notify_deliver {
	const struct dh_config_notify *nf;
	const char *public_url;
	char *password;
	struct target *t;
	size_t nt;
	const char *targets[64]; /* names, for planning */
	const char *events[EVENT_BITS];
	size_t nevents;
	struct dh_http_client *http;
};

static void
add_target(struct dh_notify_deliver *d, const char *webhook, const char *email, size_t i)
{
	struct target *t;

	if (d->nt >= sizeof(d->targets) / sizeof(d->targets[0]))
		return;
	t = &d->t[d->nt];
	if (webhook != NULL) {
		char hex[65];

		dh_sha256_hex(webhook, strlen(webhook), hex);
		snprintf(t->name, sizeof(t->name), "webhook:%.16s", hex);
		snprintf(t->label, sizeof(t->label), "webhook %zu", i + 1);
	} else {
		snprintf(t->name, sizeof(t->name), "email:%.200s", email);
		snprintf(t->label, sizeof(t->label), "mail to %.200s", email);
	}
	t->webhook = webhook;
	t->email = email;
	d->targets[d->nt++] = t->name;
}

int
dh_notify_deliver_new(struct dh_notify_deliver **out, const struct dh_config_notify *nf,
	const char *public_url, struct dh_err *err)
{
	struct dh_notify_deliver *d = dh_xcalloc(1, sizeof(*d));
	bool mail = nf->email_from != NULL && nf->smtp != NULL;
	int r;

	if (mail && nf->smtp_password_file != NULL &&
		(r = dh_config_read_secret(nf->smtp_password_file, &d->password, err)) != 0) {
		free(d);
		return r;
	}
	d->nf = nf;
	d->public_url = public_url;
	d->t = dh_xcalloc(nf->nwebhooks + nf->nemail_to + 1, sizeof(*d->t));
	for (size_t i = 0; i < nf->nwebhooks; i++)
		add_target(d, nf->webhooks[i], NULL, i);
	for (size_t i = 0; mail && i < nf->nemail_to; i++)
		add_target(d, NULL, nf->email_to[i], i);
	for (int b = 0; b < EVENT_BITS; b++)
		if (nf->on & (1u << b))
			d->events[d->nevents++] =
				dh_notify_event_name((enum dh_notify_event)(1u << b));
	d->http = dh_http_client_new(
		&(struct dh_http_client_opts){ .timeout_s = DH_NOTIFY_DELIVER_TIMEOUT_S }, err);
	if (d->http == NULL) {
		dh_notify_deliver_free(d);
		return DH_ESYS;
	}
	*out = d;
	return 0;
}

void
dh_notify_deliver_free(struct dh_notify_deliver *d)
{
	if (d == NULL)
		return;
	if (d->password != NULL)
		memset(d->password, 0, strlen(d->password));
	free(d->password);
	free(d->t);
	dh_http_client_free(d->http);
	free(d);
}

size_t
dh_notify_deliver_ntargets(const struct dh_notify_deliver *d)
{
	return d->nt;
}

time_t
dh_notify_deliver_backoff(int attempts)
{
	time_t s = DH_NOTIFY_DELIVER_BACKOFF_FIRST;

	for (int i = 1; i < attempts && s < DH_NOTIFY_DELIVER_BACKOFF_MAX; i++)
		s *= 2;
	return s < DH_NOTIFY_DELIVER_BACKOFF_MAX ? s : DH_NOTIFY_DELIVER_BACKOFF_MAX;
}

int
dh_notify_deliver_plan(struct dh_notify_deliver *d, struct dh_db *db, time_t now,
	struct dh_err *err)
{
	return dh_db_outbox_plan(db, d->events, d->nevents, d->targets, d->nt, now, NULL, err);
}

static const struct target *
find_target(const struct dh_notify_deliver *d, const char *name)
{
	for (size_t i = 0; i < d->nt; i++)
		if (strcmp(d->t[i].name, name) == 0)
			return &d->t[i];
	return NULL;
}

static int
send_webhook(struct dh_notify_deliver *d, const struct target *t, const struct dh_outbox_item *it,
	struct dh_err *err)
{
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	char *body = dh_notify_webhook_json(it, d->public_url);
	struct dh_http_response resp;
	int r;

	r = dh_http_client_post(d->http, t->webhook, headers, body, strlen(body), &resp, err);
	free(body);
	if (r == 0 && (resp.status < 200 || resp.status > 299))
		r = dh_err_set(err, DH_EREFUSED, "the receiver answered %ld", resp.status);
	return r;
}

static int
send_mail(struct dh_notify_deliver *d, const struct target *t, const struct dh_outbox_item *it,
	time_t now, struct dh_err *err)
{
	struct dh_smtp s = { .url = d->nf->smtp,
		.user = d->nf->smtp_user,
		.password = d->password,
		.timeout_s = DH_NOTIFY_DELIVER_TIMEOUT_S };
	char hex[65], *msg;
	int r;

	dh_sha256_hex(t->name, strlen(t->name), hex);
	hex[12] = '\0';
	msg = dh_notify_mail(it, d->public_url, d->nf->email_from, t->email, hex, now);
	r = dh_smtp_send(&s, d->nf->email_from, t->email, msg, err);
	free(msg);
	return r;
}

/* Send one delivery and settle it. */
static int
deliver_one(struct dh_notify_deliver *d, struct dh_db *db, const struct dh_outbox_item *it,
	time_t now, size_t *sent, struct dh_err *err)
{
	const struct target *t = find_target(d, it->target);
	struct dh_err why;
	time_t next;
	int r;

	if (t == NULL)
		return dh_db_outbox_settle(db, it->id, it->target, true, now, now,
			"given up: the target is no longer in [notify]", err);
	dh_err_clear(&why);
	r = t->webhook ? send_webhook(d, t, it, &why) : send_mail(d, t, it, now, &why);
	if (r == 0) {
		dh_log_info("notification %lld (%s %s) delivered to %s", (long long)it->id,
			it->event, it->system ? it->system : "", t->label);
		(*sent)++;
		return dh_db_outbox_settle(db, it->id, it->target, true, dh_time_now(), 0,
			"delivered", err);
	}
	next = dh_notify_deliver_backoff(it->attempts + 1);
	dh_log_warn("notification %lld (%s) to %s failed (attempt %d): %s; next try in %llds",
		(long long)it->id, it->event, t->label, it->attempts + 1, why.msg, (long long)next);
	return dh_db_outbox_settle(db, it->id, it->target, false, now, dh_time_now() + next,
		why.msg, err);
}

int
dh_notify_deliver_pass(struct dh_notify_deliver *d, struct dh_db *db, time_t now,
	const volatile bool *stop, size_t *sent, struct dh_err *err)
{
	struct dh_outbox_item *v = NULL;
	size_t n = 0, ok = 0;
	int r;

	if ((r = dh_db_outbox_due(db, now, DH_NOTIFY_DELIVER_BATCH, &v, &n, err)) != 0)
		return r;
	for (size_t i = 0; i < n && !*stop && r == 0; i++)
		r = deliver_one(d, db, &v[i], now, &ok, err);
	dh_outbox_items_free(v, n);
	if (sent != NULL)
		*sent = ok;
	return r;
}
