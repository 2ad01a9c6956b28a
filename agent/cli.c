/*
 * The agent's command table (SPEC "The agent"): `drillhall-agent
 * [--config FILE] COMMAND`. Options are parsed here, for every command,
 * with the shared parser (dh/opt.h), before or after the command word;
 * usage and --help come from the same tables. Each command returns the
 * exit code: 0 ok, 1 the thing examined is not ok (differences, a failed
 * test), 2 usage error or could not run. Messages go to stderr, data
 * (manifests, differences, records) to stdout.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "config.h"
#include "dh/buf.h"
#include "dh/manifest.h"
#include "dh/opt.h"
#include "dh/proto.h"
#include "restore/restore.h"
#include "run.h"
#include "restore/tree.h"
#include "restore/verify.h"

struct agent_opts {
	const char *config; /* --config, or NULL for the default */
	bool foreground;    /* run --foreground */
	const char *local;  /* run --local JOB */
	int64_t retry_s;    /* --retry-for, -1 when not given */
	const char *pos[2]; /* the command's arguments */
	size_t npos;
};

/* A row: how usage shows the command (first, see dh/opt.h), and what runs it. */
struct cmd {
	struct dh_opt_cmd spec;
	int (*fn)(const struct agent_opts *);
};

static const struct cmd cmds[];

static int
cmd_version(const struct agent_opts *o)
{
	printf("drillhall-agent %s (protocol %d)\n", DH_VERSION, DH_PROTO_VERSION);
	return 0;
}

static void
print_escaped(FILE *f, const char *path)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_manifest_escape_name(&b, path);
	fwrite(b.data, 1, b.len, f);
	dh_buf_fini(&b);
}

static int
cmd_manifest(const struct agent_opts *o)
{
	struct dh_tree t;
	struct dh_buf line;
	struct dh_err e;
	int rc = 2;

	dh_err_clear(&e);
	dh_tree_init(&t);
	dh_buf_init(&line);
	if (dh_tree_scan(o->pos[0], &t, &e) != 0 ||
		dh_tree_hash(o->pos[0], &t, true, NULL, &e) != 0) {
		fprintf(stderr, "drillhall-agent: %s\n", e.msg);
		goto out;
	}
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].type == DH_TREE_FILE && !t.v[i].hashed) {
			fprintf(stderr, "drillhall-agent: cannot read %s: %s\n", t.v[i].path,
				strerror(t.v[i].read_errno));
			goto out;
		}
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i].type != DH_TREE_FILE) {
			fprintf(stderr, "drillhall-agent: note: skipped %s ",
				t.v[i].type == DH_TREE_SYMLINK ? "symlink" : "special file");
			print_escaped(stderr, t.v[i].path);
			fprintf(stderr, " (sha256sum format lists regular files only)\n");
			continue;
		}
		dh_buf_reset(&line);
		dh_manifest_format_line(&line, t.v[i].path, t.v[i].sha256);
		fwrite(line.data, 1, line.len, stdout);
	}
	rc = fflush(stdout) == 0 ? 0 : 2;
out:
	dh_buf_fini(&line);
	dh_tree_fini(&t);
	return rc;
}

static void
print_difference(void *user, const char *path, const char *problem)
{
	print_escaped(stdout, path);
	printf(": %s\n", problem);
}

static int
cmd_verify(const struct agent_opts *o)
{
	struct dh_verify_result res;
	struct dh_manifest m;
	struct dh_err e;
	char msg[DH_ERR_MSG_MAX + 300];
	int rc = 2;

	dh_err_clear(&e);
	dh_manifest_init(&m);
	if (dh_manifest_load(o->pos[1], &m, &e) != 0 ||
		dh_verify_tree(o->pos[0], &m, NULL, print_difference, NULL, &res, &e) != 0) {
		dh_err_format(&e, msg, sizeof(msg));
		fprintf(stderr, "drillhall-agent: %s\n", msg);
		goto out;
	}
	fprintf(stderr,
		"drillhall-agent: %lld of %zu files identical; %lld missing, "
		"%lld extra, %lld changed",
		(long long)res.files_ok, m.n, (long long)res.missing, (long long)res.extra,
		(long long)res.changed);
	if (res.skipped)
		fprintf(stderr, "; %lld unlisted symlinks or special files skipped",
			(long long)res.skipped);
	fprintf(stderr, "\n");
	rc = dh_verify_differences(&res) == 0 ? 0 : 1;
out:
	dh_manifest_fini(&m);
	return rc;
}

