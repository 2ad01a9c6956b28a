/* `drillhall run restore ID`: dispatch now, wait, print the record (SPEC "Commands"). */
#ifndef DH_CMD_RUN_H
#define DH_CMD_RUN_H

struct dh_ctlopt;
int dh_cmd_run(struct dh_ctlopt *o);

#endif
