/*
 * The controller's configuration file (config.h). Key tables like the
 * plan loader's, one per section kind; unknown sections and keys are
 * errors with file:line, because a misspelt "databse" must not silently
 * fall back to a default. Checks that need a whole section (a user
 * without a password, e-mail without a server) run when the section ends.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh/buf.h"
#include "dh/http_client.h"
#include "dh/ini.h"

enum ckey_type {
	C_PATH,     /* a file; relative to controller.ini's directory */
	C_LISTEN,   /* ADDRESS:PORT */
	C_JOBS,     /* 1..DH_CONFIG_MAX_JOBS_LIMIT */
	C_URL,      /* https, or http to loopback (dh_http_url_check) */
	C_SMTP,     /* smtp:// or smtps:// */
	C_ADDR,     /* an e-mail address */
	C_TEXT,     /* any non-empty text */
	C_EVENTS,   /* [notify] on */
	C_ROLE,     /* auditor | operator */
	C_PASSWORD, /* an argon2id hash line */
	C_BOARDS,   /* comma-separated board names */
};

enum csection { S_NONE, S_CONTROLLER, S_NOTIFY, S_USER, S_BAD };

struct ckey {
	const char *name;
	enum ckey_type type;
	bool repeated; /* may appear more than once (appends) */
};

static const struct ckey controller_keys[] = {
	{ "plans", C_PATH, false },
	{ "database", C_PATH, false },
	{ "listen", C_LISTEN, false },
	{ "tls_cert", C_PATH, false },
	{ "tls_key", C_PATH, false },
	{ "max_jobs", C_JOBS, false },
	{ "metrics_token_file", C_PATH, false },
	{ "public_url", C_URL, false },
};
static const struct ckey notify_keys[] = {
	{ "webhook", C_URL, true },
	{ "email_to", C_ADDR, true },
	{ "email_from", C_ADDR, false },
	{ "smtp", C_SMTP, false },
	{ "smtp_user", C_TEXT, false },
	{ "smtp_password_file", C_PATH, false },
	{ "on", C_EVENTS, false },
};
static const struct ckey user_keys[] = {
	{ "role", C_ROLE, false },
	{ "password", C_PASSWORD, false },
	{ "boards", C_BOARDS, false },
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXKEYS 8

static const char *const event_names[] = { "failed", "error", "overdue", "standby_left",
	"action_opened", "action_closed", "audit_broken" };

struct cload {
	struct dh_config *cfg;
	struct dh_problems *pr;
	const char *path;
	char *dir; /* directory of the file, for relative paths */
	enum csection sec;
	int sec_line;
	int seen[MAXKEYS]; /* line of each key of the current section */
	bool seen_controller, seen_notify;
	int nerr;
};

#define CERR(cl, line, ...)                                                                        \
	do {                                                                                       \
		dh_problems_add((cl)->pr, DH_SEV_ERROR, (cl)->path, (line), __VA_ARGS__);          \
		(cl)->nerr++;                                                                      \
	} while (0)

/* ADDRESS:PORT with a port 1..65535; [v6]:port allowed. */
static bool
valid_listen(const char *v)
{
	const char *colon = strrchr(v, ':');
	char *end;
	long port;

	if (colon == NULL || colon == v)
		return false;
	port = strtol(colon + 1, &end, 10);
	return colon[1] != '\0' && *end == '\0' && port > 0 && port <= 65535;
}

/* local@domain, printable ASCII without spaces, quotes or angle brackets (they would end up in mail
 * headers). */
static bool
valid_addr(const char *v)
{
	const char *at = strchr(v, '@');
	const char *p;

	if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
		strlen(v) > 254)
		return false;
	for (p = v; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>\"(),;:\\[]", *p) != NULL)
			return false;
	return true;
}

/* smtp://HOST[:PORT] or smtps://..., nothing but what libcurl needs to connect. */
static bool
valid_smtp(const char *v)
{
	const char *p;

	if (strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0)
		return false;
	p = strstr(v, "://") + 3;
	if (*p == '\0' || strchr(p, '@') != NULL)
		return false;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	return true;
}

