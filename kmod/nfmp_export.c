// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_export.c - read-only access to our per-conntrack MPTCP state for other
 * modules (nft_mptcp.ko). Everything here runs in packet context under RCU.
 */
#include <linux/export.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/tcp.h>

#include "nfmp_kernel.h"
#include "nfmp_export.h"

static void nfmp_snap_conn(struct nfmp_snapshot *snap, struct nfmp_kconn *conn)
{
	/* pc changes under conn->lock: take it so tokens, flags and version agree */
	spin_lock_bh(&conn->lock);
	snap->token[NFMP_CLIENT] = conn->pc.token[NFMP_CLIENT];
	snap->token[NFMP_SERVER] = conn->pc.token[NFMP_SERVER];
	if (conn->pc.flags & NFMP_CONN_F_KEY_CLIENT)
		snap->known |= NFMP_SNAP_TOKEN_CLIENT;
	if (conn->pc.flags & NFMP_CONN_F_KEY_SERVER)
		snap->known |= NFMP_SNAP_TOKEN_SERVER;
	snap->version = conn->pc.version;
	spin_unlock_bh(&conn->lock);
	snap->known |= NFMP_SNAP_CONN | NFMP_SNAP_VERSION;
	snap->conn_id = conn->id;
}

static void nfmp_snap_subflow(struct nfmp_snapshot *snap, const struct nfmp_subflow *sf)
{
	snap->verdict = sf->verdict;
	snap->join = !!(sf->flags & NFMP_SF_F_JOIN);
	snap->backup = !!(sf->flags & NFMP_SF_F_BACKUP_ORIG);
	snap->addr_id = snap->join ? sf->addr_id[NFMP_DIR_ORIG] : 0;
}

int nfmp_snapshot_get(const struct nf_conn *ct, struct nfmp_snapshot *snap)
{
	struct nfmp_kconn *conn;
	struct nf_conn_help *help;
	struct nfmp_ct_data *data;
	struct nfmp_subflow sf;

	memset(snap, 0, sizeof(*snap));
	if (nf_ct_protonum(ct) != IPPROTO_TCP)
		return -ENOENT;
	/* unconfirmed: an extension genid bump (module unload) hides the area */
	help = nfct_help(ct);
	if (!help || rcu_access_pointer(help->helper) != &nfmp_helper)
		return -ENOENT;
	data = (struct nfmp_ct_data *)help->data;

	/* pairs with smp_store_release() in nfmp_subflow_link(): live.conn is set */
	switch (smp_load_acquire(&data->phase)) {
	case NFMP_PHASE_LIVE:
		conn = data->live.conn;	/* freed after a grace period: RCU holds it */
		nfmp_snap_conn(snap, conn);
		spin_lock_bh(&conn->lock);
		sf = data->sf;
		spin_unlock_bh(&conn->lock);
		nfmp_snap_subflow(snap, &sf);
		snap->subflows = READ_ONCE(conn->nsubflows);
		return 0;

	case NFMP_PHASE_EMBRYO_MPC:
		/* the MP_CAPABLE SYN: nothing is known beyond what it offers */
		snap->version = data->embryo.version;
		snap->known = NFMP_SNAP_VERSION;
		snap->verdict = NFMP_VERDICT_PENDING;
		snap->subflows = 1;
		return 0;

	case NFMP_PHASE_EMBRYO_JOIN: {
		/*
		 * The join SYN (or, briefly, its first reply before our hook
		 * committed it): not linked yet, so look its connection up the
		 * way the tracker did and count this subflow in. Written by the
		 * SYN's own path, so no lock is needed for data->sf.
		 */
		struct nfmp_net *nn = nfmp_pernet(nf_ct_net(ct));

		nfmp_snap_subflow(snap, &data->sf);
		snap->join = 1;
		if (nfmp_conn_find_token(nn, data->embryo.token, nfmp_ct_zone(ct), &conn, 1)) {
			nfmp_snap_conn(snap, conn);
			/*
			 * Joins admitted before it and not answered yet are
			 * subflows too (two SYNs sent at once are the 2nd and
			 * 3rd); an admitted join is already among them.
			 */
			snap->subflows = READ_ONCE(conn->nsubflows) + READ_ONCE(conn->npending) +
					 !data->embryo.admitted;
		} else {
			snap->verdict = NFMP_VERDICT_UNKNOWN_TOKEN;
		}
		return 0;
	}

	case NFMP_PHASE_ORPHAN:
		/* a join whose token matched nothing, or a subflow we could not link */
		nfmp_snap_subflow(snap, &data->sf);
		return 0;

	case NFMP_PHASE_DEAD:
		/*
		 * A flushed subflow's conntrack lives on, untracked: nothing to
		 * say. One being deleted is seen only by the packets in flight,
		 * among them the packet that got a join withdrawn (a wrong HMAC
		 * kills the RELATED conntrack from our hook, before any filter
		 * chain): for them the subflow's own facts are what it ended
		 * with, so that `mptcp verdict bad-hmac drop` drops that packet.
		 * Its connection may be gone: no lock to take. The acquire above
		 * pairs with the release that set DEAD.
		 */
		if (!nf_ct_is_dying(ct))
			return -ENOENT;
		/* only a packet of this subflow past its phase check may still write it */
		sf = data_race(data->sf);
		nfmp_snap_subflow(snap, &sf);
		return 0;

	default:	/* NONE, COMMITTING (transient, another CPU) */
		return -ENOENT;
	}
}
EXPORT_SYMBOL_GPL(nfmp_snapshot_get);

u32 nfmp_skb_mptcp_subtypes(const struct sk_buff *skb, unsigned int thoff)
{
	u8 buf[MAX_TCP_OPTION_SPACE];
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int len, i;
	const u8 *opt;
	u32 mask = 0;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || th->doff * 4 < sizeof(*th))
		return 0;
	len = th->doff * 4 - sizeof(*th);
	opt = skb_header_pointer(skb, thoff + sizeof(*th), len, buf);
	if (!opt)
		return 0;

	for (i = 0; i < len;) {
		u8 kind = opt[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		/* the subtype is the high nibble of the third byte (RFC 8684 §3) */
		if (kind == NFMP_TCPOPT_MPTCP && olen >= 3)
			mask |= NFMP_SUBTYPE_BIT(opt[i + 2] >> 4);
		i += olen;
	}
	return mask;
}
EXPORT_SYMBOL_GPL(nfmp_skb_mptcp_subtypes);
