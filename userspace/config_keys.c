// SPDX-License-Identifier: GPL-2.0
/* config_keys.c - the keys of `nfmptcp config`: names, value syntax, text and JSON forms. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_keys.h"
#include "../kmod/uapi/nfmptcp.h"

#define NFM_STR(x)	#x
#define NFM_XSTR(x)	NFM_STR(x)

const struct nfm_cfg_key nfm_cfg_keys[] = {
	{ "max-conns", NFMPTCP_CFG_A_MAX_CONNS, NFM_CFG_U32, NULL,
	  "connections tracked at most (1..4194304); more are left to plain conntrack" },
	{ "max-subflows", NFMPTCP_CFG_A_MAX_SUBFLOWS, NFM_CFG_U32, NULL,
	  "subflows tracked per connection (1..64)" },
	{ "join-related", NFMPTCP_CFG_A_JOIN_RELATED, NFM_CFG_BOOL, NULL,
	  "joins to known connections are RELATED in conntrack (on/off)" },
	{ "auto-detect", NFMPTCP_CFG_A_AUTO_DETECT, NFM_CFG_BOOL, NULL,
	  "hooks find MPTCP (on), or only `ct helper set \"mptcp\"` conntracks are tracked (off)" },
	{ "join-unknown-token", NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN, NFM_CFG_ACTION, nfm_join_actions,
	  "MP_JOIN SYNs with a token no tracked connection has (accept | drop | reject)" },
	{ "join-bad-hmac", NFMPTCP_CFG_A_JOIN_BAD_HMAC, NFM_CFG_ACTION, nfm_join_actions,
	  "joins whose HMAC does not verify (accept | drop | reject)" },
	{ "join-over-limit", NFMPTCP_CFG_A_JOIN_OVER_LIMIT, NFM_CFG_ACTION, nfm_join_actions,
	  "joins beyond max-subflows or join-rate (accept | drop | reject)" },
	{ "join-not-owned", NFMPTCP_CFG_A_JOIN_NOT_OWNED, NFM_CFG_ACTION, nfm_join_actions,
	  "joins to an address their connection never used (accept | drop | reject)" },
	{ "join-rate", NFMPTCP_CFG_A_JOIN_RATE, NFM_CFG_U32, NULL,
	  "joins per connection per second (0.." NFM_XSTR(NFMPTCP_JOIN_RATE_MAX)
	  ", 0: no limit), beyond: join-over-limit" },
	{ "mp-capable", NFMPTCP_CFG_A_MP_CAPABLE, NFM_CFG_ACTION, nfm_mp_capable_actions,
	  "MP_CAPABLE options (pass | strip: the connection falls back to TCP)" },
	{ "add-addr", NFMPTCP_CFG_A_ADD_ADDR, NFM_CFG_ACTION, nfm_add_addr_actions,
	  "ADD_ADDR options (pass | strip-private: those of private addresses | strip)" },
	{ "add-addr-bad-hmac", NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC, NFM_CFG_ACTION,
	  nfm_add_addr_hmac_actions,
	  "ADD_ADDR options whose HMAC does not verify (pass | drop: the option only)" },
	{ "nat-map", NFMPTCP_CFG_A_NAT_MAP, NFM_CFG_NAT_MAP, NULL,
	  "the static 1:1 NAT nf_nat_mptcp announces through: IN=OUT[,IN=OUT...] (IPv4 or IPv6,"
	  " one family per pair, at most " NFM_XSTR(NFMPTCP_NAT_MAP_PAIRS_MAX) ") or none" },
};
const unsigned int nfm_cfg_nkeys = sizeof(nfm_cfg_keys) / sizeof(nfm_cfg_keys[0]);

const struct nfm_cfg_key *nfm_cfg_key_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nfm_cfg_nkeys; i++)
		if (!strcmp(name, nfm_cfg_keys[i].name))
			return &nfm_cfg_keys[i];
	return NULL;
}

unsigned int nfm_cfg_attr_len(const struct nfm_cfg_key *k)
{
	if (k->type == NFM_CFG_NAT_MAP)
		return 0;
	return k->type == NFM_CFG_U32 ? 4 : 1;
}

int nfm_cfg_parse_value(const struct nfm_cfg_key *k, const char *s, uint32_t *v)
{
	unsigned long long n;
	uint8_t action;
	char *end;

	if (k->type == NFM_CFG_NAT_MAP)
		return -1;
	if (k->type == NFM_CFG_ACTION) {
		if (nfm_action_parse(k->actions, s, &action))
			return -1;
		*v = action;
		return 0;
	}
	if (k->type == NFM_CFG_BOOL) {
		if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
			*v = 1;
			return 0;
		}
		if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
			*v = 0;
			return 0;
		}
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	/* decimal only: "010" is ten, not an octal eight */
	n = strtoull(s, &end, 10);
	if (errno || *end || n > (k->type == NFM_CFG_BOOL ? 255 : UINT32_MAX))
		return -1;
	*v = n;
	return 0;
}

const char *nfm_cfg_expected(const struct nfm_cfg_key *k, char *buf, size_t len)
{
	size_t n;

	if (k->type != NFM_CFG_ACTION) {
		snprintf(buf, len, "%s", k->help);
		return buf;
	}
	n = snprintf(buf, len, "allowed: ");
	if (n < len)
		nfm_action_list(k->actions, ", ", buf + n, len - n);
	return buf;
}

const char *nfm_cfg_value_str(const struct nfm_cfg_key *k, uint32_t v, char *buf, size_t len)
{
	const char *name;

	switch (k->type) {
	case NFM_CFG_BOOL:
		return v ? "on" : "off";
	case NFM_CFG_ACTION:
		name = nfm_action_name(k->actions, v);
		if (name)
			return name;
		snprintf(buf, len, "action-%" PRIu32, v);
		return buf;
	default:
		snprintf(buf, len, "%" PRIu32, v);
		return buf;
	}
}

void nfm_cfg_json(struct nfm_json *j, const struct nfm_cfg_key *k, uint32_t v)
{
	char key[32], buf[32];
	char *p;

	snprintf(key, sizeof(key), "%s", k->name);
	for (p = key; *p; p++)
		if (*p == '-')
			*p = '_';
	switch (k->type) {
	case NFM_CFG_BOOL:
		nfm_json_bool(j, key, v);
		break;
	case NFM_CFG_ACTION:
		nfm_json_str(j, key, nfm_cfg_value_str(k, v, buf, sizeof(buf)));
		break;
	default:
		nfm_json_u64(j, key, v);
	}
}
