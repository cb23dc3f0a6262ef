// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_enforce.c - carry out the operator's policies (Documentation/security.rst):
 * the tracking decides which policy a packet falls under, this file drops,
 * rejects or strips, counts it per policy and per action, and reports it.
 */

#include "nfmp_enforce.h"
#include "core/nfmp_add_addr_rewrite.h"
#include "core/nfmp_policy.h"

static const u8 nfmp_policy_stat[__NFMPTCP_POLICY_MAX] = {
	[NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN]	= NFMPTCP_STAT_POLICY_JOIN_UNKNOWN_TOKEN,
	[NFMPTCP_POLICY_JOIN_BAD_HMAC]		= NFMPTCP_STAT_POLICY_JOIN_BAD_HMAC,
	[NFMPTCP_POLICY_JOIN_OVER_LIMIT]	= NFMPTCP_STAT_POLICY_JOIN_OVER_LIMIT,
	[NFMPTCP_POLICY_JOIN_NOT_OWNED]		= NFMPTCP_STAT_POLICY_JOIN_NOT_OWNED,
	[NFMPTCP_POLICY_JOIN_RATE]		= NFMPTCP_STAT_POLICY_JOIN_RATE,
	[NFMPTCP_POLICY_MP_CAPABLE]		= NFMPTCP_STAT_POLICY_MP_CAPABLE,
	[NFMPTCP_POLICY_ADD_ADDR]		= NFMPTCP_STAT_POLICY_ADD_ADDR,
	[NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC]	= NFMPTCP_STAT_POLICY_ADD_ADDR_BAD_HMAC,
};

static void nfmp_enforce_report(struct net *net, struct nfmp_net *nn,
				const struct nfmp_policy_event *pe)
{
	nfmp_stat_inc(nn, nfmp_policy_stat[pe->policy]);
	switch (pe->action) {
	case NFMPTCP_ACTION_DROP:
		nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_DROP);
		break;
	case NFMPTCP_ACTION_REJECT:
		nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_REJECT);
		break;
	default:
		nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_STRIP);
		break;
	}
	nfmp_event_policy(net, pe);
}

/* join-rate has no action of its own: beyond the rate is over the limit */
static u8 nfmp_join_action(const struct nfmp_net *nn, unsigned int policy)
{
	if (policy == NFMPTCP_POLICY_JOIN_RATE)
		policy = NFMPTCP_POLICY_JOIN_OVER_LIMIT;
	return READ_ONCE(nn->cfg.join_action[policy]);
}

unsigned int nfmp_enforce_join(struct net *net, struct nfmp_net *nn,
			       const struct nfmp_enforce_pkt *p, unsigned int policy,
			       struct nfmp_kconn *conn, const struct nfmp_subflow *sf,
			       u32 token, bool answered)
{
	struct nfmp_policy_event pe = {
		.policy	= policy,
		.action	= nfmp_join_action(nn, policy),
		.token	= token,
		.conn	= conn,
		.ct	= p->ct,
		.sf	= sf,
	};

	if (pe.action == NFMPTCP_ACTION_ACCEPT)
		return NF_ACCEPT;
	nfmp_enforce_report(net, nn, &pe);
	if (pe.action == NFMPTCP_ACTION_REJECT) {
		nfmp_send_tcprst(net, p->skb, p->protoff, p->ct, p->ctinfo, true);
		if (answered)
			nfmp_send_tcprst(net, p->skb, p->protoff, p->ct, p->ctinfo, false);
	}
	/*
	 * A join refused on its SYN dies with its unconfirmed conntrack. One
	 * refused later is confirmed: let it expire soon rather than in the
	 * established timeout (conntrack saw its third ACK).
	 */
	if (answered)
		nf_ct_set_closing(&p->ct->ct_general);
	return NF_DROP;
}

unsigned int nfmp_enforce_bad_hmac_subflow(struct nfmp_net *nn)
{
	if (nfmp_join_action(nn, NFMPTCP_POLICY_JOIN_BAD_HMAC) == NFMPTCP_ACTION_ACCEPT)
		return NF_ACCEPT;
	nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_DROP);
	return NF_DROP;
}

unsigned int nfmp_enforce_mpc_strip(struct net *net, struct nfmp_net *nn,
				    const struct nfmp_enforce_pkt *p, u8 *opts,
				    unsigned int optlen)
{
	struct nfmp_subflow sf = { .opener = NFMP_CLIENT };
	struct nfmp_policy_event pe = {
		.policy	= NFMPTCP_POLICY_MP_CAPABLE,
		.action	= NFMPTCP_ACTION_STRIP,
		.ct	= p->ct,
		.sf	= &sf,
	};

	unsigned int n = nfmp_opts_strip(opts, optlen, NFMP_STRIP_ALL);

	if (!n)
		return NF_ACCEPT;
	if (!nfmp_tcp_opts_write(p->skb, p->protoff, opts, optlen)) {
		/* never let the MP_CAPABLE through: the SYN is retransmitted */
		nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_DROP);
		return NF_DROP;
	}
	this_cpu_add(nn->stats[NFMPTCP_STAT_OPT_STRIPPED], n);
	nfmp_enforce_report(net, nn, &pe);
	return NF_ACCEPT;
}

