/*
 * The agent's command table (SPEC "The agent"): `drillhall-agent
 * [--config FILE] COMMAND`. Each command parses its own arguments and
 * returns the exit code: 0 ok, 1 the thing examined is not ok
 * (differences, a failed test), 2 usage error or could not run. Messages
 * go to stderr, data (manifests, differences, records) to stdout.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dh/buf.h"
#include "dh/manifest.h"
#include "dh/proto.h"
#include "restore/restore.h"
#include "run.h"
#include "restore/tree.h"
#include "restore/verify.h"

struct agent_opts {
	const char *config; /* --config, or NULL for the default */
};

struct cmd {
	const char *name;
	int (*fn)(const struct agent_opts *, int, char **);
	const char *usage;
	const char *summary;
};

static const struct cmd cmds[];

static int
usage(const char *name)
{
	for (const struct cmd *c = cmds; c->name != NULL; c++)
		if (name == NULL || strcmp(c->name, name) == 0)
			fprintf(stderr, "usage: drillhall-agent [--config FILE] %-28s %s\n",
				c->usage, c->summary);
	return 2;
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static int
cmd_version(const struct agent_opts *o, int argc, char **argv)
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
cmd_manifest(const struct agent_opts *o, int argc, char **argv)
{
	struct dh_tree t;
	struct dh_buf line;
	struct dh_err e;
	int rc = 2;

	if (argc != 2)
		return usage("manifest");
	dh_err_clear(&e);
	dh_tree_init(&t);
	dh_buf_init(&line);
	if (dh_tree_scan(argv[1], &t, &e) != 0 || dh_tree_hash(argv[1], &t, true, NULL, &e) != 0) {
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
cmd_verify(const struct agent_opts *o, int argc, char **argv)
{
	struct dh_verify_result res;
	struct dh_manifest m;
	struct dh_err e;
	char msg[DH_ERR_MSG_MAX + 300];
	int rc = 2;

	if (argc != 3)
		return usage("verify");
	dh_err_clear(&e);
	dh_manifest_init(&m);
	if (dh_manifest_load(argv[2], &m, &e) != 0 ||
	    dh_verify_tree(argv[1], &m, NULL, print_difference, NULL, &res, &e) != 0) {
		dh_err_format(&e, msg, sizeof(msg));
		fprintf(stderr, "drillhall-agent: %s\n", msg);
		goto out;
	}
	fprintf(stderr, "drillhall-agent: %lld of %zu files identical; %lld missing, "
		"%lld extra, %lld changed", (long long)res.files_ok, m.n,
		(long long)res.missing, (long long)res.extra, (long long)res.changed);
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
	static const int exit_codes[] = { [DH_VERDICT_PASSED] = 0, [DH_VERDICT_FAILED] = 1,
		[DH_VERDICT_ERROR] = 2, [DH_VERDICT_ABORTED] = 2 };
	struct dh_agent_config *cfg = NULL;
	struct dh_record *rec = NULL;
	struct dh_job *job = NULL;
	char *json;
	int rc = 2;

	if (load_config(o, &cfg) != 0 || read_job(jobfile, &job) != 0)
		goto out;
	rec = dh_record_new();
	if (dh_restore_run(cfg, job, rec, print_step, NULL) != 0)
		goto out;
	if (rec->error)
		fprintf(stderr, "drillhall-agent: %s: %s\n", dh_verdict_name(rec->verdict), rec->error);
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
cmd_run(const struct agent_opts *o, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--local") == 0)
		return run_local(o, argv[2]);
	return dh_agent_run_cmd(config_path(o), argc, argv);
}

static int
cmd_flush(const struct agent_opts *o, int argc, char **argv)
{
	return dh_agent_flush_cmd(config_path(o), argc, argv);
}

static const struct cmd cmds[] = {
	{ "manifest", cmd_manifest, "manifest DIR", "print DIR's manifest (sha256sum format)" },
	{ "verify", cmd_verify, "verify DIR MANIFEST", "compare DIR with a manifest" },
	{ "run", cmd_run, "run [--foreground|--local JOB]",
		"run the job on stdin, detached, reporting to the controller "
		"(--local JOB: from a file, print its record)" },
	{ "flush", cmd_flush, "flush [--retry-for DURATION]", "send spooled events" },
	{ "version", cmd_version, "version", "print the version" },
	{ NULL, NULL, NULL, NULL },
};

int
dh_agent_cli_main(int argc, char **argv)
{
	struct agent_opts o = { NULL };
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		o.config = argv[i + 1];
		i += 2;
	} else if (i < argc && strncmp(argv[i], "--config=", 9) == 0) {
		o.config = argv[i++] + 9;
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
		return usage(NULL);
	for (const struct cmd *c = cmds; c->name != NULL; c++) {
		if (strcmp(c->name, argv[i]) != 0)
			continue;
		if (wants_help(argc - i, argv + i)) {
			usage(c->name);
			return 0;
		}
		return c->fn(&o, argc - i, argv + i);
	}
	fprintf(stderr, "drillhall-agent: unknown command '%s'\n", argv[i]);
	return usage(NULL);
}
