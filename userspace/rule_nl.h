/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rule_nl.h - rule_expr.h rules <-> nf_tables netlink messages, and the
 * nf_tables socket `nfmptcp rule` uses: batches of NEWRULE/DELRULE with the
 * kernel's errors (extack), and GETRULE dumps.
 */
#ifndef _NFM_RULE_NL_H
#define _NFM_RULE_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "rule_expr.h"

/* ---- encoding (no socket: unit-tested) ---- */

/* Append NFTA_RULE_EXPRESSIONS for @r to @nlh; -1 if @buflen would overflow. */
int nfm_rule_put_exprs(struct nlmsghdr *nlh, size_t buflen, const struct nfm_rule *r);

/*
 * Parse an NFT_MSG_NEWRULE message (a dump reply) into @r. Expressions this
 * tool does not model become NFM_X_UNKNOWN with their name. Returns 0, or -1
 * if the message is malformed.
 */
int nfm_rule_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_rule *r);

/* Build NFT_MSG_NEWRULE (@insert: at the top / before @r->position) or DELRULE (by @r->handle;
 * handle 0 deletes every rule of the chain) into @buf. Returns the message or NULL. */
struct nlmsghdr *nfm_rule_msg_new(char *buf, size_t len, const struct nfm_rule *r, bool insert,
				  uint32_t seq);
/* NEWSET / NEWSETELEM of the anonymous set @s of @r (as nft sends them before the rule). */
struct nlmsghdr *nfm_set_msg_new(char *buf, size_t len, const struct nfm_rule *r,
				 const struct nfm_set *s, uint32_t seq);
struct nlmsghdr *nfm_setelem_msg_new(char *buf, size_t len, const struct nfm_rule *r,
				     const struct nfm_set *s, uint32_t seq);
/* Fill @s (flags, key) from a NEWSET dump message / add the elements of a NEWSETELEM one
 * (kept sorted by key). 0 or -1. */
int nfm_set_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_set *s);
int nfm_setelem_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_set *s);
struct nlmsghdr *nfm_rule_msg_del(char *buf, size_t len, const struct nfm_rule *r, uint32_t seq);

/* ---- the socket ---- */

struct nfm_rule_nl {
	struct mnl_socket	*sock;
	uint32_t		portid;
	uint32_t		seq;
	char			extack[256];
};

int nfm_rule_nl_open(struct nfm_rule_nl *nl);
void nfm_rule_nl_close(struct nfm_rule_nl *nl);

/* A transaction: messages between NFNL_MSG_BATCH_BEGIN and _END, each acknowledged. */
struct nfm_rule_batch {
	char		*buf;
	size_t		len, cap;
	unsigned int	nmsgs;		/* rules queued */
	unsigned int	nacks;		/* messages queued (rules and their sets) */
	uint32_t	set_ids;	/* last NFTA_SET_ID given in this batch */
	uint32_t	seq_first;
};

void nfm_rule_batch_init(struct nfm_rule_batch *b, struct nfm_rule_nl *nl);
/* Queue add/insert (@del false) or delete (@del true) of @r; -1 on ENOMEM. */
int nfm_rule_batch_add(struct nfm_rule_batch *b, struct nfm_rule_nl *nl, const struct nfm_rule *r,
		       bool del, bool insert);
/*
 * Send the batch and collect every acknowledgement. Returns 0, or -errno of
 * the first refusal with its extack text in nl->extack and the failing message's
 * index (0-based among queued rules) in *@failed.
 */
int nfm_rule_batch_commit(struct nfm_rule_batch *b, struct nfm_rule_nl *nl, unsigned int *failed);
void nfm_rule_batch_free(struct nfm_rule_batch *b);

/*
 * Dump rules of @family (NFPROTO_UNSPEC: all), @table and @chain (NULL: all);
 * @cb gets each rule. Returns 0 or -errno.
 */
int nfm_rule_dump(struct nfm_rule_nl *nl, uint8_t family, const char *table, const char *chain,
		  int (*cb)(const struct nfm_rule *r, void *data), void *data);

/*
 * The hook number of base chain @chain of @table (NF_INET_*): returns 1 and
 * sets *@hooknum, 0 for a regular chain, or -errno (-ENOENT: no such chain).
 */
int nfm_rule_chain_hook(struct nfm_rule_nl *nl, uint8_t family, const char *table,
			const char *chain, uint32_t *hooknum);

#endif /* _NFM_RULE_NL_H */