/* The entry of @conn for @aa, marked dropped; @snap gets what events report. */
static void nfmp_enforce_mark_dropped(struct nfmp_kconn *conn, const struct nfmp_add_addr *aa,
				      u8 sender, struct nfmp_addr_entry *snap)
{
	unsigned int i;

	memset(snap, 0, sizeof(*snap));
	memcpy(snap->addr, aa->addr, sizeof(snap->addr));
	snap->family = aa->family;
	snap->id = aa->addr_id;
	snap->port = aa->has_port ? aa->port : 0;
	snap->sender = sender;
	snap->flags = NFMPTCP_ADDR_F_DROPPED;
	if (!conn)
		return;
	spin_lock_bh(&conn->lock);
	for (i = 0; conn->addrs && i < conn->addrs->n; i++) {
		struct nfmp_addr_entry *e = &conn->addrs->e[i];

		if (e->sender == sender && e->id == aa->addr_id &&
		    !(e->flags & NFMPTCP_ADDR_F_REMOVED)) {
			e->flags |= NFMPTCP_ADDR_F_DROPPED;
			*snap = *e;
			break;
		}
	}
	spin_unlock_bh(&conn->lock);
}

static unsigned int nfmp_enforce_strip(struct net *net, struct nfmp_net *nn,
				       const struct nfmp_enforce_pkt *p, unsigned int policy,
				       u8 action, struct nfmp_kconn *conn, u8 *opts,
				       unsigned int optlen, const struct nfmp_add_addr *aa,
				       u8 sender)
{
	const struct nfmp_ct_data *data = nfmp_ct_data(p->ct);
	struct nfmp_addr_entry snap;
	struct nfmp_policy_event pe = {
		.policy	= policy,
		.action	= action,
		.conn	= conn,
		.ct	= p->ct,
		.sf	= &data->sf,
		.addr	= &snap,
	};

	unsigned int n = 1;

	/* strip: every announcement of the packet; otherwise the one judged */
	if (action == NFMPTCP_ACTION_STRIP && policy == NFMPTCP_POLICY_ADD_ADDR)
		n = nfmp_opts_strip(opts, optlen, NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR));
	else
		nfmp_opts_replace(opts, optlen, aa->offset, aa->len, NULL, 0);
	if (!nfmp_tcp_opts_write(p->skb, p->protoff, opts, optlen)) {
		/* never forward it: TCP retransmits */
		nfmp_stat_inc(nn, NFMPTCP_STAT_POLICY_DROP);
		return NF_DROP;
	}
	this_cpu_add(nn->stats[NFMPTCP_STAT_OPT_STRIPPED], n);
	nfmp_enforce_mark_dropped(conn, aa, sender, &snap);
	nfmp_enforce_report(net, nn, &pe);
	return NF_ACCEPT;
}

unsigned int nfmp_enforce_add_addr_strip(struct net *net, struct nfmp_net *nn,
					 const struct nfmp_enforce_pkt *p, unsigned int policy,
					 struct nfmp_kconn *conn, u8 *opts, unsigned int optlen,
					 const struct nfmp_add_addr *aa, u8 sender)
{
	return nfmp_enforce_strip(net, nn, p, policy, NFMPTCP_ACTION_STRIP, conn, opts, optlen,
				  aa, sender);
}

unsigned int nfmp_enforce_add_addr_private(struct net *net, struct nfmp_net *nn,
					   const struct nfmp_enforce_pkt *p,
					   struct nfmp_kconn *conn)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(p->ctinfo);
	const struct nfmp_ct_data *data = nfmp_ct_data(p->ct);
	u8 opts[MAX_TCP_OPTION_SPACE];
	struct nfmp_opts parsed;
	u8 sender, tcp_flags;
	int optlen;

	if (!(p->ct->status & (dir == IP_CT_DIR_ORIGINAL ? IPS_SRC_NAT : IPS_DST_NAT)))
		return NF_ACCEPT;
	optlen = nfmp_tcp_opts_copy(p->skb, p->protoff, opts, &tcp_flags);
	if (optlen < 0 || !nfmp_has_mptcp_option(opts, optlen))
		return NF_ACCEPT;
	nfmp_parse_options(opts, optlen, tcp_flags,
			   conn ? READ_ONCE(conn->pc.version) : NFMP_VERSION_UNKNOWN, &parsed);
	if (!(parsed.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) ||
	    (parsed.add_addr.version != NFMP_VERSION_0 && parsed.add_addr.echo) ||
	    !nfmp_addr_is_private(parsed.add_addr.family, parsed.add_addr.addr))
		return NF_ACCEPT;
	sender = dir == IP_CT_DIR_ORIGINAL ? data->sf.opener : !data->sf.opener;
	return nfmp_enforce_strip(net, nn, p, NFMPTCP_POLICY_ADD_ADDR, NFMPTCP_ACTION_STRIP_PRIVATE,
				  conn, opts, optlen, &parsed.add_addr, sender);
}
