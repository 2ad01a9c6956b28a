/*
 * The wire contract between controller and agent, versioned like tmux's
 * protocol header. Three things cross the wire:
 *
 *  - a job: JSON the controller writes to `drillhall-agent run` on stdin
 *    over SSH (at most DH_JOB_MAX bytes);
 *  - an event: JSON the agent POSTs to {url}/api/v1/jobs/{job}/events,
 *    signed (see sign.h); a `finished` event carries the test record;
 *  - the test record: SPEC "a test record" JSON shape.
 *
 * Parsing validates everything the other side could get wrong; no field
 * of a job ever reaches a shell. The codecs are agent/common/job.c,
 * record.c and event.c (jansson through dh/json.h); names and id syntax
 * are proto.c.
 */
#ifndef DH_PROTO_H
#define DH_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"

/* 2: a restic restore job carries snapshot filters (snapshot_host, _tag,
 * _path); an agent of version 1 would ignore them and test whatever host's
 * snapshot is newest, so each side refuses a job of another version.
 * 3: the record's "snapshot" is an object (struct dh_snapshot), and
 * action jobs ("kind":"action": run one [action NAME] now, answer with
 * an action result on stdout) for the failover drill. */
#define DH_PROTO_VERSION 3
#define DH_JOB_MAX (256 * 1024)
#define DH_SNAPSHOT_PATHS_CAP 64
#define DH_EVENT_MAX (1024 * 1024)
#define DH_TOKEN_HEX 64 /* 32 random bytes, hex */
#define DH_JOB_ID_MAX 80
#define DH_MISMATCH_CAP 1000             /* mismatches listed in a record; total counted */
#define DH_ACTION_OUTPUT_MAX (64 * 1024) /* an action result's output, bytes */
#define DH_MARKER_MAX 128                /* a drill marker's length */

/*
 * What a job asks for. Records are of the first two kinds only:
 * dh_job_kind_parse knows "restore" and "failover"; an action job (one
 * [action NAME] run now, for a drill's step, probe or marker) leaves no
 * record of its own, and only the job codec reads its name.
 */
enum dh_job_kind { DH_JOB_RESTORE, DH_JOB_FAILOVER, DH_JOB_ACTION };
enum dh_restore_method { DH_METHOD_NONE = -1, DH_METHOD_RESTIC, DH_METHOD_TAR, DH_METHOD_ACTION };
enum dh_verify_kind {
	DH_VERIFY_MANIFEST,  /* arg: manifest path on the agent host */
	DH_VERIFY_MIN_FILES, /* n */
	DH_VERIFY_MIN_BYTES, /* n */
	DH_VERIFY_FILE,      /* arg: path relative to the restore target */
	DH_VERIFY_ACTION,    /* arg: action name in agent.ini */
};
enum dh_verdict { DH_VERDICT_PASSED, DH_VERDICT_FAILED, DH_VERDICT_ERROR, DH_VERDICT_ABORTED };

struct dh_verify {
	enum dh_verify_kind kind;
	char *arg; /* NULL for min_files/min_bytes */
	int64_t n; /* for min_files/min_bytes */
};

struct dh_job_restore {
	enum dh_restore_method method;
	char *repository;    /* restic, tar */
	char *password_file; /* restic */
	char *pattern;       /* tar; NULL = "*.tar*" */
	/* restic only, each NULL or a string without control characters (and
	 * the tag without a comma): restic's --host, --tag, --path */
	char *snapshot_host, *snapshot_tag, *snapshot_path;
	char *restore_action;     /* action */
	char *backup_time_action; /* action */
	struct dh_verify *verify;
	size_t nverify;
	bool keep;
};

/* kind == DH_JOB_ACTION: the action and the drill's marker. */
struct dh_job_action {
	char *name;   /* [action NAME] of the host's agent.ini (action name syntax) */
	char *marker; /* DRILLHALL_MARKER; NULL = none; [A-Za-z0-9._-]{1,DH_MARKER_MAX} */
};

/*
 * A job. Times in seconds. rpo/rto targets are the requirement in force;
 * timeout_s is the hard stop (the controller fills 2 x rto when the plan
 * gives none). An action job needs only v, job, kind, system and action:
 * it answers on stdout, so token and url are optional (0 / NULL when
 * absent); its timeout_s (0 = none) can only shorten the action's own
 * timeout from agent.ini.
 */
