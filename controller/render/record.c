/*
 * Printing test records (controller/recfmt.h) for `run` and `history`.
 * JSON comes from the protocol module so the shape is the one the agent
 * and the store use; text and CSV are built here.
 */
#include "render/record.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/timefmt.h"

static void
fmt_time(time_t t, char *out, size_t n)
{
	if (t > 0)
		dh_time_format(t, out, n);
	else
		snprintf(out, n, "-");
}

static void
fmt_secs(int64_t v, char *out, size_t n)
{
	if (v >= 0)
		dh_duration_format(v, out, n);
	else
		snprintf(out, n, "-");
}

void
dh_recfmt_line(FILE *f, const struct dh_record *r)
{
	char when[DH_RFC3339_LEN], rpo[24], rpot[24], rto[24], rtot[24];

	fmt_time(r->started_at ? r->started_at : r->finished_at, when, sizeof(when));
	fmt_secs(r->rpo_actual_s, rpo, sizeof(rpo));
	fmt_secs(r->rpo_target_s, rpot, sizeof(rpot));
	fmt_secs(r->rto_actual_s, rto, sizeof(rto));
	fmt_secs(r->rto_target_s, rtot, sizeof(rtot));
	fprintf(f, "%s  %-16s %-8s %-7s rpo %s/%s  rto %s/%s  %s\n", when,
		r->system ? r->system : "-", dh_job_kind_name(r->kind),
		dh_verdict_name(r->verdict), rpo, rpot, rto, rtot, r->id ? r->id : "-");
}

static void
full_fields(FILE *f, const struct dh_record *r)
{
	char a[DH_RFC3339_LEN], b[DH_RFC3339_LEN], c[DH_RFC3339_LEN];
	char rpo[24], rpot[24], rto[24], rtot[24];

	fmt_time(r->started_at, a, sizeof(a));
	fmt_time(r->finished_at, b, sizeof(b));
	fmt_time(r->backup_at, c, sizeof(c));
	fmt_secs(r->rpo_actual_s, rpo, sizeof(rpo));
	fmt_secs(r->rpo_target_s, rpot, sizeof(rpot));
	fmt_secs(r->rto_actual_s, rto, sizeof(rto));
	fmt_secs(r->rto_target_s, rtot, sizeof(rtot));
	fprintf(f, "job            %s\n", r->id ? r->id : "-");
	fprintf(f, "system         %s (%s, %s)\n", r->system ? r->system : "-",
		dh_job_kind_name(r->kind), r->trigger ? r->trigger : "-");
	fprintf(f, "verdict        %s\n", dh_verdict_name(r->verdict));
	if (r->error)
		fprintf(f, "error          %s\n", r->error);
	fprintf(f, "hosts         ");
	for (size_t i = 0; i < r->nhosts; i++)
		fprintf(f, " %s", r->hosts[i]);
	fprintf(f, "\nstarted        %s\nfinished       %s\nbackup         %s%s%s\n",
		a, b, c, r->snapshot ? "  " : "", r->snapshot ? r->snapshot : "");
	fprintf(f, "rpo            %s (target %s)\nrto            %s (target %s)\n",
		rpo, rpot, rto, rtot);
	fprintf(f, "verified       %lld files, %lld bytes\n",
		(long long)r->files_verified, (long long)r->bytes_verified);
	fprintf(f, "plan revision  %s\nrecord hash    %s\n",
		r->plan_revision ? r->plan_revision : "-",
		r->record_hash ? r->record_hash : "-");
}

void
dh_recfmt_full(FILE *f, const struct dh_record *r)
{
	full_fields(f, r);
	for (size_t i = 0; i < r->nchecks; i++)
		fprintf(f, "check          %-7s %s%s%s\n", dh_verdict_name(r->checks[i].verdict),
			r->checks[i].name, r->checks[i].detail ? ": " : "",
			r->checks[i].detail ? r->checks[i].detail : "");
	for (size_t i = 0; i < r->nmismatches; i++)
		fprintf(f, "mismatch       %s: %s\n", r->mismatches[i].path,
			r->mismatches[i].problem);
	if (r->mismatches_total > (int64_t)r->nmismatches)
		fprintf(f, "mismatch       ... %lld in all\n", (long long)r->mismatches_total);
}

static void
csv_field(FILE *f, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

void
dh_recfmt_csv_header(FILE *f)
{
	fputs("id,system,kind,trigger,started_at,finished_at,verdict,hosts,backup_at,"
		"rpo_target_s,rpo_actual_s,rto_target_s,rto_actual_s,files_verified,"
		"bytes_verified,plan_revision,record_hash,error\r\n", f);
}

static void
csv_time(time_t t, char out[DH_RFC3339_LEN])
{
	out[0] = '\0';
	if (t > 0)
		dh_time_format(t, out, DH_RFC3339_LEN);
}

void
dh_recfmt_csv_row(FILE *f, const struct dh_record *r)
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
	csv_field(f, r->id, false);
	csv_field(f, r->system, false);
	csv_field(f, dh_job_kind_name(r->kind), false);
	csv_field(f, r->trigger, false);
	csv_field(f, t[0], false);
	csv_field(f, t[1], false);
	csv_field(f, dh_verdict_name(r->verdict), false);
	csv_field(f, hosts.data, false);
	csv_field(f, t[2], false);
	for (int i = 0; i < 6; i++)
		csv_field(f, n[i], false);
	csv_field(f, r->plan_revision, false);
	csv_field(f, r->record_hash, false);
	csv_field(f, r->error, true);
	dh_buf_fini(&hosts);
}

void
dh_recfmt_json_list(FILE *f, struct dh_record *const *recs, size_t n)
{
	fputs("{\"records\":[", f);
	for (size_t i = 0; i < n; i++) {
		char *j = dh_record_to_json(recs[i], 0);

		fprintf(f, "%s%s", i ? "," : "", j);
		free(j);
	}
	fputs("]}\n", f);
}
