// SPDX-License-Identifier: GPL-2.0
/*
 * nft_mptcp.c - nf_tables "mptcp" expression: load one fact about the MPTCP
 * connection and subflow of the packet's conntrack (as nf_conntrack_mptcp
 * tracks them) into a register, for cmp, range, lookup, bitwise and
 * `ct mark set`. A packet that is not part of a tracked MPTCP subflow, or a
 * fact not known yet, makes the rule not match (NFT_BREAK).
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_conntrack.h>

#include "nfmp_compat.h"
#include "nft_mptcp.h"
#include "nfmp_export.h"

struct nft_mptcp {
	enum nft_mptcp_keys	key:8;
	u8			dreg;
};

static const struct nla_policy nft_mptcp_policy[NFTA_MPTCP_MAX + 1] = {
	[NFTA_MPTCP_KEY]	= { .type = NLA_U32 },
	[NFTA_MPTCP_DREG]	= { .type = NLA_U32 },
};

/* Loads the key; false when there is nothing to load. */
static bool nft_mptcp_load(const struct nft_mptcp *priv, const struct nfmp_snapshot *snap,
			   u32 *dest)
{
	switch (priv->key) {
	case NFT_MPTCP_CLIENT_TOKEN:
		if (!(snap->known & NFMP_SNAP_TOKEN_CLIENT))
			return false;
		*dest = snap->token[0];
		return true;
	case NFT_MPTCP_SERVER_TOKEN:
		if (!(snap->known & NFMP_SNAP_TOKEN_SERVER))
			return false;
		*dest = snap->token[1];
		return true;
	case NFT_MPTCP_SUBFLOWS:
		if (!snap->subflows)
			return false;
		*dest = snap->subflows;
		return true;
	case NFT_MPTCP_VERSION:
		if (!(snap->known & NFMP_SNAP_VERSION))
			return false;
		*dest = snap->version;
		return true;
	case NFT_MPTCP_VERDICT:
		*dest = snap->verdict;
		return true;
	case NFT_MPTCP_SUBFLOW:
		*dest = snap->join ? NFT_MPTCP_SUBFLOW_JOIN : NFT_MPTCP_SUBFLOW_INITIAL;
		return true;
	case NFT_MPTCP_BACKUP:
		*dest = snap->backup;
		return true;
	case NFT_MPTCP_ADDR_ID:
		*dest = snap->addr_id;
		return true;
	case NFT_MPTCP_CONN_ID:
		if (!(snap->known & NFMP_SNAP_CONN))
			return false;
		*dest = snap->conn_id;
		return true;
	default:	/* refused by init */
		return false;
	}
}

static void nft_mptcp_eval(const struct nft_expr *expr, struct nft_regs *regs,
			   const struct nft_pktinfo *pkt)
{
	const struct nft_mptcp *priv = nft_expr_priv(expr);
	u32 *dest = &regs->data[priv->dreg];
	struct nfmp_snapshot snap;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct;

	ct = nf_ct_get(pkt->skb, &ctinfo);
	if (!ct || nfmp_snapshot_get(ct, &snap))
		goto nomatch;

	if (priv->key == NFT_MPTCP_SUBTYPES) {
		/* from this packet's own header; a fragment or ICMP error has none */
		if (!(pkt->flags & NFT_PKTINFO_L4PROTO) || pkt->tprot != IPPROTO_TCP ||
		    pkt->fragoff)
			goto nomatch;
		*dest = nfmp_skb_mptcp_subtypes(pkt->skb, nft_thoff(pkt));
		return;
	}
	if (nft_mptcp_load(priv, &snap, dest))
		return;
nomatch:
	regs->verdict.code = NFT_BREAK;
}

