/* SPDX-License-Identifier: GPL-2.0 */
/* nfmp_options.h - decode every MPTCP option (RFC 8684 §3, RFC 6824) found in a TCP header. */
#ifndef _NFMP_OPTIONS_H
#define _NFMP_OPTIONS_H

#include "nfmp_types.h"

#define NFMP_TCPOPT_MPTCP	30

/* Subtype: high nibble of the option's third byte (RFC 8684 §7.2). */
enum nfmp_subtype {
	NFMP_MP_CAPABLE		= 0x0,
	NFMP_MP_JOIN		= 0x1,
	NFMP_DSS		= 0x2,
	NFMP_ADD_ADDR		= 0x3,
	NFMP_REMOVE_ADDR	= 0x4,
	NFMP_MP_PRIO		= 0x5,
	NFMP_MP_FAIL		= 0x6,
	NFMP_MP_FASTCLOSE	= 0x7,
	NFMP_MP_TCPRST		= 0x8,
	NFMP_MP_EXPERIMENTAL	= 0xf,
};

#define NFMP_SUBTYPE_BIT(st)	(1u << (st))

/* TCP header flag bits as in byte 13 of the TCP header. */
#define NFMP_TCP_FIN	0x01
#define NFMP_TCP_SYN	0x02
#define NFMP_TCP_RST	0x04
#define NFMP_TCP_ACK	0x10

/* Connection version as far as the caller knows it: selects v0 or v1 ADD_ADDR/MP_PRIO decoding. */
#define NFMP_VERSION_0		0
#define NFMP_VERSION_1		1
#define NFMP_VERSION_UNKNOWN	0xff

/* MP_CAPABLE flags (byte 3). */
#define NFMP_MPC_FLAG_A		0x80	/* checksum required */
#define NFMP_MPC_FLAG_B		0x40	/* extensibility */
#define NFMP_MPC_FLAG_C		0x20	/* v1: do not join to this source address */
#define NFMP_MPC_FLAG_H		0x01	/* HMAC-SHA1 (v0) / HMAC-SHA256 (v1) */

struct nfmp_mp_capable {
	u8	version;	/* low nibble of byte 2, as sent */
	u8	flags;
	u8	len;		/* 4, 12, 20, 22 or 24 */
	u8	nkeys;		/* 0, 1 (snd_key) or 2 (snd_key, rcv_key) */
	u64	snd_key;	/* key of the packet's sender */
	u64	rcv_key;	/* key of the packet's receiver (ACK forms) */
	bool	has_data_len;	/* v1 first-data form (22/24) */
	u16	data_len;
	bool	has_csum;	/* 24-byte form */
	u16	csum;
};

enum nfmp_join_form {
	NFMP_JOIN_SYN,		/* 12: token, nonce */
	NFMP_JOIN_SYNACK,	/* 16: truncated HMAC-B, nonce */
	NFMP_JOIN_ACK,		/* 24: 160-bit HMAC-A */
};

struct nfmp_mp_join {
	u8	form;		/* enum nfmp_join_form, chosen by TCP flags and length */
	bool	backup;
	u8	addr_id;	/* SYN and SYN/ACK */
	u32	token;		/* SYN: receiver's token */
	u32	nonce;		/* SYN, SYN/ACK: sender's random number */
	u64	hmac64;		/* SYN/ACK: leftmost 64 bits of HMAC-B */
	u8	hmac160[20];	/* ACK: leftmost 160 bits of HMAC-A */
};

/* DSS flags (byte 3, RFC 8684 §3.3). */
#define NFMP_DSS_DATA_FIN	0x10
#define NFMP_DSS_DSN64		0x08
#define NFMP_DSS_MAP		0x04
#define NFMP_DSS_ACK64		0x02
#define NFMP_DSS_ACK		0x01

struct nfmp_dss {
	u8	flags;
	u8	len;
	u64	data_ack;	/* valid if flags & NFMP_DSS_ACK */
	u64	dsn;		/* valid if flags & NFMP_DSS_MAP */
	u32	ssn;		/* relative subflow sequence number */
	u16	data_len;	/* 0 with a mapping and no DATA_FIN: infinite mapping (fallback) */
	bool	has_csum;
	u16	csum;
};

#define NFMP_ADD_ADDR_FLAG_ECHO	0x01	/* v1 */

