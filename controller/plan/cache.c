/*
 * The plan as last loaded (plan/cache.h): a signature of the plan files'
 * metadata decides when to load again; plans still held by a handler
 * after a newer one came are kept until released.
 */
#include "plan/cache.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "dh/buf.h"
#include "plan/open.h"

/* One loaded plan and how many handlers hold it. */
struct entry {
	struct dh_plan *p;
	bool errors;
	int holders;
	struct entry *next; /* older entries still held */
};

struct dh_plan_cache {
	char *dir;
	time_t max_age_s;
	pthread_mutex_t mu; /* guards what follows */
	struct entry *current, *retired;
	unsigned long long sig;
	time_t loaded_at;
};

struct dh_plan_cache *
dh_plan_cache_new(const char *dir, time_t max_age_s)
{
	struct dh_plan_cache *c = dh_xcalloc(1, sizeof(*c));

	c->dir = dh_xstrdup(dir);
	c->max_age_s = max_age_s;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

static void
entry_free(struct entry *e)
{
	dh_plan_free(e->p);
	free(e);
}

void
dh_plan_cache_free(struct dh_plan_cache *c)
{
	if (c == NULL)
		return;
	if (c->current != NULL)
		entry_free(c->current);
	while (c->retired != NULL) {
		struct entry *e = c->retired;

		c->retired = e->next;
		entry_free(e);
	}
	pthread_mutex_destroy(&c->mu);
	free(c->dir);
	free(c);
}

static void
sig_add(unsigned long long *sig, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return;
	*sig = *sig * 1000003ull ^ (unsigned long long)st.st_mtim.tv_sec * 1000000007ull ^
		(unsigned long long)st.st_mtim.tv_nsec ^ (unsigned long long)st.st_size << 20 ^
		(unsigned long long)st.st_ino;
}

/* A number that changes when a plan file is added, removed or changed. */
static unsigned long long
signature(const char *dir)
{
	unsigned long long sig = 1469598103934665603ull;
	char path[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/systems", dir);
	sig_add(&sig, path);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "%s/systems/%s", dir, e->d_name);
			sig_add(&sig, path);
		}
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/policy.ini", dir);
	sig_add(&sig, path);
	snprintf(path, sizeof(path), "%s/inventory.ini", dir);
	sig_add(&sig, path);
	return sig;
}

/* Load the plan as of now as the current entry; the old one retires. Under c->mu. */
static int
reload(struct dh_plan_cache *c, time_t now, unsigned long long sig, struct dh_err *err)
{
	struct dh_plan *p = NULL;
	struct dh_problems pr;
	struct entry *e;
	int r;

	dh_problems_init(&pr);
	if ((r = dh_plan_open(&p, c->dir, now, &pr, err)) == 0) {
		e = dh_xcalloc(1, sizeof(*e));
		e->p = p;
		e->errors = dh_problems_count(&pr, DH_SEV_ERROR) > 0;
		if (c->current != NULL && c->current->holders > 0) {
			c->current->next = c->retired;
			c->retired = c->current;
		} else if (c->current != NULL) {
			entry_free(c->current);
		}
		c->current = e;
		c->sig = sig;
		c->loaded_at = now;
	}
	dh_problems_fini(&pr);
	return r;
}

int
dh_plan_cache_get(struct dh_plan_cache *c, time_t now, const struct dh_plan **p, bool *errors,
	struct dh_err *err)
{
	unsigned long long sig = signature(c->dir);
	int r = 0;

	*p = NULL;
	pthread_mutex_lock(&c->mu);
	if (c->current == NULL || sig != c->sig || now - c->loaded_at >= c->max_age_s ||
		now < c->loaded_at)
		r = reload(c, now, sig, err);
	if (r == 0) {
		c->current->holders++;
		*p = c->current->p;
		*errors = c->current->errors;
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

void
dh_plan_cache_release(struct dh_plan_cache *c, const struct dh_plan *p)
{
	struct entry **pe;

	if (p == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->current != NULL && c->current->p == p) {
		c->current->holders--;
	} else {
		for (pe = &c->retired; *pe != NULL && (*pe)->p != p; pe = &(*pe)->next)
			;
		if (*pe != NULL && --(*pe)->holders == 0) {
			struct entry *e = *pe;

			*pe = e->next;
			entry_free(e);
		}
	}
	pthread_mutex_unlock(&c->mu);
}
