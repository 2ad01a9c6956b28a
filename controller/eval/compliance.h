/*
 * Compliance (SPEC "Compliance"): whether a system is compliant as of a
 * time, every reason in words when it is not, and when each kind of test
 * is due. Pure rules: given a system's requirements (derived by the plan),
 * what its test records say and `now` (seconds since the epoch, UTC), it
 * decides; it opens no store, reads no clock and prints nothing. Called by
 * `status`, and meant for `due`, the scheduler, the report and /metrics.
 *
 * A system is compliant when the plan has no errors; its last restore
 * test passed and is not overdue; with [failover], its last drill passed
 * and is not overdue; with a T-level at or above failover_required_from,
 * it has [failover]. A test is due at the last *passed* test's start plus
 * its interval (an interval of `never`: one pass is enough for ever);
 * never passed = due now; it is overdue once that time is past. Only
 * `passed` and `failed` records are evidence: an `error` or `aborted`
 * record says the test could not be carried out, so it neither passes nor
 * fails nor moves a due date (SPEC "Restore test" 7). Records that
 * finished after now are not seen (an auditor asks "as of year end").
 *
 * New rules plug in as inputs: a plan change since the last pass is
 * `plan_changed` per kind (the caller derives it from plan revisions);
 * the open corrective action of each kind (eval/actions.h) is taken in
 * with dh_compliance_tests_add_action, and one past its due date makes
 * the system non-compliant ("no corrective action of it is past its due
 * date"), whether or not the plan still asks for that kind of test.
 * Reasons are dated in UTC (YYYY-MM-DD).
 */
#ifndef DH_COMPLIANCE_H
#define DH_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/proto.h"
#include "eval/actions.h"
#include "plan/plan.h"

/* Kinds of test, indexed by enum dh_job_kind (restore test, failover drill). */
#define DH_COMPLIANCE_KINDS 2
#define DH_COMPLIANCE_REASONS_MAX 10
#define DH_COMPLIANCE_REASON_LEN 160

/* A system's requirements, as the plan derives them. */
struct dh_compliance_req {
	int level;                  /* effective T-level; -1 when unknown */
	int failover_required_from; /* -1 when the policy does not say */
	bool has_restore, has_failover;
	int64_t every_s[DH_COMPLIANCE_KINDS]; /* effective interval; DH_DURATION_NEVER */
	bool plan_errors;                     /* the plan does not check */
};

/*
 * What one kind of test's records say as of now, filled by
 * dh_compliance_tests_add. Records are borrowed; NULL when there is none.
 */
struct dh_compliance_tests {
	const struct dh_record *last;          /* newest, any verdict */
	const struct dh_record *last_evidence; /* newest passed or failed */
	const struct dh_record *last_passed;   /* newest passed */
	bool plan_changed;                   /* requirement or section changed since last_passed */
	const struct dh_action *open_action; /* open as of now, NULL when none */
};

/* One kind of test, as of now. */
struct dh_compliance_due {
	bool required; /* the rules ask for this kind of test */
	bool has_due;  /* false: not required, or passed with interval never */
	time_t due_at; /* when has_due */
	bool due;      /* has_due && due_at <= now */
	bool overdue;  /* has_due && due_at < now */
	bool ok;       /* no reason of this kind */
};

struct dh_compliance_reason {
	int kind; /* enum dh_job_kind it belongs to, or -1 for the whole system */
	char text[DH_COMPLIANCE_REASON_LEN];
};

struct dh_compliance {
	bool compliant;
	struct dh_compliance_due kind[DH_COMPLIANCE_KINDS];
	struct dh_compliance_reason reasons[DH_COMPLIANCE_REASONS_MAX]; /* in rule order */
	size_t nreasons;
};

/* The requirements of s in plan p (derived: dh_plan_check has run). */
void dh_compliance_req_from_plan(struct dh_compliance_req *out, const struct dh_plan *p,
	const struct dh_system *s, bool plan_errors);

/* An empty history (no records), to add to. */
void dh_compliance_tests_init(struct dh_compliance_tests *t);

/*
 * Take record r into t (the history of r's kind) as of now, in any order:
 * ignored when it finished after now, otherwise kept when it is newer
 * (by start) than what t holds. r is borrowed until t is last used.
 */
void dh_compliance_tests_add(struct dh_compliance_tests *t, const struct dh_record *r, time_t now);

/*
 * Take corrective action a (of t's kind) into t as of now: kept when it
 * is open then (SPEC: at most one is open per system and kind; of
 * several, the oldest). a is borrowed until t is last used.
 */
void dh_compliance_tests_add_action(struct dh_compliance_tests *t, const struct dh_action *a,
	time_t now);

/* When a test started (its finish when the start is unknown); its due dates count from it. */
time_t dh_compliance_started(const struct dh_record *r);

/* Decide: out is filled completely (no allocation, nothing to free). */
void dh_compliance_eval(struct dh_compliance *out, const struct dh_compliance_req *req,
	const struct dh_compliance_tests tests[DH_COMPLIANCE_KINDS], time_t now);

/* One system as status, the pages and the report show it: borrowed model and records, and the
 * verdict on them. */
struct dh_status_row {
	const struct dh_system *sys; /* derived (effective level, rpo, rto) */
	struct dh_compliance_tests tests[DH_COMPLIANCE_KINDS]; /* by enum dh_job_kind */
	struct dh_compliance c; /* dh_compliance_eval of the above as of now */
};

#endif
