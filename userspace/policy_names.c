// SPDX-License-Identifier: GPL-2.0
/* policy_names.c - the operator policies and their actions in nfmptcp's words (config, monitor). */
#include <stdio.h>
#include <string.h>

#include "policy_names.h"
#include "../kmod/uapi/nfmptcp.h"

#define NFM_NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

const struct nfm_action_name nfm_join_actions[] = {
	{ "accept",	NFMPTCP_ACTION_ACCEPT },
	{ "drop",	NFMPTCP_ACTION_DROP },
	{ "reject",	NFMPTCP_ACTION_REJECT },
	{ NULL }
};

const struct nfm_action_name nfm_mp_capable_actions[] = {
	{ "pass",	NFMPTCP_ACTION_ACCEPT },
	{ "strip",	NFMPTCP_ACTION_STRIP },
	{ NULL }
};

const struct nfm_action_name nfm_add_addr_actions[] = {
	{ "pass",		NFMPTCP_ACTION_ACCEPT },
	{ "strip-private",	NFMPTCP_ACTION_STRIP_PRIVATE },
	{ "strip",		NFMPTCP_ACTION_STRIP },
	{ NULL }
};

/* "drop" the option, not the packet: the kernel strips it and forwards the segment */
const struct nfm_action_name nfm_add_addr_hmac_actions[] = {
	{ "pass",	NFMPTCP_ACTION_ACCEPT },
	{ "drop",	NFMPTCP_ACTION_STRIP },
	{ NULL }
};

static const char * const nfm_action_generic[] = {
	[NFMPTCP_ACTION_ACCEPT]		= "accept",
	[NFMPTCP_ACTION_DROP]		= "drop",
	[NFMPTCP_ACTION_REJECT]		= "reject",
	[NFMPTCP_ACTION_STRIP]		= "strip",
	[NFMPTCP_ACTION_STRIP_PRIVATE]	= "strip-private",
};

/* as the config keys; join-rate's action is join-over-limit's */
static const char * const nfm_policies[] = {
	[NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN]	= "join-unknown-token",
	[NFMPTCP_POLICY_JOIN_BAD_HMAC]		= "join-bad-hmac",
	[NFMPTCP_POLICY_JOIN_OVER_LIMIT]	= "join-over-limit",
	[NFMPTCP_POLICY_JOIN_NOT_OWNED]		= "join-not-owned",
	[NFMPTCP_POLICY_JOIN_RATE]		= "join-rate",
	[NFMPTCP_POLICY_MP_CAPABLE]		= "mp-capable",
	[NFMPTCP_POLICY_ADD_ADDR]		= "add-addr",
	[NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC]	= "add-addr-bad-hmac",
};

_Static_assert(NFM_NELEMS(nfm_policies) == __NFMPTCP_POLICY_MAX, "a policy without a name");
_Static_assert(NFM_NELEMS(nfm_action_generic) == __NFMPTCP_ACTION_MAX, "an action without a name");

const char *nfm_policy_name(unsigned int policy)
{
	return policy < NFM_NELEMS(nfm_policies) ? nfm_policies[policy] : NULL;
}

const char *nfm_action_name(const struct nfm_action_name *set, unsigned int action)
{
	for (; set && set->name; set++)
		if (set->action == action)
			return set->name;
	return action < NFM_NELEMS(nfm_action_generic) ? nfm_action_generic[action] : NULL;
}

int nfm_action_parse(const struct nfm_action_name *set, const char *s, uint8_t *action)
{
	for (; set && set->name; set++) {
		if (!strcmp(s, set->name)) {
			*action = set->action;
			return 0;
		}
	}
	return -1;
}

void nfm_action_list(const struct nfm_action_name *set, const char *sep, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (; set && set->name && n < len; set++) {
		int w = snprintf(buf + n, len - n, "%s%s", n ? sep : "", set->name);

		if (w < 0)
			break;
		n += w;
	}
}