/* [user NAME]: letters, digits, . _ - (it goes into cookies, audit lines and trigger web:NAME). */
static bool
valid_user_name(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 64)
		return false;
	for (; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && strchr("._-", *v) == NULL)
			return false;
	return true;
}

/* Split "a, b ,c" at commas into trimmed items appended to *list; false on an empty item. */
static bool
split_list(const char *v, char ***list, size_t *n)
{
	const char *p = v;

	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *s = p;

		while (s < end && isspace((unsigned char)*s))
			s++;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		if (end == s)
			return false;
		*list = dh_xrealloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = dh_xstrndup(s, (size_t)(end - s));
		if (comma == NULL)
			return true;
		p = comma + 1;
	}
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* "failed, overdue" into bits; the unknown name into *bad. */
static bool
parse_events(const char *v, unsigned *out, char **bad)
{
	char **items = NULL;
	size_t n = 0, i, j;
	bool ok = split_list(v, &items, &n);

	*out = 0;
	for (i = 0; ok && i < n; i++) {
		for (j = 0; j < NELEM(event_names); j++)
			if (strcmp(items[i], event_names[j]) == 0)
				break;
		if (j == NELEM(event_names)) {
			*bad = dh_xstrdup(items[i]);
			ok = false;
		} else {
			*out |= 1u << j;
		}
	}
	free_list(items, n);
	return ok;
}

/* [notify] on: every name an event; a problem naming the first that is not. */
static bool
check_events(struct cload *cl, const struct dh_ini_entry *e)
{
	char *bad = NULL;
	unsigned bits;

	if (parse_events(e->value, &bits, &bad))
		return true;
	CERR(cl, e->line,
		"on: '%s' is not an event (failed, error, overdue, standby_left, "
		"action_opened, action_closed, audit_broken)",
		bad ? bad : "");
	free(bad);
	return false;
}

/* Whether e's value fits key k's type; a problem on e's line when not. */
static bool
check_value(struct cload *cl, const struct ckey *k, const struct dh_ini_entry *e)
{
	const char *v = e->value;
	struct dh_err err;
	char *end;
	long n;

	switch (k->type) {
	case C_LISTEN:
		if (valid_listen(v))
			return true;
		CERR(cl, e->line, "listen '%s' is not ADDRESS:PORT", v);
		return false;
	case C_JOBS:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno == 0 && *end == '\0' && n >= 1 && n <= DH_CONFIG_MAX_JOBS_LIMIT)
			return true;
		CERR(cl, e->line, "max_jobs '%s' is not a whole number from 1 to %d", v,
			DH_CONFIG_MAX_JOBS_LIMIT);
		return false;
	case C_URL:
		dh_err_clear(&err);
		if (dh_http_url_check(v, &err) == 0)
			return true;
		CERR(cl, e->line, "%s: %s", e->key, err.msg);
		return false;
	case C_SMTP:
		if (valid_smtp(v))
			return true;
		CERR(cl, e->line,
			"smtp '%s' is not smtp://HOST[:PORT] or smtps://HOST[:PORT] "
			"(the user goes in smtp_user, the password in smtp_password_file)",
			v);
		return false;
	case C_ADDR:
		if (valid_addr(v))
			return true;
		CERR(cl, e->line, "%s '%s' is not an e-mail address", e->key, v);
		return false;
	case C_EVENTS:
		return check_events(cl, e);
	case C_ROLE:
		if (strcmp(v, "auditor") == 0 || strcmp(v, "operator") == 0)
			return true;
		CERR(cl, e->line, "role '%s' is not auditor or operator", v);
		return false;
	case C_PASSWORD:
		/* the value itself is never echoed: it is a secret's hash */
		if (strncmp(v, "$argon2id$", 10) == 0)
			return true;
		CERR(cl, e->line,
			"password is not an argon2id hash (make one with `drillhall passwd`)");
		return false;
	case C_PATH:
	case C_TEXT:
	case C_BOARDS:
		return true;
	}
	return true;
}

