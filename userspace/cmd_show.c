// SPDX-License-Identifier: GPL-2.0
/* cmd_show.c - `nfmptcp show [TOKEN]`: the MPTCP connections the gateway tracks, with subflows and addresses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "conn_fmt.h"
#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

struct nfm_show {
	const struct nfm_global	*g;
	struct nfm_json		j;
	unsigned int		n;
};

static void nfm_show_usage(FILE *f)
{
	fprintf(f, "Usage: nfmptcp show [TOKEN] [-j]\n\n"
		   "List the MPTCP connections tracked in this network namespace: one line per\n"
		   "connection, then its subflows and the addresses its ends announced.\n"
		   "TOKEN (hex, as ss -Mni prints it) selects the connection either of whose\n"
		   "ends has that token. Needs CAP_NET_ADMIN in the namespace, like conntrack -L.\n");
}

static int nfm_show_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_show *s = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFMPTCP_A_CONN)
			continue;
		if (s->g->json) {
			nfm_json_conn(&s->j, NULL, a, true);
		} else {
			if (!s->n)
				nfm_fmt_conn_header(stdout);
			nfm_fmt_conn_row(stdout, a);
			nfm_fmt_conn_details(stdout, a, "    ");
		}
		s->n++;
	}
	return MNL_CB_OK;
}

int nfm_cmd_show(int argc, char **argv, const struct nfm_global *g)
{
	struct nfm_show s = { .g = g };
	struct nlmsghdr *nlh;
	struct nfm_nl nl;
	bool one = false;
	uint32_t token = 0;
	int err;

	if (argc > 1 && nfm_is_help(argv[1])) {
		nfm_show_usage(stdout);
		return NFM_EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && nfm_parse_token(argv[1], &token))) {
		if (argc == 2)
			nfm_err("show: invalid token '%s' (expected up to 8 hex digits)", argv[1]);
		else
			nfm_err("show: unexpected argument '%s' (one token at most)", argv[2]);
		nfm_show_usage(stderr);
		return NFM_EXIT_USAGE;
	}
	one = argc == 2;

	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	nlh = nfm_nl_request(&nl, NFMPTCP_CMD_CONN_GET, one ? NLM_F_ACK : NLM_F_DUMP);
	if (one)
		mnl_attr_put_u32(nlh, NFMPTCP_A_TOKEN, token);

	if (g->json) {
		nfm_json_init(&s.j, stdout, g->pretty);
		nfm_json_arr_open(&s.j, NULL);
	}
	err = nfm_nl_talk(&nl, nlh, nfm_show_cb, &s);
	if (g->json) {
		nfm_json_arr_close(&s.j);
		if (nfm_json_finish(&s.j) && !err)
			err = -EIO;
	}
	if (err)
		nfm_nl_perror(&nl, one ? "show" : "show (dump)", err);
	else if (!g->json && !s.n)
		/* say so, like `conntrack -L`: an empty answer looks like a hang */
		printf("no MPTCP connection tracked in this network namespace\n");
	nfm_nl_close(&nl);
	return err ? NFM_EXIT_ERR : NFM_EXIT_OK;
}
