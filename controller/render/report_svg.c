/*
 * The report's two charts as inline SVG (render/report.h), drawn here so
 * the page needs no script and fetches nothing: compliance per board as
 * stacked bars, and each system's measured RTO against the target it was
 * tested under. Names come from plans: they are escaped like any text
 * (SVG inside HTML reads character references as HTML does). Each chart
 * also carries a <title> and its figures in words, for a reader who
 * cannot tell red from green.
 */
#include "render/report.h"

#include <stdlib.h>
#include <string.h>

#include "dh/duration.h"
#include "render/html.h"

#define LABEL_W 230    /* room for the names, left of the bars */
#define LABEL_CHARS 34 /* longer names are cut, with an ellipsis */
#define BAR_W 360
#define ROW_H 20

/* s escaped, cut after LABEL_CHARS characters (UTF-8: never inside one) with "…". */
static void
label(struct dh_buf *out, const char *s)
{
	size_t chars = 0, i = 0;
	char *cut;

	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > LABEL_CHARS)
			break;
	if (s[i] == '\0') {
		dh_html_escape(out, s);
		return;
	}
	cut = dh_xmalloc(i + 1);
	memcpy(cut, s, i);
	cut[i] = '\0';
	dh_html_escape(out, cut);
	dh_buf_puts(out, "…");
	free(cut);
}

void
dh_report_svg_boards(const struct dh_report_board *b, size_t n, struct dh_buf *out)
{
	int h = (int)n * ROW_H + 24;

	dh_buf_printf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
		"<title>Compliant systems per board</title>"
		"<style>text{font:11px sans-serif}</style>",
		LABEL_W + BAR_W + 160, h, LABEL_W + BAR_W + 160, h);
	for (size_t i = 0; i < n; i++) {
		int y = (int)i * ROW_H + 4;
		int ok = b[i].systems ? (int)(BAR_W * b[i].compliant / b[i].systems) : 0;

		dh_buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 6,
			y + 13);
		label(out, b[i].board ? b[i].board : "(no board)");
		dh_buf_printf(out,
			"</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"15\" fill=\"#2e8b57\"/>"
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"15\" fill=\"#c0392b\"/>"
			"<text x=\"%d\" y=\"%d\">%zu of %zu compliant</text>",
			LABEL_W, y, ok, LABEL_W + ok, y, BAR_W - ok, LABEL_W + BAR_W + 6, y + 13,
			b[i].compliant, b[i].systems);
	}
	dh_buf_printf(out,
		"<text x=\"%d\" y=\"%d\" fill=\"#444\">green: compliant, red: not compliant"
		"</text></svg>\n",
		LABEL_W, h - 4);
}

/* A system with a measured RTO, and the target its test ran under. */
struct rto_bar {
	const char *id;
	int64_t actual, target; /* seconds; target <= 0: not known */
};

static double
ratio(const struct rto_bar *b)
{
	return b->target > 0 ? (double)b->actual / (double)b->target : 0.0;
}

static int
worst_first(const void *a, const void *b)
{
	double x = ratio(a), y = ratio(b);

	if (x != y)
		return x < y ? 1 : -1;
	return strcmp(((const struct rto_bar *)a)->id, ((const struct rto_bar *)b)->id);
}

/* The systems whose last restore test measured an RTO, worst first; *n of them. */
static struct rto_bar *
rto_bars(const struct dh_report *r, size_t *n, int64_t *scale)
{
	struct rto_bar *v = dh_xcalloc(r->nrows ? r->nrows : 1, sizeof(*v));

	*n = 0;
	*scale = 1;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct dh_record *t = r->rows[i].tests[DH_JOB_RESTORE].last;

		if (t == NULL || t->rto_actual_s < 0)
			continue;
		v[*n] = (struct rto_bar){ r->rows[i].sys->id, t->rto_actual_s, t->rto_target_s };
		(*n)++;
	}
	qsort(v, *n, sizeof(*v), worst_first);
	return v;
}

static void
rto_row(const struct rto_bar *b, int y, int64_t scale, struct dh_buf *out)
{
	char a[32], t[32];
	int w = (int)((double)BAR_W * (double)b->actual / (double)scale);
	bool over = b->target > 0 && b->actual > b->target;

	dh_duration_format(b->actual, a, sizeof(a));
	if (b->target > 0)
		dh_duration_format(b->target, t, sizeof(t));
	else
		strcpy(t, "?");
	dh_buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 6, y + 13);
	label(out, b->id);
	dh_buf_printf(out,
		"</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"15\" fill=\"%s\"/>", LABEL_W,
		y, w < 1 ? 1 : w, over ? "#c0392b" : "#2e8b57");
	if (b->target > 0)
		dh_buf_printf(out,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111\" "
			"stroke-width=\"2\"/>",
			LABEL_W + (int)((double)BAR_W * (double)b->target / (double)scale), y - 2,
			LABEL_W + (int)((double)BAR_W * (double)b->target / (double)scale), y + 17);
	dh_buf_printf(out, "<text x=\"%d\" y=\"%d\">%s of %s%s</text>", LABEL_W + BAR_W + 10,
		y + 13, a, t, over ? " OVER" : "");
}

void
dh_report_svg_rto(const struct dh_report *r, size_t max, struct dh_buf *out)
{
	int64_t scale;
	size_t n;
	struct rto_bar *v = rto_bars(r, &n, &scale);
	int h;

	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++) {
		scale = v[i].actual > scale ? v[i].actual : scale;
		scale = v[i].target > scale ? v[i].target : scale;
	}
	h = (int)n * ROW_H + 26;
	dh_buf_printf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
		"<title>Measured RTO against target, last restore test per system</title>"
		"<style>text{font:11px sans-serif}</style>",
		LABEL_W + BAR_W + 140, h, LABEL_W + BAR_W + 140, h);
	for (size_t i = 0; i < n; i++)
		rto_row(&v[i], (int)i * ROW_H + 4, scale, out);
	dh_buf_printf(out,
		"<text x=\"%d\" y=\"%d\" fill=\"#444\">bar: measured RTO; black line: the "
		"target in force when the test ran; red: over target</text></svg>\n",
		LABEL_W, h - 4);
	free(v);
}
