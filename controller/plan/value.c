/*
 * Value parsers for plan files (value.h). Strict on purpose, like
 * dh_duration_parse: a value that could be read two ways is rejected with
 * a message saying what was expected, never guessed at.
 */
#include "plan/value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/buf.h"

static bool
id_chars(const char *s, bool upper, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > DH_PLAN_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			(upper && c >= 'A' && c <= 'Z') ||
			(i > 0 && strchr(extra, c) != NULL && c != '\0');

		if (!ok)
			return false;
	}
	return true;
}

bool
dh_plan_value_is_id(const char *s)
{
	return id_chars(s, false, "-");
}

bool
dh_plan_value_is_hall_id(const char *s)
{
	return id_chars(s, true, "-");
}

bool
dh_plan_value_is_action_name(const char *s)
{
	return id_chars(s, true, "-_.");
}

bool
dh_plan_value_is_abs_path(const char *s)
{
	if (s[0] != '/' || strlen(s) > 4096)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return strstr(s, "/../") == NULL &&
		!(strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0);
}

bool
dh_plan_value_is_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("-_.", s[i]) == NULL)
			return false;
	return true;
}

bool
dh_plan_value_is_restic_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == ',')
			return false;
	}
	return true;
}

int
dh_plan_value_level(const char *s, int *out, struct dh_err *err)
{
	if (s[0] < '0' || s[0] > '4' || s[1] != '\0')
		return dh_err_set(err, DH_EPARSE, "'%s' is not a KLASSA level (0, 1, 2, 3 or 4)",
			s);
	*out = s[0] - '0';
	return 0;
}

static int
decimal(const char *s, int64_t max, int64_t *out)
{
	int64_t n = 0;

	if (*s == '\0')
		return DH_EPARSE;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return DH_EPARSE;
		n = n * 10 + (*p - '0');
		if (n > max)
			return DH_EPARSE;
	}
	*out = n;
	return 0;
}

int
dh_plan_value_port(const char *s, int *out, struct dh_err *err)
{
	int64_t n;

	if (decimal(s, 65535, &n) < 0 || n == 0)
		return dh_err_set(err, DH_EPARSE, "'%s' is not a port (1-65535)", s);
	*out = (int)n;
	return 0;
}

int
dh_plan_value_max_jobs(const char *s, int *out, struct dh_err *err)
{
	int64_t n;

	if (decimal(s, DH_PLAN_MAX_JOBS_LIMIT, &n) < 0 || n == 0)
		return dh_err_set(err, DH_EPARSE, "'%s' is not a number of jobs (1-%d)", s,
			DH_PLAN_MAX_JOBS_LIMIT);
	*out = (int)n;
	return 0;
}

int
dh_plan_value_count(const char *s, int64_t *out, struct dh_err *err)
{
	if (decimal(s, INT64_C(1000000000000000), out) < 0)
		return dh_err_set(err, DH_EPARSE, "'%s' is not a count", s);
	return 0;
}

int
dh_plan_value_bool(const char *s, bool *out, struct dh_err *err)
{
	if (strcmp(s, "yes") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0)
		*out = false;
	else
		return dh_err_set(err, DH_EPARSE, "'%s' is not yes or no", s);
	return 0;
}

int
dh_plan_value_url(const char *s, struct dh_err *err)
{
	size_t skip;

	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return dh_err_set(err, DH_EPARSE, "'%s' is not an http:// or https:// URL", s);
	if (s[skip] == '\0' || s[skip] == '/')
		return dh_err_set(err, DH_EPARSE, "URL '%s' has no host", s);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return dh_err_set(err, DH_EPARSE,
				"URL '%s' contains a space or control character", s);
	return 0;
}

/* Split s into exactly two space-separated words (owned copies). */
static int
two_words(const char *s, char **a, char **b)
{
	const char *sp = s;

	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	if (*sp == '\0' || sp == s)
		return DH_EPARSE;
	const char *w2 = sp;

	while (isspace((unsigned char)*w2))
		w2++;
	for (const char *p = w2; *p; p++)
		if (isspace((unsigned char)*p))
			return DH_EPARSE;
	if (*w2 == '\0')
		return DH_EPARSE;
	*a = dh_xstrndup(s, (size_t)(sp - s));
	*b = dh_xstrdup(w2);
	return 0;
}