static int nft_mptcp_init(const struct nft_ctx *ctx, const struct nft_expr *expr,
			  const struct nlattr * const tb[])
{
	struct nft_mptcp *priv = nft_expr_priv(expr);
	u32 key;
	int err;

	if (!tb[NFTA_MPTCP_KEY] || !tb[NFTA_MPTCP_DREG])
		return -EINVAL;

	key = ntohl(nla_get_be32(tb[NFTA_MPTCP_KEY]));
	/*
	 * As nft_meta does for a key it lacks. 6.1's nft_ctx has no extack:
	 * nf_tables points the error at this expression's attribute.
	 */
	if (key > NFT_MPTCP_KEY_MAX)
		return -EOPNOTSUPP;
	priv->key = key;

	err = nft_parse_register_store(ctx, tb[NFTA_MPTCP_DREG], &priv->dreg, NULL,
				       NFT_DATA_VALUE, sizeof(u32));
	if (err < 0)
		return err;

	/* the state we read lives in conntrack: make sure it runs here */
	return nf_ct_netns_get(ctx->net, ctx->family);
}

static void nft_mptcp_destroy(const struct nft_ctx *ctx, const struct nft_expr *expr)
{
	nf_ct_netns_put(ctx->net, ctx->family);
}

static int nft_mptcp_dump(struct sk_buff *skb, const struct nft_expr *expr, bool reset)
{
	const struct nft_mptcp *priv = nft_expr_priv(expr);

	if (nla_put_be32(skb, NFTA_MPTCP_KEY, htonl(priv->key)) ||
	    nft_dump_register(skb, NFTA_MPTCP_DREG, priv->dreg))
		return -1;
	return 0;
}

/* Conntrack state exists from the conntrack hook on, in every IP hook but ingress. */
static int nft_mptcp_validate(const struct nft_ctx *ctx, const struct nft_expr *expr)
{
	switch (ctx->family) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
	case NFPROTO_INET:
		break;
	default:
		return -EOPNOTSUPP;
	}
	return nft_chain_validate_hooks(ctx->chain,
					(1 << NF_INET_PRE_ROUTING) |
					(1 << NF_INET_LOCAL_IN) |
					(1 << NF_INET_FORWARD) |
					(1 << NF_INET_LOCAL_OUT) |
					(1 << NF_INET_POST_ROUTING));
}

#ifdef NFMP_HAVE_NFT_REDUCE
/* Same key into the same register as before, untouched since: redundant. */
static bool nft_mptcp_reduce(struct nft_regs_track *track, const struct nft_expr *expr)
{
	const struct nft_mptcp *priv = nft_expr_priv(expr);
	const struct nft_mptcp *prev;

	if (!nft_reg_track_cmp(track, expr, priv->dreg)) {
		nft_reg_track_update(track, expr, priv->dreg, sizeof(u32));
		return false;
	}
	prev = nft_expr_priv(track->regs[priv->dreg].selector);
	if (prev->key != priv->key) {
		nft_reg_track_update(track, expr, priv->dreg, sizeof(u32));
		return false;
	}
	return !track->regs[priv->dreg].bitwise;
}
#endif

static struct nft_expr_type nft_mptcp_type;
static const struct nft_expr_ops nft_mptcp_ops = {
	.type		= &nft_mptcp_type,
	.size		= NFT_EXPR_SIZE(sizeof(struct nft_mptcp)),
	.eval		= nft_mptcp_eval,
	.init		= nft_mptcp_init,
	.destroy	= nft_mptcp_destroy,
	.dump		= nft_mptcp_dump,
	.validate	= nft_mptcp_validate,
#ifdef NFMP_HAVE_NFT_REDUCE
	.reduce		= nft_mptcp_reduce,
#endif
};

static struct nft_expr_type nft_mptcp_type __read_mostly = {
	.name		= NFT_MPTCP_EXPR_NAME,
	.family		= NFPROTO_UNSPEC,
	.ops		= &nft_mptcp_ops,
	.policy		= nft_mptcp_policy,
	.maxattr	= NFTA_MPTCP_MAX,
	.owner		= THIS_MODULE,
};

static int __init nft_mptcp_module_init(void)
{
	return nft_register_expr(&nft_mptcp_type);
}

static void __exit nft_mptcp_module_exit(void)
{
	nft_unregister_expr(&nft_mptcp_type);
}

module_init(nft_mptcp_module_init);
module_exit(nft_mptcp_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nftables MPTCP connection and subflow match (nf_conntrack_mptcp)");
MODULE_ALIAS_NFT_EXPR(NFT_MPTCP_EXPR_NAME);
