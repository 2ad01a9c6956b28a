/*
 * Fixed inputs for the renderers' golden tests (tests/unit/render/): a
 * few test records, a hosts result and audit results that exercise every
 * branch of the formats (missing times, negative "unknown" figures,
 * checks, mismatches past the cap, CSV quoting, a host that refused its
 * key, a broken audit chain). The goldens under tests/data/render/ were
 * printed from these by the code before it became pure renderers.
 */
#ifndef DH_TEST_RENDER_FX_H
#define DH_TEST_RENDER_FX_H

#include <stdbool.h>
#include <stdint.h>

#include "dh/buf.h"
#include "dh/proto.h"

#define RFX_NRECS 3

/* Three records: a full passed restore, an error, an empty one. */
static inline void
rfx_records(struct dh_record *recs[RFX_NRECS])
{
	struct dh_record *r = dh_record_new();

	r->id = dh_xstrdup("job-20261127-ad-1");
	r->system = dh_xstrdup("ad");
	r->kind = DH_JOB_RESTORE;
	r->trigger = dh_xstrdup("manual");
	r->started_at = 1795780800;
	r->finished_at = 1795781400;
	r->verdict = DH_VERDICT_PASSED;
	dh_record_add_host(r, "backup-b1");
	dh_record_add_host(r, "app-b");
	r->backup_at = 1795770000;
	r->snapshot.id = dh_xstrdup("4f1a2b3c");
	r->snapshot.time = r->backup_at;
	r->rpo_target_s = 14400;
	r->rpo_actual_s = 10800;
	r->rto_target_s = 86400;
	r->rto_actual_s = 600;
	dh_record_add_check(r, "manifest", DH_VERDICT_PASSED, "%d files", 120);
	dh_record_add_check(r, "min_files", DH_VERDICT_PASSED, "%s", "");
	dh_record_add_mismatch(r, "etc/x.conf", "changed");
	r->mismatches_total = 5;
	r->files_verified = 120;
	r->bytes_verified = 1048576;
	r->agent_host = dh_xstrdup("app-b");
	r->agent_version = dh_xstrdup("0.1.0");
	r->plan_revision =
		dh_xstrdup("a403185560c61d96af1c721d1131a05eb01df0c8dedb5a292b8a095adc159eec");
	r->record_hash =
		dh_xstrdup("9e107d9d372bb6826bd81d3542a419d6e277d4d731479571562b82f74494341f");
	recs[0] = r;

	r = dh_record_new();
	r->id = dh_xstrdup("job-2");
	r->system = dh_xstrdup("web");
	r->kind = DH_JOB_FAILOVER;
	r->trigger = dh_xstrdup("schedule");
	r->finished_at = 1795000000;
	r->verdict = DH_VERDICT_ERROR;
	r->rto_target_s = 3600;
	r->error = dh_xstrdup("host \"b1\" refused, key changed");
	dh_record_add_host(r, "b1");
	dh_record_add_check(r, "ssh", DH_VERDICT_ERROR, "refused");
	recs[1] = r;

	recs[2] = dh_record_new();
}

static inline void
rfx_records_free(struct dh_record *recs[RFX_NRECS])
{
	for (int i = 0; i < RFX_NRECS; i++)
		dh_record_free(recs[i]);
}

/* A hosts result: answered; refused key; unreachable; mute agent. */
struct rfx_host {
	const char *host, *hall, *address;
	int port;
	bool reachable, host_key_ok;
	const char *version; /* the agent's answer; NULL = none */
	const char *msg;     /* the SSH error, "" when none */
	double seconds;
};

#define RFX_NHOSTS 4
static const struct rfx_host rfx_hosts[RFX_NHOSTS] = {
	{ "app-a", "A", "127.0.0.2", 22, true, true, "drillhall-agent 0.1.0 (protocol 1)", "",
		0.25 },
	{ "app-b", "B", "127.0.0.3", 2222, true, false, NULL,
		"host key of app-b does not match known_hosts", 0.5 },
	{ "backup-b1", NULL, NULL, 22, false, false, NULL, "connect: refused", 1.5 },
	{ "db-a", "A", "db.example", 22, true, true, NULL, "", 2 },
};

/* Audit verify results: intact, broken at a record, a row never audited. */
#define RFX_NAUDIT 3
static const struct {
	int64_t records, bad_seq;
	const char *why;
} rfx_audit[RFX_NAUDIT] = {
	{ 12, 0, "" },
	{ 4, 5, "hash does not match" },
	{ 12, -1, "record job-9 was never audited" },
};

/* Audit records for export: one with a referenced sequence, one without. */
#define RFX_NEXPORT 2
static const struct {
	int64_t seq, at, ref_seq;
	const char *kind, *ref, *body, *prev, *hash;
} rfx_export[RFX_NEXPORT] = {
	{ 1, 1795780800, 0, "job", "job-1", "{\"job\":\"job-1\",\"system\":\"ad\"}",
		"0000000000000000000000000000000000000000000000000000000000000000",
		"1111111111111111111111111111111111111111111111111111111111111111" },
	{ 2, 1795781400, 3, "event", "job-1", "{\"event\":\"finished\",\"seq\":3}",
		"1111111111111111111111111111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222222222222222222222222222" },
};

#endif
