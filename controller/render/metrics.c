/*
 * The Prometheus exposition of /metrics (render/metrics.h): one family
 * after another, each HELP and TYPE line followed by its samples, systems
 * in the order of the rows. Values are integers (seconds, counts, 0/1).
 */
#include "render/metrics.h"

#include <inttypes.h>
#include <string.h>

void
dh_metrics_label(struct dh_buf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\')
			dh_buf_puts(out, "\\\\");
		else if (*s == '"')
			dh_buf_puts(out, "\\\"");
		else if (*s == '\n')
			dh_buf_puts(out, "\\n");
		else
			dh_buf_putc(out, *s);
	}
}

static void
family(struct dh_buf *out, const char *name, const char *type, const char *help)
{
	dh_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{system="S"[,kind="K"]} value */
static void
sample(struct dh_buf *out, const char *name, const char *system, int kind, int64_t v)
{
	dh_buf_printf(out, "%s{system=\"", name);
	dh_metrics_label(out, system);
	if (kind >= 0)
		dh_buf_printf(out, "\",kind=\"%s", dh_job_kind_name((enum dh_job_kind)kind));
	dh_buf_printf(out, "\"} %" PRId64 "\n", v);
}

/* Which value a per-test family shows for one row and kind; false: no sample. */
typedef bool (*test_value)(const struct dh_status_row *row, int kind, int64_t *v);

static bool
v_last_at(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_record *r = row->tests[k].last;

	*v = r ? (int64_t)dh_compliance_started(r) : 0;
	return r != NULL;
}

static bool
v_last_passed(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_record *r = row->tests[k].last;

	*v = r && r->verdict == DH_VERDICT_PASSED;
	return r != NULL;
}

static bool
v_last_rpo(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_record *r = row->tests[k].last;

	*v = r ? r->rpo_actual_s : -1;
	return r != NULL && r->rpo_actual_s >= 0;
}

static bool
v_last_rto(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_record *r = row->tests[k].last;

	*v = r ? r->rto_actual_s : -1;
	return r != NULL && r->rto_actual_s >= 0;
}

static bool
v_due(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_compliance_due *d = &row->c.kind[k];

	*v = (int64_t)d->due_at;
	return d->required && d->has_due;
}

static bool
v_overdue(const struct dh_status_row *row, int k, int64_t *v)
{
	const struct dh_compliance_due *d = &row->c.kind[k];

	*v = d->overdue;
	return d->required;
}

static const struct test_family {
	const char *name, *help;
	test_value fn;
} test_families[] = {
	{ "drillhall_last_test_timestamp_seconds",
		"Start of the newest test of the system and kind, any verdict.", v_last_at },
	{ "drillhall_last_test_passed", "1 when the newest test of the system and kind passed.",
		v_last_passed },
	{ "drillhall_last_test_rpo_seconds", "Data loss the newest test measured (its rpo).",
		v_last_rpo },
	{ "drillhall_last_test_rto_seconds", "Recovery time the newest test measured (its rto).",
		v_last_rto },
	{ "drillhall_test_due_timestamp_seconds",
		"When the next test of the system and kind is due (SPEC Compliance).", v_due },
	{ "drillhall_test_overdue", "1 when the test of the system and kind is overdue.",
		v_overdue },
};

static void
tests_family(const struct dh_metrics *m, const struct test_family *f, struct dh_buf *out)
{
	int64_t v;

	family(out, f->name, "gauge", f->help);
	for (size_t i = 0; i < m->nrows; i++)
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			if (f->fn(&m->rows[i], k, &v))
				sample(out, f->name, m->rows[i].sys->id, k, v);
}

static void
system_families(const struct dh_metrics *m, struct dh_buf *out)
{
	family(out, "drillhall_rpo_target_seconds", "gauge",
		"The rpo the plan requires of the system (effective).");
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].sys->eff_rpo_s >= 0)
			sample(out, "drillhall_rpo_target_seconds", m->rows[i].sys->id, -1,
				m->rows[i].sys->eff_rpo_s);
	family(out, "drillhall_rto_target_seconds", "gauge",
		"The rto the plan requires of the system (effective).");
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].sys->eff_rto_s >= 0)
			sample(out, "drillhall_rto_target_seconds", m->rows[i].sys->id, -1,
				m->rows[i].sys->eff_rto_s);
	family(out, "drillhall_system_compliant", "gauge",
		"1 when the system is compliant (SPEC Compliance), else 0.");
	for (size_t i = 0; i < m->nrows; i++)
		sample(out, "drillhall_system_compliant", m->rows[i].sys->id, -1,
			m->rows[i].c.compliant);
	family(out, "drillhall_corrective_actions_open", "gauge",
		"Corrective actions of the system that are open.");
	for (size_t i = 0; i < m->nrows; i++)
		sample(out, "drillhall_corrective_actions_open", m->rows[i].sys->id, -1,
			m->open_actions ? m->open_actions[i] : 0);
}

static void
store_families(const struct dh_metrics *m, struct dh_buf *out)
{
	family(out, "drillhall_tests_total", "counter",
		"Test records stored, by kind and verdict.");
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		for (int v = 0; v < DH_METRICS_VERDICTS; v++)
			dh_buf_printf(out,
				"drillhall_tests_total{kind=\"%s\",verdict=\"%s\"} %" PRId64 "\n",
				dh_job_kind_name((enum dh_job_kind)k),
				dh_verdict_name((enum dh_verdict)v), m->tests_total[k][v]);
	family(out, "drillhall_events_total", "counter",
		"Agent events: stored (all time), duplicate and rejected (since serve started).");
	for (size_t i = 0; i < m->nevents; i++) {
		dh_buf_puts(out, "drillhall_events_total{status=\"");
		dh_metrics_label(out, m->events[i].status);
		dh_buf_printf(out, "\"} %llu\n", (unsigned long long)m->events[i].n);
	}
	family(out, "drillhall_notifications_pending", "gauge",
		"Notification deliveries not yet accepted by their receiver.");
	dh_buf_printf(out, "drillhall_notifications_pending %" PRId64 "\n",
		m->notifications_pending);
	family(out, "drillhall_audit_chain_intact", "gauge",
		"1 when the last audit verify found the chain intact, else 0.");
	if (m->audit_checked)
		dh_buf_printf(out, "drillhall_audit_chain_intact %d\n", m->audit_intact ? 1 : 0);
	family(out, "drillhall_audit_chain_checked_timestamp_seconds", "gauge",
		"When serve last verified the audit chain.");
	if (m->audit_checked)
		dh_buf_printf(out, "drillhall_audit_chain_checked_timestamp_seconds %lld\n",
			(long long)m->audit_checked_at);
}

void
dh_metrics_render(const struct dh_metrics *m, struct dh_buf *out)
{
	for (size_t i = 0; i < 4; i++)
		tests_family(m, &test_families[i], out);
	system_families(m, out);
	for (size_t i = 4; i < sizeof(test_families) / sizeof(test_families[0]); i++)
		tests_family(m, &test_families[i], out);
	store_families(m, out);
}
