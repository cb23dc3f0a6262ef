/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nfmptcp.h - generic netlink interface of nf_conntrack_mptcp.
 * Kept identical to Documentation/netlink/specs/nfmptcp.yaml.
 */
#ifndef _UAPI_LINUX_NFMPTCP_H
#define _UAPI_LINUX_NFMPTCP_H

#define NFMPTCP_GENL_NAME	"nfmptcp"
#define NFMPTCP_GENL_VERSION	1
#define NFMPTCP_MCGRP_EVENTS	"events"

enum nfmptcp_cmd {
	NFMPTCP_CMD_UNSPEC,
	NFMPTCP_CMD_CONN_GET,		/* dump all, or one by NFMPTCP_A_TOKEN */
	NFMPTCP_CMD_CONN_FLUSH,		/* forget all tracked connections (admin) */
	NFMPTCP_CMD_STATS_GET,
	NFMPTCP_CMD_CONFIG_GET,
	NFMPTCP_CMD_CONFIG_SET,		/* admin */

	/* multicast events, group NFMPTCP_MCGRP_EVENTS */
	NFMPTCP_EVENT_CONN_CREATED,
	NFMPTCP_EVENT_CONN_ESTABLISHED,
	NFMPTCP_EVENT_CONN_CLOSED,
	NFMPTCP_EVENT_SF_ADDED,
	NFMPTCP_EVENT_SF_ESTABLISHED,
	NFMPTCP_EVENT_SF_CLOSED,
	NFMPTCP_EVENT_ADDR_ANNOUNCED,
	NFMPTCP_EVENT_ADDR_REMOVED,
	NFMPTCP_EVENT_JOIN_INVALID,	/* unknown token or bad HMAC: see NFMPTCP_SF_A_VERDICT */
	NFMPTCP_EVENT_ADD_ADDR_BAD_HMAC,
	NFMPTCP_EVENT_FALLBACK,
	NFMPTCP_EVENT_POLICY,		/* a policy acted on a packet */
	NFMPTCP_EVENT_ADDR_TRANSLATED,	/* nf_nat_mptcp rewrote an ADD_ADDR (ADDR_A_NAT_*) */
	NFMPTCP_EVENT_ADD_ADDR_DROPPED,	/* nf_nat_mptcp removed an untranslatable ADD_ADDR */

	__NFMPTCP_CMD_MAX
};

#define NFMPTCP_CMD_MAX (__NFMPTCP_CMD_MAX - 1)

/* top-level attributes */
enum nfmptcp_attr {
	NFMPTCP_A_UNSPEC,
	NFMPTCP_A_TOKEN,		/* u32: CONN_GET filter (either end's token) */
	NFMPTCP_A_CONN,			/* nest: nfmptcp_conn_attr */
	NFMPTCP_A_STATS,		/* nest: one u64 per enum nfmptcp_stat, type = stat */
	NFMPTCP_A_CONFIG,		/* nest: nfmptcp_config_attr */
	NFMPTCP_A_SUBFLOW,		/* nest: nfmptcp_sf_attr (events) */
	NFMPTCP_A_ADDR,			/* nest: nfmptcp_addr_attr (events) */
	NFMPTCP_A_POLICY,		/* nest: nfmptcp_policy_attr (NFMPTCP_EVENT_POLICY) */
	__NFMPTCP_A_MAX
};

#define NFMPTCP_A_MAX (__NFMPTCP_A_MAX - 1)

