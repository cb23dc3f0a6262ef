// SPDX-License-Identifier: GPL-2.0
/*
 * nf_nat_mptcp.c - MPTCP through NAT: translate the address an ADD_ADDR
 * announces (RFC 8684 §3.4.1) to one the peer can reach, re-sign it with the
 * connection's keys, reverse-translate its echo, and let the peer's join to
 * an allocated address in through an expectation that DNATs it to the
 * announcing host. Documentation/nat.rst says how addresses are chosen.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "nfmp_nat_hook.h"

/* First port tried above the implied one, and how many are tried, for an allocation. */
#define NFMP_NAT_PORT_TRIES	64

enum nfmp_nat_action {
	NFMP_NAT_KEEP,		/* nothing to translate */
	NFMP_NAT_REWRITE,
	NFMP_NAT_DROP,		/* cannot be translated (keys unknown, no room, no expectation) */
};

/* What was decided for one ADD_ADDR, under the locks, to be carried out without them. */
struct nfmp_nat_plan {
	enum nfmp_nat_action	action;
	struct nfmp_add_addr	aa;		/* as received */
	struct nfmp_add_addr	out;		/* as it will be sent */
	u8			sender;		/* NFMP_CLIENT / NFMP_SERVER */
	bool			announce;	/* an announcement (not an echo) */
	bool			expect;		/* allocate: set up an expectation */
	bool			sign;		/* v1 announcement: new HMAC */
	struct nfmp_hmac_key	hk;		/* sender's key (copied when sign) */
	union nf_inet_addr	to_addr;	/* expectation: the announcing host */
	__be16			to_port;
};

static bool nfmp_nat_addr_eq(const u8 *a, u8 family, const union nf_inet_addr *u3)
{
	return !memcmp(a, u3->all, family == 4 ? 4 : 16);
}

static void nfmp_nat_addr_set(u8 *a, u8 family, const union nf_inet_addr *u3)
{
	memset(a, 0, 16);
	memcpy(a, u3->all, family == 4 ? 4 : 16);
}

/*
 * An announcing host address already mapped: by the operator's static 1:1
 * NAT (config nat-map; the port is kept), or by one of the connection's
 * subflows (its SNAT source or DNAT target, or either half of a 1:1 NAT):
 * use that mapping. Under conn->lock (subflow list, addrs).
 */
static bool nfmp_nat_find_mapping(const struct nfmp_kconn *conn, const struct nf_conn *ct,
				  u8 sender, u16 port, struct nfmp_nat_plan *plan)
{
	union nf_inet_addr inside = {}, outside;
	struct nf_conn *sub;

	memcpy(inside.all, plan->aa.addr, plan->aa.family == 4 ? 4 : 16);
	if (nfmp_nat_map_lookup(nfmp_pernet(nf_ct_net(ct)), nf_ct_l3num(ct), &inside, &outside)) {
		nfmp_nat_addr_set(plan->out.addr, plan->aa.family, &outside);
		plan->out.port = port;
		return true;
	}
	nfmp_for_each_subflow(conn, sub) {
		enum ip_conntrack_dir ds;
		const struct nf_conntrack_tuple *real, *seen;

		if (nf_ct_l3num(sub) != nf_ct_l3num(ct))
			continue;
		ds = nfmp_ct_data(sub)->sf.opener == sender ? IP_CT_DIR_ORIGINAL : IP_CT_DIR_REPLY;
		real = &sub->tuplehash[ds].tuple;
		seen = &sub->tuplehash[!ds].tuple;
		if (nfmp_nat_addr_eq(plan->aa.addr, plan->aa.family, &real->src.u3) &&
		    ntohs(real->src.u.tcp.port) == port) {
			nfmp_nat_addr_set(plan->out.addr, plan->aa.family, &seen->dst.u3);
			plan->out.port = ntohs(seen->dst.u.tcp.port);
			return true;
		}
	}
	return false;
}

static struct nfmp_addr_entry *nfmp_nat_entry(struct nfmp_kconn *conn, u8 sender, u8 id)
{
	unsigned int i;

