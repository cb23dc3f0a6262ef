/* SPDX-License-Identifier: GPL-2.0 */
/* nfmp_tap.h - minimal TAP output for the unit tests: one TAP line per group of assertions. */
#ifndef _NFMP_TAP_H
#define _NFMP_TAP_H

#include <stdio.h>

static int nfmp_tap_n;		/* TAP lines printed */
static int nfmp_tap_failed;	/* "not ok" lines printed */
static int nfmp_tap_errs;	/* failed assertions in the current group */

/* Record a failed assertion; the group's TAP line comes from nfmp_tap_group(). */
#define NFMP_CHECK(cond) do {								\
	if (!(cond)) {									\
		nfmp_tap_errs++;							\
		fprintf(stdout, "# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	}										\
} while (0)

/* Like NFMP_CHECK, with a printf-style note of the loop variables that failed. */
#define NFMP_CHECKF(cond, fmt, ...) do {						\
	if (!(cond)) {									\
		nfmp_tap_errs++;							\
		fprintf(stdout, "# %s:%d: check failed: %s (" fmt ")\n",		\
			__FILE__, __LINE__, #cond, __VA_ARGS__);			\
	}										\
} while (0)

/* Close the current group of assertions with one TAP line. */
static inline void nfmp_tap_group(const char *name)
{
	nfmp_tap_n++;
	if (nfmp_tap_errs) {
		nfmp_tap_failed++;
		printf("not ok %d - %s (%d failed checks)\n", nfmp_tap_n, name, nfmp_tap_errs);
	} else {
		printf("ok %d - %s\n", nfmp_tap_n, name);
	}
	nfmp_tap_errs = 0;
	fflush(stdout);
}

/* Print the plan and return the process exit status. */
static inline int nfmp_tap_done(void)
{
	printf("1..%d\n", nfmp_tap_n);
	return nfmp_tap_failed ? 1 : 0;
}

#endif /* _NFMP_TAP_H */
