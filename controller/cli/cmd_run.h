/* `drillhall run restore ID`: dispatch now, wait, print the record (SPEC "Commands"). */
#ifndef DH_CMD_RUN_H
#define DH_CMD_RUN_H

struct dh_ctlopt;
int dh_cmd_run(struct dh_ctlopt *o);

/*
 * Finish the drills a killed controller left unfinished (SPEC "Failover
 * drill": their failback runs when a controller starts again), by the
 * plan in o->plans; who names the command in messages ("run", "serve").
 * Nothing is loaded when no drill is unfinished. DH_EXIT_OK, or
 * DH_EXIT_USAGE after saying why on stderr (database, plan).
 */
int dh_cmd_run_recover(const struct dh_ctlopt *o, const char *who);

#endif
