/*
 * The problem list (include/dh/problems.h): an append-only array that
 * loaders fill and main() prints. Kept generic and tiny so both programs
 * can share it.
 */
#include "dh/problems.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

void
dh_problems_init(struct dh_problems *pr)
{
	pr->v = NULL;
	pr->n = 0;
	pr->cap = 0;
}

void
dh_problems_fini(struct dh_problems *pr)
{
	if (pr == NULL)
		return;
	for (size_t i = 0; i < pr->n; i++) {
		free(pr->v[i].file);
		free(pr->v[i].message);
	}
	free(pr->v);
	dh_problems_init(pr);
}

void
dh_problems_add(struct dh_problems *pr, enum dh_severity sev, const char *file, int line,
	const char *fmt, ...)
{
	struct dh_buf b;
	va_list ap;
	struct dh_problem *p;

	if (pr == NULL)
		return;
	if (pr->n == pr->cap) {
		pr->cap = pr->cap ? pr->cap * 2 : 16;
		pr->v = dh_xrealloc(pr->v, pr->cap * sizeof(*pr->v));
	}
	dh_buf_init(&b);
	va_start(ap, fmt);
	dh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p = &pr->v[pr->n++];
	p->file = dh_xstrdup(file ? file : "");
	p->line = line;
	p->severity = sev;
	p->message = dh_buf_take(&b);
}

size_t
dh_problems_count(const struct dh_problems *pr, enum dh_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < pr->n; i++)
		if (pr->v[i].severity == sev)
			n++;
	return n;
}

/* Insertion sort: stable, and problem lists are short. */
void
dh_problems_sort(struct dh_problems *pr)
{
	for (size_t i = 1; i < pr->n; i++) {
		struct dh_problem t = pr->v[i];
		size_t j = i;

		while (j > 0) {
			const struct dh_problem *q = &pr->v[j - 1];
			int c = strcmp(q->file, t.file);

			if (c < 0 || (c == 0 && q->line <= t.line))
				break;
			pr->v[j] = pr->v[j - 1];
			j--;
		}
		pr->v[j] = t;
	}
}

const char *
dh_problems_severity_name(enum dh_severity sev)
{
	return sev == DH_SEV_ERROR ? "error" : "warning";
}

void
dh_problems_print(const struct dh_problems *pr, FILE *f)
{
	for (size_t i = 0; i < pr->n; i++)
		fprintf(f, "%s:%d: %s: %s\n", pr->v[i].file, pr->v[i].line,
			dh_problems_severity_name(pr->v[i].severity), pr->v[i].message);
}
