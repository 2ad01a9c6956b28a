/*
 * Sessions and failed-login counts in memory (http/session.h). Both are
 * small arrays searched linearly: a municipality has tens of auditors,
 * and the arrays are bounded, so a flood of logins cannot grow them.
 */
#include "http/session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

struct session {
	char id[DH_AUTH_TOKEN_HEX];
	char csrf[DH_AUTH_TOKEN_HEX];
	char user[DH_SESSION_USER_MAX];
	time_t seen;
};

/* Failures of one key: "u:NAME" or "p:ADDRESS". */
struct fails {
	char key[DH_SESSION_USER_MAX + 48];
	unsigned n;
	time_t last;
};

struct dh_sessions {
	pthread_mutex_t mu;
	struct session *v;
	size_t n;
	struct fails *f;
	size_t nf;
};

struct dh_sessions *
dh_sessions_new(void)
{
	struct dh_sessions *s = dh_xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->mu, NULL);
	s->v = dh_xcalloc(DH_SESSION_MAX, sizeof(*s->v));
	s->f = dh_xcalloc(DH_SESSION_FAIL_KEYS, sizeof(*s->f));
	return s;
}

void
dh_sessions_free(struct dh_sessions *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->mu);
	/* session ids and tokens are secrets: do not leave them in freed memory */
	memset(s->v, 0, DH_SESSION_MAX * sizeof(*s->v));
	free(s->v);
	free(s->f);
	free(s);
}

static void
remove_at(struct dh_sessions *s, size_t i)
{
	s->v[i] = s->v[--s->n];
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
}

void
dh_sessions_create(struct dh_sessions *s, const char *user, time_t now, char id[DH_AUTH_TOKEN_HEX],
	char csrf[DH_AUTH_TOKEN_HEX])
{
	struct session *ss;
	size_t oldest = 0;

	pthread_mutex_lock(&s->mu);
	if (s->n == DH_SESSION_MAX) {
		for (size_t i = 1; i < s->n; i++)
			if (s->v[i].seen < s->v[oldest].seen)
				oldest = i;
		remove_at(s, oldest);
	}
	ss = &s->v[s->n++];
	dh_auth_token(ss->id);
	dh_auth_token(ss->csrf);
	snprintf(ss->user, sizeof(ss->user), "%s", user);
	ss->seen = now;
	memcpy(id, ss->id, DH_AUTH_TOKEN_HEX);
	memcpy(csrf, ss->csrf, DH_AUTH_TOKEN_HEX);
	pthread_mutex_unlock(&s->mu);
}

static size_t
find(struct dh_sessions *s, const char *id)
{
	size_t hit = s->n;

	/* no early exit: the time does not tell which session came close */
	for (size_t i = 0; i < s->n; i++)
		if (dh_auth_equal(s->v[i].id, id))
			hit = i;
	return hit;
}

bool
dh_sessions_get(struct dh_sessions *s, const char *id, time_t now, char user[DH_SESSION_USER_MAX],
	char csrf[DH_AUTH_TOKEN_HEX])
{
	bool ok = false;
	size_t i;

	if (id == NULL || strlen(id) != DH_AUTH_TOKEN_HEX - 1)
		return false;
	pthread_mutex_lock(&s->mu);
	if ((i = find(s, id)) < s->n) {
		if (now - s->v[i].seen >= DH_SESSION_IDLE_S) {
			remove_at(s, i);
		} else {
			s->v[i].seen = now;
			if (user != NULL)
				memcpy(user, s->v[i].user, DH_SESSION_USER_MAX);
			if (csrf != NULL)
				memcpy(csrf, s->v[i].csrf, DH_AUTH_TOKEN_HEX);
			ok = true;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void
dh_sessions_drop(struct dh_sessions *s, const char *id)
{
	size_t i;

	if (id == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	if ((i = find(s, id)) < s->n)
		remove_at(s, i);
	pthread_mutex_unlock(&s->mu);
}

unsigned
dh_sessions_delay_for(unsigned failures)
{
	unsigned ms = DH_SESSION_DELAY_MS_MIN;

	if (failures <= DH_SESSION_FREE_TRIES)
		return 0;
	for (unsigned i = DH_SESSION_FREE_TRIES + 1; i < failures && ms < DH_SESSION_DELAY_MS_MAX;
		i++)
		ms *= 2;
	return ms < DH_SESSION_DELAY_MS_MAX ? ms : DH_SESSION_DELAY_MS_MAX;
}

/* The count of key as of now (0 when forgotten), or its slot when make. */
static struct fails *
fails_get(struct dh_sessions *s, const char *key, time_t now, bool make)
{
	size_t oldest = 0;

	for (size_t i = 0; i < s->nf; i++) {
		if (strcmp(s->f[i].key, key) != 0)
			continue;
		if (now - s->f[i].last >= DH_SESSION_FAIL_FORGET_S)
			s->f[i].n = 0;
		return &s->f[i];
	}
	if (!make)
		return NULL;
	if (s->nf < DH_SESSION_FAIL_KEYS) {
		oldest = s->nf++;
	} else {
		for (size_t i = 1; i < s->nf; i++)
			if (s->f[i].last < s->f[oldest].last)
				oldest = i;
	}
	memset(&s->f[oldest], 0, sizeof(s->f[oldest]));
	snprintf(s->f[oldest].key, sizeof(s->f[oldest].key), "%s", key);
	return &s->f[oldest];
}

static unsigned
count(struct dh_sessions *s, char kind, const char *name, time_t now)
{
	char key[sizeof(((struct fails *)0)->key)];
	struct fails *f;

	snprintf(key, sizeof(key), "%c:%s", kind, name ? name : "");
	f = fails_get(s, key, now, false);
	return f != NULL ? f->n : 0;
}

unsigned
dh_sessions_login_delay_ms(struct dh_sessions *s, const char *user, const char *peer, time_t now)
{
	unsigned u, p;

	pthread_mutex_lock(&s->mu);
	u = count(s, 'u', user, now);
	p = count(s, 'p', peer, now);
	pthread_mutex_unlock(&s->mu);
	return dh_sessions_delay_for(u > p ? u : p);
}

static void
bump(struct dh_sessions *s, char kind, const char *name, time_t now)
{
	char key[sizeof(((struct fails *)0)->key)];
	struct fails *f;

	snprintf(key, sizeof(key), "%c:%s", kind, name ? name : "");
	f = fails_get(s, key, now, true);
	f->n++;
	f->last = now;
}

void
dh_sessions_login_failed(struct dh_sessions *s, const char *user, const char *peer, time_t now)
{
	pthread_mutex_lock(&s->mu);
	bump(s, 'u', user, now);
	bump(s, 'p', peer, now);
	pthread_mutex_unlock(&s->mu);
}

void
dh_sessions_login_ok(struct dh_sessions *s, const char *user)
{
	char key[sizeof(((struct fails *)0)->key)];
	struct fails *f;

	snprintf(key, sizeof(key), "u:%s", user ? user : "");
	pthread_mutex_lock(&s->mu);
	if ((f = fails_get(s, key, 0, false)) != NULL)
		f->n = 0;
	pthread_mutex_unlock(&s->mu);
}