static char *
path_value(const struct cload *cl, const char *v)
{
	return v[0] == '/' ? dh_xstrdup(v) : dh_xasprintf("%s/%s", cl->dir, v);
}

static void
store_controller(struct cload *cl, const char *key, const char *v)
{
	struct dh_config *c = cl->cfg;

	if (strcmp(key, "plans") == 0)
		c->plans = path_value(cl, v);
	else if (strcmp(key, "database") == 0)
		c->database = path_value(cl, v);
	else if (strcmp(key, "listen") == 0)
		c->listen = dh_xstrdup(v);
	else if (strcmp(key, "tls_cert") == 0)
		c->tls_cert = path_value(cl, v);
	else if (strcmp(key, "tls_key") == 0)
		c->tls_key = path_value(cl, v);
	else if (strcmp(key, "max_jobs") == 0)
		c->max_jobs = (int)strtol(v, NULL, 10);
	else if (strcmp(key, "metrics_token_file") == 0)
		c->metrics_token_file = path_value(cl, v);
	else if (strcmp(key, "public_url") == 0)
		c->public_url = dh_xstrdup(v);
}

static void
store_notify(struct cload *cl, const char *key, const char *v)
{
	struct dh_config_notify *nf = &cl->cfg->notify;
	char *bad = NULL;

	if (strcmp(key, "webhook") == 0) {
		nf->webhooks = dh_xrealloc(nf->webhooks, (nf->nwebhooks + 1) * sizeof(char *));
		nf->webhooks[nf->nwebhooks++] = dh_xstrdup(v);
	} else if (strcmp(key, "email_to") == 0) {
		nf->email_to = dh_xrealloc(nf->email_to, (nf->nemail_to + 1) * sizeof(char *));
		nf->email_to[nf->nemail_to++] = dh_xstrdup(v);
	} else if (strcmp(key, "email_from") == 0) {
		nf->email_from = dh_xstrdup(v);
	} else if (strcmp(key, "smtp") == 0) {
		nf->smtp = dh_xstrdup(v);
	} else if (strcmp(key, "smtp_user") == 0) {
		nf->smtp_user = dh_xstrdup(v);
	} else if (strcmp(key, "smtp_password_file") == 0) {
		nf->smtp_password_file = path_value(cl, v);
	} else if (strcmp(key, "on") == 0) {
		parse_events(v, &nf->on, &bad);
		free(bad);
	}
}

static void
store_user(struct cload *cl, const struct dh_ini_entry *e)
{
	struct dh_config_user *u = &cl->cfg->users[cl->cfg->nusers - 1];

	if (strcmp(e->key, "role") == 0) {
		u->role = strcmp(e->value, "operator") == 0 ? DH_ROLE_OPERATOR : DH_ROLE_AUDITOR;
	} else if (strcmp(e->key, "password") == 0) {
		u->password = dh_xstrdup(e->value);
	} else if (strcmp(e->key, "boards") == 0 &&
		!split_list(e->value, &u->boards, &u->nboards)) {
		CERR(cl, e->line, "boards has an empty name (write 'boards = A, B')");
	}
}

static void
on_key(struct cload *cl, const struct dh_ini_entry *e)
{
	const struct ckey *keys = cl->sec == S_CONTROLLER ? controller_keys
		: cl->sec == S_NOTIFY                     ? notify_keys
							  : user_keys;
	size_t nkeys = cl->sec == S_CONTROLLER ? NELEM(controller_keys)
		: cl->sec == S_NOTIFY          ? NELEM(notify_keys)
					       : NELEM(user_keys);
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].name, e->key) == 0)
			break;
	if (i == nkeys) {
		CERR(cl, e->line, "unknown key '%s' in [%s]", e->key, e->section);
		return;
	}
	if (cl->seen[i] && !keys[i].repeated) {
		CERR(cl, e->line, "duplicate key '%s' (first on line %d)", e->key, cl->seen[i]);
		return;
	}
	cl->seen[i] = e->line;
	if (e->value[0] == '\0') {
		CERR(cl, e->line, "'%s' has no value", e->key);
		return;
	}
	if (!check_value(cl, &keys[i], e))
		return;
	if (cl->sec == S_CONTROLLER)
		store_controller(cl, e->key, e->value);
	else if (cl->sec == S_NOTIFY)
		store_notify(cl, e->key, e->value);
	else
		store_user(cl, e);
}

