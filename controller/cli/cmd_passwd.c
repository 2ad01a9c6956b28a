/*
 * `drillhall passwd USER` (cli/cmd_passwd.h, SPEC "Commands", "Web pages
 * and roles"): reads a password and prints the line that goes under
 * [user USER] in controller.ini, `password = $argon2id$...` (libsodium,
 * http/auth.h). From a terminal it asks twice without echo and refuses
 * two different answers; otherwise it reads one line from stdin (a
 * script, `echo ... |`). The password is never printed and its buffers
 * are wiped. Exit 0; 2 when nothing usable was read.
 */
#include "cli/cmd_passwd.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "http/auth.h"

#define LINE_MAX_BYTES (DH_AUTH_PASSWORD_MAX + 2)

/* One line from f without its newline; false at EOF or when too long. */
static bool
read_line(FILE *f, char *buf, size_t bufsz, bool *too_long)
{
	size_t n;

	*too_long = false;
	if (fgets(buf, (int)bufsz, f) == NULL)
		return false;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == bufsz - 1)
		*too_long = true;
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return !*too_long;
}

/* Ask on the terminal with echo off. */
static bool
ask(const char *prompt, char *buf, size_t bufsz, bool *too_long)
{
	struct termios old, quiet;
	bool ok, restore;

	fputs(prompt, stderr);
	fflush(stderr);
	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = read_line(stdin, buf, bufsz, too_long);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return ok;
}

/* The password into pw: twice from a terminal, once from a pipe. */
static int
read_password(char *pw, size_t pwsz)
{
	char again[LINE_MAX_BYTES];
	bool tty = isatty(STDIN_FILENO), too_long = false, ok;
	int rc = DH_EXIT_USAGE;

	ok = tty ? ask("Password: ", pw, pwsz, &too_long) : read_line(stdin, pw, pwsz, &too_long);
	if (too_long)
		fprintf(stderr, "drillhall passwd: a password has at most %d bytes\n",
			DH_AUTH_PASSWORD_MAX);
	else if (!ok || pw[0] == '\0')
		fprintf(stderr, "drillhall passwd: no password given\n");
	else if (tty &&
		(!ask("Again: ", again, sizeof(again), &too_long) || strcmp(pw, again) != 0))
		fprintf(stderr, "drillhall passwd: the two passwords differ\n");
	else
		rc = DH_EXIT_OK;
	memset(again, 0, sizeof(again));
	return rc;
}

int
dh_cmd_passwd(struct dh_ctlopt *o)
{
	char pw[LINE_MAX_BYTES], hash[DH_AUTH_HASH_MAX];
	struct dh_err err;
	int rc;

	dh_err_clear(&err);
	pw[0] = '\0';
	/* the name goes into a section header: [user NAME] */
	if (o->pos[0][0] == '\0' || o->pos[0][strcspn(o->pos[0], " \t[]=;#\r\n")] != '\0') {
		fprintf(stderr, "drillhall passwd: '%s' cannot be a user name in [user NAME]\n",
			o->pos[0]);
		rc = DH_EXIT_USAGE;
		goto out;
	}
	if ((rc = read_password(pw, sizeof(pw))) != DH_EXIT_OK)
		goto out;
	if (dh_auth_hash(pw, strlen(pw), hash, sizeof(hash), &err) != 0) {
		fprintf(stderr, "drillhall passwd: %s\n", err.msg);
		rc = DH_EXIT_USAGE;
		goto out;
	}
	fprintf(stderr, "drillhall passwd: put this line under [user %s] in controller.ini:\n",
		o->pos[0]);
	if (printf("password = %s\n", hash) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "drillhall passwd: cannot write to stdout\n");
		rc = DH_EXIT_USAGE;
	}
out:
	memset(pw, 0, sizeof(pw));
	return rc;
}
