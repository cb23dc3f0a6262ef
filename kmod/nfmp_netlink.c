// SPDX-License-Identifier: GPL-2.0
/* nfmp_netlink.c - "nfmptcp" generic netlink family: connection dump, counters, config, events. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/netfilter/nf_conntrack_tuple.h>

#include "nfmp_kernel.h"

/*
 * Spec: Documentation/netlink/specs/nfmptcp.yaml. Every handler takes only the
 * per-netns locks (nn->ids_lock, then conn->lock, as the table does), so the
 * family runs with parallel_ops and never holds genl_mutex.
 */

static struct genl_family nfmp_genl_family;

enum nfmp_nl_mcgrp {
	NFMP_NL_MCGRP_EVENTS,
};

static const struct genl_multicast_group nfmp_nl_mcgrps[] = {
	[NFMP_NL_MCGRP_EVENTS] = {
		.name = NFMPTCP_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* Dump cursor in cb->args: the id_hash bucket and the last id dumped from it. */
#define NFMP_NL_ARG_BUCKET	0
#define NFMP_NL_ARG_LAST_ID	1	/* 0: nothing of this bucket dumped yet (ids start at 1) */

/* not const: 6.1's nla_policy.range points to non-const */
static struct netlink_range_validation nfmp_nl_max_conns_range = {
	.min = 1,
	.max = 4194304,
};

static const struct nla_policy nfmp_nl_cfg_policy[NFMPTCP_CFG_A_MAX + 1] = {
	[NFMPTCP_CFG_A_MAX_CONNS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfmp_nl_max_conns_range),
	[NFMPTCP_CFG_A_MAX_SUBFLOWS]	= NLA_POLICY_RANGE(NLA_U32, 1, NFMP_MAX_SUBFLOWS_LIMIT),
	[NFMPTCP_CFG_A_JOIN_RELATED]	= NLA_POLICY_MAX(NLA_U8, 1),
	/* which actions each policy takes is checked in nfmp_nl_cfg_action_ok() */
	[NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN] = NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_JOIN_BAD_HMAC]	= NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_JOIN_OVER_LIMIT]	= NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_JOIN_NOT_OWNED]	= NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_JOIN_RATE]	= NLA_POLICY_MAX(NLA_U32, NFMPTCP_JOIN_RATE_MAX),
	[NFMPTCP_CFG_A_MP_CAPABLE]	= NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_ADD_ADDR]	= NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC] = NLA_POLICY_MAX(NLA_U8, __NFMPTCP_ACTION_MAX - 1),
	[NFMPTCP_CFG_A_AUTO_DETECT]	= NLA_POLICY_MAX(NLA_U8, 1),
	/* pairs, families, duplicates: nfmp_nat_map_parse() */
	[NFMPTCP_CFG_A_NAT_MAP]		= NLA_POLICY_NESTED(nfmp_nat_map_policy),
};

#define NFMP_ACT(a)	BIT(NFMPTCP_ACTION_##a)
#define NFMP_JOIN_ACTIONS	(NFMP_ACT(ACCEPT) | NFMP_ACT(DROP) | NFMP_ACT(REJECT))

/* The actions each policy attribute takes; 0: not a policy. */
static const u8 nfmp_nl_cfg_actions[NFMPTCP_CFG_A_MAX + 1] = {
	[NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN]	= NFMP_JOIN_ACTIONS,
	[NFMPTCP_CFG_A_JOIN_BAD_HMAC]		= NFMP_JOIN_ACTIONS,
	[NFMPTCP_CFG_A_JOIN_OVER_LIMIT]		= NFMP_JOIN_ACTIONS,
	[NFMPTCP_CFG_A_JOIN_NOT_OWNED]		= NFMP_JOIN_ACTIONS,
	[NFMPTCP_CFG_A_MP_CAPABLE]		= NFMP_ACT(ACCEPT) | NFMP_ACT(STRIP),
	[NFMPTCP_CFG_A_ADD_ADDR]		= NFMP_ACT(ACCEPT) | NFMP_ACT(STRIP) |
						  NFMP_ACT(STRIP_PRIVATE),
	[NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC]	= NFMP_ACT(ACCEPT) | NFMP_ACT(STRIP),
};

static const struct nla_policy nfmp_nl_conn_get_policy[NFMPTCP_A_TOKEN + 1] = {
	[NFMPTCP_A_TOKEN]	= { .type = NLA_U32, },
};

