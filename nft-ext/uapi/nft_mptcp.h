/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nft_mptcp.h - netlink interface of the nf_tables "mptcp" expression
 * (nft_mptcp.ko), shared by the kernel module, `nfmptcp rule` and the
 * libnftnl-style expression.
 */
#ifndef _UAPI_LINUX_NFT_MPTCP_H
#define _UAPI_LINUX_NFT_MPTCP_H

#define NFT_MPTCP_EXPR_NAME	"mptcp"

/*
 * enum nft_mptcp_keys - what the expression loads into its destination register.
 * Every value is a u32 in host byte order (as `meta mark` is), so that `cmp`,
 * `range`, `bitwise`, `lookup` and `ct mark set` take it as it is.
 */
enum nft_mptcp_keys {
	NFT_MPTCP_CLIENT_TOKEN,	/* token of the end that sent the MP_CAPABLE SYN */
	NFT_MPTCP_SERVER_TOKEN,
	NFT_MPTCP_SUBFLOWS,	/* subflows of the connection, this packet's included */
	NFT_MPTCP_VERSION,	/* 0 or 1 */
	NFT_MPTCP_VERDICT,	/* enum nfmptcp_verdict of this subflow */
	NFT_MPTCP_SUBFLOW,	/* enum nft_mptcp_subflow_kind */
	NFT_MPTCP_BACKUP,	/* 0 or 1 */
	NFT_MPTCP_ADDR_ID,	/* the opener's address id (joins) */
	NFT_MPTCP_CONN_ID,	/* connection id, as `nfmptcp show` prints it */
	NFT_MPTCP_SUBTYPES,	/* bit (1 << subtype) for every MPTCP option in this packet */
	__NFT_MPTCP_KEY_MAX
};

#define NFT_MPTCP_KEY_MAX	(__NFT_MPTCP_KEY_MAX - 1)

enum nft_mptcp_subflow_kind {
	NFT_MPTCP_SUBFLOW_INITIAL,
	NFT_MPTCP_SUBFLOW_JOIN,
};

/*
 * enum nft_mptcp_attributes - nf_tables mptcp expression netlink attributes
 *
 * @NFTA_MPTCP_KEY: enum nft_mptcp_keys (NLA_BE32)
 * @NFTA_MPTCP_DREG: destination register (NLA_BE32: nft_registers)
 */
enum nft_mptcp_attributes {
	NFTA_MPTCP_UNSPEC,
	NFTA_MPTCP_KEY,
	NFTA_MPTCP_DREG,
	__NFTA_MPTCP_MAX
};

#define NFTA_MPTCP_MAX		(__NFTA_MPTCP_MAX - 1)

#endif /* _UAPI_LINUX_NFT_MPTCP_H */
