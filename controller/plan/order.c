/*
 * Recovery order (order.h, SPEC "Recovery order"): the dependency graph,
 * urgency (the shortest rto among a system and everything that needs it,
 * transitively), and the order in which systems come back, by Kahn's
 * algorithm with a heap. Finds the dependency cycles that prevent an
 * order and hands them to the caller, dh_plan_check() in check.c, which
 * reports them. Needs the dependencies and rto that derive.c sets.
 */
#include "plan/order.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

/* ---- dependency graph ---- */

struct graph {
	size_t n;
	size_t *indeg;  /* known dependencies not yet placed */
	size_t *rstart; /* dependents of i: rdeps[rstart[i] .. rstart[i+1]) */
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
topo(const struct dh_plan *p, const struct graph *g, bool by_priority, size_t *out)
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

/* Hand a cycle to on_cycle starting at its smallest id. */
static void
report_cycle(const struct dh_plan *p, const size_t *path, size_t n, dh_plan_cycle_fn *on_cycle,
	void *ctx)
{
	size_t start = 0;
	size_t *cycle = dh_xmalloc(n * sizeof(size_t));

	for (size_t i = 1; i < n; i++)
		if (strcmp(p->systems[path[i]].id, p->systems[path[start]].id) < 0)
			start = i;
	for (size_t i = 0; i < n; i++)
		cycle[i] = path[(start + i) % n];
	on_cycle(ctx, cycle, n);
	free(cycle);
}

/* After a Kahn pass that left systems out: name each cycle once. */
static void
find_cycles(const struct dh_plan *p, const size_t *placed, size_t nplaced,
	dh_plan_cycle_fn *on_cycle, void *ctx)
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
			report_cycle(p, path + at, len - at, on_cycle, ctx);
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
dh_plan_order(struct dh_plan *plan, dh_plan_cycle_fn *on_cycle, void *ctx)
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
		find_cycles(plan, first, n, on_cycle, ctx);
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
