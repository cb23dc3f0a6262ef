// SPDX-License-Identifier: GPL-2.0
/* nfmp_table.c - per-netns table of MPTCP connections, indexed by token and by id. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "nfmp_kernel.h"

static struct kmem_cache *nfmp_conn_cachep __read_mostly;

/* The sweep for lost subflows (nfmp_reap_work) */
#define NFMP_REAP_INTERVAL	HZ
#define NFMP_REAP_SLICES	4U
#define NFMP_REAP_MIN_BUCKETS	1024U

static u32 nfmp_bucket(const struct nfmp_net *nn, u32 key)
{
	return jhash_1word(key, nn->hash_seed) >> (32 - nn->hash_bits);
}

/* Keyed by the token of each end; the tables seed their hash at random. */
static const struct rhashtable_params nfmp_token_params[2] = {
	[NFMP_CLIENT] = {
		.head_offset		= offsetof(struct nfmp_kconn, token_node[NFMP_CLIENT]),
		.key_offset		= offsetof(struct nfmp_kconn, pc.token[NFMP_CLIENT]),
		.key_len		= sizeof(u32),
		.automatic_shrinking	= true,
	},
	[NFMP_SERVER] = {
		.head_offset		= offsetof(struct nfmp_kconn, token_node[NFMP_SERVER]),
		.key_offset		= offsetof(struct nfmp_kconn, pc.token[NFMP_SERVER]),
		.key_len		= sizeof(u32),
		.automatic_shrinking	= true,
	},
};

/* Constant parameters on the packet path: the hash and compare are inlined. */
static struct rhlist_head *nfmp_token_lookup(struct nfmp_net *nn, int s, const u32 *token)
{
	if (s == NFMP_CLIENT)
		return rhltable_lookup(&nn->token_ht[NFMP_CLIENT], token,
				       nfmp_token_params[NFMP_CLIENT]);
	return rhltable_lookup(&nn->token_ht[NFMP_SERVER], token, nfmp_token_params[NFMP_SERVER]);
}

int nfmp_table_cache_init(void)
{
	nfmp_conn_cachep = KMEM_CACHE(nfmp_kconn, 0);
	return nfmp_conn_cachep ? 0 : -ENOMEM;
}

void nfmp_table_cache_exit(void)
{
	kmem_cache_destroy(nfmp_conn_cachep);
}

static void nfmp_reap_work(struct work_struct *work);

int nfmp_table_init(struct net *net, struct nfmp_net *nn)
{
	unsigned int size = 1U << nn->hash_bits;
	int err;

	spin_lock_init(&nn->ids_lock);
	write_pnet(&nn->net, net);
	INIT_DELAYED_WORK(&nn->reap_work, nfmp_reap_work);
	get_random_bytes(&nn->hash_seed, sizeof(nn->hash_seed));
	nn->id_hash = kvcalloc(size, sizeof(struct hlist_head), GFP_KERNEL_ACCOUNT);
	if (!nn->id_hash)
		return -ENOMEM;
	err = rhltable_init(&nn->token_ht[NFMP_CLIENT], &nfmp_token_params[NFMP_CLIENT]);
	if (err)
		goto err_free_ids;
	err = rhltable_init(&nn->token_ht[NFMP_SERVER], &nfmp_token_params[NFMP_SERVER]);
	if (err)
		goto err_destroy_client;
	return 0;

err_destroy_client:
	rhltable_destroy(&nn->token_ht[NFMP_CLIENT]);
err_free_ids:
	kvfree(nn->id_hash);
	return err;
}

/* Callers have flushed the table and waited for RCU readers of the indexes. */
void nfmp_table_exit(struct nfmp_net *nn)
{
	WARN_ON_ONCE(nn->count);
	rhltable_destroy(&nn->token_ht[NFMP_CLIENT]);
	rhltable_destroy(&nn->token_ht[NFMP_SERVER]);
	kvfree(nn->id_hash);
}

static void nfmp_conn_free_rcu(struct rcu_head *head)
{
	struct nfmp_kconn *conn = container_of(head, struct nfmp_kconn, rcu);

	/* keys and pad states let anyone who reads freed memory join or hijack */
	kfree_sensitive(conn->pc.hk);
	kfree(conn->addrs);
	memzero_explicit(conn->pc.key, sizeof(conn->pc.key));
	kmem_cache_free(nfmp_conn_cachep, conn);
}

