/*
 * The auditor's report (SPEC "Commands": report, "JSON shapes": report,
 * "Compliance", "Corrective actions"): one model, three layouts. The
 * model is what `report` (cli/cmd_report.c) built from the store and the
 * plan as of a time: per system the compliance rows status shows, the
 * corrective actions seen by then, the records listed, and the audit
 * chain's state. This module summarises it (per board, the gaps) and lays
 * it out as JSON for tools, CSV for Swedish Excel, and one self-contained
 * HTML page that prints on A4. Pure: it never opens the store or the
 * plans, reads no clock and prints nothing; everything it writes goes to
 * the caller's buffer. Text from plans or users is escaped where it lands
 * (HTML and SVG by render/html.h, CSV by RFC 4180 quoting).
 */
#ifndef DH_RENDER_REPORT_H
#define DH_RENDER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/buf.h"
#include "eval/actions.h"
#include "render/status.h"

/* The audit chain's state: verified when the report was made, head as of. */
struct dh_report_audit {
	bool intact;      /* dh_db_audit_verify of the whole chain held */
	int64_t records;  /* audit records appended by as_of */
	char head[65];    /* hash of the last of them (genesis when none) */
	int64_t verified; /* audit records verify checked (the whole chain) */
	char why[256];    /* why it does not hold; "" when intact */
};

/*
 * Everything borrowed from the caller until the last render call. rows
 * are judged as of as_of (dh_compliance_eval); actions are those opened
 * by as_of (their state as of as_of is eval/actions.h's); records are the
 * ones listed, newest first.
 */
struct dh_report {
	const char *plan_name; /* policy name; NULL when absent */
	const char *revision;  /* the plan's revision hash */
	time_t as_of, generated_at;
	time_t since; /* --since; 0 when the records listed are those the verdicts rest on */
	struct dh_report_audit audit;
	const struct dh_status_row *rows;
	size_t nrows;
	const struct dh_action *actions;
	size_t nactions;
	const struct dh_record *const *records;
	size_t nrecords;
};

/* SPEC's summary counts. */
struct dh_report_summary {
	size_t systems, compliant, non_compliant, unclassified, overdue, never_tested;
	size_t open_actions;
};

/* One board: its systems and how many are compliant (board NULL: none given). */
struct dh_report_board {
	const char *board;
	size_t systems, compliant;
};

/* The gaps of one system, named plainly in the HTML and counted in JSON. */
struct dh_report_gaps {
	bool never_tested;    /* a required kind was never passed or failed */
	bool overdue;         /* a required kind is overdue */
	bool failed;          /* the last evidence of a kind failed */
	bool set_by_it;       /* unclassified: requirements set by IT */
	bool deviation;       /* a looser value than policy, with a reason */
	bool expired;         /* classified more than 3 years before as_of */
	bool left_on_standby; /* the last drill's failback failed */
	bool action_past_due; /* an open corrective action is past its due date */
};

void dh_report_summarize(const struct dh_report *r, struct dh_report_summary *out);
void dh_report_gaps_of(const struct dh_report *r, const struct dh_status_row *row,
	struct dh_report_gaps *out);
/*
 * The boards in order of first appearance among rows (rows are by id),
 * sorted by name; *out the caller's (free), NULL when n is 0.
 */
void dh_report_boards(const struct dh_report *r, struct dh_report_board **out, size_t *n);
/* classified more than 3 years before t (SPEC "Checks": classification older than 3 years). */
bool dh_report_classification_expired(const struct dh_system *s, time_t t);

/*
 * {"report":{"plan","revision","as_of","generated_at","since",
 * "audit":{"intact","records","head","verified","problem"}},
 * "summary":{...SPEC keys, "failed","left_on_standby"},
 * "boards":[{"board","systems","compliant"}],
 * "systems":[status entry + "board","classified","requirements_by",
 * "deviation","gaps"],"actions":[as `actions`],"records":[as `history`]}.
 */
void dh_report_render_json(const struct dh_report *r, struct dh_buf *out);

/*
 * For Swedish Excel: UTF-8 with a BOM, `;` between fields, CRLF, RFC 4180
 * quoting (a field holding `;`, `"`, CR or LF is quoted, quotes doubled),
 * durations in hours with a decimal comma ("0,5"), times "YYYY-MM-DD
 * HH:MM:SS" UTC. A header row, then one row per system.
 */
void dh_report_render_csv(const struct dh_report *r, struct dh_buf *out);

/* Append s (NULL: empty) as one `;`-separated CSV field, quoted when it must be. */
void dh_report_csv_field(struct dh_buf *out, const char *s);

/*
 * v seconds as hours with a decimal comma and at most two decimals,
 * trailing zeros dropped ("0,25", "1,5", "24"); empty when v < 0.
 */
void dh_report_csv_hours(struct dh_buf *out, int64_t v);

/*
 * One HTML page (render/html.h's look, print CSS for A4, no scripts, no
 * external fetches): the summary, per board and as an SVG bar chart, the
 * gaps named plainly, measured RTO against target as an SVG chart, per
 * system the requirement in force with its source and the last test and
 * drill against the targets they ran under, the corrective actions, the
 * records listed, and the audit chain's state with its head hash.
 */
void dh_report_render_html(const struct dh_report *r, struct dh_buf *out);

/* The two charts, as inline <svg> elements (render/report_svg.c). */
void dh_report_svg_boards(const struct dh_report_board *b, size_t n, struct dh_buf *out);
/* At most max systems with a measured RTO, worst measured/target first. */
void dh_report_svg_rto(const struct dh_report *r, size_t max, struct dh_buf *out);

#endif
