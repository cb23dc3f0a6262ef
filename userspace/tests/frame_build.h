/* SPDX-License-Identifier: GPL-2.0 */
/* frame_build.h - build Ethernet/SLL/raw IPv4/IPv6 TCP frames by hand for the decoder and replay tests. */
#ifndef _NFM_FRAME_BUILD_H
#define _NFM_FRAME_BUILD_H

#include <string.h>

#include "nfmp_types.h"

struct fb_tcp {
	u8		family;		/* 4 or 6 */
	u8		src[16], dst[16];
	u16		sport, dport;
	u32		seq, ack;
	u8		flags;
	const u8	*opts;
	unsigned int	optlen;		/* multiple of 4 */
	unsigned int	payload;	/* bytes of zero payload */
};

/* TCP header + options + payload at @p; returns its length. */
static inline unsigned int fb_put_tcp(u8 *p, const struct fb_tcp *t)
{
	unsigned int hl = 20 + t->optlen;

	memset(p, 0, hl + t->payload);
	nfmp_put_be16(p, t->sport);
	nfmp_put_be16(p + 2, t->dport);
	nfmp_put_be32(p + 4, t->seq);
	nfmp_put_be32(p + 8, t->ack);
	p[12] = (hl / 4) << 4;
	p[13] = t->flags;
	nfmp_put_be16(p + 14, 65535);
	if (t->optlen)
		memcpy(p + 20, t->opts, t->optlen);
	return hl + t->payload;
}

/* IPv4 header + TCP at @p; returns the IP packet length. */
static inline unsigned int fb_put_ipv4(u8 *p, const struct fb_tcp *t)
{
	unsigned int l = fb_put_tcp(p + 20, t) + 20;

	memset(p, 0, 20);
	p[0] = 0x45;
	nfmp_put_be16(p + 2, l);
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, t->src, 4);
	memcpy(p + 16, t->dst, 4);
	return l;
}

/* IPv6 header, then @ext (already chained, @extlen bytes, first next-header @nh0), then TCP. */
static inline unsigned int fb_put_ipv6_ext(u8 *p, const struct fb_tcp *t, u8 nh0,
					   const u8 *ext, unsigned int extlen)
{
	unsigned int l = fb_put_tcp(p + 40 + extlen, t) + extlen;

	memset(p, 0, 40);
	p[0] = 0x60;
	nfmp_put_be16(p + 4, l);
	p[6] = extlen ? nh0 : 6;
	p[7] = 64;
	memcpy(p + 8, t->src, 16);
	memcpy(p + 24, t->dst, 16);
	if (extlen)
		memcpy(p + 40, ext, extlen);
	return l + 40;
}

static inline unsigned int fb_put_ip(u8 *p, const struct fb_tcp *t)
{
	return t->family == 6 ? fb_put_ipv6_ext(p, t, 6, NULL, 0) : fb_put_ipv4(p, t);
}

/* Ethernet header with @ntags VLAN tags (TPIDs in @tpids) and the IP packet. */
static inline unsigned int fb_eth(u8 *p, const struct fb_tcp *t, const u16 *tpids,
				  unsigned int ntags)
{
	unsigned int off = 12, i;

	memset(p, 0x02, 12);
	for (i = 0; i < ntags; i++, off += 4) {
		nfmp_put_be16(p + off, tpids[i]);
		nfmp_put_be16(p + off + 2, 100 + i);
	}
	nfmp_put_be16(p + off, t->family == 6 ? 0x86dd : 0x0800);
	off += 2;
	return off + fb_put_ip(p + off, t);
}

static inline unsigned int fb_sll(u8 *p, const struct fb_tcp *t)
{
	memset(p, 0, 16);
	nfmp_put_be16(p + 2, 1);	/* ARPHRD_ETHER */
	nfmp_put_be16(p + 4, 6);
	nfmp_put_be16(p + 14, t->family == 6 ? 0x86dd : 0x0800);
	return 16 + fb_put_ip(p + 16, t);
}

static inline unsigned int fb_sll2(u8 *p, const struct fb_tcp *t)
{
	memset(p, 0, 20);
	nfmp_put_be16(p, t->family == 6 ? 0x86dd : 0x0800);
	nfmp_put_be32(p + 4, 3);	/* ifindex */
	nfmp_put_be16(p + 8, 1);
	p[11] = 6;
	return 20 + fb_put_ip(p + 20, t);
}

static inline void fb_addr4(u8 *a, u8 x, u8 y, u8 z, u8 w)
{
	memset(a, 0, 16);
	a[0] = x;
	a[1] = y;
	a[2] = z;
	a[3] = w;
}

static inline void fb_addr6(u8 *a, u16 net, u16 host)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	nfmp_put_be16(a + 2, net);
	nfmp_put_be16(a + 14, host);
}

#endif /* _NFM_FRAME_BUILD_H */
