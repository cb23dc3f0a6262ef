// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_policy.c - address classes, the join rate limit and the ADD_ADDR
 * strip rule of the operator policies.
 */
#include "nfmp_policy.h"

static bool nfmp_v4_is_private(const u8 *a)
{
	return a[0] == 0 ||					/* 0.0.0.0/8 */
	       a[0] == 10 ||					/* 10.0.0.0/8 */
	       a[0] == 127 ||					/* loopback */
	       (a[0] == 100 && (a[1] & 0xc0) == 64) ||		/* 100.64.0.0/10 */
	       (a[0] == 169 && a[1] == 254) ||			/* link-local */
	       (a[0] == 172 && (a[1] & 0xf0) == 16) ||		/* 172.16.0.0/12 */
	       (a[0] == 192 && a[1] == 168);			/* 192.168.0.0/16 */
}

bool nfmp_addr_is_private(u8 family, const u8 *addr)
{
	static const u8 v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const u8 zero[15];

	if (family == 4)
		return nfmp_v4_is_private(addr);
	if (!memcmp(addr, zero, 15) && (addr[15] == 0 || addr[15] == 1))
		return true;					/* :: and ::1 */
	if ((addr[0] & 0xfe) == 0xfc)				/* fc00::/7 ULA */
		return true;
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)	/* fe80::/10 */
		return true;
	return !memcmp(addr, v4mapped, sizeof(v4mapped)) && nfmp_v4_is_private(addr + 12);
}

bool nfmp_join_rate_admit(struct nfmp_conn *conn, u32 now_ms, u32 rate)
{
	u32 interval, tat = conn->join_tat;
	s32 ahead;

	if (!rate)
		return true;
	interval = 1000 / rate ?: 1;
	/*
	 * A valid TAT is never more than a second ahead of now: anything else
	 * is an idle connection's stamp from before the clock wrapped. 0 is a
	 * new connection's (at worst, a real stamp of 0 is forgiven once).
	 */
	ahead = (s32)(tat - now_ms);
	if (!tat || ahead < 0 || ahead > 1000)
		tat = now_ms;
	if ((s32)(tat + interval - now_ms) > 1000)
		return false;
	conn->join_tat = tat + interval;
	return true;
}

bool nfmp_policy_strips_add_addr(const struct nfmp_opts *opts, unsigned int events)
{
	if (!(opts->present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) || opts->add_addr.echo)
		return false;
	return !(events & NFMP_EV_ADD_ADDR_BAD_HMAC);
}