	for (i = 0; conn->addrs && i < conn->addrs->n; i++)
		if (conn->addrs->e[i].sender == sender && conn->addrs->e[i].id == id)
			return &conn->addrs->e[i];
	return NULL;
}

/* Decide for an announcement. Under conn->lock. */
static void nfmp_nat_plan_announce(struct nfmp_kconn *conn, const struct nf_conn *ct,
				   enum ip_conntrack_dir d, struct nfmp_nat_plan *plan)
{
	const struct nf_conntrack_tuple *real = &ct->tuplehash[d].tuple;
	const struct nf_conntrack_tuple *seen = &ct->tuplehash[!d].tuple;
	u16 port = plan->aa.has_port ? plan->aa.port : ntohs(real->src.u.tcp.port);
	u16 peer_implied = ntohs(seen->dst.u.tcp.port);
	const struct nfmp_addr_entry *e;

	plan->out = plan->aa;
	if (plan->aa.version != NFMP_VERSION_0) {
		/* §3.4.1: never forward what the receiver will reject; never launder a forgery */
		if (!conn->pc.hk) {
			plan->action = NFMP_NAT_DROP;
			return;
		}
		plan->hk = conn->pc.hk[plan->sender];
		if (!nfmp_add_addr_hmac_ok(&plan->aa, &plan->hk)) {
			plan->action = NFMP_NAT_KEEP;
			return;
		}
		plan->sign = true;
	}

	if (!nfmp_nat_find_mapping(conn, ct, plan->sender, port, plan)) {
		/*
		 * Not mapped: announce the NAT's outside address this
		 * connection uses, on a port whose expectation leads the
		 * peer's join to the host. A retransmission keeps its port.
		 */
		nfmp_nat_addr_set(plan->out.addr, plan->aa.family, &seen->dst.u3);
		e = nfmp_nat_entry(conn, plan->sender, plan->aa.addr_id);
		if (e && (e->flags & NFMPTCP_ADDR_F_TRANSLATED) && e->nat_port &&
		    !memcmp(e->nat_addr, plan->out.addr, 16))
			plan->out.port = e->nat_port;
		else
			plan->out.port = plan->aa.has_port ? port : peer_implied + 1;
		if (plan->out.port < 1024)
			plan->out.port = 1024;
		plan->expect = true;
		/* the host's announced address, and the port its join would go to */
		memset(&plan->to_addr, 0, sizeof(plan->to_addr));
		memcpy(plan->to_addr.all, plan->aa.addr, plan->aa.family == 4 ? 4 : 16);
		plan->to_port = htons(port);
	}
	/* Without a port the peer joins the port it uses on this subflow (§3.4.1). */
	plan->out.has_port = plan->aa.has_port || plan->out.port != peer_implied;
	if (!plan->out.has_port)
		plan->out.port = 0;
	if (!plan->expect && plan->out.has_port == plan->aa.has_port &&
	    plan->out.port == plan->aa.port && !memcmp(plan->out.addr, plan->aa.addr, 16)) {
		plan->action = NFMP_NAT_KEEP;
		return;
	}
	plan->action = NFMP_NAT_REWRITE;
}

/* Decide for an echo (E = 1): give the announcer back its own address. Under conn->lock. */
static void nfmp_nat_plan_echo(struct nfmp_kconn *conn, struct nfmp_nat_plan *plan)
{
	const struct nfmp_addr_entry *e = nfmp_nat_entry(conn, !plan->sender, plan->aa.addr_id);

	plan->out = plan->aa;
	if (!e || !(e->flags & NFMPTCP_ADDR_F_TRANSLATED) || e->family != plan->aa.family ||
	    memcmp(e->nat_addr, plan->aa.addr, 16) ||
	    e->nat_port != (plan->aa.has_port ? plan->aa.port : 0)) {
		plan->action = NFMP_NAT_KEEP;
		return;
	}
	memcpy(plan->out.addr, e->addr, 16);
	plan->out.has_port = e->port != 0;
	plan->out.port = e->port;
	plan->action = NFMP_NAT_REWRITE;
}