static void
print_step(void *user, const char *step, const char *detail)
{
	fprintf(stderr, "drillhall-agent: %s%s%s\n", step, detail ? ": " : "",
		detail ? detail : "");
}

static int
load_config(const struct agent_opts *o, struct dh_agent_config **cfg)
{
	const char *path = o->config ? o->config : DH_AGENT_CONFIG_DEFAULT;
	char msg[DH_ERR_MSG_MAX + 300];
	struct dh_err e;
	int r;

	dh_err_clear(&e);
	r = dh_agent_config_load(path, cfg, &e);
	if (r == DH_EPARSE)
		fprintf(stderr, "%s\n", e.msg); /* already "PATH:LINE: error: ..." lines */
	else if (r != 0) {
		dh_err_format(&e, msg, sizeof(msg));
		fprintf(stderr, "drillhall-agent: %s\n", msg);
	}
	return r;
}

static int
read_job(const char *path, struct dh_job **job)
{
	char msg[DH_ERR_MSG_MAX + 300];
	struct dh_buf b;
	struct dh_err e;
	int r;

	dh_err_clear(&e);
	dh_buf_init(&b);
	r = dh_file_read(path, DH_JOB_MAX, &b, &e);
	if (r == 0 && (r = dh_job_parse(b.data, b.len, job, &e)) != 0) {
		char *near = strstr(e.msg, " near '");

		if (near != NULL) /* jansson quotes the text it choked on: maybe the token */
			*near = '\0';
	}
	if (r != 0) {
		dh_err_format(&e, msg, sizeof(msg));
		fprintf(stderr, "drillhall-agent: %s: %s\n", path, msg);
	}
	dh_buf_fini(&b);
	return r;
}

static int
run_local(const struct agent_opts *o, const char *jobfile)
{
	static const int exit_codes[] = { [DH_VERDICT_PASSED] = 0,
		[DH_VERDICT_FAILED] = 1,
		[DH_VERDICT_ERROR] = 2,
		[DH_VERDICT_ABORTED] = 2 };
	struct dh_agent_config *cfg = NULL;
	struct dh_record *rec = NULL;
	struct dh_job *job = NULL;
	char *json;
	int rc = 2;

	if (load_config(o, &cfg) != 0 || read_job(jobfile, &job) != 0)
		goto out;
	if (job->kind == DH_JOB_ACTION) { /* its result, as over SSH */
		rc = dh_agent_action_job(cfg, job, stdout);
		goto out;
	}
	rec = dh_record_new();
	if (dh_restore_run(cfg, job, rec, print_step, NULL) != 0)
		goto out;
	if (rec->error)
		fprintf(stderr, "drillhall-agent: %s: %s\n", dh_verdict_name(rec->verdict),
			rec->error);
	json = dh_record_to_json(rec, 2);
	printf("%s\n", json);
	free(json);
	rc = exit_codes[rec->verdict];
out:
	dh_record_free(rec);
	dh_job_free(job);
	dh_agent_config_free(cfg);
	return rc;
}

static const char *
config_path(const struct agent_opts *o)
{
	return o->config ? o->config : DH_AGENT_CONFIG_DEFAULT;
}

static int
cmd_run(const struct agent_opts *o)
{
	if (o->local != NULL)
		return run_local(o, o->local);
	return dh_agent_run_cmd(config_path(o), o->foreground, o->retry_s);
}

static int
cmd_flush(const struct agent_opts *o)
{
	return dh_agent_flush_cmd(config_path(o), o->retry_s);
}

static const struct dh_opt_spec global_opts[] = {
	DH_OPT_S("config", "FILE", "agent.ini (default " DH_AGENT_CONFIG_DEFAULT ")",
		struct agent_opts, config),
	DH_OPT_END,
};

