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
#include "dh/err.h"

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

/* One host's authorized_keys line (`hosts --authorized-keys`); strings borrowed. */
struct dh_authkey_row {
	const char *host, *user, *address;
	int port;
	const char *line; /* from dh_hosts_authkey_line, without newline */
};

/*
 * Append to out the authorized_keys line (sshd(8), "AUTHORIZED_KEYS FILE
 * FORMAT") that lets pubkey run nothing but `AGENT --config CONFIG run`
 * (SPEC "Architecture", "Installing"):
 *   restrict[,from="FROM"],command="AGENT --config CONFIG run" PUBKEY
 * sshd runs the command with the user's shell (`sh -c`), so a path made
 * only of [A-Za-z0-9/._+,:@%=-] is written as it is and any other is
 * single-quoted for sh ( ' becomes '\'' ), with " written \" as sshd
 * reads a quoted option. from: an OpenSSH pattern list of addresses and
 * names (NULL = no from=). pubkey: one OpenSSH public key line "TYPE
 * BASE64[ COMMENT]" without its newline. Returns 0; DH_EINVAL with err
 * naming the part when a path or the comment holds a control character,
 * from holds anything but letters, digits and . : / * ? ! , _ - (no
 * quote, no space), or pubkey is not a public
 * key line (a private key file given by mistake says so). out is left as
 * it was on error.
 */
int dh_hosts_authkey_line(struct dh_buf *out, const char *agent, const char *config,
	const char *from, const char *pubkey, struct dh_err *err);

/* "# HOST: USER@ADDRESS port PORT" and the line, per host, a blank line between. */
void dh_hosts_render_authkeys_text(const struct dh_authkey_row *rows, size_t n, struct dh_buf *out);
/* {"authorized_keys":[{"host","user","address","port","line"}]}, indented, and a newline. */
void dh_hosts_render_authkeys_json(const struct dh_authkey_row *rows, size_t n, struct dh_buf *out);

#endif
