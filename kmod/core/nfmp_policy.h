/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_policy.h - the protocol-level decisions behind the operator policies
 * (Documentation/security.rst), pure so that they are unit-tested in userspace.
 */
#ifndef _NFMP_POLICY_H
#define _NFMP_POLICY_H

#include "nfmp_types.h"
#include "nfmp_engine.h"

/*
 * Is @addr (4 or 16 bytes, network order) one that must not leak to the
 * other side of a NAT: RFC 1918, RFC 6598 shared (CGN), loopback, link-local,
 * unspecified, ULA, and such IPv4 addresses mapped into IPv6?
 */
bool nfmp_addr_is_private(u8 family, const u8 *addr);

/*
 * Join rate limit, @rate join SYNs per connection per second with a burst of
 * one second's worth (GCRA: one timestamp, conn->join_tat). @now_ms is any
 * millisecond clock; it may wrap. True if this SYN is within the rate.
 */
bool nfmp_join_rate_admit(struct nfmp_conn *conn, u32 now_ms, u32 rate);

/*
 * Does `add-addr strip` remove the ADD_ADDR of a packet whose options are
 * @opts and whose engine events are @events? Any announcement, whatever the
 * connection's state (a closed connection's host still announces endpoints
 * added later), but not an echo, nor one found forged: add-addr-bad-hmac
 * decides that one.
 */
bool nfmp_policy_strips_add_addr(const struct nfmp_opts *opts, unsigned int events);

#endif /* _NFMP_POLICY_H */
