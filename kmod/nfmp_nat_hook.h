/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_nat_hook.h - what nf_conntrack_mptcp offers nf_nat_mptcp: the hook
 * through which the NAT half sees ADD_ADDR options leaving a NATed subflow
 * (as nf_nat_ftp_hook does for FTP).
 */
#ifndef _NFMP_NAT_HOOK_H
#define _NFMP_NAT_HOOK_H

#include "nfmp_kernel.h"
#include "core/nfmp_add_addr_rewrite.h"

#define NFMP_NAT_MODULE		"nf_nat_mptcp"

/*
 * Called for a packet with MPTCP options on a NATed conntrack (IPS_NAT_MASK):
 * from the helper's ->help after NAT (+300) with @conn the subflow's live
 * connection, or with @conn NULL for a conntrack we do not track (loaded
 * mid-connection, lost handshake), from the tracking hook before NAT. Under
 * rcu_read_lock(). Returns a netfilter verdict.
 */
typedef unsigned int nfmp_nat_hook_fn(struct sk_buff *skb, unsigned int protoff,
				      struct nf_conn *ct, enum ip_conntrack_info ctinfo,
				      struct nfmp_kconn *conn);
extern nfmp_nat_hook_fn __rcu *nfmp_nat_hook;

#endif /* _NFMP_NAT_HOOK_H */
