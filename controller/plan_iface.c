/*
 * STAND-IN plan reader for the transport commands (controller/
 * plan_iface.h): reads policy.ini, inventory.ini and systems/ *.ini through
 * the inih adapter and derives what run, hosts and status need (effective
 * level, rpo/rto, intervals, restore job template, revision). It does not
 * check the plan — that is `drillhall check` on the plans branch — and is
 * to be replaced by an adapter over plan.h when the branches meet.
 */
#include "plan_iface.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/ini.h"
#include "dh/sign.h"

#define PLAN_FILE_MAX (1024 * 1024)

struct level { int64_t rpo, rto, restore_every, failover_every; };

/* Raw values of one system file before derivation. */
struct raw_system {
	int availability;
	int64_t rpo, rto, restore_every, failover_every, timeout;
};

struct reader {
	struct dh_plan_iface *p;
	const char *path;
	struct dh_err *err;
	int r;
	/* policy */
	struct level levels[5];
	int unclassified;
	/* the system being read */
	struct dh_plan_iface_system *sys;
	struct raw_system raw;
};

static void
set_dup(char **dst, const char *v)
{
	free(*dst);
	*dst = dh_xstrdup(v);
}

static int64_t
duration(struct reader *rd, const struct dh_ini_entry *e, bool never)
{
	int64_t v = -1;

	if (dh_duration_parse(e->value, never, &v) != 0)
		rd->r = dh_err_at(rd->err, DH_EPARSE, rd->path, e->line,
			"bad duration '%s' for %s", e->value, e->key);
	return v;
}

static int
level_of(struct reader *rd, const char *s, int line)
{
	if (s[0] >= '0' && s[0] <= '4' && s[1] == '\0')
		return s[0] - '0';
	rd->r = dh_err_at(rd->err, DH_EPARSE, rd->path, line, "bad level '%s'", s);
	return -1;
}

static void
on_policy(void *user, const struct dh_ini_entry *e)
{
	struct reader *rd = user;
	struct level *lv;
	int n;

	if (rd->r != 0 || e->kind != DH_INI_KEY)
		return;
	if (strcmp(e->section, "plan") == 0) {
		if (strcmp(e->key, "name") == 0)
			set_dup(&rd->p->name, e->value);
		else if (strcmp(e->key, "unclassified_level") == 0)
			rd->unclassified = level_of(rd, e->value, e->line);
		return;
	}
	if (strncmp(e->section, "availability ", 13) != 0 ||
	    (n = level_of(rd, e->section + 13, e->line)) < 0)
		return;
	lv = &rd->levels[n];
	if (strcmp(e->key, "rpo") == 0)
		lv->rpo = duration(rd, e, false);
	else if (strcmp(e->key, "rto") == 0)
		lv->rto = duration(rd, e, false);
	else if (strcmp(e->key, "restore_test_every") == 0)
		lv->restore_every = duration(rd, e, true);
	else if (strcmp(e->key, "failover_drill_every") == 0)
		lv->failover_every = duration(rd, e, true);
}

static void
on_inventory(void *user, const struct dh_ini_entry *e)
{
	struct reader *rd = user;
	struct dh_plan_iface *p = rd->p;
	struct dh_plan_iface_host *h;

	if (rd->r != 0)
		return;
	if (e->kind == DH_INI_SECTION && strncmp(e->section, "host ", 5) == 0) {
		p->hosts = dh_xrealloc(p->hosts, (p->nhosts + 1) * sizeof(*p->hosts));
		h = &p->hosts[p->nhosts++];
		memset(h, 0, sizeof(*h));
		h->id = dh_xstrdup(e->section + 5);
		h->port = 22;
		h->agent = dh_xstrdup("/usr/local/bin/drillhall-agent");
		return;
	}
	if (e->kind != DH_INI_KEY)
		return;
	if (strcmp(e->section, "controller") == 0) {
		if (strcmp(e->key, "url") == 0)
			set_dup(&p->url, e->value);
		else if (strcmp(e->key, "ssh_key") == 0)
			set_dup(&p->ssh_key, e->value);
		else if (strcmp(e->key, "known_hosts") == 0)
			set_dup(&p->known_hosts, e->value);
		return;
	}
	if (strncmp(e->section, "host ", 5) != 0 || p->nhosts == 0)
		return;
	h = &p->hosts[p->nhosts - 1];
	if (strcmp(e->key, "hall") == 0)
		set_dup(&h->hall, e->value);
	else if (strcmp(e->key, "address") == 0)
		set_dup(&h->address, e->value);
	else if (strcmp(e->key, "user") == 0)
		set_dup(&h->user, e->value);
	else if (strcmp(e->key, "agent") == 0)
		set_dup(&h->agent, e->value);
	else if (strcmp(e->key, "port") == 0 &&
	    ((h->port = atoi(e->value)) < 1 || h->port > 65535))
		rd->r = dh_err_at(rd->err, DH_EPARSE, rd->path, e->line, "bad port");
}

