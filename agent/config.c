/*
 * agent.ini (config.h), read through the inih adapter so every problem
 * has its line. Phase one records raw values and the lines they came
 * from, rejecting unknown sections and keys and repeats; phase two fills
 * defaults and checks across fields: absolute paths, backup roots that
 * exist (kept canonical, so prefix checks in the restore test compare
 * real paths), commands split into argv. All problems are collected, as
 * for the plan files; only then does the load fail.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/ini.h"

#define DEFAULT_SPOOL "/var/lib/drillhall/spool"
#define DEFAULT_ACTION_TIMEOUT (5 * 60)
#define MAX_ACTIONS 256

enum sec { SEC_NONE, SEC_AGENT, SEC_ACTION, SEC_BAD };

/* Raw values as read in phase one; line 0 = not given. */
struct raw {
	char *value;
	int line;
};

struct raw_action {
	char *name;
	int line;
	struct raw command, timeout;
};

struct loader {
	const char *name;
	struct dh_buf problems;
	int nproblems;
	struct dh_err first;
	enum sec sec;
	int agent_line;
	struct raw scratch, spool, backup_roots, ca_file;
	struct raw_action *actions;
	size_t nactions;
};

struct key_spec {
	enum sec sec;
	const char *key;
	size_t off; /* of the struct raw in loader or raw_action */
};

static const struct key_spec keys[] = {
	{ SEC_AGENT, "scratch", offsetof(struct loader, scratch) },
	{ SEC_AGENT, "spool", offsetof(struct loader, spool) },
	{ SEC_AGENT, "backup_roots", offsetof(struct loader, backup_roots) },
	{ SEC_AGENT, "ca_file", offsetof(struct loader, ca_file) },
	{ SEC_ACTION, "command", offsetof(struct raw_action, command) },
	{ SEC_ACTION, "timeout", offsetof(struct raw_action, timeout) },
};

static void problem(struct loader *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct loader *ld, int line, const char *fmt, ...)
{
	struct dh_buf msg;
	va_list ap;

	dh_buf_init(&msg);
	va_start(ap, fmt);
	dh_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (ld->nproblems++ == 0)
		dh_err_at(&ld->first, DH_EPARSE, ld->name, line, "%s", msg.data);
	dh_buf_printf(&ld->problems, "%s:%d: error: %s\n", ld->name, line, msg.data);
	dh_buf_fini(&msg);
}

static bool
is_action_name(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

static void
open_section(struct loader *ld, const struct dh_ini_entry *e)
{
	const char *s = e->section;

	ld->sec = SEC_BAD;
	if (strcmp(s, "agent") == 0) {
		if (ld->agent_line)
			problem(ld, e->line, "[agent] given twice (first on line %d)",
				ld->agent_line);
		else
			ld->agent_line = e->line;
		ld->sec = SEC_AGENT;
	} else if (strncmp(s, "action ", 7) == 0) {
		const char *name = s + 7;

		while (*name == ' ')
			name++;
		if (!is_action_name(name)) {
			problem(ld, e->line,
				"bad action name '%s' (letters, digits, '-', '_', '.')", name);
			return;
		}
		for (size_t i = 0; i < ld->nactions; i++)
			if (strcmp(ld->actions[i].name, name) == 0) {
				problem(ld, e->line, "[action %s] given twice (first on line %d)",
					name, ld->actions[i].line);
				return;
			}
		if (ld->nactions == MAX_ACTIONS) {
			problem(ld, e->line, "more than %d actions", MAX_ACTIONS);
			return;
		}
		ld->actions = dh_xrealloc(ld->actions, (ld->nactions + 1) * sizeof(*ld->actions));
		memset(&ld->actions[ld->nactions], 0, sizeof(*ld->actions));
		ld->actions[ld->nactions].name = dh_xstrdup(name);
		ld->actions[ld->nactions++].line = e->line;
		ld->sec = SEC_ACTION;
	} else {
		problem(ld, e->line, "unknown section [%s] (expected [agent] or [action NAME])", s);
	}
}

static void
set_key(struct loader *ld, const struct dh_ini_entry *e)
{
	char *base = ld->sec == SEC_AGENT ? (char *)ld : (char *)&ld->actions[ld->nactions - 1];
	struct raw *raw;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].sec != ld->sec || strcmp(keys[i].key, e->key) != 0)
			continue;
		raw = (struct raw *)(base + keys[i].off);
		if (raw->line) {
			problem(ld, e->line, "'%s' given twice (first on line %d)", e->key,
				raw->line);
			return;
		}
		if (e->comment != NULL && ld->sec == SEC_ACTION)
			problem(ld, e->line,
				"' ;' cut the command: '; %s' would be dropped "
				"(a command is never run through a shell)",
				e->comment);
		raw->value = dh_xstrdup(e->value);
		raw->line = e->line;
		return;
	}
	problem(ld, e->line, "unknown key '%s' in [%s]", e->key, e->section);
}

