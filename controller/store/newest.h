/*
 * The newest records of every system and kind of a plan as of a time
 * (controller/store/newest.c): what the compliance rules need (SPEC
 * "Compliance": the newest test, the newest passed or failed, the newest
 * passed), read in one pass over the records_newest table that triggers
 * keep (migration 7), so the cost follows the number of systems, not the
 * length of the history. A system and kind whose newest record finished
 * after `now` (a read as of an earlier time) is read again with three
 * indexed LIMIT 1 queries restricted to records finished by then.
 *
 * Records hold the record's columns: id, system, kind, trigger, verdict,
 * started/finished/backup time, targets, measured rpo/rto (-1 when not
 * measured), plan revision and record hash. The newest drill of each
 * system (kind failover, any verdict) is the whole stored record, checks
 * included, because "production left on the standby" is one of its
 * checks. Nothing else parses stored JSON. Callers: store/compliance.c.
 */
#ifndef DH_STORE_NEWEST_H
#define DH_STORE_NEWEST_H

#include <stddef.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"
#include "plan/plan.h"
#include "store/db.h"

#define DH_NEWEST_KINDS 2 /* restore, failover: the kinds a plan requires */

/* One system and kind; pointers may alias (the newest may also be the newest pass). */
struct dh_newest {
	const struct dh_record *last;          /* newest, any verdict; NULL when none */
	const struct dh_record *last_evidence; /* newest passed or failed */
	const struct dh_record *last_passed;   /* newest passed */
};

struct dh_newest_set {
	struct dh_newest *v;     /* [plan system index * DH_NEWEST_KINDS + kind] */
	size_t n;                /* p->nsystems * DH_NEWEST_KINDS */
	struct dh_record **recs; /* owned: every record the above points to */
	size_t nrecs;
};

/*
 * The newest records finished by `now` (seconds since the epoch) of each
 * system of p and kind, into *out (the caller's to dh_db_newest_fini, also
 * after an error). Records of systems not in p are left out. Run inside
 * the caller's read transaction so the rows agree. 0, or DH_EDB /
 * DH_ELOCKED with err set (a stored drill that does not parse is DH_EDB).
 */
int dh_db_newest(struct dh_db *db, const struct dh_plan *p, time_t now, struct dh_newest_set *out,
	struct dh_err *err);

/* Free what dh_db_newest filled (a zeroed set is fine). */
void dh_db_newest_fini(struct dh_newest_set *s);

#endif
