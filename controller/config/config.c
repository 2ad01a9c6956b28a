/*
 * The controller's configuration file (config.h). A key table like the
 * plan loader's; unknown sections and keys are errors with file:line,
 * because a misspelt "databse" must not silently fall back to a default.
 * Later sections (notifications, users) are added to the tables as those
 * features land.
 */
#include "config/config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/buf.h"
#include "dh/ini.h"

enum ckey_type { C_PATH, C_LISTEN };

static const struct ckey {
	const char *name;
	enum ckey_type type;
	size_t off;
} controller_keys[] = {
	{ "plans", C_PATH, offsetof(struct dh_config, plans) },
	{ "database", C_PATH, offsetof(struct dh_config, database) },
	{ "listen", C_LISTEN, offsetof(struct dh_config, listen) },
	{ "tls_cert", C_PATH, offsetof(struct dh_config, tls_cert) },
	{ "tls_key", C_PATH, offsetof(struct dh_config, tls_key) },
};
#define NKEYS (sizeof(controller_keys) / sizeof(controller_keys[0]))

struct cload {
	struct dh_config *cfg;
	struct dh_problems *pr;
	const char *path;
	char *dir; /* directory of the file, for relative paths */
	int seen[NKEYS];
	bool bad_section;
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

static void
on_key(struct cload *cl, const struct dh_ini_entry *e)
{
	size_t i;
	char **field;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(controller_keys[i].name, e->key) == 0)
			break;
	if (i == NKEYS) {
		CERR(cl, e->line, "unknown key '%s' in [%s]", e->key, e->section);
		return;
	}
	if (cl->seen[i]) {
		CERR(cl, e->line, "duplicate key '%s'", e->key);
		return;
	}
	cl->seen[i] = e->line;
	if (e->value[0] == '\0') {
		CERR(cl, e->line, "'%s' has no value", e->key);
		return;
	}
	if (controller_keys[i].type == C_LISTEN && !valid_listen(e->value)) {
		CERR(cl, e->line, "listen '%s' is not ADDRESS:PORT", e->value);
		return;
	}
	field = (char **)(void *)((char *)cl->cfg + controller_keys[i].off);
	if (controller_keys[i].type == C_PATH && e->value[0] != '/')
		*field = dh_xasprintf("%s/%s", cl->dir, e->value);
	else
		*field = dh_xstrdup(e->value);
}

static void
on_entry(void *user, const struct dh_ini_entry *e)
{
	struct cload *cl = user;

	switch (e->kind) {
	case DH_INI_SECTION:
		cl->bad_section = strcmp(e->section, "controller") != 0;
		if (cl->bad_section)
			CERR(cl, e->line, "unknown section [%s] (this file takes [controller])",
				e->section);
		break;
	case DH_INI_KEY:
		if (e->section[0] == '\0')
			CERR(cl, e->line, "key '%s' outside any section", e->key);
		else if (!cl->bad_section)
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
}

void
dh_config_fini(struct dh_config *cfg)
{
	free(cfg->plans);
	free(cfg->database);
	free(cfg->listen);
	free(cfg->tls_cert);
	free(cfg->tls_key);
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
	free(cl.dir);
	if (r < 0)
		return r;
	cfg->loaded = true;
	return cl.nerr > 0 ? DH_EPARSE : 0;
}
