/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rule_expr.h - the intermediate form of an nf_tables rule for `nfmptcp rule`:
 * the list of low-level expressions the kernel runs (payload, meta, ct, cmp,
 * bitwise, byteorder, range, immediate, counter, log, reject, mptcp). The
 * parser (rule_parse.c) produces it from nft syntax, rule_nl.c turns it into
 * netlink attributes and back, rule_print.c turns it back into nft syntax. One
 * form for all three keeps "a rule added from `list` output is the same rule"
 * a matter of comparing expression lists.
 */
#ifndef _NFM_RULE_EXPR_H
#define _NFM_RULE_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#define NFM_RULE_MAX_EXPRS	64
#define NFM_RULE_DATA_MAX	16	/* one nf_tables register */
#define NFM_RULE_NAME_MAX	256	/* table, chain, jump target */
#define NFM_RULE_PREFIX_MAX	128	/* NF_LOG_PREFIXLEN */
#define NFM_RULE_MAX_SETS	4	/* anonymous sets ("{ a, b }") per rule */
#define NFM_SET_MAX_ELEMS	130	/* kernel elements: 64 ranges and the leading gap */
#define NFM_SET_NAME_MAX	32

enum nfm_expr_kind {
	NFM_X_UNKNOWN,		/* an expression this tool does not model: @name only */
	NFM_X_PAYLOAD,		/* load @len bytes at @base + @offset into @dreg */
	NFM_X_META,		/* load @key into @dreg, or set it from @sreg (@set) */
	NFM_X_CT,		/* likewise for conntrack keys */
	NFM_X_MPTCP,		/* the nft_mptcp.ko expression: load @key into @dreg */
	NFM_X_CMP,		/* @sreg @op @data[@dlen] */
	NFM_X_BITWISE,		/* @dreg = (@sreg & @data) ^ @data2, @dlen bytes */
	NFM_X_BYTEORDER,	/* @dreg = hton/ntoh(@sreg, @len, @size) (@op: NFT_BYTEORDER_*) */
	NFM_X_RANGE,		/* @sreg @op (NFT_RANGE_EQ/NEQ) @data..@data2 */
	NFM_X_IMMEDIATE,	/* @dreg 0: verdict @verdict (+ @chain); else @data */
	NFM_X_COUNTER,		/* @packets, @bytes */
	NFM_X_LOG,		/* @prefix if @has_prefix */
	NFM_X_REJECT,		/* @rtype, @rcode */
	NFM_X_LOOKUP,		/* @sreg in the rule's anonymous set @setidx (@op 1: not in) */
};

struct nfm_expr {
	enum nfm_expr_kind	kind;
	char			name[32];	/* kernel's expression name (NFM_X_UNKNOWN) */
	uint32_t		dreg, sreg;
	uint32_t		key;		/* meta/ct/mptcp key */
	bool			set;		/* meta/ct: a set statement (uses @sreg) */
	uint32_t		base, offset, len, size;
	uint32_t		op;		/* cmp/range/byteorder operation */
	uint8_t			data[NFM_RULE_DATA_MAX];
	uint8_t			data2[NFM_RULE_DATA_MAX];
	uint32_t		dlen;
	int32_t			verdict;	/* NF_ACCEPT, NF_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN */
	char			chain[NFM_RULE_NAME_MAX];
	uint64_t		packets, bytes;
	bool			has_prefix;
	char			prefix[NFM_RULE_PREFIX_MAX];
	uint32_t		rtype, rcode;
	uint32_t		setidx;		/* lookup: index into nfm_rule.sets */
};

/*
 * An anonymous constant set as the kernel holds it: keys in register layout
 * (network order, or host order for non-interval sets of host-order keys).
 * Interval sets hold the boundaries nft writes: a range a-b is a start
 * element a and an @end element b+1 (none, but @open, if b is the maximum),
 * preceded by an @end element 0 when the first range does not start at 0.
 */
struct nfm_set_elem {
	uint8_t		key[NFM_RULE_DATA_MAX];
	bool		end;			/* NFT_SET_ELEM_INTERVAL_END */
	bool		open;			/* a last range reaching the maximum (nft's udata flag) */
};

struct nfm_set {
	char			name[NFM_SET_NAME_MAX];	/* "__set%d" on add; the kernel's name when dumped */
	uint32_t		id;		/* NFTA_SET_ID within the batch */
	uint32_t		flags;		/* NFT_SET_ANONYMOUS | NFT_SET_CONSTANT [| NFT_SET_INTERVAL] */
	uint32_t		key_type;	/* nft's datatype id (nft lists the set's values by it) */
	uint32_t		key_len;
	bool			host_order;	/* keys in host order (as loaded; nft needs to know) */
	unsigned int		n;
	struct nfm_set_elem	elem[NFM_SET_MAX_ELEMS];
};

struct nfm_rule {
	uint8_t		family;			/* NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET */
	char		table[NFM_RULE_NAME_MAX];
	char		chain[NFM_RULE_NAME_MAX];
	uint64_t	handle;			/* from the kernel; 0 = none */
	uint64_t	position;		/* add/insert relative to this handle; 0 = none */
	unsigned int	n;
	struct nfm_expr	e[NFM_RULE_MAX_EXPRS];
	unsigned int	nsets;
	struct nfm_set	sets[NFM_RULE_MAX_SETS];
};

/* "ip", "ip6", "inet" <-> NFPROTO_*; -1 / NULL when not one of those. */
int nfm_rule_family_parse(const char *s);
const char *nfm_rule_family_name(uint8_t family);

/* Same expressions (kind and every field that kind uses, lookups' set contents; counter values ignored)? */
bool nfm_rule_same_exprs(const struct nfm_rule *a, const struct nfm_rule *b);

#endif /* _NFM_RULE_EXPR_H */
