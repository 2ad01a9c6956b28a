/*
 * controller.ini (SPEC "Controller configuration"): [controller] (plans,
 * database, listen, tls_cert, tls_key, max_jobs, metrics_token_file,
 * public_url), [notify] (webhook, email_to, email_from, smtp,
 * smtp_user, smtp_password_file, on) and one [user NAME] per web user
 * (role, password, boards). Read by cli.c before any command runs;
 * command-line options override it. Unknown sections and keys, duplicate
 * keys and bad values are problems with "PATH:LINE", because a misspelt
 * key must not silently fall back to a default.
 *
 * Secrets never sit in this file: the metrics token and the SMTP password
 * are read from their own files by dh_config_read_secret, which refuses a
 * file that others may read; the user's password is an argon2id hash.
 */
#ifndef DH_CONFIG_H
#define DH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "dh/err.h"
#include "dh/problems.h"

#define DH_CONFIG_DEFAULT_PATH "/etc/drillhall/controller.ini"

/* max_jobs when controller.ini does not say (SPEC's example value). */
#define DH_CONFIG_MAX_JOBS_DEFAULT 4
/* The largest max_jobs accepted: more would only exhaust SSH sessions. */
#define DH_CONFIG_MAX_JOBS_LIMIT 256

/* Web roles (SPEC "Web pages and roles"). */
enum dh_role {
	DH_ROLE_AUDITOR,  /* reads everything it may see */
	DH_ROLE_OPERATOR, /* also starts tests and closes corrective actions */
};

/* Notification events of [notify] on (SPEC "Notifications"), as bits. */
enum dh_notify_event {
	DH_NOTIFY_FAILED = 1u << 0,
	DH_NOTIFY_ERROR = 1u << 1,
	DH_NOTIFY_OVERDUE = 1u << 2,
	DH_NOTIFY_STANDBY_LEFT = 1u << 3,
	DH_NOTIFY_ACTION_OPENED = 1u << 4,
	DH_NOTIFY_ACTION_CLOSED = 1u << 5,
	DH_NOTIFY_AUDIT_BROKEN = 1u << 6,
};
#define DH_NOTIFY_ALL 0x7fu

struct dh_config_notify {
	char **webhooks; /* each an http(s) URL, in file order */
	size_t nwebhooks;
	char **email_to; /* each an address */
	size_t nemail_to;
	char *email_from;         /* NULL when absent (then no e-mail is sent) */
	char *smtp;               /* smtp:// or smtps:// URL; NULL when absent */
	char *smtp_user;          /* NULL: no SMTP login */
	char *smtp_password_file; /* absolute; read with dh_config_read_secret */
	unsigned on;              /* DH_NOTIFY_* bits; DH_NOTIFY_ALL when `on` is absent */
	bool present;             /* the file has a [notify] section */
};

struct dh_config_user {
	char *name; /* from [user NAME] */
	enum dh_role role;
	char *password; /* the "$argon2id$..." line of `drillhall passwd` */
	char **boards;  /* the boards this user may see; nboards 0 = all */
	size_t nboards;
	int line; /* of the [user NAME] header, for messages */
};

struct dh_config {
	char *plans; /* relative paths resolved against the file's directory */
	char *database;
	char *listen; /* ADDRESS:PORT */
	char *tls_cert;
	char *tls_key;
	int max_jobs;             /* scheduled jobs at once, all hosts; default 4 */
	char *metrics_token_file; /* NULL: /metrics for loopback peers only */
	char *public_url;         /* base for links in notifications; NULL when absent */
	struct dh_config_notify notify;
	struct dh_config_user *users; /* in file order */
	size_t nusers;
	bool loaded; /* false when the file was absent */
};

void dh_config_init(struct dh_config *cfg);
void dh_config_fini(struct dh_config *cfg);

/*
 * Read path into cfg. A missing file is fine (returns 0, cfg->loaded
 * false) unless must_exist. Problems inside the file (unknown section or
 * key, bad value) go to pr as "PATH:LINE"; returns DH_EPARSE when there
 * were any, DH_ENOENT / DH_EIO with err set when the file could not be read.
 */
int dh_config_load(struct dh_config *cfg, const char *path, bool must_exist, struct dh_problems *pr,
	struct dh_err *err);

/* The user called name, or NULL. Borrowed from cfg. */
const struct dh_config_user *dh_config_user_find(const struct dh_config *cfg, const char *name);

/* Whether user u may see systems of board (true for every board when u has no `boards`). */
bool dh_config_user_sees_board(const struct dh_config_user *u, const char *board);

/* The `on` name of one event bit ("failed", "overdue", ...); NULL for anything else. */
const char *dh_notify_event_name(enum dh_notify_event ev);

/*
 * Read a secret (token, password) from path into *out (caller frees; the
 * trailing newline removed). Refuses, with DH_EINVAL and err naming the
 * path and its mode, a file that group or others may read or write, and
 * an empty one: a secret others can read is no secret. The secret itself
 * never appears in err. DH_ENOENT / DH_EIO when it cannot be read.
 */
int dh_config_read_secret(const char *path, char **out, struct dh_err *err);

#endif
