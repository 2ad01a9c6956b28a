/*
 * Derivation and recovery order (SPEC "How requirements are derived",
 * "Recovery order"): each system's effective T-level, rpo, rto and test
 * intervals with their source; the requirement warnings; dependency
 * cycles; urgency (the shortest rto among a system and everything that
 * needs it, transitively); and the order in which systems come back.
 * Called by dh_plan_check() after dependencies are resolved.
 */
#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/timefmt.h"

#define MIN_TIMEOUT 60

struct requirement {
	const char *key;
	int64_t policy, declared;
	int line;
	int64_t *eff;
	enum dh_plan_source *src;
};

static bool
looser(int64_t a, int64_t b)
{
	if (a == DH_DURATION_NEVER)
		return b != DH_DURATION_NEVER;
	if (b == DH_DURATION_NEVER)
		return false;
	return a > b;
}

/* Effective value: the level's, tightened by the system's own. */
static void
derive_one(const struct dh_system *s, const struct requirement *q,
	struct dh_problems *pr)
{
	char a[32], b[32];

	*q->src = DH_SRC_POLICY;
	*q->eff = q->policy;
	if (q->declared == DH_PLAN_UNSET)
		return;
	*q->src = DH_SRC_DECLARED;
	if (q->policy == DH_PLAN_UNSET || !looser(q->declared, q->policy)) {
		*q->eff = q->declared;
		return;
	}
	dh_duration_format(q->declared, a, sizeof(a));
	dh_duration_format(q->policy, b, sizeof(b));
	if (s->deviation != NULL) {
		*q->eff = q->declared;
		dh_problems_add(pr, DH_SEV_WARNING, s->file, q->line,
			"%s %s is looser than the %s that T-level %d requires; "
			"allowed by deviation: %s", q->key, a, b, s->level, s->deviation);
	} else {
		*q->src = DH_SRC_POLICY;
		dh_problems_add(pr, DH_SEV_ERROR, s->file, q->line,
			"%s %s is looser than the %s that T-level %d requires: "
			"tighten it, or record the decision in 'deviation'", q->key, a,
			b, s->level);
	}
}

static int64_t
default_timeout(int64_t rto)
{
	if (rto == DH_PLAN_UNSET || rto > DH_DURATION_MAX / 2)
		return DH_PLAN_UNSET;
	return 2 * rto > MIN_TIMEOUT ? 2 * rto : MIN_TIMEOUT;
}

static void
derive_requirements(const struct dh_policy *pol, struct dh_system *s,
	struct dh_problems *pr)
{
	const struct dh_level *l;

	s->set_by_it = !s->classified;
	s->level = s->classified && s->availability >= 0 ? s->availability :
		pol->unclassified_level;
	if (s->level < 0)
		s->level = 2; /* policy lacks unclassified_level: already an error */
	l = &pol->levels[s->level];
	const struct requirement q[] = {
		{ "rpo", l->rpo_s, s->rpo_s, s->rpo_line, &s->eff_rpo_s,
			&s->rpo_source },
		{ "rto", l->rto_s, s->rto_s, s->rto_line, &s->eff_rto_s,
			&s->rto_source },
		{ "restore_test_every", l->restore_every_s, s->restore_every_s,
			s->restore_every_line, &s->eff_restore_every_s,
			&s->restore_every_source },
		{ "failover_drill_every", l->failover_every_s, s->failover_every_s,
			s->failover_every_line, &s->eff_failover_every_s,
			&s->failover_every_source },
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		derive_one(s, &q[i], pr);
	if (!s->restore.timeout_declared)
		s->restore.timeout_s = default_timeout(s->eff_rto_s);
	if (!s->failover.timeout_declared)
		s->failover.timeout_s = default_timeout(s->eff_rto_s);
}

static void
classification_warnings(const struct dh_policy *pol, struct dh_system *s,
	time_t now, struct dh_problems *pr)
{
	struct tm tm;
	time_t stale;
	char today[DH_RFC3339_LEN];

	if (!s->classified) {
		dh_problems_add(pr, DH_SEV_WARNING, s->file, s->line,
			"unclassified: requirements set by IT, not by the business "
			"(T-level %d from policy unclassified_level)", s->level);
		return;
	}
	dh_time_format(now, today, sizeof(today));
	today[10] = '\0';
	gmtime_r(&s->classified_at, &tm);
	tm.tm_year += 3;
	stale = timegm(&tm);
	if (now > stale)
		dh_problems_add(pr, DH_SEV_WARNING, s->file, s->classified_line,
			"classified on %s, more than 3 years before %s: the "
			"classification is due for review", s->classified_text, today);
	else if (s->classified_at > now)
		dh_problems_add(pr, DH_SEV_WARNING, s->file, s->classified_line,
			"classified on %s, which is after %s", s->classified_text,
			today);
}

static void
system_warnings(const struct dh_policy *pol, struct dh_system *s,
	struct dh_problems *pr)
{
	char a[32], b[32];

