/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_enforce.h - carrying out the operator's policies on a packet: drop,
 * reject, strip; counted and reported (Documentation/security.rst).
 */
#ifndef _NFMP_ENFORCE_H
#define _NFMP_ENFORCE_H

#include "nfmp_kernel.h"

/* The packet a policy acts on. */
struct nfmp_enforce_pkt {
	struct sk_buff		*skb;
	unsigned int		protoff;	/* TCP header */
	struct nf_conn		*ct;
	enum ip_conntrack_info	ctinfo;
};

/*
 * A join is objected to by @policy (NFMPTCP_POLICY_JOIN_*): carry out its
 * action. @answered: the subflow's SYN already went through, so reject also
 * resets the destination. @conn may be NULL (unknown token). Returns the
 * packet's verdict.
 */
unsigned int nfmp_enforce_join(struct net *net, struct nfmp_net *nn,
			       const struct nfmp_enforce_pkt *p, unsigned int policy,
			       struct nfmp_kconn *conn, const struct nfmp_subflow *sf,
			       u32 token, bool answered);

/* Later packets of a subflow whose join HMAC failed, under a drop or reject policy. */
unsigned int nfmp_enforce_bad_hmac_subflow(struct nfmp_net *nn);

/*
 * mp-capable strip: an MP_CAPABLE SYN loses every MPTCP option (@opts, the
 * caller's copy of the options area, is changed). Returns the verdict; the
 * caller must not track the connection.
 */
unsigned int nfmp_enforce_mpc_strip(struct net *net, struct nfmp_net *nn,
				    const struct nfmp_enforce_pkt *p, u8 *opts,
				    unsigned int optlen);

/*
 * Remove the ADD_ADDR @aa (announced by @sender, parsed from @opts) for
 * @policy (NFMPTCP_POLICY_ADD_ADDR or _ADD_ADDR_BAD_HMAC); the address is
 * marked dropped in @conn. Returns the verdict.
 */
unsigned int nfmp_enforce_add_addr_strip(struct net *net, struct nfmp_net *nn,
					 const struct nfmp_enforce_pkt *p, unsigned int policy,
					 struct nfmp_kconn *conn, u8 *opts, unsigned int optlen,
					 const struct nfmp_add_addr *aa, u8 sender);

/*
 * add-addr strip-private, after NAT: a subflow whose packets leave through
 * the NAT here (their source is translated) announces no private address.
 */
unsigned int nfmp_enforce_add_addr_private(struct net *net, struct nfmp_net *nn,
					   const struct nfmp_enforce_pkt *p,
					   struct nfmp_kconn *conn);

/* nfmp_reject.c: RST with MP_TCPRST "administratively prohibited" */
void nfmp_send_tcprst(struct net *net, struct sk_buff *oldskb, unsigned int protoff,
		      struct nf_conn *ct, enum ip_conntrack_info ctinfo, bool reply);

#endif /* _NFMP_ENFORCE_H */