static const struct nla_policy nfmp_nl_config_set_policy[NFMPTCP_A_CONFIG + 1] = {
	[NFMPTCP_A_CONFIG]	= NLA_POLICY_NESTED(nfmp_nl_cfg_policy),
};

/*
 * The uapi re-exports the core's enums and flag bits: they must not drift
 * apart. (int) casts: they are different enum types on purpose.
 */
#define NFMP_NL_SAME(a, b)	BUILD_BUG_ON((int)(a) != (int)(b))
static void __init nfmp_nl_check_uapi(void)
{
	NFMP_NL_SAME(NFMPTCP_STATE_CLOSED, NFMP_CONN_CLOSED);
	NFMP_NL_SAME(NFMPTCP_STATE_FALLBACK, NFMP_CONN_FALLBACK);
	NFMP_NL_SAME(NFMPTCP_END_FALLBACK_INFINITE, NFMP_END_FALLBACK_INFINITE);
	NFMP_NL_SAME(NFMPTCP_END_SUBFLOWS_GONE, NFMP_END_SUBFLOWS_GONE);
	NFMP_NL_SAME(NFMPTCP_VERDICT_INVALID, NFMP_VERDICT_INVALID);
	NFMP_NL_SAME(NFMPTCP_VERDICT_BAD_HMAC, NFMP_VERDICT_BAD_HMAC);
	NFMP_NL_SAME(NFMPTCP_CONN_F_DSS_SEEN, NFMP_CONN_F_DSS_SEEN);
	NFMP_NL_SAME(NFMPTCP_CONN_F_KEY_SERVER, NFMP_CONN_F_KEY_SERVER);
	NFMP_NL_SAME(NFMPTCP_SF_F_CLOSED, NFMP_SF_F_CLOSED);
	NFMP_NL_SAME(NFMPTCP_SF_F_BACKUP_REPLY, NFMP_SF_F_BACKUP_REPLY);
	NFMP_NL_SAME(NFMPTCP_END_CLIENT, NFMP_CLIENT);
	NFMP_NL_SAME(NFMPTCP_END_SERVER, NFMP_SERVER);
}

/* ---- message sizes ------------------------------------------------------ */

static size_t nfmp_nl_conn_summary_size(void)
{
	return nla_total_size(0) +			/* NFMPTCP_A_CONN */
	       nla_total_size(sizeof(u32)) +		/* ID */
	       3 * nla_total_size(sizeof(u8)) +	/* FAMILY, VERSION, STATE */
	       2 * nla_total_size(sizeof(u8)) +	/* END_REASON, NSUBFLOWS */
	       nla_total_size(sizeof(u32)) +		/* FLAGS */
	       2 * nla_total_size(sizeof(u32)) +	/* TOKEN_CLIENT, TOKEN_SERVER */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* KEY_CLIENT, KEY_SERVER */
	       nla_total_size_64bit(sizeof(u64));	/* AGE_MS */
}

static size_t nfmp_nl_subflow_size(void)
{
	return nla_total_size(0) +
	       nla_total_size(sizeof(u8)) +		/* FAMILY */
	       2 * nla_total_size(16) +			/* SADDR6, DADDR6 (worst case) */
	       2 * nla_total_size(sizeof(__be16)) +	/* SPORT, DPORT */
	       5 * nla_total_size(sizeof(u8)) +	/* OPENER, VERDICT, FLAGS, ADDR_IDs */
	       nla_total_size(sizeof(u32));		/* TOKEN */
}

static size_t nfmp_nl_addr_size(void)
{
	return nla_total_size(0) +
	       4 * nla_total_size(sizeof(u8)) +	/* ID, FAMILY, SENDER, FLAGS */
	       2 * nla_total_size(16) +		/* ADDR6, NAT_ADDR6 (worst case) */
	       2 * nla_total_size(sizeof(__be16));	/* PORT, NAT_PORT */
}

static size_t nfmp_nl_conn_full_size(unsigned int nsubflows)
{
	return nlmsg_total_size(GENL_HDRLEN + nfmp_nl_conn_summary_size() +
				nsubflows * nfmp_nl_subflow_size() +
				NFMP_MAX_ADDRS * nfmp_nl_addr_size());
}

/* ---- attribute filling ---------------------------------------------------- */

/*
 * The connection's own attributes, without opening a nest: the caller has
 * one open. Keys only for @keys (requester has CAP_NET_ADMIN): an observer
 * with the keys can join or hijack the connection (RFC 7430 §3).
 */
