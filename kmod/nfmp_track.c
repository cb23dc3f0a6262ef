// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_track.c - follow MPTCP through netfilter: attach the "mptcp" conntrack
 * helper to subflows, feed their packets to the protocol engine, map joins to
 * their connection.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "nfmp_kernel.h"
#include "nfmp_enforce.h"
#include "nfmp_nat_hook.h"
#include "core/nfmp_policy.h"

/*
 * True while the per-netns state may not exist: before module init has
 * registered it (the helper is registered first, and a template binding
 * "mptcp" can reach ->help in that window) and from the start of module exit.
 */
bool nfmp_exiting __read_mostly = true;

/*
 * Connections sharing one token that a join is checked against. Natural
 * collisions are rare even on a CGN; deliberate ones cost 2^32 hashes each,
 * and hiding a victim's connection then takes this many (newest first).
 */
#define NFMP_TOKEN_CANDIDATES	16

/* One TCP segment as the engine wants it; a single nfmp_opts keeps the stack small. */
struct nfmp_seg {
	u8	opts[MAX_TCP_OPTION_SPACE];	/* ours: the skb may change under the slow path */
	const u8 *optp;			/* the options: in the skb, or opts once owned */
	unsigned int optlen;
	unsigned int protoff;
	struct nfmp_pkt pkt;
	struct nfmp_opts parsed;	/* pkt.opts points here once parsed */
};

/*
 * Read the TCP header and find its options (seg->optp, mostly in the skb's
 * head, not copied); false if the segment is unusable.
 */
static bool nfmp_read_segment(const struct sk_buff *skb, const struct nf_conn *ct,
			      enum ip_conntrack_info ctinfo, struct nfmp_seg *seg)
{
	unsigned int protoff, thlen;
	struct tcphdr _th;
	const struct tcphdr *th;
	int ret;

	ret = nfmp_tcp_protoff(skb, nf_ct_l3num(ct));
	if (ret < 0)
		return false;
	protoff = ret;

	th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
	if (!th)
		return false;
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || protoff + thlen > skb->len)
		return false;

	seg->protoff = protoff;
	seg->optlen = thlen - sizeof(*th);
	seg->optp = skb_header_pointer(skb, protoff + sizeof(*th), seg->optlen, seg->opts);
	if (!seg->optp)
		return false;

	seg->pkt.tcp_flags = ((const u8 *)th)[13];
	seg->pkt.dir = CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL ? NFMP_DIR_ORIG : NFMP_DIR_REPLY;
	seg->pkt.payload_len = skb->len - protoff - thlen;
	return true;
}

/*
 * A copy of the options in seg->opts, which is what the engine, the
 * policies and nf_nat_mptcp read from: they may change the skb meanwhile.
 */
static void nfmp_seg_own_options(struct nfmp_seg *seg)
{
	if (seg->optp != seg->opts)
		memcpy(seg->opts, seg->optp, seg->optlen);
	seg->optp = seg->opts;
}

static void nfmp_count_malformed(struct nfmp_net *nn, const struct nfmp_opts *opts)
{
	if (unlikely(opts->malformed || opts->bad_tcp_opts))
		nfmp_stat_inc(nn, NFMPTCP_STAT_OPT_MALFORMED);
}

/*
 * Is the join's destination an address and port that @owner (the end whose
 * token the SYN carries) is known to use or announced? Without this, anyone
 * who learned a token (it is sent in clear) could open RELATED flows to any
 * host behind the firewall. Under conn->lock (subflow list, addrs).
 */
static bool nfmp_join_dest_owned(const struct nfmp_kconn *conn, int owner,
				 const struct nf_conn *join)
{
	const struct nf_conntrack_tuple *jt = &join->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	bool port_used = false;
	struct nf_conn *ct;
	unsigned int i;

	nfmp_for_each_subflow(conn, ct) {
		const struct nfmp_ct_data *data = nfmp_ct_data(ct);
		/* the owner's end as its peer addresses it, before any DNAT */
		enum ip_conntrack_dir dir = data->sf.opener == owner ? IP_CT_DIR_REPLY :
								      IP_CT_DIR_ORIGINAL;
		const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;

		if (t->dst.u.tcp.port != jt->dst.u.tcp.port)
			continue;
		if (nf_ct_l3num(ct) == nf_ct_l3num(join) &&
		    nf_inet_addr_cmp(&t->dst.u3, &jt->dst.u3))
			return true;
		port_used = true;
	}
	if (!conn->addrs)
		return false;
	for (i = 0; i < conn->addrs->n; i++) {
		const struct nfmp_addr_entry *e = &conn->addrs->e[i];

		if (e->sender != owner || (e->flags & NFMPTCP_ADDR_F_REMOVED) ||
		    (e->family == 4) != (nf_ct_l3num(join) == NFPROTO_IPV4) ||
		    memcmp(e->addr, &jt->dst.u3, e->family == 4 ? 4 : 16))
			continue;
		/*
		 * RFC 8684 §3.4.1: no port means the port of a subflow of that
		 * end. The same address may be announced again with another id
		 * and port: keep looking.
		 */
		if (e->port ? htons(e->port) == jt->dst.u.tcp.port : port_used)
			return true;
	}
	return false;
}

/*
 * Did nf_nat_mptcp's expectation make this conntrack RELATED? Only it sets
 * expectations on subflows with our helper; nfmp_join_admit() sets masters
 * later, on the same first packet.
 */
static bool nfmp_via_our_expectation(const struct nf_conn *ct)
{
	const struct nf_conn_help *help;

	if (!ct->master || !test_bit(IPS_EXPECTED_BIT, &ct->status))
		return false;
	help = nfct_help(ct->master);
	return help && rcu_access_pointer(help->helper) == &nfmp_helper;
}

