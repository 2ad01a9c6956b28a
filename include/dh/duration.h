/*
 * Durations as plan files write them: "90s", "15m", "4h", "7d", "1h30m",
 * "0", and "never" where an interval may be infinite. Used by the plan
 * loader, agent.ini and every report that prints a requirement.
 */
#ifndef DH_DURATION_H
#define DH_DURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value "never" parses to. Compare, never do arithmetic with it. */
#define DH_DURATION_NEVER INT64_C(-1)
/* Longest duration accepted: 100 years, far beyond any requirement. */
#define DH_DURATION_MAX (INT64_C(100) * 365 * 86400)

/*
 * Parse s into seconds. Units d, h, m, s in that order, each at most once,
 * at least one unit unless s is "0". "never" only when allow_never.
 * Returns 0, or DH_EPARSE (out untouched).
 */
int dh_duration_parse(const char *s, bool allow_never, int64_t *out);

/* Format seconds the way plans write them ("1h30m", "0", "never"). */
void dh_duration_format(int64_t seconds, char *out, size_t outsz);

#endif
