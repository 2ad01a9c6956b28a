/* `drillhall status`: per system, requirement, last tests, due dates, compliance (SPEC "Commands").
 */
#ifndef DH_CMD_STATUS_H
#define DH_CMD_STATUS_H

struct dh_ctlopt;
int dh_cmd_status(struct dh_ctlopt *o);

#endif