/*
 * Admit a join SYN to a known connection, or say which policy objects to it
 * (NFMPTCP_POLICY_JOIN_NOT_OWNED, _JOIN_RATE, _JOIN_OVER_LIMIT; -1: none).
 *
 * An admitted join becomes RELATED to one of the connection's subflows, the
 * way an expectation would make it, so `ct state related` admits a subflow
 * the server opens toward the client. A real expectation cannot be used: the
 * join's 5-tuple is not known in advance and only its token identifies it.
 * Called on the unconfirmed conntrack of the join SYN, under rcu_read_lock().
 * The whole decision is taken under conn->lock and nothing else: joins to
 * different connections never wait for each other.
 */
static int nfmp_join_admit(struct nfmp_net *nn, struct sk_buff *skb, struct nf_conn *ct,
			   struct nfmp_ct_data *data, struct nfmp_kconn *conn, int owner)
{
	/* nf_nat_mptcp's expectation: it was set up from the owner's announcement */
	bool expected = nfmp_via_our_expectation(ct);
	u32 rate = READ_ONCE(nn->cfg.join_rate);
	struct nf_conn *master = NULL, *sub;
	int why = -1;
	bool usable;

	if (owner < 0)
		return -1;

	spin_lock_bh(&conn->lock);
	if (conn->dead) {
		spin_unlock_bh(&conn->lock);
		return -1;
	}
	usable = conn->pc.state != NFMP_CONN_FALLBACK && conn->pc.state != NFMP_CONN_CLOSED;
	if (usable && !expected && !nfmp_join_dest_owned(conn, owner, ct))
		why = NFMPTCP_POLICY_JOIN_NOT_OWNED;
	else if (usable && !nfmp_join_rate_admit(&conn->pc, jiffies_to_msecs(jiffies), rate))
		why = NFMPTCP_POLICY_JOIN_RATE;
	if (!usable)
		goto out;	/* the endpoint refuses it itself; nothing to admit */

	/*
	 * Bounded admission: a token is sent in clear, so joins carrying it
	 * (spoofed sources, say) get in only while the connection has free
	 * subflow slots, counting those admitted and not answered yet.
	 */
	if (conn->npending &&
	    time_after32((u32)jiffies, conn->pending_stamp + NFMP_JOIN_PENDING_TTL))
		WRITE_ONCE(conn->npending, 0);	/* the nft expression reads it locklessly */
	if (why < 0 && conn->nsubflows + conn->npending >= READ_ONCE(nn->cfg.max_subflows)) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_RELATED_FULL);
		why = NFMPTCP_POLICY_JOIN_OVER_LIMIT;
	}
	/* RELATED already (an expectation): a conntrack has one master */
	if (why >= 0 || ct->master || !READ_ONCE(nn->cfg.join_related))
		goto out;
	/*
	 * A master that is not itself RELATED keeps master chains one deep:
	 * nf_ct_destroy() puts masters recursively.
	 */
	nfmp_for_each_subflow(conn, sub) {
		master = sub->master ?: sub;
		if (refcount_inc_not_zero(&master->ct_general.use))
			break;
		master = NULL;
	}
	if (master) {
		WRITE_ONCE(conn->npending, conn->npending + 1);
		conn->pending_stamp = (u32)jiffies;
		data->embryo.admitted = 1;
	}
out:
	spin_unlock_bh(&conn->lock);
	if (!master)
		return why;

	ct->master = master;	/* reference dropped by nf_ct_destroy() */
	__set_bit(IPS_EXPECTED_BIT, &ct->status);
	nf_ct_set(skb, ct, IP_CT_RELATED);
	nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_RELATED);
	return -1;
}

/*
 * nf_nat_mptcp's expectation admits the join to an address it announced:
 * nothing else gets in through it (it is used up all the same).
 */
static unsigned int nfmp_expected_not_join(struct nfmp_net *nn, const struct nf_conn *ct)
{
	if (likely(!nfmp_via_our_expectation(ct)))
		return NF_ACCEPT;
	nfmp_stat_inc(nn, NFMPTCP_STAT_EXPECT_NOT_JOIN);
	return NF_DROP;
}

/* Did nfmp_join_admit() (or an expectation) make this join RELATED? */
static bool nfmp_join_is_related(const struct nf_conn *ct)
{
	return ct->master && test_bit(IPS_EXPECTED_BIT, &ct->status);
}

/*
 * The connection whose subflow is the master of RELATED join @ct, if any.
 * Under rcu_read_lock(), which keeps it readable; it may be dead.
 */
static struct nfmp_kconn *nfmp_join_master_conn(const struct nf_conn *ct)
{
	const struct nf_conn_help *help = nfct_help(ct->master);
	const struct nfmp_ct_data *mdata;

	if (!help || rcu_access_pointer(help->helper) != &nfmp_helper)
		return NULL;
	mdata = (const struct nfmp_ct_data *)help->data;
	/* pairs with smp_store_release() in nfmp_subflow_link(): live.conn is set */
	return smp_load_acquire(&mdata->phase) == NFMP_PHASE_LIVE ? mdata->live.conn : NULL;
}

/* A RELATED admission was answered: its pending slot goes back. Under conn->lock. */
static void nfmp_join_slot_put(struct nfmp_kconn *conn)
{
	lockdep_assert_held(&conn->lock);

	if (conn->npending)
		WRITE_ONCE(conn->npending, conn->npending - 1);
}

/*
 * Take RELATED back from a join that turned out not to belong: its HMAC
 * failed, it exceeds the subflow limit, its connection is gone or is another
 * one than its master's (token collision). Killing the conntrack is the only
 * way: its later packets are then NEW (or invalid) for the ruleset. Under
 * no lock of ours: ->destroy may take them.
 */
static void nfmp_join_withdraw(struct nfmp_net *nn, struct nf_conn *ct)
{
	if (nf_ct_kill(ct))
		nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_WITHDRAWN);
}

