/*
 * controller.ini (SPEC "Controller configuration"): the [controller]
 * section with plans, database, listen, tls_cert and tls_key. Read by
 * cli.c before any command runs; command-line options override it.
 */
#ifndef DH_CONFIG_H
#define DH_CONFIG_H

#include <stdbool.h>

#include "dh/err.h"
#include "dh/problems.h"

#define DH_CONFIG_DEFAULT_PATH "/etc/drillhall/controller.ini"

struct dh_config {
	char *plans; /* relative paths resolved against the file's directory */
	char *database;
	char *listen; /* ADDRESS:PORT */
	char *tls_cert;
	char *tls_key;
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

#endif
