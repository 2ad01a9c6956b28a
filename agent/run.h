/*
 * The agent's networked commands (SPEC "The agent"): `run`, the forced
 * command the controller's key is bound to, and `flush`. The glue between
 * agent.ini (config.h), the restore test (restore.h) and the event path
 * (emit.c, deliver.c); everything else they use is independent of both.
 */
#ifndef DH_AGENT_RUN_H
#define DH_AGENT_RUN_H

#include <stdbool.h>
#include <stdint.h>

/*
 * `drillhall-agent run [--foreground] [--retry-for DURATION]`: honour
 * SSH_ORIGINAL_COMMAND (`version` prints the version; empty or `run` reads
 * a job; anything else is refused), flush the spool, read and check the
 * job on stdin, spool and send `accepted`, print "accepted JOB", detach
 * (unless --foreground) and run it. config is the agent.ini path
 * (--config, or DH_AGENT_CONFIG_DEFAULT); retry_s is --retry-for in
 * seconds, -1 for the default. The options are parsed by cli.c.
 * An action job (protocol 3) is not accepted, spooled or detached: it
 * runs now and its result is printed on stdout (action.h).
 * Returns the exit code: 0 accepted (or the action ran, whatever its own
 * status), 2 refused or could not run.
 */
int dh_agent_run_cmd(const char *config, bool foreground, int64_t retry_s);

/*
 * `drillhall-agent flush [--retry-for DURATION]`: send what the spool
 * holds; one pass unless --retry-for. Exit code 0 all delivered, 1 some
 * left or refused, 2 could not run. retry_s is --retry-for in seconds,
 * -1 for one pass.
 */
int dh_agent_flush_cmd(const char *config, int64_t retry_s);

#endif
