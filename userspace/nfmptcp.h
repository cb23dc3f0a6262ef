/* SPDX-License-Identifier: GPL-2.0 */
/* nfmptcp.h - what every nfmptcp subcommand gets from main(): global options and helpers. */
#ifndef _NFMPTCP_H
#define _NFMPTCP_H

#include <stdbool.h>

/* Options valid before or after any subcommand, like iproute2's -j / -p. */
struct nfm_global {
	bool	json;		/* -j, --json */
	bool	pretty;		/* -p, --pretty: indent JSON */
};

/*
 * A subcommand: argv[0] is its name, global options are already removed.
 * Returns the process exit status: 0 ok, 1 runtime error, 2 usage error.
 */
typedef int (*nfm_cmd_fn)(int argc, char **argv, const struct nfm_global *g);

#define NFM_EXIT_OK	0
#define NFM_EXIT_ERR	1
#define NFM_EXIT_USAGE	2

/* printf to stderr prefixed with "nfmptcp: " */
void nfm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* true if @arg is -h or --help */
bool nfm_is_help(const char *arg);

#endif /* _NFMPTCP_H */
