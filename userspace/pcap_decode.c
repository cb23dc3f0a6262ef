// SPDX-License-Identifier: GPL-2.0
/* pcap_decode.c - link layer -> IPv4/IPv6 -> TCP header decoding of captured frames (no MPTCP knowledge). */
#include "pcap_decode.h"

#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define ETH_P_QINQ1	0x9100	/* pre-802.1ad stacked VLAN, still seen in the wild */

/* Bounds so that a hostile frame cannot make us loop for long. */
#define NFM_MAX_VLAN_TAGS	8
#define NFM_MAX_IPV6_EXTHDRS	16

#define IPPROTO_TCP_		6
#define IPV6_HOPOPTS		0
#define IPV6_ROUTING		43
#define IPV6_FRAGMENT		44
#define IPV6_AH			51
#define IPV6_DSTOPTS		60
#define IPV6_MOBILITY		135

static const char * const nfm_decode_status_names[] = {
	[NFM_DEC_TCP]		= "tcp",
	[NFM_DEC_NOT_IP]	= "not-ip",
	[NFM_DEC_NOT_TCP]	= "not-tcp",
	[NFM_DEC_FRAGMENT]	= "fragment",
	[NFM_DEC_TRUNCATED]	= "truncated",
	[NFM_DEC_MALFORMED]	= "malformed",
	[NFM_DEC_BAD_DLT]	= "bad-dlt",
};

const char *nfm_decode_status_name(unsigned int status)
{
	if (status < sizeof(nfm_decode_status_names) / sizeof(nfm_decode_status_names[0]))
		return nfm_decode_status_names[status];
	return "?";
}

bool nfm_dlt_supported(int dlt)
{
	switch (dlt) {
	case NFM_DLT_NULL:
	case NFM_DLT_EN10MB:
	case NFM_DLT_RAW:
	case NFM_DLT_LOOP:
	case NFM_DLT_LINUX_SLL:
	case NFM_DLT_IPV4:
	case NFM_DLT_IPV6:
	case NFM_DLT_LINUX_SLL2:
		return true;
	}
	return false;
}

/*
 * TCP header at @t: @cap bytes captured, @wire bytes according to the IP
 * header. Options are handed on only as far as they were captured, so that a
 * short snaplen yields a partial option list rather than garbage.
 */
static int nfm_decode_tcp(const u8 *t, unsigned int cap, unsigned int wire, struct nfm_frame *f)
{
	unsigned int hlen, opts_decl;

	if (wire < 20)
		return NFM_DEC_MALFORMED;
	if (cap < 20)
		return NFM_DEC_TRUNCATED;
	hlen = (t[12] >> 4) * 4;
	if (hlen < 20 || hlen > wire)
		return NFM_DEC_MALFORMED;

	f->sport = nfmp_get_be16(t);
	f->dport = nfmp_get_be16(t + 2);
	f->seq = nfmp_get_be32(t + 4);
	f->ack = nfmp_get_be32(t + 8);
	f->tcp_flags = t[13];
	f->tcp_hlen = hlen;
	opts_decl = hlen - 20;
	f->opts = t + 20;
	f->opts_len = cap - 20 < opts_decl ? cap - 20 : opts_decl;
	f->opts_truncated = f->opts_len < opts_decl;
	f->payload_len = wire - hlen;
	return NFM_DEC_TCP;
}

static int nfm_decode_ipv4(const u8 *p, unsigned int len, struct nfm_frame *f)
{
	unsigned int ihl, tot, cap;

	if (len < 20)
		return NFM_DEC_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return NFM_DEC_MALFORMED;
	ihl = (p[0] & 0x0f) * 4;
	if (ihl < 20)
		return NFM_DEC_MALFORMED;
	if (ihl > len)
		return NFM_DEC_TRUNCATED;
	tot = nfmp_get_be16(p + 2);
	/* 0 is what a sender-side capture of a TSO super-packet shows: trust caplen. */
	if (tot == 0)
		tot = len;
	if (tot < ihl)
		return NFM_DEC_MALFORMED;
	/* Only the first fragment holds the TCP header. */
	if (nfmp_get_be16(p + 6) & 0x1fff)
		return NFM_DEC_FRAGMENT;
	if (p[9] != IPPROTO_TCP_)
		return NFM_DEC_NOT_TCP;

	f->family = 4;
	memset(f->src, 0, sizeof(f->src));
	memset(f->dst, 0, sizeof(f->dst));
	memcpy(f->src, p + 12, 4);
	memcpy(f->dst, p + 16, 4);
	/* Ethernet pads short frames: bytes past the IP length are not ours. */
	cap = len < tot ? len : tot;
	f->ip_truncated = len < tot;
	return nfm_decode_tcp(p + ihl, cap - ihl, tot - ihl, f);
}