static int nfmp_nl_put_conn_attrs(struct sk_buff *skb, const struct nfmp_kconn *conn, bool keys)
{
	const struct nfmp_conn *pc = &conn->pc;
	u8 flags = READ_ONCE(pc->flags);

	if (nla_put_u32(skb, NFMPTCP_CONN_A_ID, conn->id) ||
	    nla_put_u8(skb, NFMPTCP_CONN_A_FAMILY,
		       conn->l3num == NFPROTO_IPV6 ? AF_INET6 : AF_INET) ||
	    nla_put_u8(skb, NFMPTCP_CONN_A_VERSION, READ_ONCE(pc->version)) ||
	    nla_put_u8(skb, NFMPTCP_CONN_A_STATE, READ_ONCE(pc->state)) ||
	    nla_put_u8(skb, NFMPTCP_CONN_A_END_REASON, READ_ONCE(pc->end_reason)) ||
	    nla_put_u32(skb, NFMPTCP_CONN_A_FLAGS, flags) ||
	    nla_put_u8(skb, NFMPTCP_CONN_A_NSUBFLOWS, READ_ONCE(conn->nsubflows)) ||
	    nla_put_u64_64bit(skb, NFMPTCP_CONN_A_AGE_MS,
			      jiffies_to_msecs((u32)jiffies - conn->created), NFMPTCP_CONN_A_PAD))
		return -EMSGSIZE;

	if (flags & NFMP_CONN_F_KEY_CLIENT) {
		if (nla_put_u32(skb, NFMPTCP_CONN_A_TOKEN_CLIENT, pc->token[NFMP_CLIENT]) ||
		    (keys && nla_put_u64_64bit(skb, NFMPTCP_CONN_A_KEY_CLIENT,
					       pc->key[NFMP_CLIENT], NFMPTCP_CONN_A_PAD)))
			return -EMSGSIZE;
	}
	if (flags & NFMP_CONN_F_KEY_SERVER) {
		if (nla_put_u32(skb, NFMPTCP_CONN_A_TOKEN_SERVER, pc->token[NFMP_SERVER]) ||
		    (keys && nla_put_u64_64bit(skb, NFMPTCP_CONN_A_KEY_SERVER,
					       pc->key[NFMP_SERVER], NFMPTCP_CONN_A_PAD)))
			return -EMSGSIZE;
	}
	return 0;
}

