/*
 * `drillhall hosts` output (render/hosts.h): the text table people read
 * and the JSON that scripts read, from rows the command filled.
 */
#include "render/hosts.h"

#include <stdio.h>
#include <stdlib.h>

#include "dh/json.h"

void
dh_hosts_render_text(const struct dh_hosts_row *rows, size_t n, struct dh_buf *out)
{
	dh_buf_printf(out, "%-16s %-4s %-22s %-9s %-8s %s\n", "HOST", "HALL", "ADDRESS",
		"REACHABLE", "HOSTKEY", "AGENT");
	for (size_t i = 0; i < n; i++) {
		const struct dh_hosts_row *h = &rows[i];
		char addr[300];

		snprintf(addr, sizeof(addr), "%s:%d", h->address ? h->address : "-", h->port);
		dh_buf_printf(out, "%-16s %-4s %-22s %-9s %-8s %s\n", h->host,
			h->hall ? h->hall : "-", addr, h->reachable ? "yes" : "no",
			h->host_key_ok         ? "ok"
				: h->reachable ? "REFUSED"
					       : "-",
			h->agent_version ? h->agent_version
					 : (h->error[0] ? h->error : "no answer"));
	}
}

static json_t *
nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

void
dh_hosts_render_json(const struct dh_hosts_row *rows, size_t n, struct dh_buf *out)
{
	json_t *arr = json_array(), *root = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct dh_hosts_row *h = &rows[i];
		json_t *o = json_object();

		json_object_set_new(o, "host", json_string(h->host));
		json_object_set_new(o, "hall", nullable(h->hall));
		json_object_set_new(o, "address", nullable(h->address));
		json_object_set_new(o, "port", json_integer(h->port));
		json_object_set_new(o, "reachable", json_boolean(h->reachable));
		json_object_set_new(o, "host_key_ok", json_boolean(h->host_key_ok));
		json_object_set_new(o, "agent_version", nullable(h->agent_version));
		json_object_set_new(o, "error",
			h->agent_version
				? json_null()
				: json_string(h->error[0] ? h->error : "the agent did not answer"));
		json_object_set_new(o, "seconds", json_real(h->seconds));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "hosts", arr);
	dh_json_print(out, root);
}
