/*
 * `drillhall serve`: the controller's listener (SPEC "Commands"). Until
 * the scheduler lands it serves the agents' event endpoint and /healthz.
 */
#ifndef DH_CMD_SERVE_H
#define DH_CMD_SERVE_H

struct dh_ctlopt;
int dh_cmd_serve(struct dh_ctlopt *o);

#endif
