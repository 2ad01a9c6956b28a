/* `drillhall history [ID]`: test records, newest first (SPEC "Commands"). */
#ifndef DH_CMD_HISTORY_H
#define DH_CMD_HISTORY_H

struct dh_ctlopt;
int dh_cmd_history(struct dh_ctlopt *o);

#endif
