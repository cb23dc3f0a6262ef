/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_export.h - what nf_conntrack_mptcp offers other modules (nft_mptcp.ko):
 * a consistent snapshot of the MPTCP state of one conntrack, and the MPTCP
 * subtypes present in one TCP header.
 */
#ifndef _NFMP_EXPORT_H
#define _NFMP_EXPORT_H

#include <linux/types.h>

struct nf_conn;
struct sk_buff;

/* nfmp_snapshot.known */
#define NFMP_SNAP_CONN		0x01	/* conn_id and subflows are valid */
#define NFMP_SNAP_TOKEN_CLIENT	0x02	/* token[0] is valid (the client's key is known) */
#define NFMP_SNAP_TOKEN_SERVER	0x04
#define NFMP_SNAP_VERSION	0x08

struct nfmp_snapshot {
	u32	token[2];	/* [NFMP_CLIENT], [NFMP_SERVER] */
	u32	conn_id;
	u32	subflows;	/* this packet's subflow included */
	u8	known;		/* NFMP_SNAP_* */
	u8	version;
	u8	verdict;	/* enum nfmp_verdict (== enum nfmptcp_verdict) of this subflow */
	u8	join;		/* 1: opened by MP_JOIN */
	u8	backup;		/* 1: the opener asked for a backup subflow */
	u8	addr_id;	/* the opener's address id (joins) */
};

/*
 * Fill @snap for @ct if it is an MPTCP subflow tracked by us (its helper is
 * ours). Caller holds rcu_read_lock() (nf_tables evaluation does). Returns 0,
 * or -ENOENT for a conntrack we do not track (or not yet / no longer). A
 * subflow whose conntrack is being deleted (a withdrawn join) gives only its
 * own facts (verdict, join, backup, addr_id): its connection may be gone.
 */
int nfmp_snapshot_get(const struct nf_conn *ct, struct nfmp_snapshot *snap);

/*
 * Bitmask (1 << subtype) of every MPTCP option in the TCP header at @thoff
 * of @skb, all of them, in any position. 0 when there is none or the header
 * cannot be read; a malformed option list stops the walk there.
 */
u32 nfmp_skb_mptcp_subtypes(const struct sk_buff *skb, unsigned int thoff);

#endif /* _NFMP_EXPORT_H */
