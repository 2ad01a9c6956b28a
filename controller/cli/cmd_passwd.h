/* `drillhall passwd USER` (cli/cmd_passwd.c). */
#ifndef DH_CMD_PASSWD_H
#define DH_CMD_PASSWD_H

#include "cli/ctlopt.h"

/* Read a password, print its `password = $argon2id$...` line; the exit code. */
int dh_cmd_passwd(struct dh_ctlopt *o);

#endif