/* Is @id taken? Ids wrap after 2^32 connections; a CGN gets there in hours. */
static bool nfmp_id_in_use(const struct nfmp_net *nn, u32 id)
{
	const struct nfmp_kconn *conn;

	lockdep_assert_held(&nn->ids_lock);

	hlist_for_each_entry(conn, &nn->id_hash[nfmp_bucket(nn, id)], id_node)
		if (conn->id == id)
			return true;
	return false;
}

static void nfmp_conn_unhash(struct nfmp_net *nn, struct nfmp_kconn *conn);
static void nfmp_conn_drop_all(struct nfmp_kconn *conn);

/*
 * Work bound of one early drop: connections looked at, and buckets (a table
 * far smaller than its index is sparse; empty buckets cost one read each).
 */
#define NFMP_EARLY_DROP_CONNS	16
#define NFMP_EARLY_DROP_BUCKETS	16384U

/* No subflow of @conn got past its handshake (what a SYN flood leaves). Under conn->lock. */
static bool nfmp_conn_half_open(struct nfmp_kconn *conn)
{
	struct nf_conn *ct;

	lockdep_assert_held(&conn->lock);

	nfmp_for_each_subflow(conn, ct)
		if (nfmp_ct_data(ct)->sf.flags & NFMP_SF_F_ESTABLISHED)
			return false;
	return true;
}

/*
 * The table is full: evict a half-open connection to make room, as
 * conntrack's early_drop does, so that a flood of handshakes that never
 * complete cannot keep real connections out. Bounded work under
 * nn->ids_lock; each candidate's lock is taken in turn (lock order).
 */
static bool nfmp_conn_early_drop(struct net *net, struct nfmp_net *nn)
{
	unsigned int mask = (1U << nn->hash_bits) - 1;
	unsigned int b = get_random_u32() & mask, i, looked = 0;
	unsigned int nbuckets = min(mask + 1, NFMP_EARLY_DROP_BUCKETS);
	struct nfmp_kconn *conn;
	bool drop;

	lockdep_assert_held(&nn->ids_lock);

	for (i = 0; i < nbuckets && looked < NFMP_EARLY_DROP_CONNS; i++, b = (b + 1) & mask) {
		hlist_for_each_entry(conn, &nn->id_hash[b], id_node) {
			spin_lock(&conn->lock);
			/* dead: its remover waits for ids_lock; no room to gain here */
			if (conn->dead) {
				spin_unlock(&conn->lock);
				continue;
			}
			drop = nfmp_conn_half_open(conn);
			if (drop)
				nfmp_conn_drop_all(conn);
			spin_unlock(&conn->lock);
			if (!drop) {
				if (++looked == NFMP_EARLY_DROP_CONNS)
					break;
				continue;
			}
			nfmp_event_conn(net, NFMPTCP_EVENT_CONN_CLOSED, conn);
			nfmp_conn_unhash(nn, conn);
			nfmp_stat_inc(nn, NFMPTCP_STAT_EARLY_DROP);
			return true;
		}
	}
	return false;
}

/*
 * A new connection, in the id index only (no token is known yet). Called with
 * nn->ids_lock held, which the caller keeps until the first subflow is
 * linked (walks never see a connection without subflows that is not dead);
 * fails when the netns limit is reached, so that the caller leaves the
 * subflow to plain conntrack.
 */
struct nfmp_kconn *nfmp_conn_create(struct nfmp_net *nn, const struct nf_conn *ct)
{
	struct nfmp_kconn *conn;

	lockdep_assert_held(&nn->ids_lock);

