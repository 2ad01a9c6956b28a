/*
 * What a passed test proved it against (SPEC "Compliance": "when the
 * system's effective requirement or its [restore] / [failover] section
 * has changed since (plan revisions in the history show it), that test is
 * due now"): a SHA-256 over one system's effective requirement for one
 * kind of test and that kind's section, as the model holds them after
 * dh_plan_check. Stored per plan revision by the store
 * (store/compliance.h) and compared there with the current plan's.
 * Pure; like revision.c it hashes with OpenSSL.
 *
 * Restore test: backup_rpo, rto and every key of [restore] (host, method,
 * repository, password file, pattern, snapshot filters, actions, each
 * verify in order, timeout, keep). Failover drill: rpo, rto and every key
 * of [failover] (hosts, probes, markers, steps, failbacks in order,
 * timeout). The test interval is not part of it: a changed interval moves
 * the due date by itself. Line numbers and comments are not part of it.
 */
#ifndef DH_PLAN_FINGERPRINT_H
#define DH_PLAN_FINGERPRINT_H

#include "dh/proto.h"
#include "plan/model.h"

#define DH_PLAN_FINGERPRINT_LEN 65 /* 64 hex digits + NUL */

/*
 * The fingerprint of s's requirement and section for kind k into out
 * (64 lowercase hex digits and a NUL). A system without the section has
 * one too (its requirement and "absent"). Cannot fail.
 */
void dh_plan_fingerprint(char out[DH_PLAN_FINGERPRINT_LEN], const struct dh_system *s,
	enum dh_job_kind k);

#endif
