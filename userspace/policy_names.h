/* SPDX-License-Identifier: GPL-2.0 */
/* policy_names.h - the operator policies and their actions in nfmptcp's words (config, monitor). */
#ifndef _NFM_POLICY_NAMES_H
#define _NFM_POLICY_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* One value a policy takes: the operator's word for it and its enum nfmptcp_action. */
struct nfm_action_name {
	const char	*name;
	uint8_t		action;
};

/* What each policy's config key takes, each list ending with { NULL }. */
extern const struct nfm_action_name nfm_join_actions[];		/* accept, drop, reject */
extern const struct nfm_action_name nfm_mp_capable_actions[];	/* pass, strip */
extern const struct nfm_action_name nfm_add_addr_actions[];	/* pass, strip-private, strip */
extern const struct nfm_action_name nfm_add_addr_hmac_actions[];	/* pass, drop (= strip) */

/* Name of enum nfmptcp_policy @policy, as its config key ("join-bad-hmac"); NULL if unknown. */
const char *nfm_policy_name(unsigned int policy);

/*
 * Name of enum nfmptcp_action @action in @set's words ("pass" for accept in
 * add-addr's); one @set lacks gets the kernel's name, as does every action
 * with a NULL @set (events): accept, drop, reject, strip, strip-private.
 * NULL if the action is unknown.
 */
const char *nfm_action_name(const struct nfm_action_name *set, unsigned int action);

/* @s as one of @set's names (exact, case-sensitive): 0 and *@action, or -1. */
int nfm_action_parse(const struct nfm_action_name *set, const char *s, uint8_t *action);

/* @set's names joined by @sep ("accept, drop, reject") into @buf, always terminated. */
void nfm_action_list(const struct nfm_action_name *set, const char *sep, char *buf, size_t len);

#endif /* _NFM_POLICY_NAMES_H */
