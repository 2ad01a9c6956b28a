/* `drillhall plan`: the continuity plan in recovery order (SPEC "Recovery order"). */
#ifndef DH_CMD_PLAN_H
#define DH_CMD_PLAN_H

struct dh_ctlopt;
int dh_cmd_plan(struct dh_ctlopt *o);

#endif
