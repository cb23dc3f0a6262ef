/* SPDX-License-Identifier: GPL-2.0 */
/* nfmp_kernel.h - shared internals of the nf_conntrack_mptcp module (tracking, table, netlink). */
#ifndef _NFMP_KERNEL_H
#define _NFMP_KERNEL_H

#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/tcp.h>		/* MAX_TCP_OPTION_SPACE */

#include "core/nfmp_engine.h"
#include "uapi/nfmptcp.h"

#define NFMP_HELPER_NAME	"mptcp"

/* Where a conntrack stands with us, kept in nfmp_ct_data.phase. */
enum nfmp_phase {
	NFMP_PHASE_NONE,	/* helper attached by `ct helper set`, nothing seen yet */
	NFMP_PHASE_EMBRYO_MPC,	/* MP_CAPABLE SYN seen, conntrack not confirmed yet */
	NFMP_PHASE_EMBRYO_JOIN,	/* MP_JOIN SYN seen, conntrack not confirmed yet */
	NFMP_PHASE_COMMITTING,	/* being linked (nfmp_commit(), one CPU) */
	NFMP_PHASE_LIVE,	/* linked into a connection */
	NFMP_PHASE_ORPHAN,	/* join with an unknown token, or the connection could not be had */
	NFMP_PHASE_DEAD,	/* detached: conntrack deleted, flush, netns exit, unload */
};

/*
 * Per-subflow state in the conntrack helper area (help->data, 32 bytes). Until
 * the conntrack is confirmed nothing is linked anywhere: an unconfirmed
 * conntrack may be freed without any callback (its SYN was dropped), so the
 * embryo keeps only what the SYN said and is committed on the responder's
 * SYN/ACK, seen after confirmation, when ->destroy is guaranteed.
 */
struct nfmp_ct_data {
	union {
		struct {
			struct nfmp_kconn *conn;	/* the connection it belongs to */
			struct nf_conn *next;		/* next subflow of conn (conn->lock) */
		} live;
		struct {
			u64	key;		/* v0 MP_CAPABLE SYN: the client's key */
			u32	token;		/* MP_JOIN SYN: receiver's token */
			u8	version;	/* MP_CAPABLE SYN: version offered */
			u8	mpc_flags;
			u8	has_key;
			u8	admitted;	/* MP_JOIN SYN: holds a pending slot */
		} embryo;
	};
	struct nfmp_subflow	sf;		/* under conn->lock once live */
	/*
	 * enum nfmp_phase. Embryo -> DEAD (->destroy) and embryo -> COMMITTING
	 * (first packet after confirmation) race and are decided by cmpxchg(),
	 * so that ->destroy of an embryo needs no per-netns state: it may run
	 * after the netns' state is gone (module unload).
	 */
	u32			phase;
};

/* How long a RELATED admission waits for its SYN/ACK before its slot lapses. */
#define NFMP_JOIN_PENDING_TTL	(10 * HZ)

/* Ceiling of the max-subflows setting; netlink messages are sized for it. */
#define NFMP_MAX_SUBFLOWS_LIMIT	64U

/* Addresses announced by the ends of one connection (allocated on the first ADD_ADDR). */
#define NFMP_MAX_ADDRS	8

struct nfmp_addr_entry {
	u8	addr[16];
	u16	port;
	u8	id;
	u8	family;		/* 4 or 6 */
	u8	sender;		/* NFMP_CLIENT / NFMP_SERVER */
	u8	flags;		/* NFMPTCP_ADDR_F_* */
	/* what nf_nat_mptcp announced instead (NFMPTCP_ADDR_F_TRANSLATED) */
	u16	nat_port;	/* 0: the rewritten option carries no port */
	u8	nat_addr[16];
};

struct nfmp_addrs {
	u8			n;
	struct nfmp_addr_entry	e[NFMP_MAX_ADDRS];
};

/*
 * One MPTCP connection. Hashed by each end's token once that end's key is
 * known (joins carry the receiver's token, so both are needed).
 *
 * Locking (Documentation/tracking.rst, "Connections and locking"):
 * - lock: everything the packet path of this connection changes: pc, the
 *   subflows' sf, addrs, the subflow list, nsubflows, npending,
 *   pending_stamp, hashed and dead, hence every admission and link decision.
 *   Joins and other packets of a known connection take no per-netns lock
 *   (but to remove it from the id index once it is dead).
 * - nfmp_net.ids_lock: id_node (the id index). Taken at creation, removal
 *   and walks only.
 * - Order: nfmp_net.ids_lock, then lock; never ids_lock under lock, never
 *   two connections' locks at once.
 * - Death: whoever takes the last subflow off marks the connection dead
 *   under lock (nothing is linked to, or hashed into, a dead connection)
 *   and then, lock dropped, removes it from the token and id indexes: once,
 *   since only one can mark it. Walks skip dead connections.
 * - Lockless readers (RCU): nsubflows, npending, hashed, dead and pc's
 *   version, state, flags and end_reason, with READ_ONCE(); the writers of
 *   the first four use WRITE_ONCE().
 */
