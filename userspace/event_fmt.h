/* SPDX-License-Identifier: GPL-2.0 */
/* event_fmt.h - one line per multicast event of the nfmptcp family (text or JSON), for monitor. */
#ifndef _NFM_EVENT_FMT_H
#define _NFM_EVENT_FMT_H

#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

#include "json_out.h"

/* Name of event @cmd ("sf-added"), or "event-N" in @buf for one this tool does not know. */
const char *nfm_event_name(unsigned int cmd, char *buf, size_t len);

/*
 * The policy and the action of an NFMPTCP_A_POLICY nest (@pol may be NULL):
 * the policy as its config key ("join-bad-hmac"), the action as the kernel
 * names what it did ("reject"; "strip" for add-addr-bad-hmac's "drop", the
 * option is removed). NULL for what is absent or of the wrong size,
 * "policy-N" / "action-N" for values this tool does not know.
 */
struct nfm_policy_ev {
	const char	*policy;
	const char	*action;
	char		pbuf[20];
	char		abuf[20];
};
void nfm_parse_policy(const struct nlattr *pol, struct nfm_policy_ev *ev);

/*
 * The event @nlh (a generic netlink message of our family, its header
 * checked by the caller) as one line on @f: "[name] ..." or, with @json, one
 * JSON object. Attributes it lacks are left out, unknown ones ignored.
 * Returns what nfm_json_finish() does (0 in text).
 */
int nfm_fmt_event(FILE *f, const struct nlmsghdr *nlh, bool json);

#endif /* _NFM_EVENT_FMT_H */