/* The peer's join to an allocated address: DNAT it to the announcing host. */
/*
 * May an expectation lead the peer's join to @a? Never to the NAT box itself
 * nor to a loopback, broadcast, multicast or unspecified address: an inside
 * host that forges an ADD_ADDR must not open a pinhole to those.
 */
static bool nfmp_nat_target_ok(struct net *net, u8 family, const union nf_inet_addr *a)
{
	if (family == 4) {
		__be32 ip = a->ip;

		if (ipv4_is_loopback(ip) || ipv4_is_multicast(ip) || ipv4_is_lbcast(ip) ||
		    ipv4_is_zeronet(ip))
			return false;
		return inet_addr_type(net, ip) == RTN_UNICAST;
	}
	if (ipv6_addr_type(&a->in6) & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_MULTICAST) ||
	    ipv6_addr_any(&a->in6))
		return false;
	return !ipv6_chk_addr(net, &a->in6, NULL, 0);
}

static void nfmp_nat_expected(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	struct nf_nat_range2 range = {
		.flags		= NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
		.min_addr	= exp->saved_addr,
		.max_addr	= exp->saved_addr,
		.min_proto	= exp->saved_proto,
		.max_proto	= exp->saved_proto,
	};

	/* the source is left to the NAT's own rules at POSTROUTING */
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/*
 * Expect the peer's join: from the address the peer uses on this subflow (any
 * port) to the outside address and port announced. Tries the planned port and
 * the next ones; returns 0 with plan->out.port the one taken.
 */
static int nfmp_nat_expect(struct nf_conn *ct, enum ip_conntrack_dir d,
			   struct nfmp_nat_plan *plan)
{
	const struct nf_conntrack_tuple *seen = &ct->tuplehash[!d].tuple;
	struct nf_conntrack_expect *exp;
	unsigned int i;
	u16 port = plan->out.port;
	int ret = -EBUSY;

	exp = nf_ct_expect_alloc(ct);
	if (!exp)
		return -ENOMEM;
	for (i = 0; i < NFMP_NAT_PORT_TRIES; i++, port = port == 65535 ? 1024 : port + 1) {
		__be16 bport = htons(port);

		nf_ct_expect_init(exp, NF_CT_EXPECT_CLASS_DEFAULT, nf_ct_l3num(ct),
				  &seen->src.u3, &seen->dst.u3, IPPROTO_TCP, NULL, &bport);
		exp->expectfn = nfmp_nat_expected;
		exp->saved_addr = plan->to_addr;
		exp->saved_proto.tcp.port = plan->to_port;
		exp->dir = !d;
		ret = nf_ct_expect_related(exp, 0);
		if (ret != -EBUSY && ret != -EALREADY)
			break;
	}
	nf_ct_expect_put(exp);
	if (!ret)
		plan->out.port = port;
	return ret;
}

static void nfmp_nat_record(struct nfmp_kconn *conn, struct nfmp_nat_plan *plan,
			    struct nfmp_addr_entry *snap)
{
	struct nfmp_addr_entry *e;

	memset(snap, 0, sizeof(*snap));
	memcpy(snap->addr, plan->aa.addr, 16);
	snap->family = plan->aa.family;
	snap->id = plan->aa.addr_id;
	snap->port = plan->aa.has_port ? plan->aa.port : 0;
	spin_lock_bh(&conn->lock);
	e = nfmp_nat_entry(conn, plan->sender, plan->aa.addr_id);
	if (e && e->family == plan->aa.family && !memcmp(e->addr, plan->aa.addr, 16)) {
		e->flags &= ~(NFMPTCP_ADDR_F_TRANSLATED | NFMPTCP_ADDR_F_DROPPED);
		if (plan->action == NFMP_NAT_REWRITE) {
			e->flags |= NFMPTCP_ADDR_F_TRANSLATED;
			memcpy(e->nat_addr, plan->out.addr, 16);
			e->nat_port = plan->out.has_port ? plan->out.port : 0;
		} else {
			e->flags |= NFMPTCP_ADDR_F_DROPPED;
		}
		*snap = *e;
	}
	spin_unlock_bh(&conn->lock);
	if (plan->action == NFMP_NAT_REWRITE && !(snap->flags & NFMPTCP_ADDR_F_TRANSLATED)) {
		snap->flags |= NFMPTCP_ADDR_F_TRANSLATED;
		memcpy(snap->nat_addr, plan->out.addr, 16);
		snap->nat_port = plan->out.has_port ? plan->out.port : 0;
	}
}

static unsigned int nfmp_nat_add_addr(struct sk_buff *skb, unsigned int protoff,
				      struct nf_conn *ct, enum ip_conntrack_info ctinfo,
				      struct nfmp_kconn *conn)
{
	enum ip_conntrack_dir d = CTINFO2DIR(ctinfo);
	const struct nf_conntrack_tuple *real = &ct->tuplehash[d].tuple;
	const struct nf_conntrack_tuple *seen = &ct->tuplehash[!d].tuple;
	struct net *net = nf_ct_net(ct);
	struct nfmp_net *nn = nfmp_pernet(net);
	u8 opts[MAX_TCP_OPTION_SPACE], rebuilt[MAX_TCP_OPTION_SPACE], buf[NFMP_ADD_ADDR_MAXLEN];
	unsigned int len, newlen = 0;
	bool written = false, grown = false;
	struct nfmp_addr_entry snap;
	struct nfmp_opts parsed;
	struct nfmp_nat_plan plan;
	u8 tcp_flags;
	int optlen;

	optlen = nfmp_tcp_opts_copy(skb, protoff, opts, &tcp_flags);
	if (optlen < 0 || !nfmp_has_mptcp_option(opts, optlen))
		return NF_ACCEPT;
	nfmp_parse_options(opts, optlen, tcp_flags,
			   conn ? READ_ONCE(conn->pc.version) : NFMP_VERSION_UNKNOWN, &parsed);
	if (!(parsed.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)))
		return NF_ACCEPT;

	memset(&plan, 0, sizeof(plan));
	plan.aa = parsed.add_addr;
	plan.announce = plan.aa.version == NFMP_VERSION_0 || !plan.aa.echo;
	/* an IPv6 address on an IPv4 subflow: this NAT has nothing to say about it */
	if ((plan.aa.family == 4) != (nf_ct_l3num(ct) == NFPROTO_IPV4))
		return NF_ACCEPT;

	if (!conn) {
		/*
		 * Untracked: the announcer's side is translated on this flow
		 * but neither mapping nor keys are known.
		 */
		if (!plan.announce ||
		    (nf_inet_addr_cmp(&real->src.u3, &seen->dst.u3) &&
		     real->src.u.tcp.port == seen->dst.u.tcp.port))
			return NF_ACCEPT;
		plan.action = NFMP_NAT_DROP;
	} else {
		spin_lock_bh(&conn->lock);
		if (conn->dead) {
			plan.action = NFMP_NAT_KEEP;
		} else {
			const struct nfmp_ct_data *data = nfmp_ct_data(ct);

			plan.sender = d == IP_CT_DIR_ORIGINAL ? data->sf.opener : !data->sf.opener;
			if (!plan.announce)
				nfmp_nat_plan_echo(conn, &plan);
			else if (nf_inet_addr_cmp(&real->src.u3, &seen->dst.u3) &&
				 real->src.u.tcp.port == seen->dst.u.tcp.port)
				plan.action = NFMP_NAT_KEEP;	/* the NAT is on the other side */
			else
				nfmp_nat_plan_announce(conn, ct, d, &plan);
		}
		spin_unlock_bh(&conn->lock);
	}

	if (plan.action == NFMP_NAT_KEEP)
		goto out;
	if (plan.action == NFMP_NAT_REWRITE && plan.expect &&
	    (!nfmp_nat_target_ok(net, plan.aa.family, &plan.to_addr) ||
	     nfmp_nat_expect(ct, d, &plan)))
		plan.action = NFMP_NAT_DROP;
	if (plan.action == NFMP_NAT_REWRITE) {
		if (plan.sign)
			nfmp_add_addr_sign(&plan.out, &plan.hk);
		len = nfmp_add_addr_encode(&plan.out, buf);
		/*
		 * Into the NOP padding, else a larger header where the segment
		 * allows it (a port added to an announcement without timestamps).
		 */
		newlen = nfmp_opts_replace_grow(opts, optlen, plan.aa.offset, plan.aa.len, buf,
						len, rebuilt);
		if (newlen == optlen) {
			written = nfmp_tcp_opts_write(skb, protoff, rebuilt, optlen);
		} else if (newlen && nfmp_tcp_opts_can_grow(skb, protoff, optlen)) {
			grown = nfmp_tcp_opts_grow(skb, protoff, rebuilt, optlen, newlen);
			written = grown;
		}
		/* no room, or none to be had in the skb: the announcement goes instead */
		if (!written)
			plan.action = NFMP_NAT_DROP;
	}
	if (plan.action == NFMP_NAT_DROP) {
		/* removal: NOPs in its place, always possible */
		nfmp_opts_replace(opts, optlen, plan.aa.offset, plan.aa.len, NULL, 0);
		written = nfmp_tcp_opts_write(skb, protoff, opts, optlen);
	}
	if (!written) {
		/* unwritable: never forward the untranslated option; TCP retransmits */
		nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_DROPPED);
		memzero_explicit(&plan.hk, sizeof(plan.hk));
		return NF_DROP;
	}
	if (conn && plan.announce)
		nfmp_nat_record(conn, &plan, &snap);
	else
		memset(&snap, 0, sizeof(snap));

	if (plan.action == NFMP_NAT_REWRITE) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_REWRITTEN);
		if (grown)
			nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_GROWN);
		if (plan.announce)
			nfmp_event_addr(net, NFMPTCP_EVENT_ADDR_TRANSLATED, conn, &snap,
					plan.sender);
	} else {
		nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_DROPPED);
		if (!conn || !plan.announce) {
			memset(&snap, 0, sizeof(snap));
			memcpy(snap.addr, plan.aa.addr, 16);
			snap.family = plan.aa.family;
			snap.id = plan.aa.addr_id;
			snap.port = plan.aa.has_port ? plan.aa.port : 0;
			snap.flags = NFMPTCP_ADDR_F_DROPPED;
		}
		nfmp_event_addr(net, NFMPTCP_EVENT_ADD_ADDR_DROPPED, conn, &snap, plan.sender);
	}