/* One subflow as a nest of @type; addresses and ports of the original direction. */
static int nfmp_nl_put_subflow(struct sk_buff *skb, int type, const struct nf_conn *ct,
			       const struct nfmp_subflow *sf, u32 join_token)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;

	if (nf_ct_l3num(ct) == NFPROTO_IPV6) {
		if (nla_put_u8(skb, NFMPTCP_SF_A_FAMILY, AF_INET6) ||
		    nla_put_in6_addr(skb, NFMPTCP_SF_A_SADDR6, &t->src.u3.in6) ||
		    nla_put_in6_addr(skb, NFMPTCP_SF_A_DADDR6, &t->dst.u3.in6))
			goto cancel;
	} else {
		if (nla_put_u8(skb, NFMPTCP_SF_A_FAMILY, AF_INET) ||
		    nla_put_in_addr(skb, NFMPTCP_SF_A_SADDR4, t->src.u3.ip) ||
		    nla_put_in_addr(skb, NFMPTCP_SF_A_DADDR4, t->dst.u3.ip))
			goto cancel;
	}
	if (nla_put_be16(skb, NFMPTCP_SF_A_SPORT, t->src.u.tcp.port) ||
	    nla_put_be16(skb, NFMPTCP_SF_A_DPORT, t->dst.u.tcp.port) ||
	    nla_put_u8(skb, NFMPTCP_SF_A_OPENER, sf->opener) ||
	    nla_put_u8(skb, NFMPTCP_SF_A_VERDICT, sf->verdict) ||
	    nla_put_u8(skb, NFMPTCP_SF_A_FLAGS, sf->flags & NFMP_SF_F_EXPORTED))
		goto cancel;
	if (sf->flags & NFMP_SF_F_JOIN) {
		if (nla_put_u8(skb, NFMPTCP_SF_A_ADDR_ID_ORIG, sf->addr_id[NFMP_DIR_ORIG]) ||
		    nla_put_u8(skb, NFMPTCP_SF_A_ADDR_ID_REPLY, sf->addr_id[NFMP_DIR_REPLY]))
			goto cancel;
		if (join_token && nla_put_u32(skb, NFMPTCP_SF_A_TOKEN, join_token))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nfmp_nl_put_addr(struct sk_buff *skb, int type, const struct nfmp_addr_entry *a)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;

	if (nla_put_u8(skb, NFMPTCP_ADDR_A_ID, a->id) ||
	    nla_put_u8(skb, NFMPTCP_ADDR_A_SENDER, a->sender) ||
	    nla_put_u8(skb, NFMPTCP_ADDR_A_FLAGS, a->flags))
		goto cancel;
	/* REMOVE_ADDR carries ids only: no family, no address */
	if (a->family == 6) {
		if (nla_put_u8(skb, NFMPTCP_ADDR_A_FAMILY, AF_INET6) ||
		    nla_put(skb, NFMPTCP_ADDR_A_ADDR6, 16, a->addr))
			goto cancel;
	} else if (a->family == 4) {
		if (nla_put_u8(skb, NFMPTCP_ADDR_A_FAMILY, AF_INET) ||
		    nla_put(skb, NFMPTCP_ADDR_A_ADDR4, 4, a->addr))
			goto cancel;
	}
	/* The parser keeps ports in host order; the wire and the uapi are big endian. */
	if (a->port && nla_put_be16(skb, NFMPTCP_ADDR_A_PORT, htons(a->port)))
		goto cancel;
	if (a->flags & NFMPTCP_ADDR_F_TRANSLATED) {
		if (a->family == 6 ? nla_put(skb, NFMPTCP_ADDR_A_NAT_ADDR6, 16, a->nat_addr) :
				     nla_put(skb, NFMPTCP_ADDR_A_NAT_ADDR4, 4, a->nat_addr))
			goto cancel;
		if (a->nat_port && nla_put_be16(skb, NFMPTCP_ADDR_A_NAT_PORT, htons(a->nat_port)))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * A full connection message: summary, every subflow and every announced
 * address, all under conn->lock (subflow list and protocol state). The
 * caller keeps @conn readable (rcu_read_lock() or nn->ids_lock); -ENOENT:
 * it died meanwhile, nothing was written.
 */
static int nfmp_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			     struct nfmp_kconn *conn, bool keys)
{
	const struct nfmp_addrs *addrs;
	struct nlattr *nest;
	struct nf_conn *ct;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &nfmp_genl_family, flags, NFMPTCP_CMD_CONN_GET);
	if (!hdr)
		return -EMSGSIZE;

	nest = nla_nest_start(skb, NFMPTCP_A_CONN);
	if (!nest)
		goto cancel;

	spin_lock_bh(&conn->lock);
	if (conn->dead) {
		spin_unlock_bh(&conn->lock);
		genlmsg_cancel(skb, hdr);
		return -ENOENT;
	}
	if (nfmp_nl_put_conn_attrs(skb, conn, keys))
		goto unlock_cancel;
	for (ct = conn->subflows; ct; ct = nfmp_ct_data(ct)->live.next)
		if (nfmp_nl_put_subflow(skb, NFMPTCP_CONN_A_SUBFLOWS, ct,
					&nfmp_ct_data(ct)->sf, 0))
			goto unlock_cancel;
	addrs = conn->addrs;
	for (i = 0; addrs && i < addrs->n && i < NFMP_MAX_ADDRS; i++)
		if (nfmp_nl_put_addr(skb, NFMPTCP_CONN_A_ADDRS, &addrs->e[i]))
			goto unlock_cancel;
	spin_unlock_bh(&conn->lock);

	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

unlock_cancel:
	spin_unlock_bh(&conn->lock);
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* ---- CONN_GET ------------------------------------------------------------- */

/*
 * One connection by either end's token. Tokens are unique per host only: a
 * CGN may track several connections with the same one (RFC 8684 §3.2); this
 * returns the oldest-id match and the dump shows them all.
 */
static int nfmp_nl_conn_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nfmp_net *nn = nfmp_pernet(net);
	bool keys = netlink_net_capable(skb, CAP_NET_ADMIN);
	struct nfmp_kconn *cands[8], *found = NULL;
	struct sk_buff *msg;
	unsigned int i, n;
	u32 token;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NFMPTCP_A_TOKEN))
		return -EINVAL;
	token = nla_get_u32(info->attrs[NFMPTCP_A_TOKEN]);

	msg = nlmsg_new(nfmp_nl_conn_full_size(NFMP_MAX_SUBFLOWS_LIMIT), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	/* RCU keeps what the token index returns readable while it is filled in */
	rcu_read_lock();
	n = nfmp_conn_find_token(nn, token, NFMP_ANY_ZONE, cands, ARRAY_SIZE(cands));
	for (i = 0; i < n; i++)
		if (!found || cands[i]->id < found->id)
			found = cands[i];
	err = found ? nfmp_nl_fill_conn(msg, info->snd_portid, info->snd_seq, 0, found, keys)
		    : -ENOENT;
	rcu_read_unlock();

	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFMPTCP_A_TOKEN],
				    "no connection with this token");
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The dump needs one whole connection per message and a message never spans
 * skbs: make the first skb big enough for the largest connection possible
 * (the max-subflows ceiling, not its current value: lowering it leaves larger
 * connections behind; NFMP_MAX_ADDRS addresses).
 */