	if (s->supplier_rto_s != DH_PLAN_UNSET && s->eff_rto_s != DH_PLAN_UNSET &&
	    s->supplier_rto_s > s->eff_rto_s) {
		dh_duration_format(s->supplier_rto_s, a, sizeof(a));
		dh_duration_format(s->eff_rto_s, b, sizeof(b));
		dh_problems_add(pr, DH_SEV_WARNING, s->file, s->supplier_rto_line,
			"the supplier's contracted restore time %s is longer than "
			"the rto %s", a, b);
	}
	if (pol->failover_required_from >= 0 &&
	    s->level >= pol->failover_required_from && !s->failover.present)
		dh_problems_add(pr, DH_SEV_WARNING, s->file,
			s->availability_line ? s->availability_line : s->line,
			"T-level %d calls for a failover drill (policy "
			"failover_required_from = %d) but there is no [failover]",
			s->level, pol->failover_required_from);
	if (!s->restore.present)
		dh_problems_add(pr, DH_SEV_WARNING, s->file, 0,
			"no [restore]: restores of this system are never tested");
}

/* "procapita must be back in 2h but depends on sql-kluster, whose rto is 24h" */
static void
dependency_warnings(const struct dh_plan *p, const struct dh_system *s,
	struct dh_problems *pr)
{
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dh_system *d;
		char a[32], b[32];

		if (s->dep_idx[i] == SIZE_MAX)
			continue;
		d = &p->systems[s->dep_idx[i]];
		if (d->eff_rto_s == DH_PLAN_UNSET || s->eff_rto_s == DH_PLAN_UNSET ||
		    d->eff_rto_s <= s->eff_rto_s)
			continue;
		dh_duration_format(s->eff_rto_s, a, sizeof(a));
		dh_duration_format(d->eff_rto_s, b, sizeof(b));
		dh_problems_add(pr, DH_SEV_WARNING, s->file, s->depends_line,
			"%s must be back in %s but depends on %s, whose rto is %s",
			s->id, a, d->id, b);
	}
}

void
dh_plan_derive(struct dh_plan *plan, time_t now, struct dh_problems *pr)
{
	for (size_t i = 0; i < plan->nsystems; i++) {
		struct dh_system *s = &plan->systems[i];

		derive_requirements(&plan->policy, s, pr);
		classification_warnings(&plan->policy, s, now, pr);
		system_warnings(&plan->policy, s, pr);
	}
	for (size_t i = 0; i < plan->nsystems; i++)
		dependency_warnings(plan, &plan->systems[i], pr);
}

/* ---- dependency graph ---- */

struct graph {
	size_t n;
	size_t *indeg;     /* known dependencies not yet placed */
	size_t *rstart;    /* dependents of i: rdeps[rstart[i] .. rstart[i+1]) */
	size_t *rdeps;
};

