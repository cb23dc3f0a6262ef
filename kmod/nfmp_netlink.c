// SPDX-License-Identifier: GPL-2.0
/* nfmp_netlink.c - placeholder until the generic netlink family lands (issue 4). */
#include "nfmp_kernel.h"
int nfmp_netlink_init(void) { return 0; }
void nfmp_netlink_exit(void) {}
void nfmp_event_conn(struct net *net, u8 cmd, struct nfmp_kconn *conn) {}
void nfmp_event_subflow(struct net *net, u8 cmd, struct nfmp_kconn *conn, const struct nf_conn *ct, const struct nfmp_subflow *sf) {}
void nfmp_event_addr(struct net *net, u8 cmd, struct nfmp_kconn *conn, const struct nfmp_addr_entry *a, u8 sender) {}