struct dh_job {
	int version;
	char *id; /* [A-Za-z0-9._-]{1,80} */
	enum dh_job_kind kind;
	char *system; /* system id */
	char *host;   /* inventory host id the job runs on */
	char *token;  /* DH_TOKEN_HEX lower-case hex chars */
	char *url;    /* controller base URL for events */
	char *plan_revision;
	int64_t rpo_target_s;
	int64_t rto_target_s;
	int64_t timeout_s;
	/* controller only, never on the wire: the test interval in force
	 * (seconds; DH_DURATION_NEVER; 0 = not known), stored with the job
	 * so that a corrective action's due date counts from it */
	int64_t every_s;
	struct dh_job_restore restore; /* kind == DH_JOB_RESTORE */
	struct dh_job_action action;   /* kind == DH_JOB_ACTION */
};

/* Names <-> enums ("restic", "manifest", "passed", "restore"); NULL/-1 if unknown. */
const char *dh_restore_method_name(enum dh_restore_method m);
int dh_restore_method_parse(const char *s);
const char *dh_verify_kind_name(enum dh_verify_kind k);
int dh_verify_kind_parse(const char *s);
const char *dh_verdict_name(enum dh_verdict v);
int dh_verdict_parse(const char *s);
const char *dh_job_kind_name(enum dh_job_kind k);
int dh_job_kind_parse(const char *s);

/* True for a syntactically valid job id / system id. */
bool dh_proto_is_job_id(const char *s);
/* An action name as agent.ini and plans write it: [A-Za-z0-9][A-Za-z0-9_.-]*,
 * at most 64 bytes. */
bool dh_proto_is_action_name(const char *s);
/* A drill marker: [A-Za-z0-9._-], 1..DH_MARKER_MAX bytes. */
bool dh_proto_is_marker(const char *s);
bool dh_proto_is_system_id(const char *s);
/* A job token: exactly DH_TOKEN_HEX lowercase hex digits. */
bool dh_proto_is_token(const char *s);

/* Parse and validate a job; *out is the caller's (dh_job_free). */
int dh_job_parse(const char *json, size_t len, struct dh_job **out, struct dh_err *err);
/* Serialise; returns a caller-owned string. */
char *dh_job_to_json(const struct dh_job *job);
void dh_job_free(struct dh_job *job);

/*
 * An action job's answer (SPEC "Failover drill"): what `drillhall-agent
 * run` prints on stdout for a "kind":"action" job, one JSON object
 * {"v","job","action","exit","seconds","output","output_cut","timed_out",
 * "status"}. exit is null when the action did not exit by itself (timed
 * out, killed); output is its stdout then its stderr, at most
 * DH_ACTION_OUTPUT_MAX bytes, made valid UTF-8 (other bytes and NUL as
 * "\xNN").
 */
struct dh_action_result {
	char *job;
	char *action;
	int exit_code; /* -1: did not exit by itself */
	double seconds;
	char *output;
	bool output_cut; /* the action wrote more than was kept */
	bool timed_out;
	char *status; /* "exit status 0", "timed out", "killed by signal 9" */
};

/* Serialise (caller frees); NULL strings are written as "". */
char *dh_action_result_to_json(const struct dh_action_result *r);
/* Parse and check the shape; *out is the caller's (dh_action_result_free).
 * DH_EPARSE with err set on anything else, a protocol version included. */
int dh_action_result_parse(const char *json, size_t len, struct dh_action_result **out,
	struct dh_err *err);
void dh_action_result_free(struct dh_action_result *r);
/* bytes[0..n) as valid UTF-8 text, other bytes and NUL as "\xNN" (caller frees). */
char *dh_action_output_text(const char *bytes, size_t n);

struct dh_check {
	char *name; /* e.g. "manifest /srv/backup/x.sha256", "rpo", "rto" */
	enum dh_verdict verdict;
	char *detail;
};

struct dh_mismatch {
	char *path;
	char *problem; /* "missing", "extra", "changed: size 10 != 12", ... */
};

/*
 * The restore point a test restored (SPEC "a test record": snapshot):
 * {"id","time","host","paths"} for restic, {"archive","time"} for tar,
 * {"time"} for a backup-time action; JSON null when no backup was found
 * (all fields NULL / 0). Names a backup that is not UTF-8 are escaped
 * as the manifest escapes names. Records stored before protocol 3 held a
 * string (id or archive name) with "snapshot_host"/"snapshot_paths"
 * beside it; the parser still reads those.
 */
