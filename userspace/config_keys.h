/* SPDX-License-Identifier: GPL-2.0 */
/* config_keys.h - the keys of `nfmptcp config`: names, value syntax, text and JSON forms. */
#ifndef _NFM_CONFIG_KEYS_H
#define _NFM_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "json_out.h"
#include "policy_names.h"

enum nfm_cfg_type {
	NFM_CFG_U32,		/* u32, decimal; the kernel checks the range */
	NFM_CFG_BOOL,		/* u8 0/1, printed on/off */
	NFM_CFG_ACTION,		/* u8 enum nfmptcp_action, by the names in ->actions */
	NFM_CFG_NAT_MAP,	/* a nest: config_nat_map.h has its value's forms */
};

struct nfm_cfg_key {
	const char			*name;
	unsigned int			attr;		/* NFMPTCP_CFG_A_* */
	enum nfm_cfg_type		type;
	const struct nfm_action_name	*actions;	/* NFM_CFG_ACTION */
	const char			*help;		/* what it is, values included */
};

extern const struct nfm_cfg_key nfm_cfg_keys[];
extern const unsigned int nfm_cfg_nkeys;

/* The key named @name, or NULL. */
const struct nfm_cfg_key *nfm_cfg_key_find(const char *name);

/* Attribute size on the wire: 1 (bool, action), 4, or 0 (a nest). */
unsigned int nfm_cfg_attr_len(const struct nfm_cfg_key *k);

/*
 * VALUE as the operator typed it, into what the kernel takes. Only the syntax
 * of numbers is checked (their ranges are the kernel's, whose extack message
 * names the bound); action names must be one of the key's. 0 or -1 (always
 * for a nest, whose value is not a number).
 */
int nfm_cfg_parse_value(const struct nfm_cfg_key *k, const char *s, uint32_t *v);

/* What a rejected VALUE should have been, for the error message, into @buf. */
const char *nfm_cfg_expected(const struct nfm_cfg_key *k, char *buf, size_t len);

/*
 * @v as text: "4096", "on", "reject"; an action the key has no name for
 * (a newer kernel) as the generic name or "action-N".
 */
const char *nfm_cfg_value_str(const struct nfm_cfg_key *k, uint32_t v, char *buf, size_t len);

/* @k's value @v as a member of the open JSON object: name with '_' for '-'. */
void nfm_cfg_json(struct nfm_json *j, const struct nfm_cfg_key *k, uint32_t v);

#endif /* _NFM_CONFIG_KEYS_H */
