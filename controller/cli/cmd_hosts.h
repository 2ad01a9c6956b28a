/* `drillhall hosts`: per host, reachable, host key ok, agent version (SPEC "Commands"). */
#ifndef DH_CMD_HOSTS_H
#define DH_CMD_HOSTS_H

struct dh_ctlopt;
int dh_cmd_hosts(struct dh_ctlopt *o);

#endif