	if (READ_ONCE(nn->count) >= READ_ONCE(nn->cfg.max_conns) &&
	    !nfmp_conn_early_drop(nf_ct_net(ct), nn)) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_TABLE_FULL);
		return NULL;
	}
	conn = kmem_cache_zalloc(nfmp_conn_cachep, GFP_ATOMIC);
	if (!conn) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_ALLOC_FAIL);
		return NULL;
	}
	spin_lock_init(&conn->lock);
	conn->l3num = nf_ct_l3num(ct);
	conn->zone = nfmp_ct_zone(ct);
	conn->created = (u32)jiffies;
	do {
		if (unlikely(++nn->next_id == 0)) {
			nn->next_id = 1;
			nn->ids_wrapped = true;
		}
	} while (unlikely(nn->ids_wrapped) && nfmp_id_in_use(nn, nn->next_id));
	conn->id = nn->next_id;
	hlist_add_head_rcu(&conn->id_node, &nn->id_hash[nfmp_bucket(nn, conn->id)]);
	WRITE_ONCE(nn->count, nn->count + 1);
	nfmp_stat_inc(nn, NFMPTCP_STAT_CONN_SEEN);
	if (!nn->reap_armed && !nn->reap_stop) {
		nn->reap_armed = true;
		queue_delayed_work(system_power_efficient_wq, &nn->reap_work, NFMP_REAP_INTERVAL);
	}
	return conn;
}

/*
 * Index the tokens learned since the last call. A token is the index's key:
 * it must not change while indexed, or its removal would miss it. It is
 * final once the SYN/ACK has fixed the version: before, a v0 SYN's client
 * key has a token that the SYN/ACK may recompute with the other hash.
 *
 * Under conn->lock, which is what makes a token inserted once and removed
 * once: a dead connection is never inserted, and its remover reads hashed
 * after it was marked dead. The rhltable needs no lock of ours.
 */
void nfmp_conn_hash_tokens(struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	u8 known;
	int s;

	spin_lock_bh(&conn->lock);
	known = conn->pc.state == NFMP_CONN_SYN_SENT ? 0 : conn->pc.flags & NFMP_CONN_F_KEYS;
	if (!conn->dead) {
		for (s = NFMP_CLIENT; s <= NFMP_SERVER; s++) {
			u8 bit = s == NFMP_CLIENT ? NFMP_CONN_F_KEY_CLIENT : NFMP_CONN_F_KEY_SERVER;

			if (!(known & bit) || (conn->hashed & bit))
				continue;
			/* no memory for a bigger table: the next packet tries again */
			if (rhltable_insert(&nn->token_ht[s], &conn->token_node[s],
					    nfmp_token_params[s])) {
				nfmp_stat_inc(nn, NFMPTCP_STAT_ALLOC_FAIL);
				continue;
			}
			WRITE_ONCE(conn->hashed, conn->hashed | bit);
		}
	}
	spin_unlock_bh(&conn->lock);
}

/*
 * Connections one of whose ends owns @token. Several are possible: tokens are
 * unique per host only, and a CGN sees many hosts (RFC 8684 §3.2). Caller holds
 * rcu_read_lock(): the connections stay readable for that long, but may die
 * meanwhile (check dead under conn->lock before linking anything to one).
 */
unsigned int nfmp_conn_find_token(struct nfmp_net *nn, u32 token, u32 zone,
				  struct nfmp_kconn **found, unsigned int max)
{
	struct rhlist_head *list, *pos;
	struct nfmp_kconn *conn;
	unsigned int n = 0;
	int s;

	rcu_read_lock();
	for (s = NFMP_CLIENT; s <= NFMP_SERVER && n < max; s++) {
		list = nfmp_token_lookup(nn, s, &token);
		rhl_for_each_entry_rcu(conn, pos, list, token_node[s]) {
			if (READ_ONCE(conn->dead) ||
			    (zone != NFMP_ANY_ZONE && conn->zone != zone))
				continue;
			found[n++] = conn;
			if (n == max)
				break;
		}
	}
	rcu_read_unlock();
	return n;
}

/* Link @ct to @conn, under conn->lock; @conn is not dead (the caller checked). */
void nfmp_subflow_link(struct nfmp_net *nn, struct nfmp_kconn *conn, struct nf_conn *ct)
{
	struct nfmp_ct_data *data = nfmp_ct_data(ct);

	lockdep_assert_held(&conn->lock);

	nf_conntrack_get(&ct->ct_general);
	data->live.conn = conn;
	data->live.next = conn->subflows;
	conn->subflows = ct;
	WRITE_ONCE(conn->nsubflows, conn->nsubflows + 1);
	/* readers that see LIVE must see live.conn: pairs with smp_load_acquire() */
	smp_store_release(&data->phase, NFMP_PHASE_LIVE);
	nfmp_stat_inc(nn, NFMPTCP_STAT_SF_SEEN);
}