struct dh_snapshot {
	char *id;      /* restic snapshot id, or NULL */
	char *archive; /* tar: the archive's file name, or NULL */
	time_t time;   /* the restore point's time (UTC); 0 unknown */
	char *host;    /* restic: the host it was taken on, or NULL */
	char **paths;  /* restic: the paths it holds */
	size_t npaths; /* <= DH_SNAPSHOT_PATHS_CAP */
};

/*
 * A test record (SPEC). The agent fills what it measured; the controller
 * adds trigger, hosts, plan_revision and record_hash when it stores it.
 * Unknown times are 0, unknown durations -1.
 */
struct dh_record {
	char *id; /* job id */
	char *system;
	enum dh_job_kind kind;
	char *trigger; /* "manual", "schedule"; NULL = not yet known */
	time_t started_at;
	time_t finished_at;
	enum dh_verdict verdict;
	char **hosts;
	size_t nhosts;
	time_t backup_at;
	struct dh_snapshot snapshot;
	int64_t rpo_target_s, rpo_actual_s;
	int64_t rto_target_s, rto_actual_s;
	struct dh_check *checks;
	size_t nchecks;
	int64_t files_verified;
	int64_t bytes_verified;
	struct dh_mismatch *mismatches;
	size_t nmismatches; /* <= DH_MISMATCH_CAP */
	int64_t mismatches_total;
	char *error;      /* why the verdict is error, or NULL */
	char *output;     /* bounded captured output of tools, or NULL */
	char *agent_host; /* hostname of the agent */
	char *agent_version;
	char *plan_revision;
	char *record_hash;
};

struct dh_record *dh_record_new(void);
void dh_record_free(struct dh_record *r);
/* Append a check / mismatch (strings copied). Mismatches past the cap are only counted. */
void dh_record_add_check(struct dh_record *r, const char *name, enum dh_verdict v, const char *fmt,
	...) __attribute__((format(printf, 4, 5)));
void dh_record_add_mismatch(struct dh_record *r, const char *path, const char *problem);
void dh_record_add_host(struct dh_record *r, const char *host);
/* Add one path of the restore point (a copy); past DH_SNAPSHOT_PATHS_CAP ignored. */
void dh_record_add_snapshot_path(struct dh_record *r, const char *path);
/* Free what s holds and zero it. */
void dh_snapshot_fini(struct dh_snapshot *s);
/* Serialise to the SPEC JSON shape (caller frees); indent 0 = compact. */
char *dh_record_to_json(const struct dh_record *r, int indent);
/* Parse the JSON shape back (used by the controller for finished events). */
int dh_record_parse(const char *json, size_t len, struct dh_record **out, struct dh_err *err);

enum dh_event_type { DH_EVENT_ACCEPTED, DH_EVENT_STEP, DH_EVENT_FINISHED };

/*
 * An event: {"job","seq","type","at", "host", "step"?, "detail"?, "record"?}.
 * seq starts at 1 per job; `record` only on finished.
 */
struct dh_event {
	char *job;
	int64_t seq;
	enum dh_event_type type;
	time_t at;
	char *host; /* agent's hostname */
	char *step; /* for step events: "restore", "verify manifest", ... */
	char *detail;
	struct dh_record *record; /* owned; finished only */
};

const char *dh_event_type_name(enum dh_event_type t);
/* The enum value of an event type name, or -1. */
int dh_event_type_parse(const char *s);
int dh_event_parse(const char *json, size_t len, struct dh_event **out, struct dh_err *err);
/*
 * What can still be read of a finished event that dh_event_parse refused
 * (SPEC "Events to the controller": a finished event whose record the
 * controller cannot store still ends its job): a JSON object with "type"
 * "finished" and "seq" >= 1, read with each byte that is not UTF-8 taken
 * as '?' (names from old file shares). *out gets type, seq and, where readable, job,
 * at and host; record NULL. DH_EPARSE when even that is missing: then
 * nothing says the body was meant to finish a job.
 */
int dh_event_parse_finished_envelope(const char *json, size_t len, struct dh_event **out,
	struct dh_err *err);
char *dh_event_to_json(const struct dh_event *ev);
void dh_event_free(struct dh_event *ev);

#endif
