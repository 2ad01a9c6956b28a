/*
 * `drillhall due [--format text|json] [--now T]` (SPEC "Commands"): the
 * restore tests and failover drills due or overdue as of --now, oldest
 * first, never-run first, each with when its window next opens. Exit 0
 * when nothing is overdue, 1 when something is, 2 could not run.
 */
#ifndef DH_CMD_DUE_H
#define DH_CMD_DUE_H

struct dh_ctlopt;
int dh_cmd_due(struct dh_ctlopt *o);

#endif