/*
 * Take a dead connection off the indexes (its killer, once: see struct
 * nfmp_kconn); freed after a grace period. hashed no longer changes once
 * dead is set, so conn->lock is not needed, nor any lock of ours for the
 * token indexes; the id index wants nn->ids_lock.
 */
static void nfmp_conn_unhash_tokens(struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	int s;

	WARN_ON_ONCE(!READ_ONCE(conn->dead) || READ_ONCE(conn->nsubflows));

	for (s = NFMP_CLIENT; s <= NFMP_SERVER; s++)
		if (conn->hashed & (1 << s))
			WARN_ON_ONCE(rhltable_remove(&nn->token_ht[s], &conn->token_node[s],
						     nfmp_token_params[s]));
}

static void nfmp_conn_unhash_id(struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	lockdep_assert_held(&nn->ids_lock);

	hlist_del_rcu(&conn->id_node);
	WRITE_ONCE(nn->count, nn->count - 1);
	nfmp_stat_inc(nn, NFMPTCP_STAT_CONN_CLOSED);
	call_rcu(&conn->rcu, nfmp_conn_free_rcu);
}

/* Both at once, for walks, which hold nn->ids_lock already. */
static void nfmp_conn_unhash(struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	nfmp_conn_unhash_tokens(nn, conn);
	nfmp_conn_unhash_id(nn, conn);
}

/*
 * Report and remove a connection that nfmp_conn_reap() just marked dead.
 * Called with no lock of ours held (lock order), from RCU read-side sections
 * (packet path, ->destroy), so that netns exit's grace period waits for it.
 */
void nfmp_conn_close(struct net *net, struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	nfmp_event_conn(net, NFMPTCP_EVENT_CONN_CLOSED, conn);
	nfmp_conn_unhash_tokens(nn, conn);
	spin_lock_bh(&nn->ids_lock);
	nfmp_conn_unhash_id(nn, conn);
	spin_unlock_bh(&nn->ids_lock);
}

/*
 * Take the subflow at *pp off its connection and drop the list's conntrack
 * reference. Not the last one when called from ->destroy (nf_ct_delete()'s
 * caller holds one); when it is, nf_ct_destroy() does not call back into us.
 * Under conn->lock.
 */
static void nfmp_subflow_drop(struct nfmp_kconn *conn, struct nf_conn **pp)
{
	struct nf_conn *ct = *pp;
	struct nfmp_ct_data *data = nfmp_ct_data(ct);

	lockdep_assert_held(&conn->lock);

	*pp = data->live.next;
	/* pairs with nfmp_snapshot_get(): a reader seeing DEAD sees the subflow's last state */
	smp_store_release(&data->phase, NFMP_PHASE_DEAD);
	WRITE_ONCE(conn->nsubflows, conn->nsubflows - 1);
	nf_ct_put(ct);
}

/* Flush, early drop: every subflow off, and @conn marked dead. Under conn->lock. */
static void nfmp_conn_drop_all(struct nfmp_kconn *conn)
{
	while (conn->subflows)
		nfmp_subflow_drop(conn, &conn->subflows);
	WRITE_ONCE(conn->dead, true);
}

/*
 * Take the subflow at *pp off and report it (SF_CLOSED, with the end reason
 * when it was the connection's last, and the count of those left). Under
 * conn->lock.
 */
static void nfmp_subflow_close(struct net *net, struct nfmp_kconn *conn, struct nf_conn **pp)
{
	struct nf_conn *ct = *pp;
	struct nfmp_subflow sf;

	sf = nfmp_ct_data(ct)->sf;
	if (conn->nsubflows == 1 && conn->pc.state != NFMP_CONN_CLOSED &&
	    conn->pc.end_reason == NFMP_END_NONE)
		WRITE_ONCE(conn->pc.end_reason, NFMP_END_SUBFLOWS_GONE);

	/* the list's reference may be the last one: the event still reads ct */
	nf_conntrack_get(&ct->ct_general);
	nfmp_subflow_drop(conn, pp);
	nfmp_event_subflow(net, NFMPTCP_EVENT_SF_CLOSED, conn, ct, &sf);
	nf_ct_put(ct);
}

