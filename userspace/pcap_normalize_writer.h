/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap_normalize_writer.h - build the frames of the synthetic TCP connection that
 * `nfmptcp normalize` writes: a link-layer header copied from a captured frame,
 * a minimal IPv4/IPv6 header and a TCP header without options, valid checksums.
 */
#ifndef _NFM_PCAP_NORMALIZE_WRITER_H
#define _NFM_PCAP_NORMALIZE_WRITER_H

#include "nfmp_types.h"

#define NFM_NW_MAX_L2		64
/* payload per synthetic segment: what one Ethernet frame would carry */
#define NFM_NW_MSS		1448
#define NFM_NW_MAX_FRAME	(NFM_NW_MAX_L2 + 40 + 20 + NFM_NW_MSS)

struct nfm_nw_seg {
	u8		family;		/* 4 or 6 */
	const u8	*src, *dst;	/* 4 or 16 bytes */
	u16		sport, dport;
	u32		seq, ack;
	u8		flags;		/* TCP flag byte */
	u16		window;
	u16		ip_id;
	const u8	*payload;
	u32		len;		/* <= NFM_NW_MSS */
};

/*
 * Length of the link-layer header in front of the IP header of a frame of
 * link type @dlt (VLAN tags included), or -1 if it cannot be told.
 */
int nfm_nw_link_len(int dlt, const u8 *p, unsigned int caplen);

/*
 * Write @l2 (@l2len bytes, copied as is) then IP + TCP + payload into @buf
 * (NFM_NW_MAX_FRAME bytes). Returns the frame length.
 */
unsigned int nfm_nw_build(u8 *buf, const u8 *l2, unsigned int l2len, const struct nfm_nw_seg *s);

#endif /* _NFM_PCAP_NORMALIZE_WRITER_H */