static int nfmp_nl_conn_dump_start(struct netlink_callback *cb)
{
	size_t need = nfmp_nl_conn_full_size(NFMP_MAX_SUBFLOWS_LIMIT);

	cb->min_dump_alloc = min_t(size_t, need, U16_MAX);
	return 0;
}

/*
 * Resumable dump. Within a bucket, connections are sent in increasing id
 * order and the cursor is (bucket, last id sent): ids only grow, so entries
 * added or removed between two skbs can neither be sent twice nor make us
 * skip one that stayed (a plain position in the chain could do both, since
 * new connections go to the head). Buckets are short, so finding the next
 * id by rescanning the bucket is cheap. A connection that died but is not
 * unhashed yet (its remover waits for ids_lock) is skipped.
 */
static int nfmp_nl_conn_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfmp_net *nn = nfmp_pernet(sock_net(skb->sk));
	bool keys = netlink_net_capable(cb->skb, CAP_NET_ADMIN);
	unsigned int bucket = cb->args[NFMP_NL_ARG_BUCKET];
	u32 last_id = cb->args[NFMP_NL_ARG_LAST_ID];
	unsigned int nbuckets = 1U << nn->hash_bits;
	struct nfmp_kconn *conn, *next;
	int err = 0;

	spin_lock_bh(&nn->ids_lock);
	for (; bucket < nbuckets; bucket++, last_id = 0) {
		for (;;) {
			next = NULL;
			hlist_for_each_entry(conn, &nn->id_hash[bucket], id_node) {
				if (conn->id > last_id && (!next || conn->id < next->id))
					next = conn;
			}
			if (!next)
				break;
			err = nfmp_nl_fill_conn(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI, next, keys);
			if (err == -ENOENT)
				err = 0;
			if (err)
				goto out;
			last_id = next->id;
		}
	}
out:
	spin_unlock_bh(&nn->ids_lock);

	cb->args[NFMP_NL_ARG_BUCKET] = bucket;
	cb->args[NFMP_NL_ARG_LAST_ID] = last_id;
	/* Nothing fit in an empty skb: report it rather than loop forever. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* ---- CONN_FLUSH, STATS_GET, CONFIG_GET/SET -------------------------------- */

static int nfmp_nl_conn_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);

	nfmp_table_flush(net, nfmp_pernet(net), true);
	return 0;
}