enum nfmptcp_conn_attr {
	NFMPTCP_CONN_A_UNSPEC,
	NFMPTCP_CONN_A_ID,		/* u32 */
	NFMPTCP_CONN_A_FAMILY,		/* u8: AF_INET / AF_INET6 of the initial subflow */
	NFMPTCP_CONN_A_VERSION,		/* u8 */
	NFMPTCP_CONN_A_STATE,		/* u8: enum nfmptcp_conn_state */
	NFMPTCP_CONN_A_END_REASON,	/* u8: enum nfmptcp_end_reason */
	NFMPTCP_CONN_A_FLAGS,		/* u32: NFMPTCP_CONN_F_* */
	NFMPTCP_CONN_A_TOKEN_CLIENT,	/* u32, when the client's key is known */
	NFMPTCP_CONN_A_TOKEN_SERVER,	/* u32, when the server's key is known */
	NFMPTCP_CONN_A_KEY_CLIENT,	/* u64, admin only */
	NFMPTCP_CONN_A_KEY_SERVER,	/* u64, admin only */
	NFMPTCP_CONN_A_NSUBFLOWS,	/* u8 */
	NFMPTCP_CONN_A_AGE_MS,		/* u64 */
	NFMPTCP_CONN_A_SUBFLOWS,	/* nest: nfmptcp_sf_attr, once per subflow (dumps) */
	NFMPTCP_CONN_A_ADDRS,		/* nest: nfmptcp_addr_attr, once per address (dumps) */
	NFMPTCP_CONN_A_PAD,
	__NFMPTCP_CONN_A_MAX
};

#define NFMPTCP_CONN_A_MAX (__NFMPTCP_CONN_A_MAX - 1)

/* NFMPTCP_CONN_A_FLAGS: same bits as the protocol core's connection flags */
#define NFMPTCP_CONN_F_KEY_CLIENT	0x01
#define NFMPTCP_CONN_F_KEY_SERVER	0x02
#define NFMPTCP_CONN_F_CSUM		0x04
#define NFMPTCP_CONN_F_FIN_CLIENT	0x08
#define NFMPTCP_CONN_F_FIN_SERVER	0x10
#define NFMPTCP_CONN_F_DSS_SEEN		0x20

enum nfmptcp_conn_state {
	NFMPTCP_STATE_SYN_SENT,
	NFMPTCP_STATE_SYN_RCVD,
	NFMPTCP_STATE_ESTABLISHED,
	NFMPTCP_STATE_FALLBACK,
	NFMPTCP_STATE_CLOSING,
	NFMPTCP_STATE_CLOSED,
};

enum nfmptcp_end_reason {
	NFMPTCP_END_NONE,
	NFMPTCP_END_DATA_FIN,
	NFMPTCP_END_FASTCLOSE,
	NFMPTCP_END_TCPRST,
	NFMPTCP_END_SUBFLOWS_GONE,
	NFMPTCP_END_FALLBACK_SYNACK,
	NFMPTCP_END_FALLBACK_NO_DSS,
	NFMPTCP_END_FALLBACK_MP_FAIL,
	NFMPTCP_END_FALLBACK_INFINITE,
};

enum nfmptcp_sf_attr {
	NFMPTCP_SF_A_UNSPEC,
	NFMPTCP_SF_A_FAMILY,		/* u8: AF_INET / AF_INET6 */
	NFMPTCP_SF_A_SADDR4,		/* be32, original direction */
	NFMPTCP_SF_A_DADDR4,		/* be32 */
	NFMPTCP_SF_A_SADDR6,		/* binary, 16 bytes */
	NFMPTCP_SF_A_DADDR6,		/* binary, 16 bytes */
	NFMPTCP_SF_A_SPORT,		/* be16 */
	NFMPTCP_SF_A_DPORT,		/* be16 */
	NFMPTCP_SF_A_OPENER,		/* u8: NFMPTCP_END_CLIENT / _SERVER */
	NFMPTCP_SF_A_VERDICT,		/* u8: enum nfmptcp_verdict */
	NFMPTCP_SF_A_FLAGS,		/* u8: NFMPTCP_SF_F_* */
	NFMPTCP_SF_A_ADDR_ID_ORIG,	/* u8: opener's address id (joins) */
	NFMPTCP_SF_A_ADDR_ID_REPLY,	/* u8: responder's address id (joins) */
	NFMPTCP_SF_A_TOKEN,		/* u32: token a join asked for (events) */
	__NFMPTCP_SF_A_MAX
};

