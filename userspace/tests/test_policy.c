// SPDX-License-Identifier: GPL-2.0
/* test_policy.c - unit tests for kmod/core/nfmp_policy.c. */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "nfmp_options.h"
#include "nfmp_policy.h"
#include "nfmp_tap.h"

static bool private_str(const char *s)
{
	u8 a[16];

	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, a) != 1)
			return false;
		return nfmp_addr_is_private(6, a);
	}
	if (inet_pton(AF_INET, s, a) != 1)
		return false;
	return nfmp_addr_is_private(4, a);
}

static void test_private(void)
{
	static const char * const priv[] = {
		"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1",
		"127.0.0.1", "169.254.3.4", "100.64.0.1", "100.127.255.255", "0.0.0.0",
		"::", "::1", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "::ffff:10.1.2.3",
		"::ffff:192.168.0.1",
	};
	static const char * const pub[] = {
		"8.8.8.8", "172.15.255.255", "172.32.0.1", "192.167.1.1", "192.169.0.1",
		"100.63.255.255", "100.128.0.1", "169.253.0.1", "198.51.100.1", "203.0.113.7",
		"11.0.0.1", "2001:db8::1", "2a00:1450::1", "fec0::1", "::2", "::ffff:8.8.8.8",
		"fe00::1",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(priv); i++)
		NFMP_CHECKF(private_str(priv[i]), "%s is private", priv[i]);
	for (i = 0; i < ARRAY_SIZE(pub); i++)
		NFMP_CHECKF(!private_str(pub[i]), "%s is not private", pub[i]);
	nfmp_tap_group("private, loopback, link-local, CGN, ULA, unspecified, v4-mapped");
}

static unsigned int admitted(struct nfmp_conn *c, u32 from_ms, u32 step_ms, unsigned int n,
			     u32 rate)
{
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++)
		ok += nfmp_join_rate_admit(c, from_ms + i * step_ms, rate);
	return ok;
}

static void test_rate(void)
{
	struct nfmp_conn c;
	unsigned int got;

	memset(&c, 0, sizeof(c));
	NFMP_CHECK(admitted(&c, 5000, 0, 1000, 0) == 1000);
	nfmp_tap_group("join-rate 0: no limit");

	memset(&c, 0, sizeof(c));
	got = admitted(&c, 5000, 0, 100, 4);
	NFMP_CHECKF(got == 4, "burst at 4/s: %u admitted", got);
	/* a steady flood for 10 s at 100/s gets 4/s through */
	got = admitted(&c, 5000, 10, 1000, 4);
	NFMP_CHECKF(got >= 38 && got <= 42, "4/s over 10 s: %u admitted", got);
	nfmp_tap_group("join-rate 4: burst of 4, then 4 per second");

	memset(&c, 0, sizeof(c));
	got = admitted(&c, 1000, 250, 40, 4);
	NFMP_CHECKF(got == 40, "a join every 250 ms at 4/s: %u of 40", got);
	nfmp_tap_group("joins at the rate are all admitted");

	/* an idle connection across the clock's wrap is not mistaken for a busy one */
	memset(&c, 0, sizeof(c));
	NFMP_CHECK(admitted(&c, 0xfffffe00u, 0, 2, 2) == 2);
	NFMP_CHECK(!nfmp_join_rate_admit(&c, 0xfffffe00u, 2));
	NFMP_CHECK(admitted(&c, 0x7fff0000u, 0, 2, 2) == 2);
	NFMP_CHECK(admitted(&c, 0xfffffe00u + 1000, 0, 2, 2) == 2);
	nfmp_tap_group("clock wrap and long idle");

	memset(&c, 0, sizeof(c));
	got = admitted(&c, 77, 0, 5000, 1000);
	NFMP_CHECKF(got == 1000, "rate 1000: burst %u", got);
	memset(&c, 0, sizeof(c));
	got = admitted(&c, 77, 0, 10, 3);
	NFMP_CHECKF(got == 3, "rate 3 (interval rounds down): burst %u", got);
	nfmp_tap_group("rate extremes");
}

static void test_strip(void)
{
	/* MSS, MP_CAPABLE v1 (4), ADD_ADDR v4 echo (8), a 2-byte kind 30, timestamps */
	static const u8 area[32] = {
		2, 4, 0x05, 0xb4,
		30, 4, 0x01, 0x81,
		30, 8, 0x31, 7, 10, 0, 0, 1,
		30, 2,
		1, 1,
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		1, 1,
	};
	u8 o[32];

	memcpy(o, area, sizeof(o));
	NFMP_CHECK(nfmp_opts_strip(o, sizeof(o), NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) == 1);
	NFMP_CHECK(!memcmp(o, area, 8) && !memcmp(o + 16, area + 16, 16));
	NFMP_CHECK(o[8] == 1 && o[15] == 1);
	nfmp_tap_group("strip one subtype: only its option becomes NOPs");

	memcpy(o, area, sizeof(o));
	NFMP_CHECK(nfmp_opts_strip(o, sizeof(o), NFMP_STRIP_ALL) == 3);
	NFMP_CHECK(!memcmp(o, area, 4) && !memcmp(o + 20, area + 20, 12));
	NFMP_CHECK(!nfmp_has_mptcp_option(o, sizeof(o)));
	nfmp_tap_group("strip all: every kind 30, other options untouched");

	memcpy(o, area, sizeof(o));
	o[9] = 40;	/* runs past the area: the walk stops, nothing after is touched */
	NFMP_CHECK(nfmp_opts_strip(o, sizeof(o), NFMP_STRIP_ALL) == 1);
	NFMP_CHECK(o[8] == 30 && o[9] == 40);
	nfmp_tap_group("strip stops at a malformed length");
}

static bool strips(const u8 *o, unsigned int len, unsigned int events)
{
	struct nfmp_opts parsed;

	nfmp_parse_options(o, len, NFMP_TCP_ACK, NFMP_VERSION_1, &parsed);
	return nfmp_policy_strips_add_addr(&parsed, events);
}

static void test_strip_add_addr(void)
{
	static const u8 announce[16] = { 30, 16, 0x30, 7, 10, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 echo[8] = { 30, 8, 0x31, 7, 10, 0, 0, 1 };
	static const u8 dss[8] = { 30, 8, 0x20, 0x01, 0, 0, 0, 9 };

	NFMP_CHECK(strips(announce, sizeof(announce), NFMP_EV_ADDR_ANNOUNCED));
	nfmp_tap_group("add-addr strip: an announcement the engine reports");
	/* a closed or fallen-back connection's engine reports nothing */
	NFMP_CHECK(strips(announce, sizeof(announce), 0));
	nfmp_tap_group("add-addr strip: an announcement on a connection that closed");
	NFMP_CHECK(!strips(announce, sizeof(announce), NFMP_EV_ADD_ADDR_BAD_HMAC));
	nfmp_tap_group("add-addr strip: a forged one is left to add-addr-bad-hmac");
	NFMP_CHECK(!strips(echo, sizeof(echo), NFMP_EV_ADDR_ECHOED));
	NFMP_CHECK(!strips(echo, sizeof(echo), 0));
	NFMP_CHECK(!strips(dss, sizeof(dss), 0));
	nfmp_tap_group("add-addr strip: echoes and other options stay");
}

int main(void)
{
	test_private();
	test_strip_add_addr();
	test_strip();
	test_rate();
	return nfmp_tap_done();
}