static void
on_entry(void *user, const struct dh_ini_entry *e)
{
	struct loader *ld = user;

	switch (e->kind) {
	case DH_INI_SECTION:
		open_section(ld, e);
		break;
	case DH_INI_ERROR:
		problem(ld, e->line, "%s", e->value);
		break;
	case DH_INI_KEY:
		if (ld->sec == SEC_NONE)
			problem(ld, e->line, "'%s' outside a section", e->key);
		else if (ld->sec != SEC_BAD)
			set_key(ld, e);
		break;
	}
}

/* --- phase two */

static char *
abs_path(struct loader *ld, const struct raw *raw, const char *key, const char *dflt)
{
	if (raw->line == 0) {
		if (dflt == NULL)
			problem(ld, ld->agent_line, "[agent] needs '%s'", key);
		return dflt ? dh_xstrdup(dflt) : NULL;
	}
	if (raw->value[0] != '/') {
		problem(ld, raw->line, "'%s' must be an absolute path, not '%s'", key, raw->value);
		return NULL;
	}
	return dh_xstrdup(raw->value);
}

static void
fill_roots(struct loader *ld, struct dh_agent_config *cfg)
{
	const struct raw *raw = &ld->backup_roots;
	char *list, *save = NULL;

	if (raw->line == 0) {
		problem(ld, ld->agent_line, "[agent] needs 'backup_roots'");
		return;
	}
	list = dh_xstrdup(raw->value);
	for (char *tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		char real[PATH_MAX];

		if (tok[0] != '/') {
			problem(ld, raw->line, "backup root '%s' must be an absolute path", tok);
			continue;
		}
		if (realpath(tok, real) == NULL) {
			problem(ld, raw->line, "backup root '%s' does not exist", tok);
			continue;
		}
		cfg->backup_roots = dh_xrealloc(cfg->backup_roots,
			(cfg->nbackup_roots + 1) * sizeof(*cfg->backup_roots));
		cfg->backup_roots[cfg->nbackup_roots++] = dh_xstrdup(real);
	}
	if (cfg->nbackup_roots == 0 && strspn(raw->value, ", \t") == strlen(raw->value))
		problem(ld, raw->line, "'backup_roots' names no directory");
	free(list);
}

static void
fill_action(struct loader *ld, const struct raw_action *ra, struct dh_agent_action *a)
{
	char *copy, *save = NULL;

	a->name = dh_xstrdup(ra->name);
	a->line = ra->line;
	a->timeout_s = DEFAULT_ACTION_TIMEOUT;
	if (ra->timeout.line &&
		(dh_duration_parse(ra->timeout.value, false, &a->timeout_s) != 0 ||
			a->timeout_s <= 0))
		problem(ld, ra->timeout.line, "bad timeout '%s' (e.g. 90s, 15m, 2h)",
			ra->timeout.value);
	if (ra->command.line == 0) {
		problem(ld, ra->line, "[action %s] needs 'command'", ra->name);
		return;
	}
	copy = dh_xstrdup(ra->command.value);
	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		a->argv = dh_xrealloc(a->argv, (a->argc + 2) * sizeof(*a->argv));
		a->argv[a->argc++] = dh_xstrdup(tok);
		a->argv[a->argc] = NULL;
	}
	free(copy);
	if (a->argc == 0 || a->argv[0][0] != '/')
		problem(ld, ra->command.line,
			"command must start with the program's absolute path");
}