static void
graph_build(const struct dh_plan *p, struct graph *g)
{
	size_t n = p->nsystems, total = 0;
	size_t *fill;

	g->n = n;
	g->indeg = dh_xcalloc(n, sizeof(size_t));
	g->rstart = dh_xcalloc(n + 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < p->systems[i].ndeps; k++) {
			size_t d = p->systems[i].dep_idx[k];

			if (d == SIZE_MAX)
				continue;
			g->indeg[i]++;
			g->rstart[d + 1]++;
			total++;
		}
	for (size_t i = 0; i < n; i++)
		g->rstart[i + 1] += g->rstart[i];
	g->rdeps = dh_xcalloc(total, sizeof(size_t));
	fill = dh_xcalloc(n, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < p->systems[i].ndeps; k++) {
			size_t d = p->systems[i].dep_idx[k];

			if (d != SIZE_MAX)
				g->rdeps[g->rstart[d] + fill[d]++] = i;
		}
	free(fill);
}

static void
graph_free(struct graph *g)
{
	free(g->indeg);
	free(g->rstart);
	free(g->rdeps);
}

/* Recovery priority: (urgency, rto, descending T-level, id). */
static bool
before(const struct dh_system *a, const struct dh_system *b)
{
	int64_t ua = a->urgency_s == DH_PLAN_UNSET ? INT64_MAX : a->urgency_s;
	int64_t ub = b->urgency_s == DH_PLAN_UNSET ? INT64_MAX : b->urgency_s;
	int64_t ra = a->eff_rto_s == DH_PLAN_UNSET ? INT64_MAX : a->eff_rto_s;
	int64_t rb = b->eff_rto_s == DH_PLAN_UNSET ? INT64_MAX : b->eff_rto_s;

	if (ua != ub)
		return ua < ub;
	if (ra != rb)
		return ra < rb;
	if (a->level != b->level)
		return a->level > b->level;
	return strcmp(a->id, b->id) < 0;
}

/* A binary min-heap of ready systems, ordered by before(). */
struct heap {
	const struct dh_plan *p;
	size_t *v;
	size_t n;
};

static bool
heap_less(const struct heap *h, size_t a, size_t b)
{
	return before(&h->p->systems[h->v[a]], &h->p->systems[h->v[b]]);
}

static void
heap_swap(struct heap *h, size_t a, size_t b)
{
	size_t t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
}

