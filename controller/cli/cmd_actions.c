/*
 * `drillhall actions [--open] [--format text|json]` and `drillhall
 * actions close N --note TEXT` (cli/cmd_actions.h). Listing reads the
 * store in a read transaction and shows actions as of --now (opened by
 * then; closed only if closed by then). Closing names the person at the
 * terminal as "cli:NAME" (the sudo user when run through sudo) and keeps
 * the note; the store refuses an unknown or already closed action. The
 * close happens at the clock's time, never at --now: the audit chain
 * says when it was really done. Exit 0; 2 for bad input or when it could
 * not run.
 */
#include "cli/cmd_actions.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "dh/timefmt.h"
#include "dh/utf8.h"
#include "render/actions.h"
#include "store/actions.h"
#include "store/db.h"

#define NOTE_MAX 1000 /* bytes */

/* N: a whole number from 1, digits only. */
static int
parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s[0] < '0' || s[0] > '9')
		return DH_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return DH_EINVAL;
	*out = v;
	return 0;
}

/* What is wrong with a note, or NULL when it will do. */
static const char *
note_problem(const char *note)
{
	bool text = false;

	if (note == NULL)
		return "needs --note TEXT saying why it is closed";
	if (strlen(note) > NOTE_MAX)
		return "--note is longer than 1000 bytes";
	if (!dh_utf8_is_valid(note))
		return "--note is not valid UTF-8";
	for (const unsigned char *p = (const unsigned char *)note; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "--note has a control character (one line of text)";
		text = text || *p != ' ';
	}
	return text ? NULL : "--note is empty";
}

/* "cli:NAME": the sudo user when root runs it through sudo, else the login. */
static char *
operator_name(void)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (getuid() == 0 && sudo != NULL && *sudo != '\0')
		return dh_xasprintf("cli:%s", sudo);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		return dh_xasprintf("cli:%s", pw->pw_name);
	return dh_xasprintf("cli:uid %ld", (long)getuid());
}

static int
close_action(struct dh_ctlopt *o)
{
	const char *problem = note_problem(o->note);
	struct dh_db *db = NULL;
	struct dh_err err;
	char *by = NULL;
	int64_t id = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (o->npos != 2 || parse_id(o->pos[1], &id) != 0) {
		fprintf(stderr, "drillhall actions: close needs an action number N, not '%s'\n",
			o->npos == 2 ? o->pos[1] : "");
		return DH_EXIT_USAGE;
	}
	if (problem != NULL) {
		fprintf(stderr, "drillhall actions: close %lld: %s\n", (long long)id, problem);
		return DH_EXIT_USAGE;
	}
	by = operator_name();
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_MUST_EXIST, &db, &err) != 0 ||
		dh_db_action_close(db, id, by, o->note, dh_time_now(), &err) != 0) {
		fprintf(stderr, "drillhall actions: %s\n", err.msg);
		goto out;
	}
	fprintf(stderr, "drillhall actions: corrective action %lld closed by %s\n", (long long)id,
		by);
	rc = DH_EXIT_OK;
out:
	free(by);
	dh_db_close(db);
	return rc;
}

/* Keep the actions seen as of now (with --open, only those open then). */
static size_t
keep_seen(struct dh_action *v, size_t n, time_t now, bool open_only)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool keep =
			open_only ? dh_action_is_open(&v[i], now) : dh_action_is_seen(&v[i], now);

		if (!keep) {
			dh_action_fini(&v[i]);
			continue;
		}
		v[kept++] = v[i];
	}
	return kept;
}

static int
list_actions(struct dh_ctlopt *o)
{
	struct dh_action *v = NULL;
	struct dh_db *db = NULL;
	struct dh_buf out;
	struct dh_err err;
	size_t n = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	dh_buf_init(&out);
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_MUST_EXIST | DH_CTLOPT_DB_READ, &db, &err) != 0 ||
		dh_db_actions_list(db, NULL, &v, &n, &err) != 0) {
		fprintf(stderr, "drillhall actions: %s\n", err.msg);
		goto out;
	}
	n = keep_seen(v, n, o->now, o->open_only);
	if (strcmp(o->format, "json") == 0)
		dh_actions_render_json(v, n, o->now, &out);
	else
		dh_actions_render_text(v, n, o->now, &out);
	if (n == 0 && strcmp(o->format, "text") == 0)
		fprintf(stderr, "drillhall actions: no %scorrective actions\n",
			o->open_only ? "open " : "");
	rc = dh_cli_write(o, &out);
out:
	dh_buf_fini(&out);
	dh_actions_free(v, n);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_actions(struct dh_ctlopt *o)
{
	if (o->npos == 0) {
		if (o->note != NULL) {
			fprintf(stderr, "drillhall actions: --note is for actions close N\n");
			return DH_EXIT_USAGE;
		}
		return list_actions(o);
	}
	if (strcmp(o->pos[0], "close") != 0) {
		fprintf(stderr, "drillhall actions: expected close N --note TEXT, not '%s'\n",
			o->pos[0]);
		return DH_EXIT_USAGE;
	}
	return close_action(o);
}
