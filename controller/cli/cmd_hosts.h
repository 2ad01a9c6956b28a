/* `drillhall hosts`: per host, reachable, host key ok, agent version (SPEC "Commands"). */
#ifndef DH_CMD_HOSTS_H
#define DH_CMD_HOSTS_H

int dh_cmd_hosts(int argc, char **argv);

#endif
