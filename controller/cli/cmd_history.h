/* `drillhall history [ID]`: test records, newest first (SPEC "Commands"). */
#ifndef DH_CMD_HISTORY_H
#define DH_CMD_HISTORY_H

int dh_cmd_history(int argc, char **argv);

#endif
