// SPDX-License-Identifier: GPL-2.0
/*
 * pcap_normalize_writer.c - frames of the synthetic TCP connection that
 * `nfmptcp normalize` writes, with checksums an IDS will accept.
 */
#include "pcap_decode.h"
#include "pcap_normalize_writer.h"

int nfm_nw_link_len(int dlt, const u8 *p, unsigned int caplen)
{
	unsigned int off, tags = 0;
	u16 type;

	switch (dlt) {
	case NFM_DLT_RAW:
	case NFM_DLT_IPV4:
	case NFM_DLT_IPV6:
		return 0;
	case NFM_DLT_NULL:
	case NFM_DLT_LOOP:
		return caplen >= 4 ? 4 : -1;
	case NFM_DLT_LINUX_SLL:
		return caplen >= 16 ? 16 : -1;
	case NFM_DLT_LINUX_SLL2:
		return caplen >= 20 ? 20 : -1;
	case NFM_DLT_EN10MB:
		if (caplen < 14)
			return -1;
		off = 14;
		type = nfmp_get_be16(p + 12);
		while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
			if (++tags > 8 || off + 4 > caplen)
				return -1;
			type = nfmp_get_be16(p + off + 2);
			off += 4;
		}
		return off <= NFM_NW_MAX_L2 ? (int)off : -1;
	}
	return -1;
}

static u32 nfm_nw_sum(u32 sum, const u8 *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += nfmp_get_be16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static u16 nfm_nw_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

unsigned int nfm_nw_build(u8 *buf, const u8 *l2, unsigned int l2len, const struct nfm_nw_seg *s)
{
	unsigned int alen = s->family == 6 ? 16 : 4, iplen = s->family == 6 ? 40 : 20;
	unsigned int tcplen = 20 + s->len;
	u8 *ip = buf + l2len, *tcp = ip + iplen;
	u32 sum;

	memcpy(buf, l2, l2len);
	memset(ip, 0, iplen + 20);
	if (s->family == 6) {
		ip[0] = 0x60;
		nfmp_put_be16(ip + 4, tcplen);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
	} else {
		ip[0] = 0x45;
		nfmp_put_be16(ip + 2, iplen + tcplen);
		nfmp_put_be16(ip + 4, s->ip_id);
		ip[6] = 0x40;		/* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		nfmp_put_be16(ip + 10, nfm_nw_fold(nfm_nw_sum(0, ip, 20)));
	}
	nfmp_put_be16(tcp, s->sport);
	nfmp_put_be16(tcp + 2, s->dport);
	nfmp_put_be32(tcp + 4, s->seq);
	nfmp_put_be32(tcp + 8, s->ack);
	tcp[12] = 5 << 4;
	tcp[13] = s->flags;
	nfmp_put_be16(tcp + 14, s->window);
	if (s->len)
		memcpy(tcp + 20, s->payload, s->len);
	/* pseudo-header: addresses, protocol, TCP length */
	sum = nfm_nw_sum(0, s->src, alen);
	sum = nfm_nw_sum(sum, s->dst, alen);
	sum += 6 + tcplen;
	sum = nfm_nw_sum(sum, tcp, tcplen);
	nfmp_put_be16(tcp + 16, nfm_nw_fold(sum));
	return l2len + iplen + tcplen;
}