static const struct dh_opt_spec run_opts[] = {
	DH_OPT_F("foreground", "stay attached and log to stderr", struct agent_opts, foreground),
	DH_OPT_S("local", "JOB", "run the job in file JOB here and print its record",
		struct agent_opts, local),
	DH_OPT_D("retry-for", "DURATION", "keep sending events this long", struct agent_opts,
		retry_s),
	DH_OPT_END,
};

static const struct dh_opt_spec flush_opts[] = {
	DH_OPT_D("retry-for", "DURATION", "keep trying this long (default: one pass)",
		struct agent_opts, retry_s),
	DH_OPT_END,
};

static const struct cmd cmds[] = {
	{ { "manifest", NULL, 1, 1, "DIR", "print DIR's manifest (sha256sum format)", NULL },
		cmd_manifest },
	{ { "verify", NULL, 2, 2, "DIR MANIFEST", "compare DIR with a manifest", NULL },
		cmd_verify },
	{ { "run", run_opts, 0, 0, "",
		  "run the job on stdin, detached, reporting to the controller "
		  "(--local JOB: from a file, print its record)",
		  NULL },
		cmd_run },
	{ { "flush", flush_opts, 0, 0, "", "send spooled events", NULL }, cmd_flush },
	{ { "version", NULL, 0, 0, "", "print the version", NULL }, cmd_version },
	{ { NULL, NULL, 0, 0, NULL, NULL, NULL }, NULL },
};

static void
usage(FILE *f)
{
	static const struct dh_opt_spec *const tables[] = { global_opts, NULL };
	struct dh_buf b;

	dh_buf_init(&b);
	dh_opt_cmd_usage(&b, "usage: drillhall-agent [--config FILE] COMMAND [ARGS]\n", cmds,
		sizeof(cmds[0]), tables);
	fwrite(b.data, 1, b.len, f);
	dh_buf_fini(&b);
}

static void
cmd_usage(const struct cmd *c)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_opt_cmd_help(&b, "drillhall-agent [--config FILE]", &c->spec, global_opts);
	fwrite(b.data, 1, b.len, stdout);
	dh_buf_fini(&b);
}

static const struct cmd *
find_cmd(const char *name)
{
	/* spec is a row's first member: the row starts where its spec does */
	return (const struct cmd *)dh_opt_cmd_find(cmds, sizeof(cmds[0]), name);
}

/* Parse the command's options and arguments, then run it. */
static int
run_cmd(const struct cmd *c, struct dh_opt_parser *p, struct agent_opts *o)
{
	struct dh_err e;

	dh_err_clear(&e);
	dh_opt_add(p, c->spec.opts);
	if (dh_opt_rest(p, o->pos, c->spec.max_args, &o->npos, &e) != 0) {
		fprintf(stderr, "drillhall-agent %s: %s\n", c->spec.name, e.msg);
		return 2;
	}
	if (p->help) {
		cmd_usage(c);
		return 0;
	}
	if (o->npos < c->spec.min_args) {
		fprintf(stderr, "drillhall-agent %s: expected %s\n", c->spec.name, c->spec.args);
		return 2;
	}
	return c->fn(o);
}

int
dh_agent_cli_main(int argc, char **argv)
{
	struct agent_opts o = { .retry_s = -1 };
	struct dh_opt_parser p;
	const struct cmd *c;
	const char *word;
	struct dh_err e;

	dh_err_clear(&e);
	dh_opt_init(&p, argc, argv, &o);
	dh_opt_add(&p, global_opts);
	if (dh_opt_next(&p, &word, &e) != 0) {
		fprintf(stderr, "drillhall-agent: %s\n", e.msg);
		return 2;
	}
	if (word == NULL) {
		usage(p.help ? stdout : stderr);
		return p.help ? 0 : 2;
	}
	if ((c = find_cmd(word)) == NULL) {
		fprintf(stderr, "drillhall-agent: unknown command '%s'\n", word);
		return 2;
	}
	return run_cmd(c, &p, &o);
}
