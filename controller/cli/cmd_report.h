/* `drillhall report`: the auditor's report as of --now (SPEC "Commands": report). */
#ifndef DH_CMD_REPORT_H
#define DH_CMD_REPORT_H

struct dh_ctlopt;
/* Exit 0 with the report on stdout (whatever it says); 2 could not run, said on stderr. */
int dh_cmd_report(struct dh_ctlopt *o);

#endif