static int nfm_decode_ipv6(const u8 *p, unsigned int len, struct nfm_frame *f)
{
	unsigned int tot, cap, off = 40, hl, i;
	u8 nh;

	if (len < 40)
		return NFM_DEC_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return NFM_DEC_MALFORMED;
	/* payload length 0: jumbogram or TSO capture, use what was captured */
	tot = nfmp_get_be16(p + 4);
	tot = tot ? tot + 40 : len;
	cap = len < tot ? len : tot;
	nh = p[6];

	for (i = 0; nh != IPPROTO_TCP_; i++) {
		if (i == NFM_MAX_IPV6_EXTHDRS)
			return NFM_DEC_MALFORMED;
		switch (nh) {
		case IPV6_HOPOPTS:
		case IPV6_ROUTING:
		case IPV6_DSTOPTS:
		case IPV6_MOBILITY:
			if (off + 2 > cap)
				return off + 2 > tot ? NFM_DEC_MALFORMED : NFM_DEC_TRUNCATED;
			hl = (p[off + 1] + 1) * 8;
			break;
		case IPV6_FRAGMENT:
			if (off + 8 > cap)
				return off + 8 > tot ? NFM_DEC_MALFORMED : NFM_DEC_TRUNCATED;
			if (nfmp_get_be16(p + off + 2) & 0xfff8)
				return NFM_DEC_FRAGMENT;
			hl = 8;
			break;
		case IPV6_AH:
			if (off + 2 > cap)
				return off + 2 > tot ? NFM_DEC_MALFORMED : NFM_DEC_TRUNCATED;
			hl = (p[off + 1] + 2) * 4;
			break;
		default:
			/* ESP, no-next-header, UDP, ICMPv6, ...: no TCP header to find */
			return NFM_DEC_NOT_TCP;
		}
		nh = p[off];
		off += hl;
		if (off > tot)
			return NFM_DEC_MALFORMED;
		if (off > cap)
			return NFM_DEC_TRUNCATED;
	}

	f->family = 6;
	memcpy(f->src, p + 8, 16);
	memcpy(f->dst, p + 24, 16);
	f->ip_truncated = len < tot;
	return nfm_decode_tcp(p + off, cap - off, tot - off, f);
}

static int nfm_decode_ip(const u8 *p, unsigned int len, struct nfm_frame *f)
{
	if (len < 1)
		return NFM_DEC_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		return nfm_decode_ipv4(p, len, f);
	case 6:
		return nfm_decode_ipv6(p, len, f);
	}
	return NFM_DEC_MALFORMED;
}

/* @type is an ethertype; 802.1Q / 802.1ad tags (possibly stacked) follow at @p. */
static int nfm_decode_ethertype(u16 type, const u8 *p, unsigned int len, struct nfm_frame *f)
{
	unsigned int off = 0, tags = 0;

	while (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ1) {
		if (++tags > NFM_MAX_VLAN_TAGS)
			return NFM_DEC_MALFORMED;
		if (off + 4 > len)
			return NFM_DEC_TRUNCATED;
		type = nfmp_get_be16(p + off + 2);
		off += 4;
	}
	switch (type) {
	case ETH_P_IPV4:
		return nfm_decode_ipv4(p + off, len - off, f);
	case ETH_P_IPV6:
		return nfm_decode_ipv6(p + off, len - off, f);
	}
	return NFM_DEC_NOT_IP;
}

/* BSD loopback: the address family, in the capturing host's byte order (NULL) or big endian (LOOP). */
static int nfm_decode_loop(const u8 *p, unsigned int len, bool host_order, struct nfm_frame *f)
{
	u32 af;

	if (len < 4)
		return NFM_DEC_TRUNCATED;
	af = nfmp_get_be32(p);
	/* We do not know the capturing host's byte order: accept both. */
	if (host_order && (af & 0xffff) == 0)
		af = ((af >> 24) & 0xff) | ((af >> 8) & 0xff00);
	switch (af) {
	case 2:			/* AF_INET everywhere */
		return nfm_decode_ipv4(p + 4, len - 4, f);
	case 10:		/* AF_INET6: Linux */
	case 24:		/* NetBSD, OpenBSD */
	case 28:		/* FreeBSD */
	case 30:		/* macOS */
		return nfm_decode_ipv6(p + 4, len - 4, f);
	}
	return NFM_DEC_NOT_IP;
}

int nfm_decode_frame(int dlt, const u8 *p, unsigned int caplen, struct nfm_frame *f)
{
	memset(f, 0, sizeof(*f));

	switch (dlt) {
	case NFM_DLT_EN10MB:
		if (caplen < 14)
			return NFM_DEC_TRUNCATED;
		return nfm_decode_ethertype(nfmp_get_be16(p + 12), p + 14, caplen - 14, f);
	case NFM_DLT_LINUX_SLL:
		/* pkttype, hatype, halen, addr[8], protocol */
		if (caplen < 16)
			return NFM_DEC_TRUNCATED;
		return nfm_decode_ethertype(nfmp_get_be16(p + 14), p + 16, caplen - 16, f);
	case NFM_DLT_LINUX_SLL2:
		/* protocol, reserved, ifindex, hatype, pkttype, halen, addr[8] */
		if (caplen < 20)
			return NFM_DEC_TRUNCATED;
		return nfm_decode_ethertype(nfmp_get_be16(p), p + 20, caplen - 20, f);
	case NFM_DLT_RAW:
		return nfm_decode_ip(p, caplen, f);
	case NFM_DLT_IPV4:
		return nfm_decode_ipv4(p, caplen, f);
	case NFM_DLT_IPV6:
		return nfm_decode_ipv6(p, caplen, f);
	case NFM_DLT_NULL:
		return nfm_decode_loop(p, caplen, true, f);
	case NFM_DLT_LOOP:
		return nfm_decode_loop(p, caplen, false, f);
	}
	return NFM_DEC_BAD_DLT;
}