struct nfmp_kconn {
	/* by pc.token[NFMP_CLIENT / NFMP_SERVER]; tokens are unique per host only */
	struct rhlist_head	token_node[2];
	union {
		/* every connection, by id; only ever walked under nfmp_net.ids_lock */
		struct hlist_node	id_node;
		/* so, once off that index, its space can serve the deferred free */
		struct rcu_head		rcu;
	};
	struct nfmp_conn	pc;
	spinlock_t		lock;		/* see above */
	u8			nsubflows;	/* linked subflows */
	u8			hashed;		/* bit s: token_node[s] is in the table */
	bool			dead;		/* no subflow left: being unhashed or freed */
	u8			l3num;
	u32			id;		/* stable id for dumps and events */
	u32			created;	/* jiffies (32 bits: ages wrap after 49 days) */
	u16			zone;		/* conntrack zone id: joins match within it */
	/*
	 * Joins admitted RELATED on their SYN and not linked yet (no SYN/ACK
	 * seen), under lock. An unconfirmed conntrack can vanish
	 * without a callback, so the count also lapses NFMP_JOIN_PENDING_TTL
	 * after the last admission.
	 */
	u8			npending;
	u32			pending_stamp;	/* jiffies of the last admission */
	/*
	 * Subflows, through nfmp_ct_data.live.next; each holds a conntrack
	 * reference, so that an entry whose ->destroy never comes (ctnetlink
	 * can clear a conntrack's helper) is reaped, not used after free.
	 */
	struct nf_conn		*subflows;
	struct nfmp_addrs	*addrs;
};	/* 128 bytes on 64-bit (DESIGN §5: <= 128) */

struct nfmp_net {
	/*
	 * The id index and what goes with it: count, next_id, ids_wrapped,
	 * the sweep's flags; also serializes nat_map writers. Taken (BHs off)
	 * when a connection is created or removed and by walks, never by a
	 * join or another packet of a known connection. Connection locks nest
	 * inside it (struct nfmp_kconn).
	 */
	spinlock_t		ids_lock;
	/*
	 * By client / server token: the lookups of the packet path (joins),
	 * resized with the table so that they cost the same at 1M
	 * connections as at 10k.
	 */
	struct rhltable		token_ht[2];
	/* every connection by id, for walks, dumps and id lookups (hashsize) */
	struct hlist_head	*id_hash;
	unsigned int		hash_bits;
	u32			hash_seed;
	unsigned int		count;		/* connections in id_hash (ids_lock; READ_ONCE) */
	u32			next_id;
	bool			ids_wrapped;	/* next_id went round: ids may be taken */
	struct nfmp_config {
		unsigned int	max_conns;
		unsigned int	max_subflows;
		bool		join_related;
		/* policies: enum nfmptcp_action (Documentation/security.rst) */
		u8		join_action[NFMPTCP_POLICY_JOIN_NOT_OWNED + 1];
		u32		join_rate;	/* join SYNs per connection per second, 0: any */
		u8		mp_capable;
		u8		add_addr;
		u8		add_addr_bad_hmac;
	} cfg;
	u64 __percpu		*stats;		/* NFMPTCP_STAT_* */
	/*
	 * Our hooks are registered (automatic detection). Off: only conntracks
	 * bound with `ct helper set "mptcp"` are tracked, from ->help, and the
	 * netns pays nothing for the rest. Changed under nfmp_track's mutex.
	 */
	bool			hooks_on;
	/*
	 * Periodic sweep for subflows whose conntrack lost our helper (no
	 * ->destroy will come for them). Armed while connections exist; the
	 * flags are under ids_lock.
	 */
	bool			reap_armed;
	bool			reap_stop;	/* netns exit: never armed again */
	unsigned int		reap_bucket;	/* where the next sweep starts */
	struct delayed_work	reap_work;
	possible_net_t		net;
	/* config nat-map: the operator's static 1:1 NAT; replaced under ids_lock */
	struct nfmp_nat_map __rcu *nat_map;
};

struct nfmp_net *nfmp_pernet(const struct net *net);

static inline void nfmp_stat_inc(struct nfmp_net *nn, unsigned int idx)
{
	this_cpu_inc(nn->stats[idx]);
}

static inline struct nfmp_ct_data *nfmp_ct_data(const struct nf_conn *ct)
{
	return nfct_help_data(ct);
}

/* nfmp_table.c */
int nfmp_table_init(struct net *net, struct nfmp_net *nn);
void nfmp_table_exit(struct nfmp_net *nn);
int nfmp_table_cache_init(void);
void nfmp_table_cache_exit(void);
struct nfmp_kconn *nfmp_conn_create(struct nfmp_net *nn, const struct nf_conn *ct);
void nfmp_conn_hash_tokens(struct nfmp_net *nn, struct nfmp_kconn *conn);
#define NFMP_ANY_ZONE	U32_MAX
unsigned int nfmp_conn_find_token(struct nfmp_net *nn, u32 token, u32 zone,
				  struct nfmp_kconn **found, unsigned int max);

