/*
 * agent.ini (SPEC "The agent"): where a restore may write (scratch), where
 * events wait (spool), which directories backups may come from
 * (backup_roots), the controller's CA, and the host's own actions — the
 * only commands a job can cause to run, by name. Loaded in two phases
 * (unset fields, then defaults and cross-field checks); every problem
 * names its file and line.
 */
#ifndef DH_AGENT_CONFIG_H
#define DH_AGENT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "dh/err.h"

#define DH_AGENT_CONFIG_DEFAULT "/etc/drillhall/agent.ini"

struct dh_agent_action {
	char *name;  /* from [action NAME] */
	char **argv; /* command split on whitespace, NULL-terminated; never a shell */
	size_t argc;
	int64_t timeout_s; /* default 5m */
	int line;          /* line of the section header */
};

struct dh_agent_config {
	char *path;          /* file it was read from */
	char *scratch;       /* absolute */
	char *spool;         /* absolute */
	char *ca_file;       /* NULL = system CAs */
	char **backup_roots; /* absolute, canonical */
	size_t nbackup_roots;
	struct dh_agent_action *actions;
	size_t nactions;
};

/*
 * Load path. On problems returns DH_EPARSE (or DH_ENOENT/DH_EIO) and writes
 * every problem as "PATH:LINE: error: MESSAGE" lines into err->msg order
 * (first one in err->file/err->line); *out stays NULL.
 */
int dh_agent_config_load(const char *path, struct dh_agent_config **out, struct dh_err *err);
/* Parse from memory; name is used as PATH in messages. */
int dh_agent_config_parse_string(const char *text, size_t len, const char *name,
	struct dh_agent_config **out, struct dh_err *err);
void dh_agent_config_free(struct dh_agent_config *cfg);
/* The action called name, or NULL. Borrowed from cfg. */
const struct dh_agent_action *dh_agent_config_action(const struct dh_agent_config *cfg,
	const char *name);

#endif