/*
 * First packet of a conntrack (not confirmed yet): if it is an MPTCP SYN,
 * attach our helper and remember what the SYN said. Nothing is linked yet.
 * Returns the packet's verdict: policies may refuse a join or strip MP_CAPABLE.
 */
static unsigned int nfmp_track_syn(struct net *net, struct nfmp_net *nn,
				   const struct nfmp_enforce_pkt *p, struct nfmp_seg *seg,
				   bool helper_attached)
{
	struct nf_conn *ct = p->ct;
	struct nfmp_kconn *cands[NFMP_TOKEN_CANDIDATES];
	struct nf_conn_help *help;
	struct nfmp_ct_data *data;
	struct nfmp_opts *opts = &seg->parsed;
	struct nfmp_result res = {};
	unsigned int n;
	int receiver = -1, why;

	if ((seg->pkt.tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK | NFMP_TCP_RST)) != NFMP_TCP_SYN)
		return NF_ACCEPT;
	if (!nfmp_has_mptcp_option(seg->opts, seg->optlen))
		return nfmp_expected_not_join(nn, ct);
	nfmp_parse_options(seg->opts, seg->optlen, seg->pkt.tcp_flags, NFMP_VERSION_UNKNOWN, opts);
	nfmp_count_malformed(nn, opts);
	seg->pkt.opts = opts;
	if (!(opts->present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)) &&
	    nfmp_expected_not_join(nn, ct) == NF_DROP)
		return NF_DROP;

	/* the connection falls back to TCP: nothing to track */
	if ((opts->present & NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE)) &&
	    READ_ONCE(nn->cfg.mp_capable) == NFMPTCP_ACTION_STRIP)
		return nfmp_enforce_mpc_strip(net, nn, p, seg->opts, seg->optlen);

	/* A full table is dealt with at commit time, where early drop can make room. */
	if (!(opts->present & (NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE) | NFMP_SUBTYPE_BIT(NFMP_MP_JOIN))))
		return NF_ACCEPT;

	if (helper_attached) {
		help = nfct_help(ct);
		if (!help)
			return NF_ACCEPT;
	} else {
		help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
		if (!help) {
			nfmp_stat_inc(nn, NFMPTCP_STAT_ALLOC_FAIL);
			return NF_ACCEPT;
		}
		rcu_assign_pointer(help->helper, &nfmp_helper);
	}
	data = (struct nfmp_ct_data *)help->data;
	memset(data, 0, sizeof(*data));

	if (opts->present & NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE)) {
		data->embryo.version = opts->mpc.version;
		data->embryo.mpc_flags = opts->mpc.flags;
		if (opts->mpc.nkeys) {
			/* v0: the SYN carries the client's key (RFC 6824 §3.1) */
			data->embryo.key = opts->mpc.snd_key;
			data->embryo.has_key = 1;
		}
		data->phase = NFMP_PHASE_EMBRYO_MPC;
		return NF_ACCEPT;
	}

	/* MP_JOIN SYN: the token names the receiving end (RFC 8684 §3.2). */
	data->embryo.token = opts->join.token;
	data->phase = NFMP_PHASE_EMBRYO_JOIN;
	n = nfmp_conn_find_token(nn, opts->join.token, nfmp_ct_zone(ct), cands, ARRAY_SIZE(cands));
	if (n) {
		nfmp_conn_prepare_hmac_once(cands[0]);
		spin_lock_bh(&cands[0]->lock);
		receiver = nfmp_conn_token_owner(&cands[0]->pc, opts->join.token);
		nfmp_join_start(&cands[0]->pc, &data->sf, receiver, &seg->pkt, &res);
		spin_unlock_bh(&cands[0]->lock);
		why = nfmp_join_admit(nn, p->skb, ct, data, cands[0], receiver);
		if (why < 0)
			return NF_ACCEPT;
		return nfmp_enforce_join(net, nn, p, why, cands[0], &data->sf,
					 opts->join.token, false);
	}
	nfmp_join_start(NULL, &data->sf, -1, &seg->pkt, &res);
	nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_UNKNOWN_TOKEN);
	nfmp_event_join_unknown(net, ct, &data->sf, opts->join.token);
	return nfmp_enforce_join(net, nn, p, NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN, NULL, &data->sf,
				 opts->join.token, false);
}

/* Pick, among connections sharing the token, the one whose keys sign this SYN/ACK. */
static struct nfmp_kconn *nfmp_join_choose(struct nfmp_kconn **cands, unsigned int n,
					   const struct nfmp_subflow *sf,
					   const struct nfmp_seg *seg)
{
	const struct nfmp_opts *opts = seg->pkt.opts;
	unsigned int i;

	if (n == 1 || seg->pkt.dir != NFMP_DIR_REPLY ||
	    !(opts->present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)) ||
	    opts->join.form != NFMP_JOIN_SYNACK)
		return cands[0];

	for (i = 0; i < n; i++) {
		bool match;

		spin_lock_bh(&cands[i]->lock);
		match = nfmp_join_synack_matches(&cands[i]->pc, sf, &opts->join);
		spin_unlock_bh(&cands[i]->lock);
		if (match)
			return cands[i];
	}
	return cands[0];
}

/*
 * A new connection for the subflow that opened it. The connection enters
 * the id index (nn->ids_lock) with this subflow linked already: walks never
 * see it empty. The events go out under the locks, before anything else can
 * be said about the connection.
 */
static struct nfmp_kconn *nfmp_commit_mpc(struct net *net, struct nfmp_net *nn,
					  struct nf_conn *ct, struct nfmp_ct_data *data,
					  struct nfmp_seg *seg)
{
	struct nfmp_pkt syn = { .tcp_flags = NFMP_TCP_SYN, .dir = NFMP_DIR_ORIG };
	struct nfmp_opts *syn_opts = &seg->parsed;
	struct nfmp_result res = {};
	struct nfmp_kconn *conn;

