/*
 * Jobs built straight from the plan model (plan/plan.h): the wire job of
 * dh/proto.h for a system's restore test, and the SSH target of an
 * inventory host. The plan is borrowed, never copied: a target's strings
 * point into the plan and live until dh_plan_free; a built job owns
 * copies, because it is sent, stored and outlives no plan but its own
 * record. Used by `run` (cli/cmd_run.c), `hosts` and later the scheduler.
 */
#ifndef DH_JOB_H
#define DH_JOB_H

#include "dh/err.h"
#include "dh/proto.h"
#include "jobs/ssh.h"
#include "plan/plan.h"

/*
 * The wire job for a restore test of s: its [restore] section, the
 * requirement in force (effective backup_rpo as the rpo target, and rto),
 * the effective timeout, the
 * plan revision and the controller's url from the inventory. No id or
 * token yet (dh_dispatch_run adds them). Returns 0 with *out set (the
 * caller's, dh_job_free), or DH_EINVAL with err set when s has no
 * [restore] with a host and a method.
 */
int dh_job_build_restore(struct dh_job **out, const struct dh_plan *p, const struct dh_system *s,
	struct dh_err *err);

/*
 * The SSH target that runs s's restore test: its [restore] host from the
 * inventory, with the controller's key and known_hosts. Returns 0, or
 * DH_EINVAL with err set (in the words `run` prints) when s has no
 * [restore] host, the host is not in the inventory with address and user,
 * or the inventory's [controller] lacks url, ssh_key or known_hosts.
 * command and input are left for the caller (dh_dispatch_run sets them).
 */
int dh_job_restore_target(struct dh_ssh_target *out, const struct dh_plan *p,
	const struct dh_system *s, struct dh_err *err);

/*
 * The SSH target of inventory host h as it stands, for probing every host
 * (`hosts`): a missing address or user is "" (the connection then fails
 * and says so); key and known_hosts are the inventory's, possibly NULL.
 */
void dh_job_host_target(struct dh_ssh_target *out, const struct dh_plan *p,
	const struct dh_host *h);

#endif
