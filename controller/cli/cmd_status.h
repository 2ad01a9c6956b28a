/* `drillhall status`: per system, requirement, last tests, due dates, compliance (SPEC "Commands"). */
#ifndef DH_CMD_STATUS_H
#define DH_CMD_STATUS_H

int dh_cmd_status(int argc, char **argv);

#endif
