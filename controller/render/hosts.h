/*
 * The result of `drillhall hosts` in its formats: one row per inventory
 * host with where it is, how far the SSH check got and what the agent
 * answered. The command fills the rows from the inventory and the SSH
 * results; this module only formats them.
 */
#ifndef DH_RENDER_HOSTS_H
#define DH_RENDER_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/buf.h"

/* One host; strings borrowed. */
struct dh_hosts_row {
	const char *host;
	const char *hall, *address; /* NULL when the inventory has none */
	int port;
	bool reachable;            /* TCP connected */
	bool host_key_ok;          /* and the key matched known_hosts */
	const char *agent_version; /* the agent's answer; NULL = none */
	const char *error;         /* why not, "" when SSH said nothing */
	double seconds;
};

/* A table: HOST HALL ADDRESS REACHABLE HOSTKEY AGENT. */
void dh_hosts_render_text(const struct dh_hosts_row *rows, size_t n, struct dh_buf *out);
/* {"hosts":[{"host","hall","address","port","reachable","host_key_ok",
 *  "agent_version","error","seconds"}]}, indented, and a newline. */
void dh_hosts_render_json(const struct dh_hosts_row *rows, size_t n, struct dh_buf *out);

#endif
