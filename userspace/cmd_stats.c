// SPDX-License-Identifier: GPL-2.0
/* cmd_stats.c - `nfmptcp stats`: the per-netns counters of the MPTCP gateway. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

/* Names as in the spec's "stat" attribute set; JSON uses '_' for '-'. */
static const char * const nfm_stat_names[NFMPTCP_STAT_MAX + 1] = {
	[NFMPTCP_STAT_CONN_SEEN]		= "conn-seen",
	[NFMPTCP_STAT_CONN_ACTIVE]		= "conn-active",
	[NFMPTCP_STAT_CONN_CLOSED]		= "conn-closed",
	[NFMPTCP_STAT_SF_SEEN]			= "sf-seen",
	[NFMPTCP_STAT_JOIN_VALID]		= "join-valid",
	[NFMPTCP_STAT_JOIN_UNKNOWN_TOKEN]	= "join-unknown-token",
	[NFMPTCP_STAT_JOIN_BAD_HMAC]		= "join-bad-hmac",
	[NFMPTCP_STAT_FALLBACK]			= "fallback",
	[NFMPTCP_STAT_ADD_ADDR_SEEN]		= "add-addr-seen",
	[NFMPTCP_STAT_ADD_ADDR_BAD_HMAC]	= "add-addr-bad-hmac",
	[NFMPTCP_STAT_ADD_ADDR_REWRITTEN]	= "add-addr-rewritten",
	[NFMPTCP_STAT_ADD_ADDR_DROPPED]		= "add-addr-dropped",
	[NFMPTCP_STAT_RM_ADDR_SEEN]		= "rm-addr-seen",
	[NFMPTCP_STAT_OPT_MALFORMED]		= "opt-malformed",
	[NFMPTCP_STAT_OPT_STRIPPED]		= "opt-stripped",
	[NFMPTCP_STAT_TABLE_FULL]		= "table-full",
	[NFMPTCP_STAT_SF_LIMIT]			= "sf-limit",
	[NFMPTCP_STAT_ALLOC_FAIL]		= "alloc-fail",
	[NFMPTCP_STAT_JOIN_RELATED]		= "join-related",
	[NFMPTCP_STAT_EARLY_DROP]		= "early-drop",
	[NFMPTCP_STAT_JOIN_RELATED_FULL]	= "join-related-full",
	[NFMPTCP_STAT_JOIN_WITHDRAWN]		= "join-withdrawn",
	[NFMPTCP_STAT_POLICY_JOIN_UNKNOWN_TOKEN]	= "policy-join-unknown-token",
	[NFMPTCP_STAT_POLICY_JOIN_BAD_HMAC]	= "policy-join-bad-hmac",
	[NFMPTCP_STAT_POLICY_JOIN_OVER_LIMIT]	= "policy-join-over-limit",
	[NFMPTCP_STAT_POLICY_JOIN_NOT_OWNED]	= "policy-join-not-owned",
	[NFMPTCP_STAT_POLICY_JOIN_RATE]		= "policy-join-rate",
	[NFMPTCP_STAT_POLICY_MP_CAPABLE]	= "policy-mp-capable",
	[NFMPTCP_STAT_POLICY_ADD_ADDR]		= "policy-add-addr",
	[NFMPTCP_STAT_POLICY_ADD_ADDR_BAD_HMAC]	= "policy-add-addr-bad-hmac",
	[NFMPTCP_STAT_POLICY_DROP]		= "policy-drop",
	[NFMPTCP_STAT_POLICY_REJECT]		= "policy-reject",
	[NFMPTCP_STAT_POLICY_STRIP]		= "policy-strip",
	[NFMPTCP_STAT_EXPECT_NOT_JOIN]		= "expect-not-join",
	[NFMPTCP_STAT_SF_REAPED]		= "sf-reaped",
	[NFMPTCP_STAT_ADD_ADDR_GROWN]		= "add-addr-grown",
};

/* A counter of the header this table lacks still gets a name: "stat-N". */
static const char *nfm_stat_name(unsigned int i, char *buf, size_t len)
{
	if (nfm_stat_names[i])
		return nfm_stat_names[i];
	snprintf(buf, len, "stat-%u", i);
	return buf;
}

struct nfm_stats {
	bool		have[NFMPTCP_STAT_MAX + 1];
	uint64_t	val[NFMPTCP_STAT_MAX + 1];
};

static int nfm_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_stats *st = data;
	const struct nlattr *a, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFMPTCP_A_STATS)
			continue;
		mnl_attr_for_each_nested(c, a) {
			unsigned int t = mnl_attr_get_type(c);

			/* type 0 is padding; newer kernels may count more than we know */
			if (t == NFMPTCP_STAT_UNSPEC || t > NFMPTCP_STAT_MAX ||
			    mnl_attr_get_payload_len(c) != sizeof(uint64_t))
				continue;
			memcpy(&st->val[t], mnl_attr_get_payload(c), sizeof(uint64_t));
			st->have[t] = true;
		}
	}
	return MNL_CB_OK;
}

int nfm_cmd_stats(int argc, char **argv, const struct nfm_global *g)
{
	struct nfm_stats st = { 0 };
	struct nlmsghdr *nlh;
	struct nfm_nl nl;
	char name[32];
	unsigned int i;
	int err;

	if (argc > 1) {
		FILE *f = nfm_is_help(argv[1]) ? stdout : stderr;

		if (f == stderr)
			nfm_err("stats: unexpected argument '%s'", argv[1]);
		fprintf(f, "Usage: nfmptcp stats [-j]\n\n"
			   "Counters of the MPTCP gateway in this network namespace.\n");
		return f == stdout ? NFM_EXIT_OK : NFM_EXIT_USAGE;
	}
	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	nlh = nfm_nl_request(&nl, NFMPTCP_CMD_STATS_GET, NLM_F_ACK);
	err = nfm_nl_talk(&nl, nlh, nfm_stats_cb, &st);
	nfm_nl_close(&nl);
	if (err) {
		nfm_nl_perror(&nl, "stats", err);
		return NFM_EXIT_ERR;
	}

	if (g->json) {
		struct nfm_json j;

		nfm_json_init(&j, stdout, g->pretty);
		nfm_json_obj_open(&j, NULL);
		for (i = 1; i <= NFMPTCP_STAT_MAX; i++) {
			char key[32];
			char *p;

			if (!st.have[i])
				continue;
			snprintf(key, sizeof(key), "%s", nfm_stat_name(i, name, sizeof(name)));
			for (p = key; *p; p++)
				if (*p == '-')
					*p = '_';
			nfm_json_u64(&j, key, st.val[i]);
		}
		nfm_json_obj_close(&j);
		return nfm_json_finish(&j) ? NFM_EXIT_ERR : NFM_EXIT_OK;
	}
	for (i = 1; i <= NFMPTCP_STAT_MAX; i++)
		if (st.have[i])
			printf("%-25s %" PRIu64 "\n", nfm_stat_name(i, name, sizeof(name)),
			       st.val[i]);
	return NFM_EXIT_OK;
}
