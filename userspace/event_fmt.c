// SPDX-License-Identifier: GPL-2.0
/* event_fmt.c - one line per multicast event of the nfmptcp family (text or JSON), for monitor. */
#include <stdio.h>
#include <linux/genetlink.h>

#include "conn_fmt.h"
#include "event_fmt.h"
#include "nl_client.h"
#include "policy_names.h"
#include "../kmod/uapi/nfmptcp.h"

static const char * const nfm_event_names[] = {
	[NFMPTCP_EVENT_CONN_CREATED]		= "conn-created",
	[NFMPTCP_EVENT_CONN_ESTABLISHED]	= "conn-established",
	[NFMPTCP_EVENT_CONN_CLOSED]		= "conn-closed",
	[NFMPTCP_EVENT_SF_ADDED]		= "sf-added",
	[NFMPTCP_EVENT_SF_ESTABLISHED]		= "sf-established",
	[NFMPTCP_EVENT_SF_CLOSED]		= "sf-closed",
	[NFMPTCP_EVENT_ADDR_ANNOUNCED]		= "addr-announced",
	[NFMPTCP_EVENT_ADDR_REMOVED]		= "addr-removed",
	[NFMPTCP_EVENT_JOIN_INVALID]		= "join-invalid",
	[NFMPTCP_EVENT_ADD_ADDR_BAD_HMAC]	= "add-addr-bad-hmac",
	[NFMPTCP_EVENT_FALLBACK]		= "fallback",
	[NFMPTCP_EVENT_POLICY]			= "policy",
	[NFMPTCP_EVENT_ADDR_TRANSLATED]		= "addr-translated",
	[NFMPTCP_EVENT_ADD_ADDR_DROPPED]	= "add-addr-dropped",
};

const char *nfm_event_name(unsigned int cmd, char *buf, size_t len)
{
	if (cmd < sizeof(nfm_event_names) / sizeof(nfm_event_names[0]) && nfm_event_names[cmd])
		return nfm_event_names[cmd];
	snprintf(buf, len, "event-%u", cmd);
	return buf;
}

/* A u8 of the nest, or -1 when absent or of another size. */
static int nfm_policy_u8(const struct nlattr * const *tb, unsigned int t)
{
	if (!tb[t] || mnl_attr_get_payload_len(tb[t]) != 1)
		return -1;
	return mnl_attr_get_u8(tb[t]);
}

void nfm_parse_policy(const struct nlattr *pol, struct nfm_policy_ev *ev)
{
	const struct nlattr *tb[NFMPTCP_POLICY_A_MAX + 1];
	int v;

	ev->policy = NULL;
	ev->action = NULL;
	if (!pol)
		return;
	nfm_nl_parse_nested(pol, tb, NFMPTCP_POLICY_A_MAX);
	v = nfm_policy_u8(tb, NFMPTCP_POLICY_A_POLICY);
	if (v >= 0) {
		ev->policy = nfm_policy_name(v);
		if (!ev->policy) {
			snprintf(ev->pbuf, sizeof(ev->pbuf), "policy-%d", v);
			ev->policy = ev->pbuf;
		}
	}
	v = nfm_policy_u8(tb, NFMPTCP_POLICY_A_ACTION);
	if (v >= 0) {
		/* what was done, one word whatever the policy: "strip" is "strip" */
		ev->action = nfm_action_name(NULL, v);
		if (!ev->action) {
			snprintf(ev->abuf, sizeof(ev->abuf), "action-%d", v);
			ev->action = ev->abuf;
		}
	}
}

int nfm_fmt_event(FILE *f, const struct nlmsghdr *nlh, bool json)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *conn = NULL, *sf = NULL, *addr = NULL, *pol = NULL, *a;
	struct nfm_policy_ev ev;
	struct nfm_json j;
	const char *name;
	char unknown[16];

	name = nfm_event_name(genl->cmd, unknown, sizeof(unknown));
	/* the last of each kind counts: events carry one of each */
	mnl_attr_for_each(a, nlh, sizeof(*genl)) {
		switch (mnl_attr_get_type(a)) {
		case NFMPTCP_A_CONN:
			conn = a;
			break;
		case NFMPTCP_A_SUBFLOW:
			sf = a;
			break;
		case NFMPTCP_A_ADDR:
			addr = a;
			break;
		case NFMPTCP_A_POLICY:
			pol = a;
			break;
		}
	}
	nfm_parse_policy(pol, &ev);

	if (!json) {
		fprintf(f, "[%s]", name);
		/* which policy and what it did come first, "?" for what the event lacks */
		if (genl->cmd == NFMPTCP_EVENT_POLICY || pol)
			fprintf(f, " %s %s", ev.policy ? ev.policy : "?",
				ev.action ? ev.action : "?");
		if (conn) {
			fputc(' ', f);
			nfm_fmt_conn_brief(f, conn);
		}
		if (sf) {
			fputs(" subflow ", f);
			nfm_fmt_subflow(f, sf);
		}
		if (addr) {
			fputs(" addr ", f);
			nfm_fmt_addr(f, addr);
		}
		fputc('\n', f);
		return 0;
	}

	nfm_json_init(&j, f, false);	/* one object per line, even with -p */
	nfm_json_obj_open(&j, NULL);
	nfm_json_str(&j, "event", name);
	if (genl->cmd == NFMPTCP_EVENT_POLICY || pol) {
		if (ev.policy)
			nfm_json_str(&j, "policy", ev.policy);
		else
			nfm_json_null(&j, "policy");
		if (ev.action)
			nfm_json_str(&j, "action", ev.action);
		else
			nfm_json_null(&j, "action");
	}
	if (conn)
		nfm_json_conn(&j, "conn", conn, false);
	if (sf)
		nfm_json_subflow(&j, "subflow", sf);
	if (addr)
		nfm_json_addr(&j, "addr", addr);
	nfm_json_obj_close(&j);
	return nfm_json_finish(&j);
}