static void
heap_push(struct heap *h, size_t x)
{
	size_t i = h->n++;

	h->v[i] = x;
	while (i > 0 && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_fix_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (r < h->n && heap_less(h, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

static size_t
heap_pop(struct heap *h)
{
	size_t top = h->v[0];

	h->v[0] = h->v[--h->n];
	heap_fix_down(h, 0);
	return top;
}

/*
 * Kahn's algorithm. With by_priority, the next system is always the
 * smallest ready one by before() (a heap); otherwise any ready one (the
 * first pass, for urgency). Fills out[] and returns how many systems were
 * placed; fewer than n means a cycle.
 */
static size_t
topo(const struct dh_plan *p, const struct graph *g, bool by_priority,
	size_t *out)
{
	size_t *indeg = dh_xmalloc(g->n * sizeof(size_t) + 1);
	struct heap ready = { p, dh_xmalloc(g->n * sizeof(size_t) + 1), 0 };
	size_t placed = 0;

	memcpy(indeg, g->indeg, g->n * sizeof(size_t));
	for (size_t i = 0; i < g->n; i++)
		if (indeg[i] == 0)
			ready.v[ready.n++] = i;
	if (by_priority)
		for (size_t i = ready.n / 2 + 1; i-- > 0;)
			heap_fix_down(&ready, i);
	while (ready.n > 0) {
		size_t v = by_priority ? heap_pop(&ready) : ready.v[--ready.n];

		out[placed++] = v;
		for (size_t k = g->rstart[v]; k < g->rstart[v + 1]; k++) {
			size_t d = g->rdeps[k];

			if (--indeg[d] != 0)
				continue;
			if (by_priority)
				heap_push(&ready, d);
			else
				ready.v[ready.n++] = d;
		}
	}
	free(indeg);
	free(ready.v);
	return placed;
}

static void
report_cycle(const struct dh_plan *p, const size_t *path, size_t n,
	struct dh_problems *pr)
{
	size_t start = 0;
	struct dh_buf b;
	const struct dh_system *first;

	/* Start at the smallest id so the same cycle always reads the same. */
	for (size_t i = 1; i < n; i++)
		if (strcmp(p->systems[path[i]].id, p->systems[path[start]].id) < 0)
			start = i;
	dh_buf_init(&b);
	for (size_t i = 0; i <= n; i++)
		dh_buf_printf(&b, "%s%s", i ? " -> " : "",
			p->systems[path[(start + i) % n]].id);
	first = &p->systems[path[start]];
	dh_problems_add(pr, DH_SEV_ERROR, first->file, first->depends_line,
		"dependency cycle: %s", b.data);
	dh_buf_fini(&b);
}

/* After a Kahn pass that left systems out: name each cycle once. */
static void
find_cycles(const struct dh_plan *p, const size_t *placed, size_t nplaced,
	struct dh_problems *pr)
{
	size_t n = p->nsystems;
	unsigned char *state = dh_xcalloc(n, 1); /* 0 new, 1 on path, 2 done */
	size_t *path = dh_xmalloc(n * sizeof(size_t) + 1);

	for (size_t i = 0; i < nplaced; i++)
		state[placed[i]] = 2;
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, j = i;
		bool dead_end = false;

		/* Walk unplaced dependencies until the walk meets itself. */
		while (state[j] == 0) {
			const struct dh_system *s = &p->systems[j];
			size_t next = SIZE_MAX;

			state[j] = 1;
			path[len++] = j;
			for (size_t k = 0; k < s->ndeps && next == SIZE_MAX; k++)
				if (s->dep_idx[k] != SIZE_MAX && state[s->dep_idx[k]] != 2)
					next = s->dep_idx[k];
			if (next == SIZE_MAX) {
				dead_end = true; /* behind a cycle already named */
				break;
			}
			j = next;
		}
		if (len > 0 && !dead_end && state[j] == 1) {
			size_t at = 0;

			while (path[at] != j)
				at++;
			report_cycle(p, path + at, len - at, pr);
		}
		for (size_t k = 0; k < len; k++)
			state[path[k]] = 2;
	}
	free(state);
	free(path);
}

static void
urgency(struct dh_plan *p, const size_t *topo_order, size_t n)
{
	for (size_t i = 0; i < p->nsystems; i++)
		p->systems[i].urgency_s = p->systems[i].eff_rto_s;
	/* Dependents come later in a topological order: walk it backwards. */
	for (size_t i = n; i-- > 0;) {
		const struct dh_system *s = &p->systems[topo_order[i]];

		for (size_t k = 0; k < s->ndeps; k++) {
			struct dh_system *d;

			if (s->dep_idx[k] == SIZE_MAX)
				continue;
			d = &p->systems[s->dep_idx[k]];
			if (s->urgency_s != DH_PLAN_UNSET &&
			    (d->urgency_s == DH_PLAN_UNSET || s->urgency_s < d->urgency_s))
				d->urgency_s = s->urgency_s;
		}
	}
}

void
dh_plan_order(struct dh_plan *plan, struct dh_problems *pr)
{
	struct graph g;
	size_t *first = dh_xmalloc(plan->nsystems * sizeof(size_t) + 1);
	size_t n;

	free(plan->order);
	plan->order = dh_xmalloc(plan->nsystems * sizeof(size_t) + 1);
	plan->ordered = false;
	graph_build(plan, &g);
	n = topo(plan, &g, false, first);
	urgency(plan, first, n);
	if (n < plan->nsystems) {
		find_cycles(plan, first, n, pr);
		goto out;
	}
	topo(plan, &g, true, plan->order);
	for (size_t i = 0; i < plan->nsystems; i++)
		plan->systems[plan->order[i]].order = i + 1;
	plan->ordered = true;
out:
	graph_free(&g);
	free(first);
}
