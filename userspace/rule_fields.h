/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rule_fields.h - what `nfmptcp rule` knows how to match on: each field's
 * spelling in nft syntax, the expression that loads it, its value type and
 * symbol names. Shared by the parser and the printer, so that both spell a
 * field and its values the same way.
 */
#ifndef _NFM_RULE_FIELDS_H
#define _NFM_RULE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rule_expr.h"

enum nfm_vtype {
	NFM_V_IPV4,		/* 4 bytes network order, prefixes */
	NFM_V_IPV6,		/* 16 bytes network order, prefixes */
	NFM_V_BE16,		/* port: 2 bytes network order */
	NFM_V_U8,		/* one byte (l4proto, nfproto): numbers or names */
	NFM_V_HOST32,		/* u32 host order (marks, mptcp keys): numbers or names */
	NFM_V_IFNAME,		/* 16 bytes, "eth*" matches a prefix */
	NFM_V_FLAGS8,		/* bit set in one byte (tcp flags) */
	NFM_V_FLAGS32,		/* bit set in a host-order u32 (ct state, mptcp subtypes) */
};

struct nfm_sym {
	const char	*name;
	uint32_t	value;
};

struct nfm_field {
	const char		*proto;		/* "ip", "tcp", "meta", "ct", "mptcp", or "" (iifname) */
	const char		*name;
	enum nfm_expr_kind	kind;		/* PAYLOAD, META, CT or MPTCP */
	uint32_t		key;		/* meta/ct/mptcp key */
	uint32_t		base, offset, len;	/* payload */
	enum nfm_vtype		type;
	const struct nfm_sym	*syms;		/* value names, NULL-terminated */
	bool			hex;		/* print numbers as 0x%08x (marks, tokens) */
	bool			flags_exact;	/* FLAGS32: bare "F a|b" is an exact compare */
	uint8_t			dep;		/* 0, or the l4proto / nfproto this load needs */
	bool			dep_is_nfproto;
};

extern const struct nfm_field nfm_fields[];
extern const size_t nfm_nfields;

/* The field @proto @name, or NULL. With @proto "" @name alone (iifname). */
const struct nfm_field *nfm_field_find(const char *proto, const char *name);
/* The field a load expression reads (payload: @len may be shorter, a prefix), or NULL. */
const struct nfm_field *nfm_field_of_load(const struct nfm_expr *load);

/* Value of symbol @name in @syms; -1 if none. */
int nfm_sym_value(const struct nfm_sym *syms, const char *name, uint32_t *v);
const char *nfm_sym_name(const struct nfm_sym *syms, uint32_t v);

/* Write a field's spelling "ip saddr" / "iifname" into @buf. */
void nfm_field_spell(const struct nfm_field *f, char *buf, size_t len);

#endif /* _NFM_RULE_FIELDS_H */
