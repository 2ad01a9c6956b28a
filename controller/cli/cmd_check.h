/* `drillhall check`: validate the plans (SPEC "Checks"). */
#ifndef DH_CMD_CHECK_H
#define DH_CMD_CHECK_H

struct dh_ctlopt;
int dh_cmd_check(struct dh_ctlopt *o);

#endif
