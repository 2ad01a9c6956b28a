/*
 * `drillhall actions [--open]` and `drillhall actions close N --note
 * TEXT` (SPEC "Commands", "Corrective actions"): list corrective actions,
 * close one by hand.
 */
#ifndef DH_CMD_ACTIONS_H
#define DH_CMD_ACTIONS_H

struct dh_ctlopt;
int dh_cmd_actions(struct dh_ctlopt *o);

#endif
