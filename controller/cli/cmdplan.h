/*
 * How the commands that act on the plan (run, hosts, status) open it:
 * plan/open.h's dh_plan_open, then the command's policy on problems said
 * on stderr. The command borrows the plan model itself; nothing is
 * copied out of it.
 */
#ifndef DH_CMDPLAN_H
#define DH_CMDPLAN_H

#include <stdbool.h>
#include <time.h>

struct dh_plan;

/*
 * Open the plan in dir (NULL: "plans") as of now. A plan with errors has
 * them printed to stderr, then is refused when strict (run, status:
 * requirements must be right) or used anyway (hosts needs only the
 * inventory). Returns DH_EXIT_OK with *out set (the caller's,
 * dh_plan_free), or DH_EXIT_USAGE after saying why on stderr as
 * "drillhall CMD: ...".
 */
int dh_cmdplan_open(const char *cmd, const char *dir, time_t now, bool strict,
	struct dh_plan **out);

#endif
