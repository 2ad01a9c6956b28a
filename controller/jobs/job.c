/*
 * Building jobs and SSH targets from the plan model (jobs/job.h). The
 * plan already holds the protocol's enums (restore method, verify kind),
 * so a job is the [restore] section copied field by field; nothing is
 * named in a string and parsed back.
 */
#include "jobs/job.h"

#include <string.h>

#include "dh/buf.h"

static char *
dup_or_null(const char *s)
{
	return s ? dh_xstrdup(s) : NULL;
}

static void
copy_restore(const struct dh_restore *in, struct dh_job_restore *rs)
{
	rs->method = in->method;
	rs->repository = dup_or_null(in->repository);
	rs->password_file = dup_or_null(in->password_file);
	rs->pattern = dup_or_null(in->pattern);
	rs->snapshot_host = dup_or_null(in->snapshot_host);
	rs->snapshot_tag = dup_or_null(in->snapshot_tag);
	rs->snapshot_path = dup_or_null(in->snapshot_path);
	rs->restore_action = dup_or_null(in->restore_action);
	rs->backup_time_action = dup_or_null(in->backup_time_action);
	rs->keep = in->keep;
	rs->verify = dh_xcalloc(in->nverify, sizeof(*rs->verify));
	rs->nverify = in->nverify;
	for (size_t i = 0; i < in->nverify; i++) {
		rs->verify[i].kind = in->verify[i].kind;
		rs->verify[i].arg = dup_or_null(in->verify[i].arg);
		rs->verify[i].n = in->verify[i].n;
	}
}

int
dh_job_build_restore(struct dh_job **out, const struct dh_plan *p, const struct dh_system *s,
	struct dh_err *err)
{
	struct dh_job *j;

	*out = NULL;
	if (!s->restore.present || s->restore.host == NULL)
		return dh_err_set(err, DH_EINVAL,
			"%s has no [restore] section with a "
			"host",
			s->id);
	if (dh_plan_method_name(s->restore.method) == NULL)
		return dh_err_set(err, DH_EINVAL, "%s has no restore method", s->id);
	j = dh_xcalloc(1, sizeof(*j));
	j->version = DH_PROTO_VERSION;
	j->kind = DH_JOB_RESTORE;
	j->system = dh_xstrdup(s->id);
	j->host = dh_xstrdup(s->restore.host);
	j->url = dup_or_null(p->inv.url);
	j->plan_revision = dh_xstrdup(p->revision);
	/* SPEC "How requirements are derived": a restore test is judged
	 * against backup_rpo; rpo is the failover drill's */
	j->rpo_target_s = s->eff_backup_rpo_s;
	j->rto_target_s = s->eff_rto_s;
	j->timeout_s = s->restore.timeout_s;
	j->every_s = s->eff_restore_every_s;
	copy_restore(&s->restore, &j->restore);
	*out = j;
	return 0;
}

int
dh_job_restore_target(struct dh_ssh_target *out, const struct dh_plan *p, const struct dh_system *s,
	struct dh_err *err)
{
	const struct dh_host *h;

	memset(out, 0, sizeof(*out));
	if (!s->restore.present || s->restore.host == NULL)
		return dh_err_set(err, DH_EINVAL,
			"%s has no [restore] section with a "
			"host",
			s->id);
	h = dh_plan_host_get(p, s->restore.host);
	if (h == NULL || h->address == NULL || h->user == NULL)
		return dh_err_set(err, DH_EINVAL,
			"restore host '%s' of %s is not in the "
			"inventory (with address and user)",
			s->restore.host, s->id);
	if (p->inv.url == NULL || p->inv.ssh_key == NULL || p->inv.known_hosts == NULL)
		return dh_err_set(err, DH_EINVAL,
			"inventory [controller] needs url, "
			"ssh_key and known_hosts");
	dh_job_host_target(out, p, h);
	return 0;
}

void
dh_job_host_target(struct dh_ssh_target *out, const struct dh_plan *p, const struct dh_host *h)
{
	*out = (struct dh_ssh_target){ .name = h->id,
		.address = h->address ? h->address : "",
		.port = h->port,
		.user = h->user ? h->user : "",
		.key = p->inv.ssh_key,
		.known_hosts = p->inv.known_hosts };
}
