/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay_table.h - connection and subflow tables for `nfmptcp replay`: subflows
 * hashed by 5-tuple (either direction), connections by token, and the glue that
 * feeds each decoded TCP segment to the protocol engine.
 */
#ifndef _NFM_REPLAY_TABLE_H
#define _NFM_REPLAY_TABLE_H

#include "nfmp_engine.h"
#include "pcap_decode.h"

/* The 5-tuple of a subflow, oriented from the end that sent the SYN. */
struct nfm_tuple {
	u8	family;		/* 4 or 6 */
	u8	saddr[16];
	u8	daddr[16];
	u16	sport;
	u16	dport;
};

/* One ADD_ADDR announcement (retransmissions of the same one are folded). */
struct nfm_rp_addr {
	u8	id;
	u8	family;
	u8	by;		/* NFMP_CLIENT / NFMP_SERVER */
	bool	has_port;
	bool	echoed;
	bool	bad_hmac;
	u16	port;
	u8	addr[16];
	u32	count;		/* times seen */
	/* the same announcement rewritten by a NAT, seen on its other side */
	bool	translated;
	bool	nat_has_port;
	bool	nat_bad_hmac;
	u16	nat_port;
	u8	nat_addr[16];
};

struct nfm_rp_rm {
	u8	id;
	u8	by;
};

struct nfm_rp_conn;

/* Token hash entry: a connection is hashed once per end whose key is known. */
struct nfm_rp_toknode {
	struct nfm_rp_toknode	*next;
	struct nfm_rp_conn	*conn;
	u32			token;	/* the token it is hashed under (the engine may change it) */
	u8			end;
	bool			hashed;
};

struct nfm_rp_sf;

struct nfm_rp_conn {
	struct nfmp_conn	c;
	struct nfmp_hmac_key	hk[2];	/* precomputed once the keys are known */
	struct nfm_rp_toknode	tok[2];
	struct nfm_rp_conn	*next;	/* creation order */
	struct nfm_rp_conn	*merged_into;	/* the NAT's other side of this connection */
	unsigned int		index;
	u64			packets;
	struct nfm_rp_sf	*sf_head, *sf_tail;
	unsigned int		nsf;
	struct nfm_rp_addr	*addrs;
	unsigned int		naddrs, addrs_cap;
	struct nfm_rp_rm	*rms;
	unsigned int		nrms, rms_cap;
};

enum nfm_rp_sf_kind {
	NFM_RP_SF_PLAIN,	/* SYN without MPTCP option: ignored from now on */
	NFM_RP_SF_MPTCP,	/* MP_CAPABLE or MP_JOIN SYN seen */
	NFM_RP_SF_MIDSTREAM,	/* first packet seen was not a SYN: cannot be placed */
};

#define NFM_RP_MAX_CANDIDATES	8

/*
 * A segment of a subflow seen on one side of a NAT, waiting for its copy from
 * the other side. A NAT rewrites addresses and ports, never sequence numbers.
 */
struct nfm_rp_seen {
	u32	seq;
	u32	ack;
	u32	len;
	u8	flags;
	u8	dir;
	u8	side;		/* 0: the subflow's own tuple, 1: its twin's */
	bool	used;
};

#define NFM_RP_SEEN_RING	16

/* A join whose token several connections own: decided at the SYN/ACK (RFC 8684 §3.2). */
struct nfm_rp_pending {
	struct nfm_rp_conn	*cand[NFM_RP_MAX_CANDIDATES];
	unsigned int		ncand;
	struct nfmp_opts	syn_opts;
	u8			syn_flags;
};