int
dh_plan_value_action(const char *s, char **host, char **action, struct dh_err *err)
{
	char *h = NULL, *a = NULL;

	if (two_words(s, &h, &a) < 0) {
		dh_err_set(err, DH_EPARSE, "'%s' is not 'HOST ACTION'", s);
		goto bad;
	}
	if (!dh_plan_value_is_id(h)) {
		dh_err_set(err, DH_EPARSE, "'%s' is not a valid host id", h);
		goto bad;
	}
	if (!dh_plan_value_is_action_name(a)) {
		dh_err_set(err, DH_EPARSE, "'%s' is not a valid action name", a);
		goto bad;
	}
	*host = h;
	*action = a;
	return 0;
bad:
	free(h);
	free(a);
	return DH_EPARSE;
}

static const struct verify_kind {
	const char *name;
	enum dh_verify_kind kind;
} verify_kinds[] = {
	{ "manifest", DH_VERIFY_MANIFEST },
	{ "min_files", DH_VERIFY_MIN_FILES },
	{ "min_bytes", DH_VERIFY_MIN_BYTES },
	{ "file", DH_VERIFY_FILE },
	{ "action", DH_VERIFY_ACTION },
};

static bool
is_rel_path(const char *s)
{
	if (s[0] == '/' || strlen(s) > 4096)
		return false;
	if (strcmp(s, "..") == 0 || strncmp(s, "../", 3) == 0 || strstr(s, "/../") != NULL)
		return false;
	return strlen(s) < 3 || strcmp(s + strlen(s) - 3, "/..") != 0;
}

static int
verify_arg(struct dh_plan_verify *v, char *arg, struct dh_err *err)
{
	switch (v->kind) {
	case DH_VERIFY_MANIFEST:
		if (!dh_plan_value_is_abs_path(arg))
			return dh_err_set(err, DH_EPARSE, "manifest '%s' is not an absolute path",
				arg);
		break;
	case DH_VERIFY_MIN_FILES:
	case DH_VERIFY_MIN_BYTES:
		return dh_plan_value_count(arg, &v->n, err);
	case DH_VERIFY_FILE:
		if (!is_rel_path(arg))
			return dh_err_set(err, DH_EPARSE,
				"file '%s' must be a "
				"path inside the restored copy (relative, no '..')",
				arg);
		break;
	case DH_VERIFY_ACTION:
		if (!dh_plan_value_is_action_name(arg))
			return dh_err_set(err, DH_EPARSE, "'%s' is not a valid action name", arg);
		break;
	}
	return 0;
}

int
dh_plan_value_verify(const char *s, struct dh_plan_verify *v, struct dh_err *err)
{
	char *kind = NULL, *arg = NULL;
	size_t i;
	int r = DH_EPARSE;

	memset(v, 0, sizeof(*v));
	if (two_words(s, &kind, &arg) < 0) {
		dh_err_set(err, DH_EPARSE,
			"'%s' is not 'KIND ARGUMENT' "
			"(manifest, min_files, min_bytes, file, action)",
			s);
		goto out;
	}
	for (i = 0; i < sizeof(verify_kinds) / sizeof(verify_kinds[0]); i++)
		if (strcmp(kind, verify_kinds[i].name) == 0)
			break;
	if (i == sizeof(verify_kinds) / sizeof(verify_kinds[0])) {
		dh_err_set(err, DH_EPARSE,
			"unknown verify kind '%s' (manifest, "
			"min_files, min_bytes, file, action)",
			kind);
		goto out;
	}
	v->kind = verify_kinds[i].kind;
	if ((r = verify_arg(v, arg, err)) < 0)
		goto out;
	if (v->kind != DH_VERIFY_MIN_FILES && v->kind != DH_VERIFY_MIN_BYTES) {
		v->arg = arg;
		arg = NULL;
	}
out:
	free(kind);
	free(arg);
	return r;
}

/* "[2001:db8::1]" -> "2001:db8::1" when it is an IPv6 address; NULL if not. */
static char *
bracketed_ipv6(const char *s, size_t n)
{
	struct in6_addr a;
	char *in;

	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return NULL;
	in = dh_xstrndup(s + 1, n - 2);
	if (inet_pton(AF_INET6, in, &a) != 1) {
		free(in);
		return NULL;
	}
	return in;
}

/* "HOST:PORT": HOST an inventory host id, a DNS name, an IPv4 address or
 * an IPv6 address in brackets (SPEC "Failover drill": tcp probes). */