static int nfmp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfmp_net *nn = nfmp_pernet(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i, cpu;

	msg = genlmsg_new(nla_total_size(0) +
			  NFMPTCP_STAT_MAX * nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfmp_genl_family, 0, NFMPTCP_CMD_STATS_GET);
	if (!hdr)
		goto nomem;
	nest = nla_nest_start(msg, NFMPTCP_A_STATS);
	if (!nest)
		goto nomem;
	for (i = NFMPTCP_STAT_UNSPEC + 1; i <= NFMPTCP_STAT_MAX; i++) {
		u64 sum = 0;

		if (i == NFMPTCP_STAT_CONN_ACTIVE)
			sum = READ_ONCE(nn->count);
		else
			for_each_possible_cpu(cpu)
				sum += READ_ONCE(per_cpu_ptr(nn->stats, cpu)[i]);
		/* attribute 0 is never a counter: it serves as padding */
		if (nla_put_u64_64bit(msg, i, sum, NFMPTCP_STAT_UNSPEC))
			goto nomem;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nomem:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nfmp_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfmp_net *nn = nfmp_pernet(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(0) + 3 * nla_total_size(sizeof(u32)) +
			  9 * nla_total_size(sizeof(u8)) + nfmp_nat_map_nlsize(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfmp_genl_family, 0, NFMPTCP_CMD_CONFIG_GET);
	if (!hdr)
		goto nomem;
	nest = nla_nest_start(msg, NFMPTCP_A_CONFIG);
	if (!nest ||
	    nla_put_u32(msg, NFMPTCP_CFG_A_MAX_CONNS, READ_ONCE(nn->cfg.max_conns)) ||
	    nla_put_u32(msg, NFMPTCP_CFG_A_MAX_SUBFLOWS, READ_ONCE(nn->cfg.max_subflows)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_JOIN_RELATED, READ_ONCE(nn->cfg.join_related)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN,
		       READ_ONCE(nn->cfg.join_action[NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN])) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_JOIN_BAD_HMAC,
		       READ_ONCE(nn->cfg.join_action[NFMPTCP_POLICY_JOIN_BAD_HMAC])) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_JOIN_OVER_LIMIT,
		       READ_ONCE(nn->cfg.join_action[NFMPTCP_POLICY_JOIN_OVER_LIMIT])) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_JOIN_NOT_OWNED,
		       READ_ONCE(nn->cfg.join_action[NFMPTCP_POLICY_JOIN_NOT_OWNED])) ||
	    nla_put_u32(msg, NFMPTCP_CFG_A_JOIN_RATE, READ_ONCE(nn->cfg.join_rate)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_MP_CAPABLE, READ_ONCE(nn->cfg.mp_capable)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_ADD_ADDR, READ_ONCE(nn->cfg.add_addr)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC,
		       READ_ONCE(nn->cfg.add_addr_bad_hmac)) ||
	    nla_put_u8(msg, NFMPTCP_CFG_A_AUTO_DETECT, READ_ONCE(nn->hooks_on)) ||
	    nfmp_nat_map_fill(msg, nn))
		goto nomem;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nomem:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Ranges were checked by the policy (with extack) before we get here. Each
 * value is read locklessly by the packet path, hence WRITE_ONCE; a new limit
 * applies to connections and subflows created afterwards.
 */
static void nfmp_nl_cfg_set_u8(const struct nlattr *a, u8 *val)
{
	if (a)
		WRITE_ONCE(*val, nla_get_u8(a));
}

static int nfmp_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfmp_net *nn = nfmp_pernet(genl_info_net(info));
	struct nlattr *tb[NFMPTCP_CFG_A_MAX + 1];
	struct nfmp_config *cfg = &nn->cfg;
	struct nfmp_nat_map *nat_map = NULL;
	struct nlattr *attr;
	bool any = false;
	int err, i;

	if (GENL_REQ_ATTR_CHECK(info, NFMPTCP_A_CONFIG))
		return -EINVAL;
	attr = info->attrs[NFMPTCP_A_CONFIG];
	err = nla_parse_nested(tb, NFMPTCP_CFG_A_MAX, attr, nfmp_nl_cfg_policy, info->extack);
	if (err)
		return err;
	/* all or nothing: check every value before changing any */
	for (i = 1; i <= NFMPTCP_CFG_A_MAX; i++) {
		if (!tb[i])
			continue;
		any = true;
		if (nfmp_nl_cfg_actions[i] && !(nfmp_nl_cfg_actions[i] & BIT(nla_get_u8(tb[i])))) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "action not available for this policy");
			return -EINVAL;
		}
	}
	if (!any) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no configuration value given");
		return -EINVAL;
	}
	/* built whole before anything changes; installed last */
	if (tb[NFMPTCP_CFG_A_NAT_MAP]) {
		err = nfmp_nat_map_parse(tb[NFMPTCP_CFG_A_NAT_MAP], &nat_map, info->extack);
		if (err)
			return err;
	}
	/* the only setting that can fail to apply: first, so that a failure changes nothing */
	if (tb[NFMPTCP_CFG_A_AUTO_DETECT]) {
		err = nfmp_track_set_auto_detect(genl_info_net(info),
						 nla_get_u8(tb[NFMPTCP_CFG_A_AUTO_DETECT]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[NFMPTCP_CFG_A_AUTO_DETECT],
					    "cannot register the hooks");
			nfmp_nat_map_free(nat_map);
			return err;
		}
	}

	if (tb[NFMPTCP_CFG_A_MAX_CONNS])
		WRITE_ONCE(cfg->max_conns, nla_get_u32(tb[NFMPTCP_CFG_A_MAX_CONNS]));
	if (tb[NFMPTCP_CFG_A_MAX_SUBFLOWS])
		WRITE_ONCE(cfg->max_subflows, nla_get_u32(tb[NFMPTCP_CFG_A_MAX_SUBFLOWS]));
	if (tb[NFMPTCP_CFG_A_JOIN_RELATED])
		WRITE_ONCE(cfg->join_related, nla_get_u8(tb[NFMPTCP_CFG_A_JOIN_RELATED]));
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN],
			   &cfg->join_action[NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN]);
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_JOIN_BAD_HMAC],
			   &cfg->join_action[NFMPTCP_POLICY_JOIN_BAD_HMAC]);
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_JOIN_OVER_LIMIT],
			   &cfg->join_action[NFMPTCP_POLICY_JOIN_OVER_LIMIT]);
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_JOIN_NOT_OWNED],
			   &cfg->join_action[NFMPTCP_POLICY_JOIN_NOT_OWNED]);
	if (tb[NFMPTCP_CFG_A_JOIN_RATE])
		WRITE_ONCE(cfg->join_rate, nla_get_u32(tb[NFMPTCP_CFG_A_JOIN_RATE]));
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_MP_CAPABLE], &cfg->mp_capable);
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_ADD_ADDR], &cfg->add_addr);
	nfmp_nl_cfg_set_u8(tb[NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC], &cfg->add_addr_bad_hmac);
	if (tb[NFMPTCP_CFG_A_NAT_MAP])
		nfmp_nat_map_replace(nn, nat_map);
	return 0;
}