struct nfm_rp_sf {
	struct nfm_rp_sf	*hnext;		/* 5-tuple hash chain */
	struct nfm_rp_sf	*cnext;		/* connection's (or orphans') list */
	struct nfm_rp_sf	*anext;		/* every subflow, for freeing */
	struct nfm_tuple	t;
	struct nfmp_subflow	sf;
	struct nfm_rp_conn	*conn;		/* NULL: plain, midstream, unknown token or pending */
	struct nfm_rp_pending	*pend;
	u32			hash;
	u32			isn;		/* opener's SYN sequence number */
	u8			kind;		/* enum nfm_rp_sf_kind */
	bool			hashed;
	u64			packets;
	u32			syn_retrans;
	/* NAT: the subflow's tuple on the other side (a twin) and the copies in flight */
	struct nfm_rp_sf	*twin;		/* on the primary: its other side */
	struct nfm_rp_sf	*primary;	/* on a twin: the subflow it duplicates */
	struct nfm_rp_seen	*seen;		/* NFM_RP_SEEN_RING entries, on the primary */
	unsigned int		seen_next;
};

struct nfm_rp_stats {
	u64	packets;	/* frames read */
	u64	tcp;		/* TCP headers decoded */
	u64	not_ip;
	u64	not_tcp;
	u64	fragments;	/* non-first IP fragments */
	u64	truncated;	/* capture ended before the fixed TCP header */
	u64	opts_truncated;	/* TCP options cut by the snaplen: decoded as far as present */
	u64	malformed;	/* inconsistent IP/TCP headers */
	u64	mptcp_packets;	/* segments carrying at least one MPTCP option */
	u64	mptcp_options;
	u64	mptcp_malformed; /* MPTCP options of a wrong length or form */
	u64	plain_tcp;	/* segments of TCP flows that are not MPTCP */
	u64	midstream;	/* segments of flows whose SYN was not captured */
	u64	syn_retrans;
	u64	joins_unknown_token;
	u64	token_collisions;
	u64	proto_errors;
	u64	nat_duplicates;	/* copies of a segment seen on the NAT's other side */
	u64	nat_merged;	/* connections found twice (both sides of a NAT) */
};

struct nfm_rp_table {
	struct nfm_rp_sf	**sf_buckets;
	u32			sf_mask;
	u32			nsf;
	struct nfm_rp_toknode	**tok_buckets;
	u32			tok_mask;
	u32			ntok;
	struct nfm_rp_conn	*conn_head, *conn_tail;
	unsigned int		nconns;
	struct nfm_rp_conn	*merged;	/* merged away: kept for freeing */
	struct nfm_rp_sf	*orphan_head, *orphan_tail;	/* joins without a connection */
	struct nfm_rp_sf	*all;
	struct nfm_rp_stats	st;
	bool			oom;
};

int nfm_rp_init(struct nfm_rp_table *t);
void nfm_rp_free(struct nfm_rp_table *t);

/* Feed one decoded frame: status is nfm_decode_frame()'s return value. */
void nfm_rp_feed(struct nfm_rp_table *t, int status, const struct nfm_frame *f);
/* After the last frame: settle end reasons of connections whose subflows are all gone. */
void nfm_rp_finish(struct nfm_rp_table *t);

/* Table primitives, exposed for tests. */
struct nfm_rp_sf *nfm_rp_sf_lookup(struct nfm_rp_table *t, const struct nfm_frame *f, u8 *dir);
struct nfm_rp_sf *nfm_rp_sf_add(struct nfm_rp_table *t, const struct nfm_frame *f);
void nfm_rp_sf_unhash(struct nfm_rp_table *t, struct nfm_rp_sf *sf);
struct nfm_rp_conn *nfm_rp_conn_new(struct nfm_rp_table *t);
void nfm_rp_token_add(struct nfm_rp_table *t, struct nfm_rp_conn *c, u8 end);
void nfm_rp_token_del(struct nfm_rp_table *t, struct nfm_rp_conn *c, u8 end);
/* Live connections owning @token, newest first; returns how many (at most @max). */
unsigned int nfm_rp_token_find(struct nfm_rp_table *t, u32 token, struct nfm_rp_conn **out,
			       unsigned int max);

#endif /* _NFM_REPLAY_TABLE_H */
