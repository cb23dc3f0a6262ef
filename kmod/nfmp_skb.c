// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_skb.c - TCP header access shared by the tracking, the policies and
 * nf_nat_mptcp.
 */
#include <linux/module.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "nfmp_kernel.h"

int nfmp_tcp_protoff(const struct sk_buff *skb, u8 l3num)
{
	__be16 frag_off;
	u8 nexthdr;
	int off;

	if (l3num == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		/* an ICMP error quoting the flow carries its conntrack too; fragments: no header */
		if (iph->protocol != IPPROTO_TCP || (iph->frag_off & htons(IP_OFFSET)))
			return -1;
		return skb_network_offset(skb) + ip_hdrlen(skb);
	}
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(struct ipv6hdr),
			       &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_TCP || (frag_off & htons(~0x7)))
		return -1;
	return off;
}
EXPORT_SYMBOL_GPL(nfmp_tcp_protoff);

/*
 * Copy the TCP options of the segment at @protoff into @opts; their length,
 * or -1 (truncated header, none at all). @tcp_flags gets byte 13 of the header.
 */
int nfmp_tcp_opts_copy(const struct sk_buff *skb, unsigned int protoff,
		       u8 opts[MAX_TCP_OPTION_SPACE], u8 *tcp_flags)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int optlen;
	const u8 *p;

	th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
	if (!th || th->doff * 4 <= sizeof(*th))
		return -1;
	optlen = th->doff * 4 - sizeof(*th);
	p = skb_header_pointer(skb, protoff + sizeof(*th), optlen, opts);
	if (!p)
		return -1;
	if (p != opts)
		memcpy(opts, p, optlen);
	*tcp_flags = ((const u8 *)th)[13];
	return optlen;
}
EXPORT_SYMBOL_GPL(nfmp_tcp_opts_copy);

/*
 * Replace the TCP options with @opts (same length), fixing the checksum. The
 * area starts at an even offset and is a multiple of 4 long, so a plain
 * one's complement difference does. False if the skb cannot be written.
 */
bool nfmp_tcp_opts_write(struct sk_buff *skb, unsigned int protoff, const u8 *opts,
			 unsigned int optlen)
{
	struct tcphdr *th;
	__wsum diff;
	u8 *old;

	if (skb_ensure_writable(skb, protoff + sizeof(*th) + optlen))
		return false;
	/* pointers into the skb are stale after skb_ensure_writable() */
	th = (struct tcphdr *)(skb->data + protoff);
	old = (u8 *)(th + 1);
	diff = csum_sub(csum_partial(opts, optlen, 0), csum_partial(old, optlen, 0));
	memcpy(old, opts, optlen);
	inet_proto_csum_replace_by_diff(&th->check, skb, diff, false,
					skb->protocol == htons(ETH_P_IPV6));
	return true;
}
EXPORT_SYMBOL_GPL(nfmp_tcp_opts_write);