/* ---- events --------------------------------------------------------------- */

/*
 * Events are sent from the packet path (softirq) and from conntrack destroy,
 * with nn->ids_lock and/or conn->lock held by the caller: they take no lock
 * and allocate with GFP_ATOMIC. The connection fields they read are a
 * snapshot (tokens and id never change once set). Nothing is built when no
 * socket listens to the group in this netns.
 */
static bool nfmp_nl_event_wanted(struct net *net)
{
	return genl_has_listeners(&nfmp_genl_family, net, NFMP_NL_MCGRP_EVENTS);
}

static struct sk_buff *nfmp_nl_event_new(size_t payload, u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	skb = genlmsg_new(payload, GFP_ATOMIC);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &nfmp_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int nfmp_nl_event_put_conn(struct sk_buff *skb, const struct nfmp_kconn *conn)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, NFMPTCP_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nfmp_nl_put_conn_attrs(skb, conn, false)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static void nfmp_nl_event_send(struct net *net, struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&nfmp_genl_family, net, skb, 0, NFMP_NL_MCGRP_EVENTS,
				GFP_ATOMIC);
}

void nfmp_event_conn(struct net *net, u8 cmd, struct nfmp_kconn *conn)
{
	struct sk_buff *skb;
	void *hdr;

	if (!nfmp_nl_event_wanted(net))
		return;
	skb = nfmp_nl_event_new(nfmp_nl_conn_summary_size(), cmd, &hdr);
	if (!skb)
		return;
	if (nfmp_nl_event_put_conn(skb, conn)) {
		nlmsg_free(skb);
		return;
	}
	nfmp_nl_event_send(net, skb, hdr);
}

static void nfmp_event_subflow_token(struct net *net, u8 cmd, struct nfmp_kconn *conn,
				     const struct nf_conn *ct, const struct nfmp_subflow *sf,
				     u32 join_token)
{
	struct sk_buff *skb;
	void *hdr;

	if (!nfmp_nl_event_wanted(net))
		return;
	skb = nfmp_nl_event_new(nfmp_nl_conn_summary_size() + nfmp_nl_subflow_size(),
				cmd, &hdr);
	if (!skb)
		return;
	if ((conn && nfmp_nl_event_put_conn(skb, conn)) ||
	    nfmp_nl_put_subflow(skb, NFMPTCP_A_SUBFLOW, ct, sf, join_token)) {
		nlmsg_free(skb);
		return;
	}
	nfmp_nl_event_send(net, skb, hdr);
}

void nfmp_event_subflow(struct net *net, u8 cmd, struct nfmp_kconn *conn,
			const struct nf_conn *ct, const struct nfmp_subflow *sf)
{
	nfmp_event_subflow_token(net, cmd, conn, ct, sf, 0);
}

/*
 * A join SYN whose token matches no connection. Its conntrack is not
 * confirmed: after an extension genid bump its helper area is out of reach
 * (nfct_help() returns NULL), so the caller passes the token in.
 */
