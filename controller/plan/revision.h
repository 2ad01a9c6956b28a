/*
 * The plan revision: one hash naming the exact plan files a result was
 * computed from, stored with every test record. Computed by the plan
 * loader (plan.c) from files in memory; a pure function of their paths
 * and contents. With fingerprint.c, the files in plan/ that include OpenSSL.
 */
#ifndef DH_PLAN_REVISION_H
#define DH_PLAN_REVISION_H

#include <stddef.h>

#include "plan/files.h"

#define DH_PLAN_REVISION_LEN 65 /* 64 hex digits + NUL */

/*
 * The revision of a set of plan files (sorted by path): SHA-256 over, for
 * each file, its path, NUL, its length in decimal, NUL, its contents;
 * written to out as 64 lowercase hex digits and a NUL. Cannot fail (out
 * of memory aborts).
 */
void dh_plan_revision(char out[DH_PLAN_REVISION_LEN], const struct dh_plan_file *const *sorted,
	size_t n);

#endif