static int
health_tcp(const char *arg, struct dh_health *h, struct dh_err *err)
{
	const char *colon = strrchr(arg, ':');
	size_t n;
	char *host;

	if (colon == NULL || colon == arg)
		return dh_err_set(err, DH_EPARSE, "'%s' is not HOST:PORT", arg);
	n = (size_t)(colon - arg);
	if (arg[0] == '[')
		host = bracketed_ipv6(arg, n);
	else if (memchr(arg, ':', n) != NULL)
		host = NULL; /* an IPv6 address needs brackets: [::1]:5432 */
	else
		host = dh_xstrndup(arg, n);
	if (host == NULL || (arg[0] != '[' && !dh_plan_value_is_hostname(host))) {
		dh_err_set(err, DH_EPARSE,
			"'%.*s' is not a host (an inventory host, a DNS name, an IPv4 "
			"address or an IPv6 address in brackets)",
			(int)n, arg);
		free(host);
		return DH_EPARSE;
	}
	if (dh_plan_value_port(colon + 1, &h->port, err) < 0) {
		free(host);
		return DH_EPARSE;
	}
	h->host = host;
	return 0;
}

int
dh_plan_value_health(const char *s, struct dh_health *h, struct dh_err *err)
{
	char *a = NULL, *b = NULL;
	int r = DH_EPARSE;

	memset(h, 0, sizeof(*h));
	if (two_words(s, &a, &b) < 0) {
		dh_err_set(err, DH_EPARSE,
			"'%s' is not 'tcp HOST:PORT', "
			"'http URL' or 'HOST ACTION'",
			s);
		goto out;
	}
	if (strcmp(a, "tcp") == 0) {
		h->kind = DH_HEALTH_TCP;
		r = health_tcp(b, h, err);
	} else if (strcmp(a, "http") == 0) {
		h->kind = DH_HEALTH_HTTP;
		if ((r = dh_plan_value_url(b, err)) == 0) {
			h->url = b;
			b = NULL;
		}
	} else {
		h->kind = DH_HEALTH_ACTION;
		r = dh_plan_value_action(s, &h->host, &h->action, err);
	}
out:
	free(a);
	free(b);
	return r;
}

int
dh_plan_value_idlist(const char *v, char ***list, size_t *n, struct dh_err *err)
{
	const char *p = v;

	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		const char *e = comma ? comma : p + strlen(p);
		char *id;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		id = dh_xstrndup(p, (size_t)(e - p));
		if (!dh_plan_value_is_id(id)) {
			dh_err_set(err, DH_EPARSE, "'%s' is not a valid system id", id);
			free(id);
			return DH_EPARSE;
		}
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*list)[i], id) == 0) {
				dh_err_set(err, DH_EPARSE, "'%s' is listed twice", id);
				free(id);
				return DH_EPARSE;
			}
		*list = dh_xrealloc(*list, (*n + 1) * sizeof(char *));
		(*list)[(*n)++] = id;
		if (comma == NULL)
			break;
		p = comma + 1;
		if (*p == '\0')
			return dh_err_set(err, DH_EPARSE, "trailing ',' in list");
	}
	return 0;
}

int
dh_plan_value_method(const char *v, enum dh_restore_method *m, struct dh_err *err)
{
	for (int i = DH_METHOD_RESTIC; i <= DH_METHOD_ACTION; i++)
		if (strcmp(v, dh_restore_method_name((enum dh_restore_method)i)) == 0) {
			*m = (enum dh_restore_method)i;
			return 0;
		}
	return dh_err_set(err, DH_EPARSE, "unknown method '%s' (restic, tar or action)", v);
}

/* [A-Za-z0-9_+-]+ parts joined by single '/', none starting with '-'. */
static bool
is_tz_name(const char *s)
{
	size_t part = 0, n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '/' || s[n - 1] == '/')
		return false;
	for (; *s; s++) {
		if (*s == '/') {
			if (part == 0)
				return false;
			part = 0;
		} else if (isalnum((unsigned char)*s) || *s == '_' || *s == '+' ||
			(*s == '-' && part > 0)) {
			part++;
		} else {
			return false;
		}
	}
	return true;
}

int
dh_plan_value_timezone(const char *s, struct dh_err *err)
{
	const char *dir =
		getenv("TZDIR") && getenv("TZDIR")[0] ? getenv("TZDIR") : "/usr/share/zoneinfo";
	char path[1024], magic[4];
	ssize_t got = -1;
	int fd;

	if (!is_tz_name(s))
		return dh_err_set(err, DH_EPARSE,
			"'%s' is not a time zone name (like Europe/Stockholm)", s);
	if (access(dir, X_OK) != 0)
		return dh_err_set(err, DH_EPARSE,
			"cannot check time zone '%s': no tz database at %s on this machine "
			"(Debian package tzdata)",
			s, dir);
	snprintf(path, sizeof(path), "%s/%s", dir, s);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, magic, sizeof(magic));
		close(fd);
	}
	if (got != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
		return dh_err_set(err, DH_EPARSE, "unknown time zone '%s' (not in the tz database)",
			s);
	return 0;
}