static void
add_verify(struct reader *rd, const struct dh_ini_entry *e)
{
	struct dh_job_restore *rs = &rd->sys->restore_job->restore;
	const char *sp = strchr(e->value, ' ');
	char *kind = sp ? dh_xstrndup(e->value, (size_t)(sp - e->value)) : NULL;
	int k = kind ? dh_verify_kind_parse(kind) : -1;
	struct dh_verify *v;

	free(kind);
	if (k < 0) {
		rd->r = dh_err_at(rd->err, DH_EPARSE, rd->path, e->line,
			"bad verify '%s'", e->value);
		return;
	}
	rs->verify = dh_xrealloc(rs->verify, (rs->nverify + 1) * sizeof(*rs->verify));
	v = &rs->verify[rs->nverify++];
	memset(v, 0, sizeof(*v));
	v->kind = (enum dh_verify_kind)k;
	if (k == DH_VERIFY_MIN_FILES || k == DH_VERIFY_MIN_BYTES)
		v->n = strtoll(sp + 1, NULL, 10);
	else
		v->arg = dh_xstrdup(sp + 1);
}

static const struct restore_key {
	const char *key;
	size_t off;
} restore_keys[] = {
	{ "repository", offsetof(struct dh_job_restore, repository) },
	{ "password_file", offsetof(struct dh_job_restore, password_file) },
	{ "pattern", offsetof(struct dh_job_restore, pattern) },
	{ "restore_action", offsetof(struct dh_job_restore, restore_action) },
	{ "backup_time_action", offsetof(struct dh_job_restore, backup_time_action) },
};

static void
on_restore_key(struct reader *rd, const struct dh_ini_entry *e)
{
	struct dh_job_restore *rs = &rd->sys->restore_job->restore;
	int m;

	for (size_t i = 0; i < sizeof(restore_keys) / sizeof(restore_keys[0]); i++)
		if (strcmp(restore_keys[i].key, e->key) == 0) {
			set_dup((char **)((char *)rs + restore_keys[i].off), e->value);
			return;
		}
	if (strcmp(e->key, "host") == 0) {
		set_dup(&rd->sys->restore_host, e->value);
	} else if (strcmp(e->key, "method") == 0) {
		if ((m = dh_restore_method_parse(e->value)) < 0)
			rd->r = dh_err_at(rd->err, DH_EPARSE, rd->path, e->line,
				"unknown method '%s'", e->value);
		else
			rs->method = (enum dh_restore_method)m;
	} else if (strcmp(e->key, "verify") == 0) {
		add_verify(rd, e);
	} else if (strcmp(e->key, "timeout") == 0) {
		rd->raw.timeout = duration(rd, e, false);
	} else if (strcmp(e->key, "keep") == 0) {
		rs->keep = strcmp(e->value, "yes") == 0;
	}
}

static void
on_system(void *user, const struct dh_ini_entry *e)
{
	struct reader *rd = user;
	struct dh_plan_iface_system *s = rd->sys;

	if (rd->r != 0)
		return;
	if (e->kind == DH_INI_SECTION) {
		s->has_restore = s->has_restore || strcmp(e->section, "restore") == 0;
		s->has_failover = s->has_failover || strcmp(e->section, "failover") == 0;
		return;
	}
	if (e->kind != DH_INI_KEY)
		return;
	if (strcmp(e->section, "restore") == 0) {
		on_restore_key(rd, e);
		return;
	}
	if (strcmp(e->section, "system") != 0)
		return;
	if (strcmp(e->key, "name") == 0)
		set_dup(&s->name, e->value);
	else if (strcmp(e->key, "availability") == 0)
		rd->raw.availability = level_of(rd, e->value, e->line);
	else if (strcmp(e->key, "rpo") == 0)
		rd->raw.rpo = duration(rd, e, false);
	else if (strcmp(e->key, "rto") == 0)
		rd->raw.rto = duration(rd, e, false);
	else if (strcmp(e->key, "restore_test_every") == 0)
		rd->raw.restore_every = duration(rd, e, true);
	else if (strcmp(e->key, "failover_drill_every") == 0)
		rd->raw.failover_every = duration(rd, e, true);
}

/* Read rel (relative to dir), add it to the revision hash input, parse it. */
static int
read_file(struct reader *rd, const char *dir, const char *rel, dh_ini_handler h,
	struct dh_buf *rev)
{
	char *path = dh_xasprintf("%s/%s", dir, rel);
	struct dh_buf b;
	int r;

	dh_buf_init(&b);
	r = dh_file_read(path, PLAN_FILE_MAX, &b, rd->err);
	if (r == 0) {
		dh_buf_puts(rev, rel);
		dh_buf_append(rev, "", 1);
		dh_buf_append(rev, b.data, b.len);
		dh_buf_append(rev, "", 1);
		rd->path = rel;
		dh_ini_parse_string(b.data, b.len, h, rd);
		r = rd->r;
	}
	dh_buf_fini(&b);
	free(path);
	return r;
}