	/* The SYN itself is gone; what it said that matters was kept. */
	memset(syn_opts, 0, sizeof(*syn_opts));
	syn_opts->present = NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE);
	syn_opts->n_mptcp = 1;
	syn_opts->mpc.version = data->embryo.version;
	syn_opts->mpc.flags = data->embryo.mpc_flags;
	syn_opts->mpc.len = data->embryo.version == NFMP_VERSION_0 ? 12 : 4;
	if (data->embryo.has_key) {
		syn_opts->mpc.nkeys = 1;
		syn_opts->mpc.snd_key = data->embryo.key;
	}
	syn.opts = syn_opts;

	spin_lock_bh(&nn->ids_lock);
	conn = nfmp_conn_create(nn, ct);
	if (conn) {
		spin_lock(&conn->lock);
		nfmp_conn_start(&conn->pc, &data->sf, &syn, &res);
		nfmp_subflow_link(nn, conn, ct);
		nfmp_event_conn(net, NFMPTCP_EVENT_CONN_CREATED, conn);
		nfmp_event_subflow(net, NFMPTCP_EVENT_SF_ADDED, conn, ct, &data->sf);
		spin_unlock(&conn->lock);
	}
	spin_unlock_bh(&nn->ids_lock);
	return conn;
}

/*
 * A join answered by its responder: link it to the connection its token
 * and the SYN/ACK's HMAC name, or take RELATED back (*withdraw). Only that
 * connection's lock is taken (and its master's, to give a pending slot
 * back, when that is another connection), never a per-netns one unless
 * the connection turns out to be gone.
 */
static struct nfmp_kconn *nfmp_commit_join(struct net *net, struct nfmp_net *nn,
					   struct nf_conn *ct, struct nfmp_ct_data *data,
					   struct nfmp_seg *seg, bool *withdraw)
{
	struct nfmp_kconn *cands[NFMP_TOKEN_CANDIDATES];
	struct nfmp_kconn *conn = NULL, *mconn = NULL, *slot = NULL, *c = NULL;
	bool gone = false;
	unsigned int n;

	if (nfmp_join_is_related(ct)) {
		/* answered: its admission turns into a subflow, or is withdrawn */
		mconn = nfmp_join_master_conn(ct);
		/* only our own admissions hold a slot, not nf_nat_mptcp's expectations */
		if (data->embryo.admitted)
			slot = mconn;
		*withdraw = true;
	}
	n = nfmp_conn_find_token(nn, data->embryo.token, nfmp_ct_zone(ct), cands,
				 ARRAY_SIZE(cands));
	if (n) {
		nfmp_parse_options(seg->opts, seg->optlen, seg->pkt.tcp_flags,
				   NFMP_VERSION_UNKNOWN, &seg->parsed);
		seg->pkt.opts = &seg->parsed;
		c = nfmp_join_choose(cands, n, &data->sf, seg);
	}
	/*
	 * The slot goes back in the same section as the link when both are on
	 * one connection, so that admissions never see it counted nowhere.
	 */
	if (slot && slot != c) {
		spin_lock_bh(&slot->lock);
		nfmp_join_slot_put(slot);
		spin_unlock_bh(&slot->lock);
	}
	if (!c)
		return NULL;

	spin_lock_bh(&c->lock);
	if (slot == c)
		nfmp_join_slot_put(c);
	if (c->dead)
		goto unlock;
	/* its subflows may all be lost: then the connection is gone */
	gone = nfmp_conn_reap(net, nn, c);
	if (gone)
		goto unlock;
	if (c->nsubflows >= READ_ONCE(nn->cfg.max_subflows)) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_SF_LIMIT);
		goto unlock;
	}
	/* RELATED stays only when the master is a subflow of this very connection */
	if (*withdraw && mconn != c)
		goto unlock;	/* withdrawn: never linked, never reported */
	*withdraw = false;
	/* The receiver may differ from the SYN-time guess on a token collision. */
	data->sf.opener = !nfmp_conn_token_owner(&c->pc, data->embryo.token);
	if (data->sf.verdict == NFMP_VERDICT_UNKNOWN_TOKEN)
		data->sf.verdict = NFMP_VERDICT_PENDING;
	nfmp_subflow_link(nn, c, ct);
	nfmp_event_subflow(net, NFMPTCP_EVENT_SF_ADDED, c, ct, &data->sf);
	conn = c;
unlock:
	spin_unlock_bh(&c->lock);
	if (gone)
		nfmp_conn_close(net, nn, c);
	return conn;
}

/*
 * The responder's SYN/ACK, after confirmation: from now on ->destroy will be
 * called, so the subflow can hold a reference on a connection. Returns the connection,
 * or NULL if the subflow stays untracked.
 *
 * The embryo is claimed with cmpxchg() against ->destroy. A ->destroy that
 * finds it COMMITTING leaves it alone, so this side looks for IPS_DYING
 * once the subflow is LIVE: nf_ct_delete() sets it, a full barrier, before
 * calling ->destroy, and we set LIVE, a full barrier, before looking, so at
 * least one of the two sees the other; nfmp_subflow_unlink() rechecks the
 * phase under conn->lock, so only one unlinks.
 */