/*
 * A subflow we will hear no more of: a user cleared its conntrack's helper
 * through ctnetlink (CTA_HELP with an empty name: ctnetlink_change_helper()
 * sets help->helper to NULL and tells nobody), so neither its packets nor
 * its ->destroy reach us. Only a confirmed conntrack is ever linked, so its
 * helper area stays in reach (no extension genid check applies).
 */
static bool nfmp_subflow_lost(const struct nf_conn *ct)
{
	const struct nf_conn_help *help = nfct_help(ct);

	return !help || rcu_access_pointer(help->helper) != &nfmp_helper;
}

/*
 * Close the lost subflows of @conn (SF_CLOSED each, counted as sf-reaped).
 * Under conn->lock, on a connection that is not dead. Returns true when none
 * is left: @conn is then marked dead, and the caller reports and removes it
 * once conn->lock is dropped (nfmp_conn_close(), or CONN_CLOSED and
 * nfmp_conn_unhash() where ids_lock is held already).
 */
bool nfmp_conn_reap(struct net *net, struct nfmp_net *nn, struct nfmp_kconn *conn)
{
	struct nf_conn **pp = &conn->subflows;

	lockdep_assert_held(&conn->lock);

	while (*pp) {
		if (unlikely(nfmp_subflow_lost(*pp))) {
			nfmp_subflow_close(net, conn, pp);
			nfmp_stat_inc(nn, NFMPTCP_STAT_SF_REAPED);
		} else {
			pp = &nfmp_ct_data(*pp)->live.next;
		}
	}
	if (conn->nsubflows)
		return false;
	WRITE_ONCE(conn->dead, true);
	return true;
}

/*
 * A walk's look at one connection, under nn->ids_lock: reap it (@flush:
 * drop every subflow) and remove it if that left none. Dead ones are their
 * killers' to remove.
 */
static void nfmp_walk_one(struct net *net, struct nfmp_net *nn, struct nfmp_kconn *conn,
			  bool flush, bool notify)
{
	bool gone = false;

	lockdep_assert_held(&nn->ids_lock);

	spin_lock(&conn->lock);
	if (!conn->dead) {
		if (flush) {
			nfmp_conn_drop_all(conn);
			gone = true;
		} else {
			gone = nfmp_conn_reap(net, nn, conn);
		}
	}
	spin_unlock(&conn->lock);
	if (!gone)
		return;
	if (notify)
		nfmp_event_conn(net, NFMPTCP_EVENT_CONN_CLOSED, conn);
	nfmp_conn_unhash(nn, conn);
}

/*
 * The sweep: every NFMP_REAP_INTERVAL a slice of the id index, the whole of
 * it every NFMP_REAP_SLICES intervals, so that a lost subflow is reported
 * and its conntrack released within seconds rather than at an unrelated
 * walk (the list's reference would keep a deleted conntrack allocated, and
 * counted against nf_conntrack_max). Process context, ids_lock taken per
 * non-empty bucket and each connection's lock per connection.
 */

static void nfmp_reap_work(struct work_struct *work)
{
	struct nfmp_net *nn = container_of(to_delayed_work(work), struct nfmp_net, reap_work);
	unsigned int size = 1U << nn->hash_bits, mask = size - 1;
	unsigned int n = min(size, max(size / NFMP_REAP_SLICES, NFMP_REAP_MIN_BUCKETS));
	unsigned int b = nn->reap_bucket & mask, i;
	struct net *net = read_pnet(&nn->net);
	struct nfmp_kconn *conn;
	struct hlist_node *tmp;

	for (i = 0; i < n; i++, b = (b + 1) & mask) {
		if (hlist_empty(&nn->id_hash[b]))
			continue;
		spin_lock_bh(&nn->ids_lock);
		hlist_for_each_entry_safe(conn, tmp, &nn->id_hash[b], id_node)
			nfmp_walk_one(net, nn, conn, false, true);
		spin_unlock_bh(&nn->ids_lock);
		if (!(i % 64))
			cond_resched();
	}
	nn->reap_bucket = b;

	spin_lock_bh(&nn->ids_lock);
	if (nn->count && !nn->reap_stop)
		queue_delayed_work(system_power_efficient_wq, &nn->reap_work, NFMP_REAP_INTERVAL);
	else
		nn->reap_armed = false;
	spin_unlock_bh(&nn->ids_lock);
}

