// SPDX-License-Identifier: GPL-2.0
/* cmd_flush.c - `nfmptcp flush`: forget every tracked MPTCP connection of this network namespace. */
#include <stdio.h>
#include <stdlib.h>

#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

int nfm_cmd_flush(int argc, char **argv, const struct nfm_global *g)
{
	struct nlmsghdr *nlh;
	struct nfm_nl nl;
	int err;

	(void)g;
	if (argc > 1) {
		FILE *f = nfm_is_help(argv[1]) ? stdout : stderr;

		if (f == stderr)
			nfm_err("flush: unexpected argument '%s'", argv[1]);
		fprintf(f, "Usage: nfmptcp flush\n\n"
			   "Forget every MPTCP connection tracked in this network namespace (the\n"
			   "conntrack entries stay; their subflows are no longer followed).\n"
			   "Needs CAP_NET_ADMIN in the network namespace.\n");
		return f == stdout ? NFM_EXIT_OK : NFM_EXIT_USAGE;
	}
	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	nlh = nfm_nl_request(&nl, NFMPTCP_CMD_CONN_FLUSH, NLM_F_ACK);
	err = nfm_nl_talk(&nl, nlh, NULL, NULL);
	if (err)
		nfm_nl_perror(&nl, "flush", err);
	nfm_nl_close(&nl);
	return err ? NFM_EXIT_ERR : NFM_EXIT_OK;
}