static struct nfmp_kconn *nfmp_commit(struct net *net, struct nfmp_net *nn, struct nf_conn *ct,
				      struct nfmp_ct_data *data, struct nfmp_seg *seg,
				      bool *withdraw)
{
	struct nfmp_kconn *conn;
	u32 phase;

	/* pairs with smp_store_release() in nfmp_subflow_link(): live.conn is set */
	phase = smp_load_acquire(&data->phase);
	if (phase == NFMP_PHASE_LIVE)
		return data->live.conn;
	/*
	 * Conntrack may have killed this entry before our hook saw its second
	 * packet (a RST answering the SYN): ->destroy then won the embryo.
	 */
	if ((phase != NFMP_PHASE_EMBRYO_MPC && phase != NFMP_PHASE_EMBRYO_JOIN) ||
	    cmpxchg(&data->phase, phase, NFMP_PHASE_COMMITTING) != phase)
		return NULL;

	if (phase == NFMP_PHASE_EMBRYO_MPC)
		conn = nfmp_commit_mpc(net, nn, ct, data, seg);
	else
		conn = nfmp_commit_join(net, nn, ct, data, seg, withdraw);
	if (!conn) {
		WRITE_ONCE(data->phase, NFMP_PHASE_ORPHAN);
		return NULL;
	}
	smp_mb();	/* LIVE before IPS_DYING: see above */
	if (unlikely(nf_ct_is_dying(ct))) {
		nfmp_subflow_unlink(net, nn, ct);
		return NULL;
	}
	return conn;
}

/* What an ADD_ADDR says, for events (also when it is not recorded). */
static void nfmp_addr_from_option(const struct nfmp_add_addr *aa, u8 sender,
				  struct nfmp_addr_entry *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->addr, aa->addr, aa->family == 4 ? 4 : 16);
	out->family = aa->family;
	out->id = aa->addr_id;
	out->port = aa->has_port ? aa->port : 0;
	out->sender = sender;
}

/*
 * Record an announcement: it replaces an entry of the same sender and id,
 * else takes a free or a removed slot (ids are reused over a long connection).
 */
static void nfmp_note_addr(struct nfmp_kconn *conn, struct nfmp_addr_entry *a)
{
	struct nfmp_addrs *addrs = conn->addrs;
	struct nfmp_addr_entry *e = NULL, *free_slot = NULL;
	unsigned int i;

	if (!addrs) {
		addrs = kzalloc(sizeof(*addrs), GFP_ATOMIC);
		if (!addrs)
			return;
		conn->addrs = addrs;
	}
	for (i = 0; i < addrs->n; i++) {
		if (addrs->e[i].sender == a->sender && addrs->e[i].id == a->id) {
			e = &addrs->e[i];
			break;
		}
		if (!free_slot && (addrs->e[i].flags & NFMPTCP_ADDR_F_REMOVED))
			free_slot = &addrs->e[i];
	}
	if (e && e->family == a->family && e->port == a->port &&
	    !memcmp(e->addr, a->addr, sizeof(e->addr))) {
		/* a retransmission: nf_nat_mptcp keeps announcing what it chose */
		a->flags = e->flags & (NFMPTCP_ADDR_F_TRANSLATED | NFMPTCP_ADDR_F_DROPPED);
		a->nat_port = e->nat_port;
		memcpy(a->nat_addr, e->nat_addr, sizeof(a->nat_addr));
	}
	if (!e)
		e = free_slot;
	if (!e) {
		if (addrs->n == NFMP_MAX_ADDRS)
			return;
		e = &addrs->e[addrs->n++];
	}
	*e = *a;
}

/* Mark the addresses @sender removed. */
static void nfmp_note_removed(struct nfmp_kconn *conn, const struct nfmp_remove_addr *rm,
			      u8 sender)
{
	unsigned int i, j;

	if (!conn->addrs)
		return;
	for (i = 0; i < conn->addrs->n; i++) {
		struct nfmp_addr_entry *e = &conn->addrs->e[i];

		for (j = 0; j < rm->nids; j++)
			if (e->sender == sender && e->id == rm->ids[j])
				e->flags |= NFMPTCP_ADDR_F_REMOVED;
	}
}

static void nfmp_note_echo(struct nfmp_kconn *conn, const struct nfmp_add_addr *aa, u8 sender)
{
	unsigned int i;

	if (!conn->addrs)
		return;
	for (i = 0; i < conn->addrs->n; i++) {
		struct nfmp_addr_entry *e = &conn->addrs->e[i];

		/* The echo comes from the other end (RFC 8684 §3.4.1). */
		if (e->sender != sender && e->id == aa->addr_id)
			e->flags |= NFMPTCP_ADDR_F_ECHOED;
	}
}

/*
 * Options whose HMAC is checked or re-signed. The pad states are prepared for
 * the connections that carry one, not for all: most connections never join
 * or announce, and the pad states would double their record.
 */
static bool nfmp_needs_hmac(const struct nfmp_opts *opts)
{
	return opts->present & (NFMP_SUBTYPE_BIT(NFMP_MP_JOIN) | NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR));
}

/* Run one packet of a live subflow through the engine; returns its verdict. */
static unsigned int nfmp_track_live(struct net *net, struct nfmp_net *nn,
				    const struct nfmp_enforce_pkt *p, struct nfmp_ct_data *data,
				    struct nfmp_kconn *conn, struct nfmp_seg *seg)
{
	struct nf_conn *ct = p->ct;
	unsigned int verdict = NF_ACCEPT;
	bool strip_announced = false;
	struct nfmp_addr_entry addr = {};
	struct nfmp_result res = {};
	const struct nfmp_opts *opts = &seg->parsed;
	struct nfmp_subflow sf_snap;
	u16 ev;

	/* the version is fixed before a second subflow can exist */
	nfmp_parse_options(seg->opts, seg->optlen, seg->pkt.tcp_flags, READ_ONCE(conn->pc.version),
			   &seg->parsed);
	seg->pkt.opts = &seg->parsed;
	/* plain packets nfmp_options_plain() was too strict for: still no lock */
	if ((READ_ONCE(data->sf.flags) & NFMP_SF_F_STEADY) && nfmp_packet_is_plain(&seg->pkt))
		return NF_ACCEPT;