/* netns exit, before the flush: the sweep is never armed again. */
void nfmp_table_stop(struct nfmp_net *nn)
{
	spin_lock_bh(&nn->ids_lock);
	nn->reap_stop = true;
	spin_unlock_bh(&nn->ids_lock);
	cancel_delayed_work_sync(&nn->reap_work);
}

/*
 * The conntrack of a live subflow is going away (helper ->destroy, or the
 * commit that linked it saw it dying). Under rcu_read_lock(): @conn stays
 * readable even when a flush took the subflow off meanwhile, which the
 * phase, checked again under conn->lock, tells. Only this connection's lock
 * is taken, and ids_lock after it is dropped if the connection goes.
 */
void nfmp_subflow_unlink(struct net *net, struct nfmp_net *nn, struct nf_conn *ct)
{
	struct nfmp_ct_data *data = nfmp_ct_data(ct);
	struct nfmp_kconn *conn;
	struct nf_conn **pp;
	bool gone;

	/* pairs with smp_store_release() in nfmp_subflow_link(): live.conn is set */
	if (smp_load_acquire(&data->phase) != NFMP_PHASE_LIVE)
		return;
	conn = data->live.conn;

	spin_lock_bh(&conn->lock);
	if (READ_ONCE(data->phase) != NFMP_PHASE_LIVE) {
		spin_unlock_bh(&conn->lock);
		return;
	}
	for (pp = &conn->subflows; *pp; pp = &nfmp_ct_data(*pp)->live.next) {
		if (*pp == ct) {
			nfmp_subflow_close(net, conn, pp);
			break;
		}
	}
	gone = nfmp_conn_reap(net, nn, conn);
	spin_unlock_bh(&conn->lock);
	if (gone)
		nfmp_conn_close(net, nn, conn);
}

/*
 * Forget every connection (flush command, netns exit, module unload). The
 * conntracks stay; their subflow state becomes DEAD and is never looked at
 * again. Process context: ids_lock is dropped between buckets so that a big
 * table does not keep BHs off for long. @notify: a CONN_CLOSED event per
 * connection (flush command); none when the netns or the family goes away.
 * A connection that died meanwhile is left to its killer, which removes it
 * from an RCU read-side section: netns exit's grace period waits for that.
 */
void nfmp_table_flush(struct net *net, struct nfmp_net *nn, bool notify)
{
	struct hlist_node *tmp;
	struct nfmp_kconn *conn;
	unsigned int i;

	might_sleep();
	for (i = 0; i < (1U << nn->hash_bits); i++) {
		if (hlist_empty(&nn->id_hash[i]))
			continue;
		spin_lock_bh(&nn->ids_lock);
		hlist_for_each_entry_safe(conn, tmp, &nn->id_hash[i], id_node)
			nfmp_walk_one(net, nn, conn, true, notify);
		spin_unlock_bh(&nn->ids_lock);
		cond_resched();
	}
}

/*
 * Precompute the HMAC pad states (DESIGN §5) for a connection with both keys
 * known, at its first join or ADD_ADDR: they then cost two compressions
 * instead of four. Called in RCU read-side sections: @conn may be dead, not
 * freed. Without the keys, or the memory, HMACs are computed on demand.
 */
void nfmp_conn_prepare_hmac_once(struct nfmp_kconn *conn)
{
	struct nfmp_hmac_key *hk;

	if (READ_ONCE(conn->pc.hk))
		return;
	hk = kmalloc_array(2, sizeof(*hk), GFP_ATOMIC);
	if (!hk)
		return;		/* computed on demand instead */

	spin_lock_bh(&conn->lock);
	if (!conn->pc.hk && (conn->pc.flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS) {
		nfmp_conn_prepare_hmac(&conn->pc, hk);
		conn->pc.hk = hk;
		hk = NULL;
	}
	spin_unlock_bh(&conn->lock);
	kfree(hk);
}
