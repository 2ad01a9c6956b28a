/* `drillhall run restore ID`: dispatch now, wait, print the record (SPEC "Commands"). */
#ifndef DH_CMD_RUN_H
#define DH_CMD_RUN_H

int dh_cmd_run(int argc, char **argv);

#endif