	if (unlikely(nfmp_needs_hmac(opts)))
		nfmp_conn_prepare_hmac_once(conn);
	spin_lock_bh(&conn->lock);
	nfmp_engine_packet(&conn->pc, &data->sf, &seg->pkt, &res);
	ev = res.events;
	if (ev & (NFMP_EV_ADDR_ANNOUNCED | NFMP_EV_ADD_ADDR_BAD_HMAC))
		nfmp_addr_from_option(&opts->add_addr, res.sender, &addr);
	if (ev & NFMP_EV_ADDR_ANNOUNCED)
		nfmp_note_addr(conn, &addr);
	if (ev & NFMP_EV_ADDR_ECHOED)
		nfmp_note_echo(conn, &opts->add_addr, res.sender);
	if (ev & NFMP_EV_ADDR_REMOVED)
		nfmp_note_removed(conn, &opts->rm_addr, res.sender);
	sf_snap = data->sf;
	spin_unlock_bh(&conn->lock);

	nfmp_count_malformed(nn, opts);
	strip_announced = READ_ONCE(nn->cfg.add_addr) == NFMPTCP_ACTION_STRIP &&
			  nfmp_policy_strips_add_addr(opts, ev);
	/* A key learned (the server's comes alone on the SYN/ACK): index its token. */
	if (unlikely((READ_ONCE(conn->pc.flags) & NFMP_CONN_F_KEYS) != READ_ONCE(conn->hashed)))
		nfmp_conn_hash_tokens(nn, conn);
	if (likely(!ev && !strip_announced)) {
		/* a join refused for its HMAC stays refused; resets tear it down */
		if (unlikely(sf_snap.verdict == NFMP_VERDICT_BAD_HMAC) &&
		    !(seg->pkt.tcp_flags & NFMP_TCP_RST))
			return nfmp_enforce_bad_hmac_subflow(nn);
		return NF_ACCEPT;
	}

	/* keys learned by this very packet: nf_nat_mptcp re-signs its ADD_ADDR next */
	if ((ev & NFMP_EV_KEYS_LEARNED) && nfmp_needs_hmac(opts))
		nfmp_conn_prepare_hmac_once(conn);

	if (ev & NFMP_EV_CONN_ESTABLISHED)
		nfmp_event_conn(net, NFMPTCP_EVENT_CONN_ESTABLISHED, conn);
	if (ev & NFMP_EV_SF_ESTABLISHED)
		nfmp_event_subflow(net, NFMPTCP_EVENT_SF_ESTABLISHED, conn, ct, &sf_snap);
	if (ev & NFMP_EV_JOIN_VALID)
		nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_VALID);
	if (ev & NFMP_EV_JOIN_BAD_HMAC) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_JOIN_BAD_HMAC);
		nfmp_event_subflow(net, NFMPTCP_EVENT_JOIN_INVALID, conn, ct, &sf_snap);
		/* the SYN went through: a reject resets both ends */
		verdict = nfmp_enforce_join(net, nn, p, NFMPTCP_POLICY_JOIN_BAD_HMAC, conn,
					    &sf_snap, 0, true);
		if (nfmp_join_is_related(ct))
			nfmp_join_withdraw(nn, ct);
	} else if (unlikely(sf_snap.verdict == NFMP_VERDICT_BAD_HMAC) &&
		   !(seg->pkt.tcp_flags & NFMP_TCP_RST)) {
		verdict = nfmp_enforce_bad_hmac_subflow(nn);
	}
	if (ev & NFMP_EV_ADDR_ANNOUNCED) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_SEEN);
		nfmp_event_addr(net, NFMPTCP_EVENT_ADDR_ANNOUNCED, conn, &addr, res.sender);
	}
	if (ev & NFMP_EV_ADD_ADDR_BAD_HMAC) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_ADD_ADDR_BAD_HMAC);
		nfmp_event_addr(net, NFMPTCP_EVENT_ADD_ADDR_BAD_HMAC, conn, &addr, res.sender);
		if (verdict == NF_ACCEPT &&
		    READ_ONCE(nn->cfg.add_addr_bad_hmac) == NFMPTCP_ACTION_STRIP)
			verdict = nfmp_enforce_add_addr_strip(net, nn, p,
							      NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC,
							      conn, seg->opts, seg->optlen,
							      &opts->add_addr, res.sender);
	}
	if (strip_announced && verdict == NF_ACCEPT)
		verdict = nfmp_enforce_add_addr_strip(net, nn, p, NFMPTCP_POLICY_ADD_ADDR, conn,
						      seg->opts, seg->optlen, &opts->add_addr,
						      res.sender);
	if (ev & NFMP_EV_ADDR_REMOVED) {
		unsigned int i;

		nfmp_stat_inc(nn, NFMPTCP_STAT_RM_ADDR_SEEN);
		for (i = 0; i < opts->rm_addr.nids; i++) {
			struct nfmp_addr_entry rm = { .id = opts->rm_addr.ids[i] };

			nfmp_event_addr(net, NFMPTCP_EVENT_ADDR_REMOVED, conn, &rm, res.sender);
		}
	}
	if (ev & NFMP_EV_FALLBACK) {
		nfmp_stat_inc(nn, NFMPTCP_STAT_FALLBACK);
		nfmp_event_conn(net, NFMPTCP_EVENT_FALLBACK, conn);
	}
	return verdict;
}

static unsigned int nfmp_track(struct net *net, struct sk_buff *skb, struct nf_conn *ct,
			       enum ip_conntrack_info ctinfo, bool helper_attached)
{
	struct nfmp_net *nn = nfmp_pernet(net);
	struct nfmp_enforce_pkt p = { .skb = skb, .ct = ct, .ctinfo = ctinfo };
	struct nfmp_ct_data *data;
	struct nfmp_kconn *conn;
	struct nfmp_seg seg;
	bool withdraw = false;
	u32 phase;

	if (!nf_ct_is_confirmed(ct)) {
		if (!nfmp_read_segment(skb, ct, ctinfo, &seg))
			return NF_ACCEPT;
		nfmp_seg_own_options(&seg);
		p.protoff = seg.protoff;
		return nfmp_track_syn(net, nn, &p, &seg, helper_attached);
	}

