/*
 * `drillhall hosts` output (render/hosts.h): the text table people read
 * and the JSON that scripts read, from rows the command filled; and for
 * `hosts --authorized-keys`, each host's authorized_keys line, quoted as
 * sshd and the user's shell read it.
 */
#include "render/hosts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Characters a path may hold and still be one bare word for sh. */
static bool
is_bare(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("/._+,:@%=-", *s) == NULL)
			return false;
	return true;
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* One argument of the forced command, quoted for sh, then for sshd's "...". */
static int
put_arg(struct dh_buf *b, const char *what, const char *s, struct dh_err *err)
{
	if (has_control(s))
		return dh_err_set(err, DH_EINVAL, "%s holds a control character", what);
	if (is_bare(s)) {
		dh_buf_puts(b, s);
		return 0;
	}
	dh_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			dh_buf_puts(b, "'\\''");
		else if (*s == '"')
			dh_buf_puts(b, "\\\"");
		else
			dh_buf_putc(b, *s);
	}
	dh_buf_putc(b, '\'');
	return 0;
}

static int
check_from(const char *from, struct dh_err *err)
{
	if (*from == '\0')
		return dh_err_set(err, DH_EINVAL, "--from is empty");
	for (const char *s = from; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr(".:/*?!,_-", *s) == NULL)
			return dh_err_set(err, DH_EINVAL,
				"--from '%s': only addresses, names and patterns "
				"(letters, digits, . : / * ? ! , _ -)",
				from);
	return 0;
}

/* The key types sshd(8) lists for authorized_keys. */
static bool
known_key_type(const char *t, size_t n)
{
	static const char *const types[] = { "ssh-ed25519", "ssh-rsa", "ssh-dss",
		"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
		"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com", NULL };

	for (size_t i = 0; types[i]; i++)
		if (strlen(types[i]) == n && memcmp(types[i], t, n) == 0)
			return true;
	return false;
}

static int
check_pubkey(const char *k, struct dh_err *err)
{
	size_t tn = strcspn(k, " "), bn;

	if (strncmp(k, "-----BEGIN", 10) == 0)
		return dh_err_set(err, DH_EINVAL, "this is a private key, not a public key line");
	if (!known_key_type(k, tn) || k[tn] != ' ')
		return dh_err_set(err, DH_EINVAL,
			"not an OpenSSH public key line (TYPE BASE64 ...)");
	bn = strspn(k + tn + 1,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
	if (bn < 16 || (k[tn + 1 + bn] != '\0' && k[tn + 1 + bn] != ' '))
		return dh_err_set(err, DH_EINVAL, "the public key's base64 part is malformed");
	if (has_control(k))
		return dh_err_set(err, DH_EINVAL, "the public key line holds a control character");
	return 0;
}

int
dh_hosts_authkey_line(struct dh_buf *out, const char *agent, const char *config, const char *from,
	const char *pubkey, struct dh_err *err)
{
	struct dh_buf b;
	int r;

	dh_buf_init(&b);
	if ((r = check_pubkey(pubkey, err)) != 0 || (from && (r = check_from(from, err)) != 0))
		goto out;
	dh_buf_puts(&b, "restrict,");
	if (from)
		dh_buf_printf(&b, "from=\"%s\",", from);
	dh_buf_puts(&b, "command=\"");
	if ((r = put_arg(&b, "the agent path", agent, err)) != 0)
		goto out;
	dh_buf_puts(&b, " --config ");
	if ((r = put_arg(&b, "the agent config path", config, err)) != 0)
		goto out;
	dh_buf_printf(&b, " run\" %s", pubkey);
	dh_buf_append(out, b.data, b.len);
out:
	dh_buf_fini(&b);
	return r;
}

void
dh_hosts_render_authkeys_text(const struct dh_authkey_row *rows, size_t n, struct dh_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct dh_authkey_row *h = &rows[i];

		dh_buf_printf(out, "%s# %s: %s@%s port %d\n%s\n", i ? "\n" : "", h->host, h->user,
			h->address, h->port, h->line);
	}
}

void
dh_hosts_render_authkeys_json(const struct dh_authkey_row *rows, size_t n, struct dh_buf *out)
{
	json_t *arr = json_array(), *root = json_object();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "host", json_string(rows[i].host));
		json_object_set_new(o, "user", json_string(rows[i].user));
		json_object_set_new(o, "address", json_string(rows[i].address));
		json_object_set_new(o, "port", json_integer(rows[i].port));
		json_object_set_new(o, "line", json_string(rows[i].line));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "authorized_keys", arr);
	dh_json_print(out, root);
}
