/*
 * Test records as text for `run` and `history` (render/record.h), into a
 * caller's buffer; the commands write it out. JSON comes from the
 * protocol module so the shape is the one the agent and the store use;
 * text and CSV are built here.
 */
#include "render/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/timefmt.h"
#include "render/fmt.h"

void
dh_record_render_line(const struct dh_record *r, struct dh_buf *out)
{
	char when[DH_RFC3339_LEN], rpo[24], rpot[24], rto[24], rtot[24];

	dh_render_time(r->started_at ? r->started_at : r->finished_at, when, sizeof(when));
	dh_render_duration(r->rpo_actual_s, rpo, sizeof(rpo));
	dh_render_duration(r->rpo_target_s, rpot, sizeof(rpot));
	dh_render_duration(r->rto_actual_s, rto, sizeof(rto));
	dh_render_duration(r->rto_target_s, rtot, sizeof(rtot));
	dh_buf_printf(out, "%s  %-16s %-8s %-7s rpo %s/%s  rto %s/%s  %s\n", when,
		r->system ? r->system : "-", dh_job_kind_name(r->kind), dh_verdict_name(r->verdict),
		rpo, rpot, rto, rtot, r->id ? r->id : "-");
}

/* "  ID of host H, paths P, Q" or "  ARCHIVE" after the backup time, then a newline. */
static void
restore_point(const struct dh_snapshot *s, struct dh_buf *out)
{
	const char *name = s->id ? s->id : s->archive;

	if (name != NULL)
		dh_buf_printf(out, "  %s", name);
	if (s->host != NULL)
		dh_buf_printf(out, " of host %s", s->host);
	for (size_t i = 0; i < s->npaths; i++)
		dh_buf_printf(out, "%s%s", i ? ", " : ", paths ", s->paths[i]);
	dh_buf_printf(out, "\n");
}

static void
full_fields(const struct dh_record *r, struct dh_buf *out)
{
	char a[DH_RFC3339_LEN], b[DH_RFC3339_LEN], c[DH_RFC3339_LEN];
	char rpo[24], rpot[24], rto[24], rtot[24];

	dh_render_time(r->started_at, a, sizeof(a));
	dh_render_time(r->finished_at, b, sizeof(b));
	dh_render_time(r->backup_at, c, sizeof(c));
	dh_render_duration(r->rpo_actual_s, rpo, sizeof(rpo));
	dh_render_duration(r->rpo_target_s, rpot, sizeof(rpot));
	dh_render_duration(r->rto_actual_s, rto, sizeof(rto));
	dh_render_duration(r->rto_target_s, rtot, sizeof(rtot));
	dh_buf_printf(out, "job            %s\n", r->id ? r->id : "-");
	dh_buf_printf(out, "system         %s (%s, %s)\n", r->system ? r->system : "-",
		dh_job_kind_name(r->kind), r->trigger ? r->trigger : "-");
	dh_buf_printf(out, "verdict        %s\n", dh_verdict_name(r->verdict));
	if (r->error)
		dh_buf_printf(out, "error          %s\n", r->error);
	dh_buf_printf(out, "hosts         ");
	for (size_t i = 0; i < r->nhosts; i++)
		dh_buf_printf(out, " %s", r->hosts[i]);
	dh_buf_printf(out, "\nstarted        %s\nfinished       %s\nbackup         %s", a, b, c);
	restore_point(&r->snapshot, out);
	dh_buf_printf(out, "rpo            %s (target %s)\nrto            %s (target %s)\n", rpo,
		rpot, rto, rtot);
	dh_buf_printf(out, "verified       %lld files, %lld bytes\n", (long long)r->files_verified,
		(long long)r->bytes_verified);
	dh_buf_printf(out, "plan revision  %s\nrecord hash    %s\n",
		r->plan_revision ? r->plan_revision : "-", r->record_hash ? r->record_hash : "-");
}

void
dh_record_render_full(const struct dh_record *r, struct dh_buf *out)
{
	full_fields(r, out);
	for (size_t i = 0; i < r->nchecks; i++)
		dh_buf_printf(out, "check          %-7s %s%s%s\n",
			dh_verdict_name(r->checks[i].verdict), r->checks[i].name,
			r->checks[i].detail ? ": " : "",
			r->checks[i].detail ? r->checks[i].detail : "");
	for (size_t i = 0; i < r->nmismatches; i++)
		dh_buf_printf(out, "mismatch       %s: %s\n", r->mismatches[i].path,
			r->mismatches[i].problem);
	if (r->mismatches_total > (int64_t)r->nmismatches)
		dh_buf_printf(out, "mismatch       ... %lld in all\n",
			(long long)r->mismatches_total);
}

static void
csv_field(struct dh_buf *out, const char *s, bool last)
{
	dh_render_csv_field(out, s);
	dh_buf_puts(out, last ? "\r\n" : ",");
}

void
dh_record_render_csv_header(struct dh_buf *out)
{
	dh_buf_puts(out,
		"id,system,kind,trigger,started_at,finished_at,verdict,hosts,backup_at,"
		"rpo_target_s,rpo_actual_s,rto_target_s,rto_actual_s,files_verified,"
		"bytes_verified,plan_revision,record_hash,error\r\n");
}

static void
csv_time(time_t t, char out[DH_RFC3339_LEN])
{
	out[0] = '\0';
	if (t > 0)
		dh_time_format(t, out, DH_RFC3339_LEN);
}

void
dh_record_render_csv_row(const struct dh_record *r, struct dh_buf *out)
{
	char t[3][DH_RFC3339_LEN], n[6][24];
	const int64_t nums[6] = { r->rpo_target_s, r->rpo_actual_s, r->rto_target_s,
		r->rto_actual_s, r->files_verified, r->bytes_verified };
	struct dh_buf hosts;

	dh_buf_init(&hosts);
	for (size_t i = 0; i < r->nhosts; i++)
		dh_buf_printf(&hosts, "%s%s", i ? " " : "", r->hosts[i]);
	csv_time(r->started_at, t[0]);
	csv_time(r->finished_at, t[1]);
	csv_time(r->backup_at, t[2]);
	for (int i = 0; i < 6; i++) {
		if (nums[i] >= 0)
			snprintf(n[i], sizeof(n[i]), "%lld", (long long)nums[i]);
		else
			n[i][0] = '\0';
	}
	csv_field(out, r->id, false);
	csv_field(out, r->system, false);
	csv_field(out, dh_job_kind_name(r->kind), false);
	csv_field(out, r->trigger, false);
	csv_field(out, t[0], false);
	csv_field(out, t[1], false);
	csv_field(out, dh_verdict_name(r->verdict), false);
	csv_field(out, hosts.data, false);
	csv_field(out, t[2], false);
	for (int i = 0; i < 6; i++)
		csv_field(out, n[i], false);
	csv_field(out, r->plan_revision, false);
	csv_field(out, r->record_hash, false);
	csv_field(out, r->error, true);
	dh_buf_fini(&hosts);
}

void
dh_record_render_json_list(struct dh_record *const *recs, size_t n, struct dh_buf *out)
{
	dh_buf_puts(out, "{\"records\":[");
	for (size_t i = 0; i < n; i++) {
		char *j = dh_record_to_json(recs[i], 0);

		dh_buf_printf(out, "%s%s", i ? "," : "", j);
		free(j);
	}
	dh_buf_puts(out, "]}\n");
}

void
dh_record_render_json(const struct dh_record *r, struct dh_buf *out)
{
	char *j = dh_record_to_json(r, 2);

	dh_buf_printf(out, "%s\n", j);
	free(j);
}