void nfmp_event_join_unknown(struct net *net, const struct nf_conn *ct,
			     const struct nfmp_subflow *sf, u32 token)
{
	nfmp_event_subflow_token(net, NFMPTCP_EVENT_JOIN_INVALID, NULL, ct, sf, token);
}

void nfmp_event_addr(struct net *net, u8 cmd, struct nfmp_kconn *conn,
		     const struct nfmp_addr_entry *a, u8 sender)
{
	struct nfmp_addr_entry e = *a;
	struct sk_buff *skb;
	void *hdr;

	if (!nfmp_nl_event_wanted(net))
		return;
	skb = nfmp_nl_event_new(nfmp_nl_conn_summary_size() + nfmp_nl_addr_size(), cmd, &hdr);
	if (!skb)
		return;
	e.sender = sender;
	/* @conn is NULL for an ADD_ADDR on a conntrack we do not track (nf_nat_mptcp) */
	if ((conn && nfmp_nl_event_put_conn(skb, conn)) ||
	    nfmp_nl_put_addr(skb, NFMPTCP_A_ADDR, &e)) {
		nlmsg_free(skb);
		return;
	}
	nfmp_nl_event_send(net, skb, hdr);
}

void nfmp_event_policy(struct net *net, const struct nfmp_policy_event *pe)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	if (!nfmp_nl_event_wanted(net))
		return;
	skb = nfmp_nl_event_new(nla_total_size(0) + 2 * nla_total_size(sizeof(u8)) +
				nfmp_nl_conn_summary_size() + nfmp_nl_subflow_size() +
				nfmp_nl_addr_size(), NFMPTCP_EVENT_POLICY, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, NFMPTCP_A_POLICY);
	if (!nest ||
	    nla_put_u8(skb, NFMPTCP_POLICY_A_POLICY, pe->policy) ||
	    nla_put_u8(skb, NFMPTCP_POLICY_A_ACTION, pe->action))
		goto fail;
	nla_nest_end(skb, nest);
	if ((pe->conn && nfmp_nl_event_put_conn(skb, pe->conn)) ||
	    nfmp_nl_put_subflow(skb, NFMPTCP_A_SUBFLOW, pe->ct, pe->sf, pe->token) ||
	    (pe->addr && nfmp_nl_put_addr(skb, NFMPTCP_A_ADDR, pe->addr)))
		goto fail;
	nfmp_nl_event_send(net, skb, hdr);
	return;

fail:
	nlmsg_free(skb);
}

/* ---- family --------------------------------------------------------------- */

static const struct genl_ops nfmp_nl_ops[] = {
	{
		/* tokens and addresses of others' flows: as private as conntrack's */
		.cmd	= NFMPTCP_CMD_CONN_GET,
		.doit	= nfmp_nl_conn_get_doit,
		.start	= nfmp_nl_conn_dump_start,
		.dumpit	= nfmp_nl_conn_dumpit,
		.policy	= nfmp_nl_conn_get_policy,
		.maxattr = NFMPTCP_A_TOKEN,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= NFMPTCP_CMD_CONN_FLUSH,
		.doit	= nfmp_nl_conn_flush_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= NFMPTCP_CMD_STATS_GET,
		.doit	= nfmp_nl_stats_get_doit,
	},
	{
		.cmd	= NFMPTCP_CMD_CONFIG_GET,
		.doit	= nfmp_nl_config_get_doit,
	},
	{
		.cmd	= NFMPTCP_CMD_CONFIG_SET,
		.doit	= nfmp_nl_config_set_doit,
		.policy	= nfmp_nl_config_set_policy,
		.maxattr = NFMPTCP_A_CONFIG,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family nfmp_genl_family __ro_after_init = {
	.name		= NFMPTCP_GENL_NAME,
	.version	= NFMPTCP_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	/*
	 * resv_start_op 0: a new family, so every command gets strict checks of
	 * the header and nlmsg flags, and commands without a policy reject any
	 * attribute instead of ignoring it.
	 */
	.module		= THIS_MODULE,
	.ops		= nfmp_nl_ops,
	.n_ops		= ARRAY_SIZE(nfmp_nl_ops),
	.mcgrps		= nfmp_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(nfmp_nl_mcgrps),
};

/* Called after the pernet ops are registered: handlers use nfmp_pernet(). */
int __init nfmp_netlink_init(void)
{
	nfmp_nl_check_uapi();
	return genl_register_family(&nfmp_genl_family);
}

void nfmp_netlink_exit(void)
{
	genl_unregister_family(&nfmp_genl_family);
}
