/*
 * Fingerprints of a system's requirement and section (fingerprint.h):
 * the fields are written one per line as "name=value" into a buffer in a
 * fixed order, then hashed. Strings are written with their length, so no
 * value can imitate a field boundary.
 */
#include "plan/fingerprint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dh/buf.h"

static void
str(struct dh_buf *b, const char *name, const char *v)
{
	if (v == NULL)
		dh_buf_printf(b, "%s-\n", name);
	else
		dh_buf_printf(b, "%s=%zu:%s\n", name, strlen(v), v);
}

static void
num(struct dh_buf *b, const char *name, int64_t v)
{
	dh_buf_printf(b, "%s=%" PRId64 "\n", name, v);
}

static void
act(struct dh_buf *b, const char *name, const struct dh_action_ref *a)
{
	str(b, name, a->host);
	str(b, name, a->action);
}

static void
probes(struct dh_buf *b, const char *name, const struct dh_health *h, size_t n)
{
	num(b, name, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		num(b, "kind", h[i].kind);
		str(b, "host", h[i].host);
		num(b, "port", h[i].port);
		str(b, "url", h[i].url);
		str(b, "action", h[i].action);
	}
}

static void
restore(struct dh_buf *b, const struct dh_system *s)
{
	const struct dh_restore *r = &s->restore;

	num(b, "backup_rpo", s->eff_backup_rpo_s);
	num(b, "rto", s->eff_rto_s);
	num(b, "present", r->present);
	if (!r->present)
		return;
	str(b, "host", r->host);
	num(b, "method", r->method);
	str(b, "repository", r->repository);
	str(b, "password_file", r->password_file);
	str(b, "pattern", r->pattern);
	str(b, "snapshot_host", r->snapshot_host);
	str(b, "snapshot_tag", r->snapshot_tag);
	str(b, "snapshot_path", r->snapshot_path);
	str(b, "restore_action", r->restore_action);
	str(b, "backup_time_action", r->backup_time_action);
	num(b, "verify", (int64_t)r->nverify);
	for (size_t i = 0; i < r->nverify; i++) {
		num(b, "kind", r->verify[i].kind);
		str(b, "arg", r->verify[i].arg);
		num(b, "n", r->verify[i].n);
	}
	num(b, "timeout", r->timeout_s);
	num(b, "keep", r->keep);
}

static void
failover(struct dh_buf *b, const struct dh_system *s)
{
	const struct dh_failover *f = &s->failover;

	num(b, "rpo", s->eff_rpo_s);
	num(b, "rto", s->eff_rto_s);
	num(b, "present", f->present);
	if (!f->present)
		return;
	str(b, "primary", f->primary);
	str(b, "standby", f->standby);
	probes(b, "primary_health", f->primary_health, f->nprimary_health);
	act(b, "marker_write", &f->marker_write);
	act(b, "marker_check", &f->marker_check);
	num(b, "steps", (int64_t)f->nsteps);
	for (size_t i = 0; i < f->nsteps; i++)
		act(b, "step", &f->steps[i]);
	probes(b, "health", f->health, f->nhealth);
	num(b, "failbacks", (int64_t)f->nfailbacks);
	for (size_t i = 0; i < f->nfailbacks; i++)
		act(b, "failback", &f->failbacks[i]);
	num(b, "timeout", f->timeout_s);
}

void
dh_plan_fingerprint(char out[DH_PLAN_FINGERPRINT_LEN], const struct dh_system *s,
	enum dh_job_kind k)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_printf(&b, "drillhall fingerprint 1 %s\n", dh_job_kind_name(k));
	if (k == DH_JOB_FAILOVER)
		failover(&b, s);
	else
		restore(&b, s);
	if (EVP_Digest(b.data, b.len, md, &mdlen, EVP_sha256(), NULL) != 1)
		abort();
	dh_buf_fini(&b);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