out:
	memzero_explicit(&plan.hk, sizeof(plan.hk));
	return NF_ACCEPT;
}

static bool nfmp_nat_exp_is_ours(struct nf_conntrack_expect *exp, void *data)
{
	return exp->expectfn == nfmp_nat_expected;
}

/* Lets `ct helper set "mptcp"` (and nft ct helper objects) load this module. */
static struct nf_conntrack_nat_helper nfmp_nat_helper =
	NF_CT_NAT_HELPER_INIT(NFMP_HELPER_NAME);

static int __init nfmp_nat_init(void)
{
	WARN_ON(rcu_access_pointer(nfmp_nat_hook));
	nf_nat_helper_register(&nfmp_nat_helper);
	RCU_INIT_POINTER(nfmp_nat_hook, nfmp_nat_add_addr);
	return 0;
}

static void __exit nfmp_nat_exit(void)
{
	RCU_INIT_POINTER(nfmp_nat_hook, NULL);
	/* no hook runs us, nor is between finding an expectation and its expectfn */
	synchronize_rcu();
	nf_ct_expect_iterate_destroy(nfmp_nat_exp_is_ours, NULL);
	synchronize_rcu();
	nf_nat_helper_unregister(&nfmp_nat_helper);
}

module_init(nfmp_nat_init);
module_exit(nfmp_nat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Netfilter NAT for MPTCP: ADD_ADDR translated and re-signed, joins let in");
MODULE_ALIAS_NF_NAT_HELPER(NFMP_HELPER_NAME);