#define NFMPTCP_SF_A_MAX (__NFMPTCP_SF_A_MAX - 1)

#define NFMPTCP_END_CLIENT	0
#define NFMPTCP_END_SERVER	1

/* NFMPTCP_SF_A_FLAGS */
#define NFMPTCP_SF_F_JOIN		0x01
#define NFMPTCP_SF_F_BACKUP_ORIG	0x02
#define NFMPTCP_SF_F_BACKUP_REPLY	0x04
#define NFMPTCP_SF_F_ESTABLISHED	0x08
#define NFMPTCP_SF_F_CLOSED		0x10

enum nfmptcp_verdict {
	NFMPTCP_VERDICT_PENDING,
	NFMPTCP_VERDICT_VALID,
	NFMPTCP_VERDICT_UNKNOWN_TOKEN,
	NFMPTCP_VERDICT_BAD_HMAC,
	NFMPTCP_VERDICT_FALLBACK,
	NFMPTCP_VERDICT_INVALID,
};

enum nfmptcp_addr_attr {
	NFMPTCP_ADDR_A_UNSPEC,
	NFMPTCP_ADDR_A_ID,		/* u8 */
	NFMPTCP_ADDR_A_FAMILY,		/* u8: AF_INET / AF_INET6 */
	NFMPTCP_ADDR_A_ADDR4,		/* be32 */
	NFMPTCP_ADDR_A_ADDR6,		/* binary, 16 bytes */
	NFMPTCP_ADDR_A_PORT,		/* be16, only when the option carried one */
	NFMPTCP_ADDR_A_SENDER,		/* u8: NFMPTCP_END_* */
	NFMPTCP_ADDR_A_FLAGS,		/* u8: NFMPTCP_ADDR_F_* */
	NFMPTCP_ADDR_A_NAT_ADDR4,	/* be32: the address the NAT announced instead */
	NFMPTCP_ADDR_A_NAT_ADDR6,	/* binary, 16 bytes */
	NFMPTCP_ADDR_A_NAT_PORT,	/* be16, only when the rewritten option carries one */
	__NFMPTCP_ADDR_A_MAX
};

#define NFMPTCP_ADDR_A_MAX (__NFMPTCP_ADDR_A_MAX - 1)

#define NFMPTCP_ADDR_F_ECHOED	0x01
#define NFMPTCP_ADDR_F_REMOVED	0x02
#define NFMPTCP_ADDR_F_TRANSLATED	0x04	/* nf_nat_mptcp announced NFMPTCP_ADDR_A_NAT_* */
#define NFMPTCP_ADDR_F_DROPPED	0x08	/* removed by nf_nat_mptcp: the peer never saw it */

/*
 * Per-netns counters. Also the attribute types of the NFMPTCP_A_STATS nest
 * (each a u64), hence the unused 0.
 */
