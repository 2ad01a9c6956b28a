/*
 * The report as CSV that Swedish Excel opens by a double click
 * (render/report.h): Excel in a Swedish locale reads `;` as the list
 * separator and `,` as the decimal sign, and takes a file as UTF-8 only
 * when it starts with a BOM. Fields are quoted as RFC 4180 says, with `;`
 * in place of the comma: a reserve routine with a `;`, a quote or a line
 * break stays one cell.
 */
#include "render/report.h"

#include <stdio.h>
#include <string.h>

#include "dh/buf.h"

#define BOM "\xEF\xBB\xBF"

void
dh_report_csv_field(struct dh_buf *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ";\"\r\n") == NULL) {
		dh_buf_puts(out, s);
		return;
	}
	dh_buf_putc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			dh_buf_putc(out, '"');
		dh_buf_putc(out, *s);
	}
	dh_buf_putc(out, '"');
}

void
dh_report_csv_hours(struct dh_buf *out, int64_t v)
{
	int64_t cents, whole, frac;

	if (v < 0)
		return;
	cents = (v * 100 + 1800) / 3600; /* hundredths of an hour, rounded */
	whole = cents / 100;
	frac = cents % 100;
	if (frac == 0)
		dh_buf_printf(out, "%lld", (long long)whole);
	else if (frac % 10 == 0)
		dh_buf_printf(out, "%lld,%lld", (long long)whole, (long long)(frac / 10));
	else
		dh_buf_printf(out, "%lld,%02lld", (long long)whole, (long long)frac);
}

/* A time as Excel reads a date and time: "YYYY-MM-DD HH:MM:SS" (UTC); empty when t <= 0. */
static void
csv_time(struct dh_buf *out, time_t t)
{
	struct tm tm;
	char s[32];

	if (t <= 0)
		return;
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm);
	dh_buf_puts(out, s);
}

static const char *const header[] = {
	"system",
	"name",
	"board",
	"availability",
	"requirements_by",
	"classified",
	"deviation",
	"rpo_h",
	"backup_rpo_h",
	"rto_h",
	"last_restore_utc",
	"restore_verdict",
	"restore_rpo_h",
	"restore_rto_h",
	"restore_due_utc",
	"last_drill_utc",
	"drill_verdict",
	"drill_rpo_h",
	"drill_rto_h",
	"drill_due_utc",
	"open_actions",
	"reserve_routine",
	"compliant",
	"reasons",
};

/* The last test of one kind: when, verdict, measured rpo and rto, when next due. */
static void
kind_cells(const struct dh_status_row *row, int kind, struct dh_buf *out)
{
	const struct dh_record *t = row->tests[kind].last;
	const struct dh_compliance_due *d = &row->c.kind[kind];

	csv_time(out, t ? dh_compliance_started(t) : 0);
	dh_buf_putc(out, ';');
	dh_buf_puts(out, t ? dh_verdict_name(t->verdict) : "");
	dh_buf_putc(out, ';');
	dh_report_csv_hours(out, t ? t->rpo_actual_s : -1);
	dh_buf_putc(out, ';');
	dh_report_csv_hours(out, t ? t->rto_actual_s : -1);
	dh_buf_putc(out, ';');
	csv_time(out, d->has_due ? d->due_at : 0);
	dh_buf_putc(out, ';');
}

static void
csv_row(const struct dh_report *r, const struct dh_status_row *row, struct dh_buf *out)
{
	const struct dh_system *s = row->sys;
	struct dh_buf why;
	int open = 0;

	dh_report_csv_field(out, s->id);
	dh_buf_putc(out, ';');
	dh_report_csv_field(out, s->name);
	dh_buf_putc(out, ';');
	dh_report_csv_field(out, s->board);
	dh_buf_printf(out, ";%d;%s;%s;", s->level, s->set_by_it ? "it" : "business",
		s->classified ? s->classified_text : "");
	dh_report_csv_field(out, s->deviation);
	dh_buf_putc(out, ';');
	dh_report_csv_hours(out, s->eff_rpo_s);
	dh_buf_putc(out, ';');
	dh_report_csv_hours(out, s->eff_backup_rpo_s);
	dh_buf_putc(out, ';');
	dh_report_csv_hours(out, s->eff_rto_s);
	dh_buf_putc(out, ';');
	kind_cells(row, DH_JOB_RESTORE, out);
	kind_cells(row, DH_JOB_FAILOVER, out);
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		open += row->tests[k].open_action != NULL;
	dh_buf_printf(out, "%d;", open);
	dh_report_csv_field(out, s->reserve_routine);
	dh_buf_printf(out, ";%s;", row->c.compliant ? "yes" : "no");
	dh_buf_init(&why);
	for (size_t i = 0; i < row->c.nreasons; i++)
		dh_buf_printf(&why, "%s%s", i ? "; " : "", row->c.reasons[i].text);
	dh_report_csv_field(out, why.data ? why.data : "");
	dh_buf_fini(&why);
	dh_buf_puts(out, "\r\n");
	(void)r;
}

void
dh_report_render_csv(const struct dh_report *r, struct dh_buf *out)
{
	dh_buf_puts(out, BOM);
	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		dh_buf_printf(out, "%s%s", i ? ";" : "", header[i]);
	dh_buf_puts(out, "\r\n");
	for (size_t i = 0; i < r->nrows; i++)
		csv_row(r, &r->rows[i], out);
}
