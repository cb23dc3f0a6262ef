// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/expr/mptcp.c - libnftnl support for the nf_tables "mptcp" expression
 * (nft_mptcp.ko): NFTA_MPTCP_KEY and NFTA_MPTCP_DREG, both u32.
 *
 * Meant to be dropped into libnftnl as src/expr/mptcp.c, with
 * NFTNL_EXPR_MPTCP_* in include/libnftnl/expr.h, expr_ops_mptcp listed in
 * src/expr_ops.c and the uapi enums in include/linux/netfilter/nf_tables.h
 * (see ../upstream/libnftnl-mptcp.patch.txt).
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nf_tables.h>

#include "internal.h"
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

struct nftnl_expr_mptcp {
	uint32_t		key;
	enum nft_registers	dreg;
};

static int nftnl_expr_mptcp_set(struct nftnl_expr *e, uint16_t type,
				const void *data, uint32_t data_len)
{
	struct nftnl_expr_mptcp *mptcp = nftnl_expr_data(e);

	switch (type) {
	case NFTNL_EXPR_MPTCP_KEY:
		memcpy(&mptcp->key, data, sizeof(mptcp->key));
		break;
	case NFTNL_EXPR_MPTCP_DREG:
		memcpy(&mptcp->dreg, data, sizeof(mptcp->dreg));
		break;
	default:
		return -1;
	}
	return 0;
}

static const void *nftnl_expr_mptcp_get(const struct nftnl_expr *e, uint16_t type,
					uint32_t *data_len)
{
	struct nftnl_expr_mptcp *mptcp = nftnl_expr_data(e);

	switch (type) {
	case NFTNL_EXPR_MPTCP_KEY:
		*data_len = sizeof(mptcp->key);
		return &mptcp->key;
	case NFTNL_EXPR_MPTCP_DREG:
		*data_len = sizeof(mptcp->dreg);
		return &mptcp->dreg;
	}
	return NULL;
}

static int nftnl_expr_mptcp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFTA_MPTCP_MAX) < 0)
		return MNL_CB_OK;

	switch (type) {
	case NFTA_MPTCP_KEY:
	case NFTA_MPTCP_DREG:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			abi_breakage();
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static void nftnl_expr_mptcp_build(struct nlmsghdr *nlh, const struct nftnl_expr *e)
{
	struct nftnl_expr_mptcp *mptcp = nftnl_expr_data(e);

	if (e->flags & (1 << NFTNL_EXPR_MPTCP_KEY))
		mnl_attr_put_u32(nlh, NFTA_MPTCP_KEY, htonl(mptcp->key));
	if (e->flags & (1 << NFTNL_EXPR_MPTCP_DREG))
		mnl_attr_put_u32(nlh, NFTA_MPTCP_DREG, htonl(mptcp->dreg));
}

static int nftnl_expr_mptcp_parse(struct nftnl_expr *e, struct nlattr *attr)
{
	struct nftnl_expr_mptcp *mptcp = nftnl_expr_data(e);
	struct nlattr *tb[NFTA_MPTCP_MAX + 1] = {};

	if (mnl_attr_parse_nested(attr, nftnl_expr_mptcp_cb, tb) < 0)
		return -1;

	if (tb[NFTA_MPTCP_KEY]) {
		mptcp->key = ntohl(mnl_attr_get_u32(tb[NFTA_MPTCP_KEY]));
		e->flags |= (1 << NFTNL_EXPR_MPTCP_KEY);
	}
	if (tb[NFTA_MPTCP_DREG]) {
		mptcp->dreg = ntohl(mnl_attr_get_u32(tb[NFTA_MPTCP_DREG]));
		e->flags |= (1 << NFTNL_EXPR_MPTCP_DREG);
	}
	return 0;
}

static const char *mptcp_key2str_array[NFT_MPTCP_KEY_MAX + 1] = {
	[NFT_MPTCP_CLIENT_TOKEN]	= "client-token",
	[NFT_MPTCP_SERVER_TOKEN]	= "server-token",
	[NFT_MPTCP_SUBFLOWS]		= "subflows",
	[NFT_MPTCP_VERSION]		= "version",
	[NFT_MPTCP_VERDICT]		= "verdict",
	[NFT_MPTCP_SUBFLOW]		= "subflow",
	[NFT_MPTCP_BACKUP]		= "backup",
	[NFT_MPTCP_ADDR_ID]		= "addr-id",
	[NFT_MPTCP_CONN_ID]		= "conn-id",
	[NFT_MPTCP_SUBTYPES]		= "subtypes",
};

static const char *mptcp_key2str(uint32_t key)
{
	if (key <= NFT_MPTCP_KEY_MAX && mptcp_key2str_array[key])
		return mptcp_key2str_array[key];
	return "unknown";
}

static int nftnl_expr_mptcp_snprintf(char *buf, size_t len, uint32_t flags,
				     const struct nftnl_expr *e)
{
	struct nftnl_expr_mptcp *mptcp = nftnl_expr_data(e);

	if (e->flags & (1 << NFTNL_EXPR_MPTCP_DREG))
		return snprintf(buf, len, "load %s => reg %u ",
				mptcp_key2str(mptcp->key), mptcp->dreg);
	return 0;
}

struct expr_ops expr_ops_mptcp = {
	.name		= "mptcp",
	.alloc_len	= sizeof(struct nftnl_expr_mptcp),
	.max_attr	= NFTA_MPTCP_MAX,
	.set		= nftnl_expr_mptcp_set,
	.get		= nftnl_expr_mptcp_get,
	.parse		= nftnl_expr_mptcp_parse,
	.build		= nftnl_expr_mptcp_build,
	.output		= nftnl_expr_mptcp_snprintf,
};
