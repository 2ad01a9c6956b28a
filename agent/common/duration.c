/*
 * Duration parsing and formatting (include/dh/duration.h). Strict on
 * purpose: "4 h", "4H", "4h4h" and "-1h" are errors, because a requirement
 * that is read differently from how it was meant is worse than a rejected
 * plan.
 */
#include "dh/duration.h"

#include <stdio.h>
#include <string.h>

#include "dh/err.h"

static const struct unit {
	char c;
	int64_t seconds;
} units[] = {
	{ 'd', 86400 },
	{ 'h', 3600 },
	{ 'm', 60 },
	{ 's', 1 },
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

int
dh_duration_parse(const char *s, bool allow_never, int64_t *out)
{
	int64_t total = 0;
	size_t next_unit = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return DH_EPARSE;
	if (strcmp(s, "never") == 0) {
		if (!allow_never)
			return DH_EPARSE;
		*out = DH_DURATION_NEVER;
		return 0;
	}
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	while (*p != '\0') {
		int64_t n = 0;
		int digits = 0;
		size_t u;

		while (*p >= '0' && *p <= '9') {
			if (n > DH_DURATION_MAX)
				return DH_EPARSE;
			n = n * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0)
			return DH_EPARSE;
		for (u = next_unit; u < NUNITS; u++)
			if (units[u].c == *p)
				break;
		if (u == NUNITS)
			return DH_EPARSE;
		if (n > DH_DURATION_MAX / units[u].seconds)
			return DH_EPARSE;
		total += n * units[u].seconds;
		if (total > DH_DURATION_MAX)
			return DH_EPARSE;
		next_unit = u + 1;
		p++;
	}
	*out = total;
	return 0;
}

void
dh_duration_format(int64_t seconds, char *out, size_t outsz)
{
	size_t len = 0;
	size_t u;

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (seconds == DH_DURATION_NEVER) {
		snprintf(out, outsz, "never");
		return;
	}
	if (seconds <= 0) {
		snprintf(out, outsz, "0");
		return;
	}
	/* Days only from a week up, as the policy table writes them: 24h and
	 * 72h read as hours to an operator, 7d and 365d as days. */
	for (u = seconds >= 7 * 86400 ? 0 : 1; u < NUNITS && len < outsz; u++) {
		int64_t n = seconds / units[u].seconds;

		if (n == 0)
			continue;
		seconds -= n * units[u].seconds;
		len += (size_t)snprintf(out + len, outsz - len, "%lld%c", (long long)n, units[u].c);
	}
}