enum nfmptcp_stat {
	NFMPTCP_STAT_UNSPEC,
	NFMPTCP_STAT_CONN_SEEN,
	NFMPTCP_STAT_CONN_ACTIVE,	/* gauge */
	NFMPTCP_STAT_CONN_CLOSED,
	NFMPTCP_STAT_SF_SEEN,
	NFMPTCP_STAT_JOIN_VALID,
	NFMPTCP_STAT_JOIN_UNKNOWN_TOKEN,
	NFMPTCP_STAT_JOIN_BAD_HMAC,
	NFMPTCP_STAT_FALLBACK,
	NFMPTCP_STAT_ADD_ADDR_SEEN,
	NFMPTCP_STAT_ADD_ADDR_BAD_HMAC,
	NFMPTCP_STAT_ADD_ADDR_REWRITTEN,
	NFMPTCP_STAT_ADD_ADDR_DROPPED,
	NFMPTCP_STAT_RM_ADDR_SEEN,
	NFMPTCP_STAT_OPT_MALFORMED,
	NFMPTCP_STAT_OPT_STRIPPED,
	NFMPTCP_STAT_TABLE_FULL,
	NFMPTCP_STAT_SF_LIMIT,
	NFMPTCP_STAT_ALLOC_FAIL,
	NFMPTCP_STAT_JOIN_RELATED,	/* joins marked RELATED in conntrack */
	NFMPTCP_STAT_EARLY_DROP,	/* half-open connections evicted for a new one */
	NFMPTCP_STAT_JOIN_RELATED_FULL,	/* join SYNs not made RELATED: no free subflow slot */
	NFMPTCP_STAT_JOIN_WITHDRAWN,	/* RELATED joins killed: bad HMAC, over the limit, orphan */
	/* policies that acted (an action other than accept/pass), by policy ... */
	NFMPTCP_STAT_POLICY_JOIN_UNKNOWN_TOKEN,
	NFMPTCP_STAT_POLICY_JOIN_BAD_HMAC,
	NFMPTCP_STAT_POLICY_JOIN_OVER_LIMIT,
	NFMPTCP_STAT_POLICY_JOIN_NOT_OWNED,
	NFMPTCP_STAT_POLICY_JOIN_RATE,		/* over join-rate: join-over-limit's action */
	NFMPTCP_STAT_POLICY_MP_CAPABLE,
	NFMPTCP_STAT_POLICY_ADD_ADDR,
	NFMPTCP_STAT_POLICY_ADD_ADDR_BAD_HMAC,
	/* ... and by action */
	NFMPTCP_STAT_POLICY_DROP,		/* packets dropped */
	NFMPTCP_STAT_POLICY_REJECT,		/* packets dropped and answered with MP_TCPRST */
	NFMPTCP_STAT_POLICY_STRIP,		/* options removed, the packet forwarded */
	NFMPTCP_STAT_EXPECT_NOT_JOIN,	/* non-join SYNs via nf_nat_mptcp's expectation: dropped */
	NFMPTCP_STAT_SF_REAPED,		/* subflows whose conntrack lost our helper (ctnetlink) */
	NFMPTCP_STAT_ADD_ADDR_GROWN,	/* of add-addr-rewritten: the header grew */
	__NFMPTCP_STAT_MAX
};

#define NFMPTCP_STAT_MAX (__NFMPTCP_STAT_MAX - 1)

enum nfmptcp_config_attr {
	NFMPTCP_CFG_A_UNSPEC,
	NFMPTCP_CFG_A_MAX_CONNS,	/* u32, 1..4194304 */
	NFMPTCP_CFG_A_MAX_SUBFLOWS,	/* u32, 1..64 per connection */
	NFMPTCP_CFG_A_JOIN_RELATED,	/* u8 bool: joins to known connections are RELATED */
	/* policies, u8 enum nfmptcp_action unless said otherwise */
	NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN,	/* accept, drop, reject */
	NFMPTCP_CFG_A_JOIN_BAD_HMAC,		/* accept, drop, reject */
	NFMPTCP_CFG_A_JOIN_OVER_LIMIT,		/* accept, drop, reject */
	NFMPTCP_CFG_A_JOIN_NOT_OWNED,		/* accept, drop, reject */
	NFMPTCP_CFG_A_JOIN_RATE,		/* u32: join SYNs/connection/second, 0: no limit */
	NFMPTCP_CFG_A_MP_CAPABLE,		/* accept (pass), strip */
	NFMPTCP_CFG_A_ADD_ADDR,			/* accept (pass), strip-private, strip */
	NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC,	/* accept (pass), strip ("drop" the option) */
	NFMPTCP_CFG_A_AUTO_DETECT,	/* u8 bool: hooks find MPTCP; 0: `ct helper set` only */
	NFMPTCP_CFG_A_NAT_MAP,		/* nest: nfmptcp_nat_map_attr; a new map, empty: none */
	__NFMPTCP_CFG_A_MAX
};