/* What a section needs as a whole, checked when it ends. */
static void
end_section(struct cload *cl)
{
	struct dh_config_notify *nf = &cl->cfg->notify;
	struct dh_config_user *u;

	if (cl->sec == S_USER) {
		u = &cl->cfg->users[cl->cfg->nusers - 1];
		if (u->password == NULL)
			CERR(cl, cl->sec_line, "[user %s] has no password", u->name);
		if (!cl->seen[0])
			CERR(cl, cl->sec_line, "[user %s] has no role (auditor or operator)",
				u->name);
	} else if (cl->sec == S_NOTIFY && nf->nemail_to > 0 &&
		(nf->smtp == NULL || nf->email_from == NULL)) {
		CERR(cl, cl->sec_line, "[notify] email_to needs smtp and email_from");
	} else if (cl->sec == S_NOTIFY && nf->smtp_password_file != NULL && nf->smtp_user == NULL) {
		CERR(cl, cl->sec_line, "[notify] smtp_password_file needs smtp_user");
	}
	cl->sec = S_NONE;
}

static void
begin_user(struct cload *cl, const struct dh_ini_entry *e, const char *name)
{
	struct dh_config *c = cl->cfg;

	if (!valid_user_name(name)) {
		CERR(cl, e->line,
			"[user %s]: a user name is 1 to 64 letters, digits, '.', '_' or '-'", name);
		cl->sec = S_BAD;
		return;
	}
	if (dh_config_user_find(c, name) != NULL) {
		CERR(cl, e->line, "duplicate section [user %s]", name);
		cl->sec = S_BAD;
		return;
	}
	c->users = dh_xrealloc(c->users, (c->nusers + 1) * sizeof(*c->users));
	memset(&c->users[c->nusers], 0, sizeof(*c->users));
	c->users[c->nusers].name = dh_xstrdup(name);
	c->users[c->nusers].line = e->line;
	c->nusers++;
	cl->sec = S_USER;
}

static void
begin_section(struct cload *cl, const struct dh_ini_entry *e)
{
	const char *s = e->section;
	bool *seen = NULL;

	end_section(cl);
	memset(cl->seen, 0, sizeof(cl->seen));
	cl->sec_line = e->line;
	if (strcmp(s, "controller") == 0) {
		cl->sec = S_CONTROLLER;
		seen = &cl->seen_controller;
	} else if (strcmp(s, "notify") == 0) {
		cl->sec = S_NOTIFY;
		seen = &cl->seen_notify;
		cl->cfg->notify.present = true;
	} else if (strncmp(s, "user ", 5) == 0) {
		begin_user(cl, e, s + 5);
		return;
	} else {
		CERR(cl, e->line,
			"unknown section [%s] (this file takes [controller], [notify] and [user NAME])",
			s);
		cl->sec = S_BAD;
		return;
	}
	if (*seen) {
		CERR(cl, e->line, "duplicate section [%s]", s);
		cl->sec = S_BAD;
	}
	*seen = true;
}

static void
on_entry(void *user, const struct dh_ini_entry *e)
{
	struct cload *cl = user;

	switch (e->kind) {
	case DH_INI_SECTION:
		begin_section(cl, e);
		break;
	case DH_INI_KEY:
		if (cl->sec == S_NONE)
			CERR(cl, e->line, "key '%s' outside any section", e->key);
		else if (cl->sec != S_BAD)
			on_key(cl, e);
		break;
	case DH_INI_ERROR:
		CERR(cl, e->line, "%s", e->value);
		break;
	}
}