static struct dh_agent_config *
fill(struct loader *ld, const char *path)
{
	struct dh_agent_config *cfg = dh_xcalloc(1, sizeof(*cfg));

	cfg->path = dh_xstrdup(path);
	if (ld->agent_line == 0 && ld->nproblems == 0)
		problem(ld, 0, "missing section [agent]");
	if (ld->agent_line) {
		cfg->scratch = abs_path(ld, &ld->scratch, "scratch", NULL);
		cfg->spool = abs_path(ld, &ld->spool, "spool", DEFAULT_SPOOL);
		cfg->ca_file =
			ld->ca_file.line ? abs_path(ld, &ld->ca_file, "ca_file", NULL) : NULL;
		fill_roots(ld, cfg);
	}
	cfg->actions = dh_xcalloc(ld->nactions ? ld->nactions : 1, sizeof(*cfg->actions));
	for (size_t i = 0; i < ld->nactions; i++)
		fill_action(ld, &ld->actions[i], &cfg->actions[cfg->nactions++]);
	return cfg;
}

static void
free_raw(struct loader *ld)
{
	free(ld->scratch.value);
	free(ld->spool.value);
	free(ld->backup_roots.value);
	free(ld->ca_file.value);
	for (size_t i = 0; i < ld->nactions; i++) {
		free(ld->actions[i].name);
		free(ld->actions[i].command.value);
		free(ld->actions[i].timeout.value);
	}
	free(ld->actions);
	dh_buf_fini(&ld->problems);
}

/* As many whole problem lines as fit in out, then how many more there are. */
static void
whole_lines(char *out, size_t outsz, struct dh_buf *problems, int nproblems)
{
	const char *p = problems->data;
	size_t used = 0;
	int shown = 0;

	out[0] = '\0';
	while (shown < nproblems) {
		size_t n = strcspn(p, "\n");

		if (used + n + 1 + 48 > outsz && shown + 1 < nproblems)
			break; /* keep room for the "more" line */
		if (used + n + 1 > outsz)
			break;
		snprintf(out + used, outsz - used, "%s%.*s", shown ? "\n" : "", (int)n, p);
		used += n + (shown ? 1 : 0);
		p += n + 1;
		shown++;
	}
	if (shown < nproblems)
		snprintf(out + used, outsz - used, "\n... and %d more problems", nproblems - shown);
}

/* Phase two and the verdict: all problems in err->msg, the first in file/line. */
static int
finish(struct loader *ld, const char *path, struct dh_agent_config **out, struct dh_err *err)
{
	struct dh_agent_config *cfg = fill(ld, path);
	int r = 0;

	if (ld->nproblems > 0) {
		if (err != NULL) {
			*err = ld->first;
			whole_lines(err->msg, sizeof(err->msg), &ld->problems, ld->nproblems);
		}
		dh_agent_config_free(cfg);
		r = DH_EPARSE;
	} else {
		*out = cfg;
	}
	free_raw(ld);
	return r;
}

int
dh_agent_config_parse_string(const char *text, size_t len, const char *name,
	struct dh_agent_config **out, struct dh_err *err)
{
	struct loader ld;

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	ld.name = name;
	dh_buf_init(&ld.problems);
	dh_ini_parse_string(text, len, on_entry, &ld);
	return finish(&ld, name, out, err);
}

int
dh_agent_config_load(const char *path, struct dh_agent_config **out, struct dh_err *err)
{
	struct loader ld;
	int r;

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	ld.name = path;
	dh_buf_init(&ld.problems);
	r = dh_ini_parse_file(path, on_entry, &ld, err);
	if (r != 0) {
		free_raw(&ld);
		return r;
	}
	return finish(&ld, path, out, err);
}

void
dh_agent_config_free(struct dh_agent_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->scratch);
	free(cfg->spool);
	free(cfg->ca_file);
	for (size_t i = 0; i < cfg->nbackup_roots; i++)
		free(cfg->backup_roots[i]);
	free(cfg->backup_roots);
	for (size_t i = 0; i < cfg->nactions; i++) {
		free(cfg->actions[i].name);
		for (size_t k = 0; k < cfg->actions[i].argc; k++)
			free(cfg->actions[i].argv[k]);
		free(cfg->actions[i].argv);
	}
	free(cfg->actions);
	free(cfg);
}

const struct dh_agent_action *
dh_agent_config_action(const struct dh_agent_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->nactions; i++)
		if (strcmp(cfg->actions[i].name, name) == 0)
			return &cfg->actions[i];
	return NULL;
}