static void
derive(struct reader *rd, struct dh_plan_iface_system *s)
{
	int lvl = rd->raw.availability >= 0 ? rd->raw.availability : rd->unclassified;
	const struct level *lv = &rd->levels[lvl];
	struct dh_job *j = s->restore_job;

	s->level = lvl;
	s->set_by_it = rd->raw.availability < 0;
	/* A valid plan only tightens, or loosens under a deviation: declared wins. */
	s->rpo_s = rd->raw.rpo >= 0 ? rd->raw.rpo : lv->rpo;
	s->rto_s = rd->raw.rto >= 0 ? rd->raw.rto : lv->rto;
	s->restore_every_s = rd->raw.restore_every != -2 ? rd->raw.restore_every :
		lv->restore_every;
	s->failover_every_s = rd->raw.failover_every != -2 ? rd->raw.failover_every :
		lv->failover_every;
	j->version = DH_PROTO_VERSION;
	j->kind = DH_JOB_RESTORE;
	j->system = dh_xstrdup(s->id);
	j->host = s->restore_host ? dh_xstrdup(s->restore_host) : NULL;
	j->rpo_target_s = s->rpo_s;
	j->rto_target_s = s->rto_s;
	j->timeout_s = rd->raw.timeout > 0 ? rd->raw.timeout :
		(2 * s->rto_s > 60 ? 2 * s->rto_s : 60);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_systems(struct reader *rd, const char *dir, struct dh_buf *rev)
{
	char *sdir = dh_xasprintf("%s/systems", dir), **names = NULL;
	DIR *d = opendir(sdir);
	struct dirent *de;
	size_t n = 0;
	int r = 0;

	if (d == NULL) {
		r = dh_err_sys(rd->err, DH_ENOENT, "cannot read %s", sdir);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".ini") == 0) {
			names = dh_xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = dh_xstrndup(de->d_name, l - 4);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	rd->p->systems = dh_xcalloc(n, sizeof(*rd->p->systems));
	for (size_t i = 0; i < n && r == 0; i++) {
		char *rel = dh_xasprintf("systems/%s.ini", names[i]);

		rd->sys = &rd->p->systems[rd->p->nsystems++];
		rd->sys->id = dh_xstrdup(names[i]);
		rd->sys->restore_job = dh_xcalloc(1, sizeof(struct dh_job));
		rd->raw = (struct raw_system){ .availability = -1, .rpo = -1, .rto = -1,
			.restore_every = -2, .failover_every = -2, .timeout = -1 };
		r = read_file(rd, dir, rel, on_system, rev);
		if (r == 0)
			derive(rd, rd->sys);
		free(rel);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(sdir);
	return r;
}

int
dh_plan_iface_load(const char *dir, struct dh_plan_iface **out, struct dh_err *err)
{
	struct reader rd = { .p = dh_xcalloc(1, sizeof(struct dh_plan_iface)), .err = err,
		.unclassified = 2 };
	struct dh_buf rev;
	int r;

	dh_buf_init(&rev);
	if ((r = read_file(&rd, dir, "policy.ini", on_policy, &rev)) != 0 ||
	    (r = read_file(&rd, dir, "inventory.ini", on_inventory, &rev)) != 0 ||
	    (r = read_systems(&rd, dir, &rev)) != 0)
		goto out;
	dh_sha256_hex(rev.data, rev.len, rd.p->revision);
	for (size_t i = 0; i < rd.p->nsystems; i++)
		set_dup(&rd.p->systems[i].restore_job->plan_revision, rd.p->revision);
	*out = rd.p;
	rd.p = NULL;
out:
	dh_buf_fini(&rev);
	dh_plan_iface_free(rd.p);
	return r;
}

void
dh_plan_iface_free(struct dh_plan_iface *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nhosts; i++) {
		free(p->hosts[i].id);
		free(p->hosts[i].hall);
		free(p->hosts[i].address);
		free(p->hosts[i].user);
		free(p->hosts[i].agent);
	}
	for (size_t i = 0; i < p->nsystems; i++) {
		free(p->systems[i].id);
		free(p->systems[i].name);
		free(p->systems[i].restore_host);
		dh_job_free(p->systems[i].restore_job);
	}
	free(p->hosts);
	free(p->systems);
	free(p->name);
	free(p->url);
	free(p->ssh_key);
	free(p->known_hosts);
	free(p);
}

const struct dh_plan_iface_system *
dh_plan_iface_system_get(const struct dh_plan_iface *p, const char *id)
{
	for (size_t i = 0; i < p->nsystems; i++)
		if (strcmp(p->systems[i].id, id) == 0)
			return &p->systems[i];
	return NULL;
}

const struct dh_plan_iface_host *
dh_plan_iface_host_get(const struct dh_plan_iface *p, const char *id)
{
	for (size_t i = 0; i < p->nhosts; i++)
		if (strcmp(p->hosts[i].id, id) == 0)
			return &p->hosts[i];
	return NULL;
}
