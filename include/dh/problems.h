/*
 * A list of problems found in a configuration or plan: each one a file, a
 * line (0 when it belongs to no line), a severity and a message. Loaders
 * and checks append to it and never stop at the first problem (like tmux
 * and OpenSSH config loading); only main() decides what to print and how
 * to exit. Used by the controller's plan loader and checks, its config,
 * and the agent's agent.ini validation.
 */
#ifndef DH_PROBLEMS_H
#define DH_PROBLEMS_H

#include <stdio.h>
#include <stddef.h>

enum dh_severity {
	DH_SEV_ERROR,
	DH_SEV_WARNING,
};

struct dh_problem {
	char *file; /* owned; relative to the directory checked */
	int line;   /* 1-based; 0 when no line applies */
	enum dh_severity severity;
	char *message; /* owned */
};

struct dh_problems {
	struct dh_problem *v;
	size_t n;
	size_t cap;
};

void dh_problems_init(struct dh_problems *pr);
void dh_problems_fini(struct dh_problems *pr);

/* Append a problem; file may be NULL (stored as ""). pr may be NULL. */
void dh_problems_add(struct dh_problems *pr, enum dh_severity sev, const char *file, int line,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Number of problems of severity sev. */
size_t dh_problems_count(const struct dh_problems *pr, enum dh_severity sev);

/* Sort by file, then line; problems on the same line keep their order. */
void dh_problems_sort(struct dh_problems *pr);

/* "error" or "warning". */
const char *dh_problems_severity_name(enum dh_severity sev);

/* Print every problem as "FILE:LINE: error|warning: MESSAGE" lines. */
void dh_problems_print(const struct dh_problems *pr, FILE *f);

#endif