	/* killed by conntrack on this very packet (e.g. a RST in SYN_SENT) */
	if (unlikely(nf_ct_is_dying(ct)))
		return NF_ACCEPT;

	data = nfmp_ct_data(ct);
	/* pairs with smp_store_release() in nfmp_subflow_link(): live.conn is set */
	phase = smp_load_acquire(&data->phase);
	/* fallen back, refused or forgotten: not worth reading the segment */
	if (phase != NFMP_PHASE_LIVE && phase != NFMP_PHASE_EMBRYO_MPC &&
	    phase != NFMP_PHASE_EMBRYO_JOIN)
		return NF_ACCEPT;
	if (!nfmp_read_segment(skb, ct, ctinfo, &seg))
		return NF_ACCEPT;
	/*
	 * Most packets of a busy connection: nothing to learn, nothing to
	 * decode (nfmp_engine.h, nfmp_packet_is_plain()), nothing copied.
	 */
	if (phase == NFMP_PHASE_LIVE && (READ_ONCE(data->sf.flags) & NFMP_SF_F_STEADY) &&
	    nfmp_options_plain(seg.optp, seg.optlen, seg.pkt.tcp_flags))
		return NF_ACCEPT;
	nfmp_seg_own_options(&seg);
	p.protoff = seg.protoff;

	switch (phase) {
	case NFMP_PHASE_LIVE:
		conn = data->live.conn;
		break;
	case NFMP_PHASE_EMBRYO_MPC:
	case NFMP_PHASE_EMBRYO_JOIN:
		/*
		 * Only the responder's SYN/ACK makes a subflow worth a record:
		 * SYNs alone (retransmitted or forged) must not fill the table.
		 */
		if ((seg.pkt.tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK | NFMP_TCP_RST)) !=
		    (NFMP_TCP_SYN | NFMP_TCP_ACK) || seg.pkt.dir != NFMP_DIR_REPLY)
			return NF_ACCEPT;
		conn = nfmp_commit(net, nn, ct, data, &seg, &withdraw);
		if (withdraw)
			nfmp_join_withdraw(nn, ct);
		if (!conn || withdraw)
			return NF_ACCEPT;
		break;
	default:
		return NF_ACCEPT;
	}
	return nfmp_track_live(net, nn, &p, data, conn, &seg);
}

static unsigned int nfmp_nat_untracked(struct sk_buff *skb, struct nf_conn *ct,
				       enum ip_conntrack_info ctinfo)
{
	nfmp_nat_hook_fn *nat = rcu_dereference(nfmp_nat_hook);
	int protoff;

	if (!nat)
		return NF_ACCEPT;
	protoff = nfmp_tcp_protoff(skb, nf_ct_l3num(ct));
	if (protoff < 0)
		return NF_ACCEPT;
	return nat(skb, protoff, ct, ctinfo, NULL);
}

/*
 * PREROUTING and OUTPUT, right after conntrack: state is up to date before
 * DNAT and before filter chains read it. The cost for anything we do not
 * track is the conntrack lookup below and one pointer compare.
 */
static unsigned int nfmp_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn_help *help;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_protonum(ct) != IPPROTO_TCP)
		return NF_ACCEPT;

	help = nfct_help(ct);
	if (nf_ct_is_confirmed(ct)) {
		if (likely(!help || rcu_access_pointer(help->helper) != &nfmp_helper)) {
			/*
			 * A NATed flow we do not track (started before we were
			 * loaded): its ADD_ADDR would announce an address the
			 * peer cannot reach, and we cannot re-sign it.
			 */
			if (unlikely(ct->status & IPS_NAT_MASK) && !help &&
			    rcu_access_pointer(nfmp_nat_hook))
				return nfmp_nat_untracked(skb, ct, ctinfo);
			return NF_ACCEPT;
		}
	} else if (help) {
		/* someone else's helper, or a template's: leave it alone */
		return NF_ACCEPT;
	}
	/* looped back: OUTPUT already saw it (checked off the fast path) */
	if (state->hook == NF_INET_PRE_ROUTING && nf_is_loopback_packet(skb))
		return NF_ACCEPT;
	return nfmp_track(state->net, skb, ct, ctinfo, false);
}

/*
 * A NATed subflow: hand its ADD_ADDR options to nf_nat_mptcp (under RCU),
 * then hold what leaves through the NAT to the add-addr policy.
 */
static int nfmp_helper_nat(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
			   enum ip_conntrack_info ctinfo, struct nf_conn_help *help)
{
	struct nfmp_ct_data *data = (struct nfmp_ct_data *)help->data;
	nfmp_nat_hook_fn *nat = rcu_dereference(nfmp_nat_hook);
	struct nfmp_net *nn = nfmp_pernet(nf_ct_net(ct));
	struct nfmp_kconn *conn = NULL;
	unsigned int verdict = NF_ACCEPT;

	/* pairs with smp_store_release() in nfmp_subflow_link(); RCU keeps conn */
	if (smp_load_acquire(&data->phase) == NFMP_PHASE_LIVE)
		conn = data->live.conn;
	if (nat)
		verdict = nat(skb, protoff, ct, ctinfo, conn);
	else
		nfmp_nat_request_module();
	if (verdict == NF_ACCEPT && conn &&
	    READ_ONCE(nn->cfg.add_addr) == NFMPTCP_ACTION_STRIP_PRIVATE) {
		struct nfmp_enforce_pkt p = {
			.skb = skb, .protoff = protoff, .ct = ct, .ctinfo = ctinfo,
		};

		verdict = nfmp_enforce_add_addr_private(nf_ct_net(ct), nn, &p, conn);
	}
	return verdict;
}

/*
 * Helper ->help, called at confirmation (+300, after SNAT) for every packet
 * of the conntrack: the NAT half (nf_nat_mptcp) sees ADD_ADDR options of
 * NATed subflows here, after NAT; and conntracks the user bound with `ct
 * helper set "mptcp"` after our hook had run on their SYN are picked up.
 */