#define NFMPTCP_CFG_A_MAX (__NFMPTCP_CFG_A_MAX - 1)

/*
 * The static 1:1 NAT of the netns that nf_nat_mptcp announces through
 * (Documentation/nat.rst): inside address -> outside address, ports kept.
 */
enum nfmptcp_nat_map_attr {
	NFMPTCP_NAT_MAP_A_UNSPEC,
	NFMPTCP_NAT_MAP_A_PAIR,		/* nest: nfmptcp_nat_pair_attr, once per pair */
	__NFMPTCP_NAT_MAP_A_MAX
};

#define NFMPTCP_NAT_MAP_A_MAX (__NFMPTCP_NAT_MAP_A_MAX - 1)

/* pairs in a map at most */
#define NFMPTCP_NAT_MAP_PAIRS_MAX	64

/* One inside and one outside address, of the same family; each at most once per map. */
enum nfmptcp_nat_pair_attr {
	NFMPTCP_NAT_PAIR_A_UNSPEC,
	NFMPTCP_NAT_PAIR_A_INSIDE4,	/* be32: the host's own address */
	NFMPTCP_NAT_PAIR_A_INSIDE6,	/* binary, 16 bytes */
	NFMPTCP_NAT_PAIR_A_OUTSIDE4,	/* be32: the address the NAT translates it to */
	NFMPTCP_NAT_PAIR_A_OUTSIDE6,	/* binary, 16 bytes */
	__NFMPTCP_NAT_PAIR_A_MAX
};

#define NFMPTCP_NAT_PAIR_A_MAX (__NFMPTCP_NAT_PAIR_A_MAX - 1)

#define NFMPTCP_JOIN_RATE_MAX	1000

/* What a policy does. Each policy takes the subset its attribute lists. */
enum nfmptcp_action {
	NFMPTCP_ACTION_ACCEPT,		/* today's behaviour: track and report only */
	NFMPTCP_ACTION_DROP,
	NFMPTCP_ACTION_REJECT,		/* drop; TCP RST with MP_TCPRST reason 3 both ways */
	NFMPTCP_ACTION_STRIP,		/* remove the option(s), forward the packet */
	NFMPTCP_ACTION_STRIP_PRIVATE,	/* add-addr: strip announcements of private addresses */
	__NFMPTCP_ACTION_MAX
};

/* Which policy acted (NFMPTCP_POLICY_A_POLICY). */
enum nfmptcp_policy {
	NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN,
	NFMPTCP_POLICY_JOIN_BAD_HMAC,
	NFMPTCP_POLICY_JOIN_OVER_LIMIT,
	NFMPTCP_POLICY_JOIN_NOT_OWNED,
	NFMPTCP_POLICY_JOIN_RATE,
	NFMPTCP_POLICY_MP_CAPABLE,
	NFMPTCP_POLICY_ADD_ADDR,
	NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC,
	__NFMPTCP_POLICY_MAX
};

/*
 * NFMPTCP_EVENT_POLICY: NFMPTCP_A_POLICY, with NFMPTCP_A_CONN when the
 * connection is known, NFMPTCP_A_SUBFLOW (the packet's subflow; a join's
 * token) and, for ADD_ADDR policies, NFMPTCP_A_ADDR.
 */
enum nfmptcp_policy_attr {
	NFMPTCP_POLICY_A_UNSPEC,
	NFMPTCP_POLICY_A_POLICY,	/* u8: enum nfmptcp_policy (why) */
	NFMPTCP_POLICY_A_ACTION,	/* u8: enum nfmptcp_action (what was done) */
	__NFMPTCP_POLICY_A_MAX
};

#define NFMPTCP_POLICY_A_MAX (__NFMPTCP_POLICY_A_MAX - 1)

/* MP_TCPRST reason sent by the reject action (RFC 8684 §3.6) */
#define NFMPTCP_TCPRST_ADMIN_PROHIBITED	3

#endif /* _UAPI_LINUX_NFMPTCP_H */
