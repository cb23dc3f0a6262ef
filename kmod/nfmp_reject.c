// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_reject.c - the reject action: a TCP RST carrying MP_TCPRST reason 3
 * (administratively prohibited, RFC 8684 §3.6), toward the sender of a
 * packet, or on its behalf toward its destination so that an end which saw
 * the subflow's SYN does not keep it half-open. Modelled on nf_send_reset()
 * and nf_send_reset6(), which cannot carry an option.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/route.h>
#include <net/tcp.h>

#include "nfmp_kernel.h"
#include "nfmp_enforce.h"

#define NFMP_TCPRST_LEN	4	/* kind, length, subtype and flags, reason */
#define NFMP_RST_THLEN	(sizeof(struct tcphdr) + NFMP_TCPRST_LEN)

/* The RST's TCP header, from the offending segment @oth carrying @paylen bytes. */
static void nfmp_rst_tcphdr(struct tcphdr *th, const struct tcphdr *oth, unsigned int paylen,
			    bool reply)
{
	u8 *opt = (u8 *)(th + 1);

	memset(th, 0, NFMP_RST_THLEN);
	th->doff = NFMP_RST_THLEN / 4;
	th->rst = 1;
	if (reply) {
		th->source = oth->dest;
		th->dest = oth->source;
		if (oth->ack) {
			th->seq = oth->ack_seq;
		} else {
			th->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin + paylen);
			th->ack = 1;
		}
	} else {
		/* as if the sender reset: in its own sequence space, acking what it acked */
		th->source = oth->source;
		th->dest = oth->dest;
		th->seq = oth->seq;
		th->ack_seq = oth->ack_seq;
		th->ack = oth->ack;
	}
	opt[0] = NFMP_TCPOPT_MPTCP;
	opt[1] = NFMP_TCPRST_LEN;
	opt[2] = NFMP_MP_TCPRST << 4;
	opt[3] = NFMPTCP_TCPRST_ADMIN_PROHIBITED;
}

static struct sk_buff *nfmp_rst_alloc(unsigned int nhlen)
{
	struct sk_buff *nskb;

	nskb = alloc_skb(LL_MAX_HEADER + nhlen + NFMP_RST_THLEN, GFP_ATOMIC);
	if (nskb)
		skb_reserve(nskb, LL_MAX_HEADER);
	return nskb;
}