static inline u16 nfmp_ct_zone(const struct nf_conn *ct)
{
	return nf_ct_zone_id(nf_ct_zone(ct), IP_CT_DIR_ORIGINAL);
}

void nfmp_subflow_link(struct nfmp_net *nn, struct nfmp_kconn *conn, struct nf_conn *ct);
void nfmp_subflow_unlink(struct net *net, struct nfmp_net *nn, struct nf_conn *ct);
bool nfmp_conn_reap(struct net *net, struct nfmp_net *nn, struct nfmp_kconn *conn);
void nfmp_conn_close(struct net *net, struct nfmp_net *nn, struct nfmp_kconn *conn);
void nfmp_table_stop(struct nfmp_net *nn);
void nfmp_table_flush(struct net *net, struct nfmp_net *nn, bool notify);
void nfmp_conn_prepare_hmac_once(struct nfmp_kconn *conn);

/* Under conn->lock. */
#define nfmp_for_each_subflow(conn, ct) \
	for ((ct) = (conn)->subflows; (ct); (ct) = nfmp_ct_data(ct)->live.next)

/* nfmp_skb.c */
/* Offset of the TCP header, or -1 (not TCP, IPv6 fragment). */
int nfmp_tcp_protoff(const struct sk_buff *skb, u8 l3num);
int nfmp_tcp_opts_copy(const struct sk_buff *skb, unsigned int protoff,
		       u8 opts[MAX_TCP_OPTION_SPACE], u8 *tcp_flags);
bool nfmp_tcp_opts_write(struct sk_buff *skb, unsigned int protoff, const u8 *opts,
			 unsigned int optlen);
bool nfmp_tcp_opts_can_grow(const struct sk_buff *skb, unsigned int protoff,
			    unsigned int optlen);
bool nfmp_tcp_opts_grow(struct sk_buff *skb, unsigned int protoff, const u8 *opts,
			unsigned int optlen, unsigned int newlen);

/* nfmp_track.c */
extern struct nf_conntrack_helper nfmp_helper;
extern bool nfmp_exiting;
int nfmp_track_net_init(struct net *net);
void nfmp_track_net_exit(struct net *net);
int nfmp_track_set_auto_detect(struct net *net, bool on);

/* nfmp_nat_hook.c */
void nfmp_nat_request_module(void);
void nfmp_nat_hook_exit(void);

/* nfmp_nat_map.c */
struct nfmp_nat_map;
extern const struct nla_policy nfmp_nat_map_policy[NFMPTCP_NAT_MAP_A_MAX + 1];
int nfmp_nat_map_parse(const struct nlattr *attr, struct nfmp_nat_map **mapp,
		       struct netlink_ext_ack *extack);
void nfmp_nat_map_free(struct nfmp_nat_map *map);
void nfmp_nat_map_replace(struct nfmp_net *nn, struct nfmp_nat_map *map);
void nfmp_nat_map_exit(struct nfmp_net *nn);
size_t nfmp_nat_map_nlsize(void);
int nfmp_nat_map_fill(struct sk_buff *msg, struct nfmp_net *nn);
bool nfmp_nat_map_lookup(struct nfmp_net *nn, u8 l3num, const union nf_inet_addr *inside,
			 union nf_inet_addr *outside);

/* nfmp_netlink.c: events are no-ops when nobody listens. */
int nfmp_netlink_init(void);
void nfmp_netlink_exit(void);
void nfmp_event_conn(struct net *net, u8 cmd, struct nfmp_kconn *conn);
void nfmp_event_subflow(struct net *net, u8 cmd, struct nfmp_kconn *conn,
			const struct nf_conn *ct, const struct nfmp_subflow *sf);
void nfmp_event_join_unknown(struct net *net, const struct nf_conn *ct,
			     const struct nfmp_subflow *sf, u32 token);
void nfmp_event_addr(struct net *net, u8 cmd, struct nfmp_kconn *conn,
		     const struct nfmp_addr_entry *a, u8 sender);

/* What NFMPTCP_EVENT_POLICY reports: @conn and @addr may be NULL. */
struct nfmp_policy_event {
	u8			policy;		/* enum nfmptcp_policy */
	u8			action;		/* enum nfmptcp_action */
	u32			token;		/* a join's token, or 0 */
	struct nfmp_kconn	*conn;
	const struct nf_conn	*ct;
	const struct nfmp_subflow *sf;
	const struct nfmp_addr_entry *addr;
};

void nfmp_event_policy(struct net *net, const struct nfmp_policy_event *pe);

#endif /* _NFMP_KERNEL_H */
