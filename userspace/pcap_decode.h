/* SPDX-License-Identifier: GPL-2.0 */
/* pcap_decode.h - link layer -> IPv4/IPv6 -> TCP header decoding of captured frames (no MPTCP knowledge). */
#ifndef _NFM_PCAP_DECODE_H
#define _NFM_PCAP_DECODE_H

#include "nfmp_types.h"

/*
 * Link types we decode, numbered as libpcap's DLT_* on Linux (pcap_datalink()).
 * Kept here so that the decoder and its fuzzer do not need <pcap.h>.
 */
#define NFM_DLT_NULL		0	/* BSD loopback: 4-byte host-endian AF_ */
#define NFM_DLT_EN10MB		1
#define NFM_DLT_RAW		12	/* LINKTYPE_RAW (101) as libpcap maps it on Linux */
#define NFM_DLT_LOOP		108	/* OpenBSD loopback: 4-byte big-endian AF_ */
#define NFM_DLT_LINUX_SLL	113
#define NFM_DLT_IPV4		228
#define NFM_DLT_IPV6		229
#define NFM_DLT_LINUX_SLL2	276

/* Outcome of decoding one frame. Only NFM_DEC_TCP fills the TCP part of the frame. */
enum nfm_decode_status {
	NFM_DEC_TCP,		/* a TCP header was found (options possibly truncated) */
	NFM_DEC_NOT_IP,		/* ARP, LLDP, ... */
	NFM_DEC_NOT_TCP,	/* IP, but UDP/ICMP/ESP/... */
	NFM_DEC_FRAGMENT,	/* non-first IP fragment: no TCP header in it */
	NFM_DEC_TRUNCATED,	/* capture ends before the fixed TCP header does */
	NFM_DEC_MALFORMED,	/* inconsistent lengths or versions */
	NFM_DEC_BAD_DLT,	/* link type we do not decode */
};

struct nfm_frame {
	u8		family;		/* 4 or 6 */
	u8		tcp_flags;	/* byte 13 of the TCP header */
	u8		src[16];	/* IPv4 in the first 4 bytes */
	u8		dst[16];
	u16		sport;
	u16		dport;
	u32		seq;
	u32		ack;
	u16		tcp_hlen;	/* data offset * 4, as declared */
	u16		opts_len;	/* option bytes actually captured (<= tcp_hlen - 20) */
	bool		opts_truncated;	/* fewer option bytes captured than declared */
	bool		ip_truncated;	/* IP length says more than the capture holds */
	u32		payload_len;	/* TCP payload per the IP length field, not per caplen */
	const u8	*opts;		/* points into the caller's buffer */
};

/* True if nfm_decode_frame() understands @dlt. */
bool nfm_dlt_supported(int dlt);
const char *nfm_decode_status_name(unsigned int status);

/*
 * Decode one captured frame of link type @dlt, @caplen bytes at @p.
 * Never reads past @caplen; @f->opts points into @p.
 * Returns an enum nfm_decode_status.
 */
int nfm_decode_frame(int dlt, const u8 *p, unsigned int caplen, struct nfm_frame *f);

#endif /* _NFM_PCAP_DECODE_H */