static int nfmp_helper_help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
			    enum ip_conntrack_info ctinfo)
{
	/*
	 * On an unconfirmed conntrack, another module's unload (an extension
	 * genid bump) can hide the helper area: look, don't assume.
	 */
	struct nf_conn_help *help = nfct_help(ct);

	/* module load or unload: the pernet areas may not exist */
	if (READ_ONCE(nfmp_exiting) || !help)
		return NF_ACCEPT;
	if (!nf_ct_is_confirmed(ct)) {
		if (READ_ONCE(((struct nfmp_ct_data *)help->data)->phase) == NFMP_PHASE_NONE)
			return nfmp_track(nf_ct_net(ct), skb, ct, ctinfo, true);
		return NF_ACCEPT;
	}
	/*
	 * Without our hooks (auto-detect off) the helper sees every packet
	 * instead; a looped-back one passes here twice, so it is left out.
	 */
	if (unlikely(!READ_ONCE(nfmp_pernet(nf_ct_net(ct))->hooks_on)) &&
	    !nf_is_loopback_packet(skb)) {
		unsigned int verdict = nfmp_track(nf_ct_net(ct), skb, ct, ctinfo, true);

		if (verdict != NF_ACCEPT)
			return verdict;
	}
	if (unlikely(ct->status & IPS_NAT_MASK))
		return nfmp_helper_nat(skb, protoff, ct, ctinfo, help);
	return NF_ACCEPT;
}

/* Helper ->destroy: only ever called for confirmed conntracks (nf_ct_delete()). */
static void nfmp_helper_destroy(struct nf_conn *ct)
{
	struct nfmp_ct_data *data = nfmp_ct_data(ct);
	u32 phase = READ_ONCE(data->phase);

	/* An embryo is linked nowhere: claiming it keeps nfmp_commit() off. */
	if ((phase == NFMP_PHASE_EMBRYO_MPC || phase == NFMP_PHASE_EMBRYO_JOIN) &&
	    cmpxchg(&data->phase, phase, NFMP_PHASE_DEAD) == phase)
		return;

	/*
	 * RCU keeps the pernet area alive: netns exit marks every live subflow
	 * DEAD under its conn->lock and waits for a grace period before
	 * freeing it. COMMITTING is left to nfmp_commit(): it sees IPS_DYING,
	 * set before we were called, once it has made the subflow LIVE.
	 */
	rcu_read_lock();
	if (READ_ONCE(data->phase) == NFMP_PHASE_LIVE)
		nfmp_subflow_unlink(nf_ct_net(ct), nfmp_pernet(nf_ct_net(ct)), ct);
	rcu_read_unlock();
}

/*
 * Expectations are nf_nat_mptcp's: one per address it announced on a NAT's
 * outside address, waiting for the peer's join (Documentation/nat.rst).
 */
static const struct nf_conntrack_expect_policy nfmp_expect_policy = {
	.max_expected	= NFMP_MAX_ADDRS,
	.timeout	= 120,
	.name		= NFMP_HELPER_NAME,
};

struct nf_conntrack_helper nfmp_helper __read_mostly = {
	.name		= NFMP_HELPER_NAME,
	.me		= THIS_MODULE,
	.tuple.src.l3num = NFPROTO_UNSPEC,
	.tuple.dst.protonum = IPPROTO_TCP,
	.data_len	= sizeof(struct nfmp_ct_data),
	.help		= nfmp_helper_help,
	.destroy	= nfmp_helper_destroy,
	.expect_policy	= &nfmp_expect_policy,
	.nat_mod_name	= NF_NAT_HELPER_NAME(NFMP_HELPER_NAME),
};

static const struct nf_hook_ops nfmp_hook_ops[] = {
	{
		.hook		= nfmp_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook		= nfmp_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook		= nfmp_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK + 1,
	},
	{
		.hook		= nfmp_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_CONNTRACK + 1,
	},
};

static bool nfmp_auto_detect __read_mostly = true;
module_param_named(auto_detect, nfmp_auto_detect, bool, 0644);
MODULE_PARM_DESC(auto_detect,
		 "new netns: hooks find MPTCP SYNs (1) or only `ct helper set \"mptcp\"` conntracks are tracked (0)");

/* Serializes hook (un)registration: netns init/exit and CONFIG_SET. */
static DEFINE_MUTEX(nfmp_hooks_mutex);

int nfmp_track_set_auto_detect(struct net *net, bool on)
{
	struct nfmp_net *nn = nfmp_pernet(net);
	int ret = 0;

	mutex_lock(&nfmp_hooks_mutex);
	if (on == nn->hooks_on)
		goto out;
	if (!on) {
		nf_unregister_net_hooks(net, nfmp_hook_ops, ARRAY_SIZE(nfmp_hook_ops));
		nf_ct_netns_put(net, NFPROTO_INET);
		WRITE_ONCE(nn->hooks_on, false);
		goto out;
	}
	/* conntrack on in this netns: our hooks read its state */
	ret = nf_ct_netns_get(net, NFPROTO_INET);
	if (ret)
		goto out;
	ret = nf_register_net_hooks(net, nfmp_hook_ops, ARRAY_SIZE(nfmp_hook_ops));
	if (ret) {
		nf_ct_netns_put(net, NFPROTO_INET);
		goto out;
	}
	WRITE_ONCE(nn->hooks_on, true);
out:
	mutex_unlock(&nfmp_hooks_mutex);
	return ret;
}

int nfmp_track_net_init(struct net *net)
{
	return nfmp_track_set_auto_detect(net, READ_ONCE(nfmp_auto_detect));
}

void nfmp_track_net_exit(struct net *net)
{
	nfmp_track_set_auto_detect(net, false);
}
