/* `drillhall audit verify`: check the hash-chained audit log (SPEC "History and audit"). */
#ifndef DH_CMD_AUDIT_H
#define DH_CMD_AUDIT_H

struct dh_ctlopt;
int dh_cmd_audit(struct dh_ctlopt *o);

#endif
