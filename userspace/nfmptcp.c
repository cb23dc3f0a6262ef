// SPDX-License-Identifier: GPL-2.0
/* nfmptcp.c - the nfmptcp command line tool: global options and subcommand dispatch. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nfmptcp.h"

/*
 * Every subcommand, one line each: name, argument synopsis, summary.
 * Adding one is this line plus a file defining
 *	int nfm_cmd_<name>(int argc, char **argv, const struct nfm_global *g);
 * (and the file in the Makefile's NFMPTCP_SRCS).
 */
#define NFM_COMMANDS(X)								\
	X(show,    "[TOKEN]",      "MPTCP connections the gateway tracks")	\
	X(stats,   "",             "gateway counters")				\
	X(monitor, "[-c N -t S]",  "print gateway events as they happen")	\
	X(config,  "[KEY [VAL]]",  "show or set limits and policies")		\
	X(flush,   "",             "forget every tracked connection")		\
	X(replay,  "FILE.pcap",    "decode the MPTCP connections in a capture")	\
	X(rule,    "add|list ...", "nf_tables rules with the mptcp expression")	\
	X(normalize, "IN OUT", "rewrite MPTCP connections as plain TCP for an IDS (-i: live)")

#define NFM_DECLARE(name, args, summary) \
	int nfm_cmd_##name(int argc, char **argv, const struct nfm_global *g);
NFM_COMMANDS(NFM_DECLARE)

struct nfm_cmd {
	const char	*name;
	const char	*args;
	const char	*summary;
	nfm_cmd_fn	run;
};

#define NFM_ENTRY(name, args, summary) { #name, args, summary, nfm_cmd_##name },
static const struct nfm_cmd nfm_cmds[] = {
	NFM_COMMANDS(NFM_ENTRY)
};
#define NFM_NCMDS	(sizeof(nfm_cmds) / sizeof(nfm_cmds[0]))

void nfm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("nfmptcp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool nfm_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static void nfm_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: nfmptcp [-j] [-p] COMMAND [ARGS]\n\n"
		   "Inspect MPTCP connections as the nf-mptcp gateway sees them.\n\n"
		   "Global options (before or after COMMAND):\n"
		   "  -j, --json     JSON output\n"
		   "  -p, --pretty   indent JSON output\n"
		   "  -h, --help     this help; 'nfmptcp COMMAND --help' for a command\n\n"
		   "Commands:\n");
	for (i = 0; i < NFM_NCMDS; i++)
		fprintf(f, "  %-8s %-12s %s\n", nfm_cmds[i].name, nfm_cmds[i].args,
			nfm_cmds[i].summary);
}

/* Is @arg a global flag (possibly combined, "-jp")? Sets it in @g if so. */
static bool nfm_global_flag(const char *arg, struct nfm_global *g)
{
	struct nfm_global tmp = *g;
	const char *p;

	if (!strcmp(arg, "--json")) {
		g->json = true;
		return true;
	}
	if (!strcmp(arg, "--pretty")) {
		g->pretty = true;
		return true;
	}
	if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0')
		return false;
	for (p = arg + 1; *p; p++) {
		if (*p == 'j')
			tmp.json = true;
		else if (*p == 'p')
			tmp.pretty = true;
		else
			return false;
	}
	*g = tmp;
	return true;
}

/*
 * Output that could not be written (disk full, closed pipe with SIGPIPE
 * ignored) is a failure, not a success: `nfmptcp -j show > f` must not exit 0
 * with a cut file.
 */
static int nfm_finish(int ret)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (ret == NFM_EXIT_OK) {
			nfm_err("writing the output: %s", strerror(errno ? errno : EIO));
			ret = NFM_EXIT_ERR;
		}
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct nfm_global g = { 0 };
	int i, n = 0;
	unsigned int k;
	bool dashdash = false;

	/* Global flags may stand anywhere before "--": "nfmptcp replay F -j" works as iproute2 users expect. */
	for (i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
			argv[n++] = argv[i];
			continue;
		}
		if (!dashdash && nfm_global_flag(argv[i], &g))
			continue;
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	argc = n;
	/* "nfmptcp -j -- show": the "--" only ends the global options */
	if (argc > 0 && !strcmp(argv[0], "--")) {
		argv++;
		argc--;
	}

	if (argc == 0) {
		nfm_usage(stderr);
		return NFM_EXIT_USAGE;
	}
	if (nfm_is_help(argv[0]) || !strcmp(argv[0], "help")) {
		if (argc > 2) {
			nfm_err("help: one command at a time (try 'nfmptcp --help')");
			return NFM_EXIT_USAGE;
		}
		if (argc == 2 && strcmp(argv[0], "help") == 0) {
			for (k = 0; k < NFM_NCMDS; k++) {
				if (!strcmp(argv[1], nfm_cmds[k].name)) {
					char *hargv[] = { argv[1], "--help", NULL };

					return nfm_finish(nfm_cmds[k].run(2, hargv, &g));
				}
			}
			nfm_err("help: unknown command '%s' (try 'nfmptcp --help')", argv[1]);
			return NFM_EXIT_USAGE;
		}
		nfm_usage(stdout);
		return nfm_finish(NFM_EXIT_OK);
	}
	for (k = 0; k < NFM_NCMDS; k++)
		if (!strcmp(argv[0], nfm_cmds[k].name))
			return nfm_finish(nfm_cmds[k].run(argc, argv, &g));

	nfm_err("unknown command '%s' (try 'nfmptcp --help')", argv[0]);
	return NFM_EXIT_USAGE;
}