struct nfmp_add_addr {
	u8	version;	/* decoding used: NFMP_VERSION_0 or _1 */
	bool	echo;		/* v1 E flag */
	u8	addr_id;
	u8	family;		/* 4 or 6 */
	u8	addr[16];	/* IPv4 in the first 4 bytes, network order */
	bool	has_port;
	u16	port;
	bool	has_hmac;	/* v1, E=0 */
	u64	hmac;		/* rightmost 64 bits of HMAC-SHA256 */
	u8	offset;		/* of the option's kind byte in the options area (rewriting) */
	u8	len;
};

#define NFMP_MAX_RM_IDS		37	/* a 40-byte option minus the 3-byte header */

struct nfmp_remove_addr {
	u8	nids;
	u8	ids[NFMP_MAX_RM_IDS];
};

struct nfmp_mp_prio {
	bool	backup;
	bool	has_addr_id;	/* v0 4-byte form */
	u8	addr_id;
};

/* MP_TCPRST reasons (RFC 8684 §3.6). */
enum nfmp_tcprst_reason {
	NFMP_RST_UNSPEC		= 0,
	NFMP_RST_MPTCP_ERROR	= 1,
	NFMP_RST_RESOURCES	= 2,
	NFMP_RST_ADMIN		= 3,
	NFMP_RST_TOO_MUCH_DATA	= 4,
	NFMP_RST_PERFORMANCE	= 5,
	NFMP_RST_MIDDLEBOX	= 6,
};

struct nfmp_tcprst {
	u8	flags;		/* U V W T in the low nibble of byte 2 */
	u8	reason;
};

/*
 * Everything the MPTCP options of one TCP header say. A header may carry several
 * MPTCP options; each subtype's last well-formed instance is kept. Bits in
 * @present/@malformed are NFMP_SUBTYPE_BIT(subtype).
 */
struct nfmp_opts {
	u16	present;	/* subtypes decoded successfully */
	u16	malformed;	/* subtypes seen with a wrong length or form */
	u8	n_mptcp;	/* MPTCP options seen, good or bad */
	u8	n_unknown;	/* MPTCP options of an unassigned subtype */
	bool	bad_tcp_opts;	/* the TCP option list itself was malformed; parsing stopped */
	struct nfmp_mp_capable	mpc;
	struct nfmp_mp_join	join;
	struct nfmp_dss		dss;
	struct nfmp_add_addr	add_addr;
	struct nfmp_remove_addr	rm_addr;
	struct nfmp_mp_prio	prio;
	u64			fail_dsn;	/* MP_FAIL */
	u64			fastclose_key;	/* MP_FASTCLOSE: receiver's key */
	struct nfmp_tcprst	tcprst;
};

/*
 * Cheap test used by the fast path: does this option area hold any option of
 * kind 30? Stops at EOL or at the first malformed length.
 */
bool nfmp_has_mptcp_option(const u8 *opts, unsigned int len);

/*
 * Walk the TCP options in @opts (the bytes after the 20-byte TCP header, @len
 * of them) and decode every MPTCP option into @out. @tcp_flags (NFMP_TCP_*)
 * picks the MP_CAPABLE/MP_JOIN form; @version (NFMP_VERSION_*) picks v0 or v1
 * decoding for ADD_ADDR and MP_PRIO (UNKNOWN: v1 unless the ADD_ADDR IPVer
 * nibble says v0). Never reads past @len. Returns the number of MPTCP options seen.
 */
int nfmp_parse_options(const u8 *opts, unsigned int len, u8 tcp_flags, u8 version,
		       struct nfmp_opts *out);

/*
 * The data path's shortcut: true only when nfmp_parse_options() followed by
 * nfmp_packet_is_plain() would call the packet plain (no SYN/FIN/RST, sane
 * option lengths, no MPTCP option but one well-formed DSS that neither
 * carries a DATA_FIN nor starts an infinite mapping), without decoding
 * anything else. Stricter than the pair: false only means "parse it".
 * fuzz_core checks the implication.
 */
bool nfmp_options_plain(const u8 *opts, unsigned int len, u8 tcp_flags);

/*
 * Replace every MPTCP option whose subtype is in @subtypes (NFMP_SUBTYPE_BIT
 * bits) with NOPs, in place; the length of the area does not change. Stops
 * where parsing would. Returns the number of options removed.
 */
#define NFMP_STRIP_ALL	0xffffffffu	/* every MPTCP option, even malformed ones */
unsigned int nfmp_opts_strip(u8 *opts, unsigned int len, u32 subtypes);

const char *nfmp_subtype_name(unsigned int subtype);

#endif /* _NFMP_OPTIONS_H */
