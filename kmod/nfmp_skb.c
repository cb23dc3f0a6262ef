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

/*
 * May the option area (@optlen bytes) of the segment at @protoff grow? Only
 * a segment that ends with its TCP header (no payload to move: Linux sends
 * ADD_ADDR on a pure ACK, as xt_TCPMSS adds MSS only to such) and is not
 * GSO, whose data offset has room left.
 */
bool nfmp_tcp_opts_can_grow(const struct sk_buff *skb, unsigned int protoff,
			    unsigned int optlen)
{
	return !skb_is_gso(skb) && optlen < MAX_TCP_OPTION_SPACE &&
	       skb->len == protoff + sizeof(struct tcphdr) + optlen;
}
EXPORT_SYMBOL_GPL(nfmp_tcp_opts_can_grow);

/*
 * Replace the @optlen bytes of TCP options by the @newlen (a larger multiple
 * of 4, at most MAX_TCP_OPTION_SPACE) bytes of @opts, on a segment
 * nfmp_tcp_opts_can_grow() accepts: the header grows at the tail, the data
 * offset, the IP length and the IPv4 header checksum follow, and the TCP
 * checksum is updated for the new bytes, the data offset and the
 * pseudo-header's length (a CHECKSUM_PARTIAL skb gets only the latter, by
 * inet_proto_csum_replace*). False, the segment unchanged, when it cannot be
 * made writable or larger.
 */
bool nfmp_tcp_opts_grow(struct sk_buff *skb, unsigned int protoff, const u8 *opts,
			unsigned int optlen, unsigned int newlen)
{
	unsigned int extra = newlen - optlen, tcplen = sizeof(struct tcphdr) + optlen;
	bool ipv6 = skb->protocol == htons(ETH_P_IPV6);
	struct tcphdr *th;
	__be16 old_word;
	__wsum diff;

	if (WARN_ON_ONCE(newlen <= optlen || newlen > MAX_TCP_OPTION_SPACE || extra % 4) ||
	    !nfmp_tcp_opts_can_grow(skb, protoff, optlen))
		return false;
	if (skb_ensure_writable(skb, skb->len))
		return false;
	if (skb_tailroom(skb) < extra &&
	    pskb_expand_head(skb, 0, extra - skb_tailroom(skb), GFP_ATOMIC))
		return false;
	/* pointers into the skb are stale after both */
	th = (struct tcphdr *)(skb->data + protoff);
	diff = csum_sub(csum_partial(opts, newlen, 0), csum_partial(th + 1, optlen, 0));
	skb_put(skb, extra);
	memcpy(th + 1, opts, newlen);
	inet_proto_csum_replace_by_diff(&th->check, skb, diff, false, ipv6);
	/* the data offset shares its 16-bit word with the flags */
	old_word = ((__be16 *)th)[6];
	th->doff += extra / 4;
	inet_proto_csum_replace2(&th->check, skb, old_word, ((__be16 *)th)[6], false);
	inet_proto_csum_replace2(&th->check, skb, htons(tcplen), htons(tcplen + extra), true);

	if (ipv6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(ntohs(ip6h->payload_len) + extra);
	} else {
		struct iphdr *iph = ip_hdr(skb);
		__be16 tot_len = htons(ntohs(iph->tot_len) + extra);

		csum_replace2(&iph->check, iph->tot_len, tot_len);
		iph->tot_len = tot_len;
	}
	/* what skb->csum summed is gone; the TCP checksum itself is right */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return true;
}
EXPORT_SYMBOL_GPL(nfmp_tcp_opts_grow);