void
dh_config_init(struct dh_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_jobs = DH_CONFIG_MAX_JOBS_DEFAULT;
	cfg->notify.on = DH_NOTIFY_ALL;
}

void
dh_config_fini(struct dh_config *cfg)
{
	struct dh_config_notify *nf = &cfg->notify;

	free(cfg->plans);
	free(cfg->database);
	free(cfg->listen);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->metrics_token_file);
	free(cfg->public_url);
	free_list(nf->webhooks, nf->nwebhooks);
	free_list(nf->email_to, nf->nemail_to);
	free(nf->email_from);
	free(nf->smtp);
	free(nf->smtp_user);
	free(nf->smtp_password_file);
	for (size_t i = 0; i < cfg->nusers; i++) {
		free(cfg->users[i].name);
		free(cfg->users[i].password);
		free_list(cfg->users[i].boards, cfg->users[i].nboards);
	}
	free(cfg->users);
	dh_config_init(cfg);
}

int
dh_config_load(struct dh_config *cfg, const char *path, bool must_exist, struct dh_problems *pr,
	struct dh_err *err)
{
	struct cload cl = { .cfg = cfg, .pr = pr, .path = path };
	const char *slash = strrchr(path, '/');
	int r;

	if (!must_exist && access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	cl.dir = slash ? dh_xstrndup(path, (size_t)(slash - path)) : dh_xstrdup(".");
	if (slash == path) {
		free(cl.dir);
		cl.dir = dh_xstrdup("");
	}
	r = dh_ini_parse_file(path, on_entry, &cl, err);
	if (r == 0)
		end_section(&cl);
	free(cl.dir);
	if (r < 0)
		return r;
	cfg->loaded = true;
	return cl.nerr > 0 ? DH_EPARSE : 0;
}

const struct dh_config_user *
dh_config_user_find(const struct dh_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nusers; i++)
		if (strcmp(cfg->users[i].name, name) == 0)
			return &cfg->users[i];
	return NULL;
}

bool
dh_config_user_sees_board(const struct dh_config_user *u, const char *board)
{
	if (u->nboards == 0)
		return true;
	for (size_t i = 0; i < u->nboards; i++)
		if (board != NULL && strcmp(u->boards[i], board) == 0)
			return true;
	return false;
}

const char *
dh_notify_event_name(enum dh_notify_event ev)
{
	for (size_t i = 0; i < NELEM(event_names); i++)
		if ((unsigned)ev == 1u << i)
			return event_names[i];
	return NULL;
}

/* Secrets are small: a token or a password. */
#define SECRET_MAX 4096

int
dh_config_read_secret(const char *path, char **out, struct dh_err *err)
{
	char buf[SECRET_MAX + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	/* O_NOFOLLOW is not used: /etc/drillhall may link to a secrets mount */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dh_err_set(err, errno == ENOENT ? DH_ENOENT : DH_EIO, "%s: %s", path,
			strerror(errno));
	/* mode and content from the same open file, so nothing is swapped in between */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return dh_err_set(err, DH_EIO, "%s: not a regular file", path);
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return dh_err_set(err, DH_EINVAL,
			"%s: mode %04o lets group or others at it; a secret file must be 0600 "
			"or 0400 (chmod 600 %s)",
			path, (unsigned)(st.st_mode & 07777), path);
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return dh_err_set(err, DH_EIO, "%s: %s", path, strerror(errno));
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > SECRET_MAX)
		return dh_err_set(err, DH_ETOOBIG, "%s: over %d bytes, not a secret", path,
			SECRET_MAX);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		explicit_bzero(buf, sizeof(buf));
		return dh_err_set(err, DH_EINVAL, "%s: the secret is empty or not text", path);
	}
	*out = dh_xstrndup(buf, len);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}
