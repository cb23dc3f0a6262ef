/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for libnftnl's private src/internal.h (1.2.x layout of struct
 * nftnl_expr and struct expr_ops), only so that ../mptcp.c can be
 * compile-checked here without a libnftnl source tree. Not part of the
 * upstream submission.
 */
#ifndef NFT_MPTCP_COMPILE_TEST_INTERNAL_H
#define NFT_MPTCP_COMPILE_TEST_INTERNAL_H
#include <stdint.h>
#include <stdlib.h>
#include <libmnl/libmnl.h>
#include "nft_mptcp.h"		/* in libnftnl: include/linux/netfilter/nf_tables.h */

/* include/libnftnl/expr.h addition */
enum {
	NFTNL_EXPR_MPTCP_KEY = 1,	/* NFTNL_EXPR_BASE + 1 */
	NFTNL_EXPR_MPTCP_DREG,
};

struct nftnl_expr {
	struct { void *next, *prev; } head;
	uint32_t flags;
	struct expr_ops *ops;
	uint8_t data[];
};

struct expr_ops {
	const char *name;
	uint32_t alloc_len;
	int	max_attr;
	void	(*init)(const struct nftnl_expr *e);
	void	(*free)(const struct nftnl_expr *e);
	int	(*set)(struct nftnl_expr *e, uint16_t type, const void *data, uint32_t data_len);
	const void *(*get)(const struct nftnl_expr *e, uint16_t type, uint32_t *data_len);
	int	(*parse)(struct nftnl_expr *e, struct nlattr *attr);
	void	(*build)(struct nlmsghdr *nlh, const struct nftnl_expr *e);
	int	(*output)(char *buf, size_t len, uint32_t flags, const struct nftnl_expr *e);
};

#define nftnl_expr_data(ops)	(void *)((ops)->data)
#define abi_breakage()		abort()
#endif