static struct sk_buff *nfmp_rst_build4(struct net *net, struct sk_buff *oldskb,
				       const struct tcphdr *oth, unsigned int paylen, bool reply)
{
	const struct iphdr *oiph = ip_hdr(oldskb);
	struct sk_buff *nskb;
	struct tcphdr *th;
	struct iphdr *iph;

	nskb = nfmp_rst_alloc(sizeof(*iph));
	if (!nskb)
		return NULL;
	skb_reset_network_header(nskb);
	iph = skb_put_zero(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->protocol = IPPROTO_TCP;
	iph->ttl = READ_ONCE(net->ipv4.sysctl_ip_default_ttl);
	iph->saddr = reply ? oiph->daddr : oiph->saddr;
	iph->daddr = reply ? oiph->saddr : oiph->daddr;
	nskb->protocol = htons(ETH_P_IP);

	skb_reset_transport_header(nskb);
	th = skb_put(nskb, NFMP_RST_THLEN);
	nfmp_rst_tcphdr(th, oth, paylen, reply);
	th->check = tcp_v4_check(NFMP_RST_THLEN, iph->saddr, iph->daddr,
				 csum_partial(th, NFMP_RST_THLEN, 0));
	nskb->ip_summed = CHECKSUM_NONE;
	return nskb;
}

static struct sk_buff *nfmp_rst_build6(struct net *net, struct sk_buff *oldskb,
				       const struct tcphdr *oth, unsigned int paylen, bool reply)
{
	const struct ipv6hdr *oip6h = ipv6_hdr(oldskb);
	struct sk_buff *nskb;
	struct ipv6hdr *ip6h;
	struct tcphdr *th;

	nskb = nfmp_rst_alloc(sizeof(*ip6h));
	if (!nskb)
		return NULL;
	skb_reset_network_header(nskb);
	ip6h = skb_put_zero(nskb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = READ_ONCE(net->ipv6.devconf_all->hop_limit);
	ip6h->saddr = reply ? oip6h->daddr : oip6h->saddr;
	ip6h->daddr = reply ? oip6h->saddr : oip6h->daddr;
	nskb->protocol = htons(ETH_P_IPV6);

	skb_reset_transport_header(nskb);
	th = skb_put(nskb, NFMP_RST_THLEN);
	nfmp_rst_tcphdr(th, oth, paylen, reply);
	th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, NFMP_RST_THLEN, IPPROTO_TCP,
				    csum_partial(th, NFMP_RST_THLEN, 0));
	nskb->ip_summed = CHECKSUM_NONE;
	return nskb;
}

/*
 * Route lookups expect the offending packet to have a route: in PREROUTING
 * it has none yet (the packet is being dropped anyway). Any route toward
 * its source will do, for the device's l3 domain.
 */
static bool nfmp_rst_old_dst(struct net *net, struct sk_buff *oldskb, u8 l3num)
{
	struct dst_entry *dst = NULL;
	struct flowi fl;

	if (skb_dst(oldskb))
		return true;
	memset(&fl, 0, sizeof(fl));
	if (l3num == NFPROTO_IPV4) {
		fl.u.ip4.daddr = ip_hdr(oldskb)->saddr;
		nf_ip_route(net, &dst, &fl, false);
	} else {
		fl.u.ip6.daddr = ipv6_hdr(oldskb)->saddr;
		nf_ip6_route(net, &dst, &fl, false);
	}
	if (!dst)
		return false;
	skb_dst_set(oldskb, dst);
	return true;
}

void nfmp_send_tcprst(struct net *net, struct sk_buff *oldskb, unsigned int protoff,
		      struct nf_conn *ct, enum ip_conntrack_info ctinfo, bool reply)
{
	u8 l3num = nf_ct_l3num(ct);
	const struct tcphdr *oth;
	struct sk_buff *nskb;
	struct tcphdr _oth;
	unsigned int paylen;
	int err;

	oth = skb_header_pointer(oldskb, protoff, sizeof(_oth), &_oth);
	if (!oth || oth->rst || protoff + oth->doff * 4 > oldskb->len)
		return;
	paylen = oldskb->len - protoff - oth->doff * 4;
	if (!nfmp_rst_old_dst(net, oldskb, l3num))
		return;

	nskb = l3num == NFPROTO_IPV4 ? nfmp_rst_build4(net, oldskb, oth, paylen, reply) :
				       nfmp_rst_build6(net, oldskb, oth, paylen, reply);
	if (!nskb)
		return;
	/* ip*_route_me_harder() start from a route: the offending packet's */
	skb_dst_set_noref(nskb, skb_dst(oldskb));
	if (!reply)
		nskb->mark = oldskb->mark;
	else if (l3num == NFPROTO_IPV4)
		nskb->mark = IP4_REPLY_MARK(net, oldskb->mark);
	else
		nskb->mark = IP6_REPLY_MARK(net, oldskb->mark);
	err = l3num == NFPROTO_IPV4 ? ip_route_me_harder(net, NULL, nskb, RTN_UNSPEC) :
				      ip6_route_me_harder(net, NULL, nskb);
	if (err) {
		kfree_skb(nskb);
		return;
	}

	/*
	 * RELATED to the subflow, in the direction it travels: NAT translates
	 * it as it would the subflow's own packets, and the ruleset's
	 * `ct state related accept` lets it through.
	 */
	if (reply) {
		nf_ct_attach(nskb, oldskb);
	} else {
		nf_conntrack_get(&ct->ct_general);
		nf_ct_set(nskb, ct, CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL ?
				    IP_CT_RELATED : IP_CT_RELATED_REPLY);
	}

	if (l3num == NFPROTO_IPV4)
		ip_local_out(net, nskb->sk, nskb);
	else
		ip6_local_out(net, nskb->sk, nskb);
}
