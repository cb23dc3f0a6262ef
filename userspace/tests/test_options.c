// SPDX-License-Identifier: GPL-2.0
/* test_options.c - unit tests for the MPTCP option parser (kmod/core/nfmp_options.c). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfmp_options.h"
#include "nfmp_tap.h"

#define SYN	NFMP_TCP_SYN
#define ACK	NFMP_TCP_ACK
#define SYNACK	(NFMP_TCP_SYN | NFMP_TCP_ACK)
#define V0	NFMP_VERSION_0
#define V1	NFMP_VERSION_1
#define VU	NFMP_VERSION_UNKNOWN

/*
 * Write an MPTCP option of @len bytes at @p: kind, len, subtype|nibble, byte 3,
 * then a recognisable pattern (0x40 + offset) that the field checks can predict.
 */
static void mk_opt(u8 *p, unsigned int len, u8 subtype, u8 nibble, u8 b3)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = 0x40 + i;
	if (len > 0)
		p[0] = NFMP_TCPOPT_MPTCP;
	if (len > 1)
		p[1] = len;
	if (len > 2)
		p[2] = (subtype << 4) | (nibble & 0x0f);
	if (len > 3)
		p[3] = b3;
}

/* Parse one option of exactly @len bytes, filling the whole option area. */
static int parse_one(unsigned int len, u8 subtype, u8 nibble, u8 b3, u8 tcp_flags, u8 version,
		     struct nfmp_opts *o)
{
	u8 buf[64];

	mk_opt(buf, len, subtype, nibble, b3);
	return nfmp_parse_options(buf, len, tcp_flags, version, o);
}

/* Sweep lengths 0..40 and check that exactly @legal (bit per length) is accepted. */
static void sweep(const char *what, u8 subtype, u8 nibble, u8 b3, u8 tcp_flags, u8 version,
		  u64 legal)
{
	struct nfmp_opts o;
	unsigned int len;
	bool ok;

	for (len = 0; len <= 40; len++) {
		parse_one(len, subtype, nibble, b3, tcp_flags, version, &o);
		ok = o.present & NFMP_SUBTYPE_BIT(subtype);
		NFMP_CHECKF(ok == !!(legal & (1ull << len)), "%s len %u", what, len);
		NFMP_CHECKF(o.present == (ok ? NFMP_SUBTYPE_BIT(subtype) : 0), "%s len %u", what,
			    len);
		if (len >= 3)
			NFMP_CHECKF(!!o.malformed == !ok, "%s len %u", what, len);
		NFMP_CHECKF(o.bad_tcp_opts == (len == 1), "%s len %u", what, len);
		NFMP_CHECKF(o.n_mptcp == (len >= 2), "%s len %u", what, len);
	}
}

#define L(n)	(1ull << (n))

static void test_mp_capable_lengths(void)
{
	sweep("mpc v1 syn", NFMP_MP_CAPABLE, 1, 0x01, SYN, VU, L(4) | L(12));
	sweep("mpc v0 syn", NFMP_MP_CAPABLE, 0, 0x01, SYN, VU, L(12));
	sweep("mpc v1 synack", NFMP_MP_CAPABLE, 1, 0x01, SYNACK, VU, L(12));
	sweep("mpc v0 synack", NFMP_MP_CAPABLE, 0, 0x01, SYNACK, VU, L(12));
	sweep("mpc v1 ack", NFMP_MP_CAPABLE, 1, 0x01, ACK, VU, L(20) | L(22) | L(24));
	sweep("mpc v0 ack", NFMP_MP_CAPABLE, 0, 0x01, ACK, VU, L(20));
	sweep("mpc v2 syn", NFMP_MP_CAPABLE, 2, 0x01, SYN, VU, L(4) | L(12));
	sweep("mpc no flags", NFMP_MP_CAPABLE, 1, 0x01, 0, VU, 0);
	sweep("mpc rst", NFMP_MP_CAPABLE, 1, 0x01, NFMP_TCP_RST, VU, 0);
	nfmp_tap_group("MP_CAPABLE: only 4/12 (SYN), 12 (SYN/ACK), 20/22/24 (ACK) accepted");
}

static void test_mp_capable_fields(void)
{
	struct nfmp_opts o;
	u8 buf[40];

	/* v1 SYN: no key. */
	parse_one(4, NFMP_MP_CAPABLE, 1, 0x81, SYN, VU, &o);
	NFMP_CHECK(o.mpc.version == 1 && o.mpc.flags == 0x81 && o.mpc.len == 4);
	NFMP_CHECK(o.mpc.nkeys == 0 && !o.mpc.has_data_len && !o.mpc.has_csum);

	/* SYN/ACK: sender key at offset 4. */
	parse_one(12, NFMP_MP_CAPABLE, 1, 0x01, SYNACK, VU, &o);
	NFMP_CHECK(o.mpc.nkeys == 1 && o.mpc.snd_key == 0x4445464748494a4bull);

	/* ACK forms: both keys, then data-level length, then checksum. */
	parse_one(20, NFMP_MP_CAPABLE, 1, 0x01, ACK, VU, &o);
	NFMP_CHECK(o.mpc.nkeys == 2 && o.mpc.snd_key == 0x4445464748494a4bull &&
		   o.mpc.rcv_key == 0x4c4d4e4f50515253ull && !o.mpc.has_data_len);
	parse_one(22, NFMP_MP_CAPABLE, 1, 0x01, ACK, VU, &o);
	NFMP_CHECK(o.mpc.nkeys == 2 && o.mpc.has_data_len && o.mpc.data_len == 0x5455 &&
		   !o.mpc.has_csum);
	parse_one(24, NFMP_MP_CAPABLE, 1, 0x81, ACK | NFMP_TCP_FIN, VU, &o);
	NFMP_CHECK(o.mpc.has_data_len && o.mpc.data_len == 0x5455 && o.mpc.has_csum &&
		   o.mpc.csum == 0x5657 && o.mpc.len == 24);

	/* Version as sent, even when higher than we know (Linux negotiates down). */
	parse_one(4, NFMP_MP_CAPABLE, 0xf, 0x01, SYN, VU, &o);
	NFMP_CHECK(o.present == NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE) && o.mpc.version == 0xf);

	/* A real v0 SYN (RFC 6824): key 0x0102030405060708. */
	memcpy(buf, "\x1e\x0c\x00\x81\x01\x02\x03\x04\x05\x06\x07\x08", 12);
	nfmp_parse_options(buf, 12, SYN, VU, &o);
	NFMP_CHECK(o.mpc.version == 0 && o.mpc.nkeys == 1 && o.mpc.snd_key == 0x0102030405060708ull);
	nfmp_tap_group("MP_CAPABLE: keys, data length, checksum, version as sent");
}

static void test_mp_join(void)
{
	struct nfmp_opts o;
	unsigned int i;

	sweep("join syn", NFMP_MP_JOIN, 1, 3, SYN, VU, L(12));
	sweep("join synack", NFMP_MP_JOIN, 0, 3, SYNACK, VU, L(16));
	sweep("join ack", NFMP_MP_JOIN, 0, 0, ACK, VU, L(24));
	sweep("join no flags", NFMP_MP_JOIN, 0, 0, 0, VU, 0);
	sweep("join fin", NFMP_MP_JOIN, 0, 0, NFMP_TCP_FIN, VU, 0);

	parse_one(12, NFMP_MP_JOIN, 1, 7, SYN, VU, &o);
	NFMP_CHECK(o.join.form == NFMP_JOIN_SYN && o.join.backup && o.join.addr_id == 7);
	NFMP_CHECK(o.join.token == 0x44454647 && o.join.nonce == 0x48494a4b);
	parse_one(12, NFMP_MP_JOIN, 0, 7, SYN, VU, &o);
	NFMP_CHECK(!o.join.backup);

	parse_one(16, NFMP_MP_JOIN, 1, 9, SYNACK, VU, &o);
	NFMP_CHECK(o.join.form == NFMP_JOIN_SYNACK && o.join.backup && o.join.addr_id == 9);
	NFMP_CHECK(o.join.hmac64 == 0x4445464748494a4bull && o.join.nonce == 0x4c4d4e4f);

	parse_one(24, NFMP_MP_JOIN, 0, 0, ACK, VU, &o);
	NFMP_CHECK(o.join.form == NFMP_JOIN_ACK);
	for (i = 0; i < 20; i++)
		NFMP_CHECK(o.join.hmac160[i] == 0x44 + i);

	/* The length must match the form the flags pick: a SYN-sized option on a SYN/ACK is bad. */
	parse_one(12, NFMP_MP_JOIN, 0, 0, SYNACK, VU, &o);
	NFMP_CHECK(!o.present && o.malformed == NFMP_SUBTYPE_BIT(NFMP_MP_JOIN));
	nfmp_tap_group("MP_JOIN: 12/16/24 chosen by SYN, SYN/ACK, ACK; fields");
}

static unsigned int dss_len(u8 flags, bool csum)
{
	unsigned int len = 4;

	if (flags & NFMP_DSS_ACK)
		len += flags & NFMP_DSS_ACK64 ? 8 : 4;
	if (flags & NFMP_DSS_MAP)
		len += (flags & NFMP_DSS_DSN64 ? 8 : 4) + 6 + (csum ? 2 : 0);
	return len;
}

static void test_dss_lengths(void)
{
	char what[32];
	u64 legal;
	u8 f;

	for (f = 0; f < 0x20; f++) {
		legal = L(dss_len(f, false));
		if (f & NFMP_DSS_MAP)
			legal |= L(dss_len(f, true));
		snprintf(what, sizeof(what), "dss flags 0x%02x", f);
		sweep(what, NFMP_DSS, 0, f, ACK, VU, legal);
	}
	/* Reserved bits in byte 3 do not change the length. */
	sweep("dss reserved", NFMP_DSS, 0xf, 0xe0 | NFMP_DSS_ACK, ACK, VU, L(8));
	nfmp_tap_group("DSS: length = 4 + ack {0,4,8} + map {0,10,14} + csum {0,2} for all 32 flag sets");
}

static void test_dss_fields(void)
{
	struct nfmp_opts o;
	u8 buf[40];

	/* 32-bit data ACK and DSN are zero-extended. */
	parse_one(18, NFMP_DSS, 0, NFMP_DSS_ACK | NFMP_DSS_MAP, ACK, VU, &o);
	NFMP_CHECK(o.present == NFMP_SUBTYPE_BIT(NFMP_DSS) && o.dss.len == 18);
	NFMP_CHECK(o.dss.data_ack == 0x44454647 && o.dss.dsn == 0x48494a4b);
	NFMP_CHECK(o.dss.ssn == 0x4c4d4e4f && o.dss.data_len == 0x5051 && !o.dss.has_csum);

	/* 64-bit both, with checksum. */
	parse_one(28, NFMP_DSS, 0, 0x1f, ACK, VU, &o);
	NFMP_CHECK(o.dss.flags == 0x1f && o.dss.data_ack == 0x4445464748494a4bull);
	NFMP_CHECK(o.dss.dsn == 0x4c4d4e4f50515253ull && o.dss.ssn == 0x54555657);
	NFMP_CHECK(o.dss.data_len == 0x5859 && o.dss.has_csum && o.dss.csum == 0x5a5b);

	/* Mapping only, 32-bit DSN, DATA_FIN, checksum. */
	parse_one(16, NFMP_DSS, 0, NFMP_DSS_MAP | NFMP_DSS_DATA_FIN, ACK, VU, &o);
	NFMP_CHECK(o.dss.dsn == 0x44454647 && o.dss.ssn == 0x48494a4b && o.dss.data_len == 0x4c4d);
	NFMP_CHECK(o.dss.has_csum && o.dss.csum == 0x4e4f && o.dss.data_ack == 0);

	/* Data ACK only: a checksum cannot exist without a mapping. */
	parse_one(10, NFMP_DSS, 0, NFMP_DSS_ACK, ACK, VU, &o);
	NFMP_CHECK(!o.present && o.malformed == NFMP_SUBTYPE_BIT(NFMP_DSS));

	/* A Linux-like DSS: ACK64 + DSN64 mapping, no checksum (A|a|M|m = 0x0f, 28 - 2 = 26). */
	memcpy(buf, "\x1e\x1a\x20\x0f" "\x00\x00\x00\x01\x00\x00\x00\x02"
	       "\x00\x00\x00\x03\x00\x00\x00\x04" "\x00\x00\x00\x05" "\x05\xa0", 26);
	nfmp_parse_options(buf, 26, ACK, V1, &o);
	NFMP_CHECK(o.dss.data_ack == 0x100000002ull && o.dss.dsn == 0x300000004ull);
	NFMP_CHECK(o.dss.ssn == 5 && o.dss.data_len == 1440 && !o.dss.has_csum);
	nfmp_tap_group("DSS: 32-bit fields zero-extended, 64-bit fields, checksum only with a mapping");
}

static void test_add_addr_lengths(void)
{
	/* v1: byte 2 low nibble = flags, E = 0x01; HMAC only when E = 0. */
	sweep("aa v1", NFMP_ADD_ADDR, 0, 1, ACK, V1, L(16) | L(18) | L(28) | L(30));
	sweep("aa v1 echo", NFMP_ADD_ADDR, 1, 1, ACK, V1, L(8) | L(10) | L(20) | L(22));
	sweep("aa v1 nibble 4", NFMP_ADD_ADDR, 4, 1, ACK, V1, L(16) | L(18) | L(28) | L(30));
	/* v0: low nibble = IPVer, lengths equal v1 echo lengths, no HMAC. */
	sweep("aa v0 ipv4", NFMP_ADD_ADDR, 4, 1, ACK, V0, L(8) | L(10));
	sweep("aa v0 ipv6", NFMP_ADD_ADDR, 6, 1, ACK, V0, L(20) | L(22));
	sweep("aa v0 ipver 0", NFMP_ADD_ADDR, 0, 1, ACK, V0, 0);
	sweep("aa v0 ipver 5", NFMP_ADD_ADDR, 5, 1, ACK, V0, 0);
	/* Unknown version: v0 only if nibble and length agree, else v1. */
	sweep("aa vu 0", NFMP_ADD_ADDR, 0, 1, ACK, VU, L(16) | L(18) | L(28) | L(30));
	sweep("aa vu echo", NFMP_ADD_ADDR, 1, 1, ACK, VU, L(8) | L(10) | L(20) | L(22));
	sweep("aa vu 4", NFMP_ADD_ADDR, 4, 1, ACK, VU,
	      L(8) | L(10) | L(16) | L(18) | L(28) | L(30));
	sweep("aa vu 6", NFMP_ADD_ADDR, 6, 1, ACK, VU,
	      L(20) | L(22) | L(16) | L(18) | L(28) | L(30));
	nfmp_tap_group("ADD_ADDR: v1 16/18/28/30, echo 8/10/20/22, v0 8/10 (IPv4) 20/22 (IPv6)");
}

static void test_add_addr_fields(void)
{
	struct nfmp_opts o;
	u8 buf[40];

	/* v1 IPv4 with port and HMAC: 10.0.0.2:8080 id 5. */
	memcpy(buf, "\x1e\x12\x30\x05\x0a\x00\x00\x02\x1f\x90\x01\x02\x03\x04\x05\x06\x07\x08", 18);
	nfmp_parse_options(buf, 18, ACK, V1, &o);
	NFMP_CHECK(o.present == NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR));
	NFMP_CHECK(o.add_addr.version == V1 && !o.add_addr.echo && o.add_addr.addr_id == 5);
	NFMP_CHECK(o.add_addr.family == 4 && !memcmp(o.add_addr.addr, "\x0a\x00\x00\x02", 4));
	NFMP_CHECK(o.add_addr.has_port && o.add_addr.port == 8080);
	NFMP_CHECK(o.add_addr.has_hmac && o.add_addr.hmac == 0x0102030405060708ull);
	NFMP_CHECK(o.add_addr.offset == 0 && o.add_addr.len == 18);

	/* v1 IPv6 echo without port, behind NOPs: offset of the kind byte. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x01\x01\x1e\x14\x31\x02", 6);
	memcpy(buf + 6, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
	nfmp_parse_options(buf, 22, ACK, V1, &o);
	NFMP_CHECK(o.present == NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR) && o.add_addr.echo);
	NFMP_CHECK(o.add_addr.family == 6 && o.add_addr.addr[0] == 0x20 && o.add_addr.addr[15] == 1);
	NFMP_CHECK(!o.add_addr.has_port && !o.add_addr.has_hmac && o.add_addr.offset == 2);

	/* v1 IPv6 with port and HMAC (30 bytes). */
	parse_one(30, NFMP_ADD_ADDR, 0, 3, ACK, V1, &o);
	NFMP_CHECK(o.add_addr.family == 6 && o.add_addr.has_port && o.add_addr.port == 0x5455);
	NFMP_CHECK(o.add_addr.has_hmac && o.add_addr.hmac == 0x565758595a5b5c5dull);

	/* v0 IPv4 with port (RFC 6824: IPVer 4, no HMAC). */
	memcpy(buf, "\x1e\x0a\x34\x03\xc0\xa8\x01\x01\x00\x50", 10);
	nfmp_parse_options(buf, 10, ACK, V0, &o);
	NFMP_CHECK(o.add_addr.version == V0 && o.add_addr.family == 4 && o.add_addr.addr_id == 3);
	NFMP_CHECK(o.add_addr.has_port && o.add_addr.port == 80 && !o.add_addr.has_hmac);
	NFMP_CHECK(!o.add_addr.echo);
	/* The same bytes with an unknown version decode as v0 too. */
	nfmp_parse_options(buf, 10, ACK, VU, &o);
	NFMP_CHECK(o.add_addr.version == V0 && o.add_addr.family == 4 && o.add_addr.has_port);
	/* ... and as a v1 connection they are malformed (v1 non-echo IPv4 is 16/18). */
	nfmp_parse_options(buf, 10, ACK, V1, &o);
	NFMP_CHECK(!o.present && o.malformed == NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR));

	/* v0 IPv6 without port. */
	parse_one(20, NFMP_ADD_ADDR, 6, 1, ACK, V0, &o);
	NFMP_CHECK(o.add_addr.version == V0 && o.add_addr.family == 6 && !o.add_addr.has_port);
	NFMP_CHECK(o.add_addr.addr[0] == 0x44 && o.add_addr.addr[15] == 0x53);
	nfmp_tap_group("ADD_ADDR: v0/v1 decoding, echo, port, IPv6, HMAC, option offset");
}

static void test_small_subtypes(void)
{
	struct nfmp_opts o;

	sweep("rm_addr", NFMP_REMOVE_ADDR, 0, 1, ACK, VU, (L(41) - 1) & ~(L(4) - 1));
	sweep("prio v1", NFMP_MP_PRIO, 1, 0, ACK, V1, L(3));
	sweep("prio v0", NFMP_MP_PRIO, 1, 0, ACK, V0, L(3) | L(4));
	sweep("prio vu", NFMP_MP_PRIO, 1, 0, ACK, VU, L(3) | L(4));
	sweep("fail", NFMP_MP_FAIL, 0, 0, ACK, VU, L(12));
	sweep("fastclose", NFMP_MP_FASTCLOSE, 0, 0, ACK, VU, L(12));
	sweep("tcprst", NFMP_MP_TCPRST, 0xf, 3, ACK | NFMP_TCP_RST, VU, L(4));

	parse_one(6, NFMP_REMOVE_ADDR, 0, 1, ACK, VU, &o);
	NFMP_CHECK(o.rm_addr.nids == 3 && o.rm_addr.ids[0] == 1 && o.rm_addr.ids[1] == 0x44 &&
		   o.rm_addr.ids[2] == 0x45);
	parse_one(40, NFMP_REMOVE_ADDR, 0, 1, ACK, VU, &o);
	NFMP_CHECK(o.rm_addr.nids == NFMP_MAX_RM_IDS && o.rm_addr.ids[36] == 0x40 + 39);

	parse_one(3, NFMP_MP_PRIO, 1, 0, ACK, V1, &o);
	NFMP_CHECK(o.prio.backup && !o.prio.has_addr_id);
	parse_one(4, NFMP_MP_PRIO, 0, 9, ACK, V0, &o);
	NFMP_CHECK(!o.prio.backup && o.prio.has_addr_id && o.prio.addr_id == 9);

	parse_one(12, NFMP_MP_FAIL, 0xf, 0, ACK, VU, &o);
	NFMP_CHECK(o.fail_dsn == 0x4445464748494a4bull);
	parse_one(12, NFMP_MP_FASTCLOSE, 0, 0, ACK, VU, &o);
	NFMP_CHECK(o.fastclose_key == 0x4445464748494a4bull);
	parse_one(4, NFMP_MP_TCPRST, 0x9, NFMP_RST_ADMIN, ACK | NFMP_TCP_RST, VU, &o);
	NFMP_CHECK(o.tcprst.flags == 0x9 && o.tcprst.reason == NFMP_RST_ADMIN);
	nfmp_tap_group("REMOVE_ADDR 3+n, MP_PRIO 3 (v0: 3/4), MP_FAIL 12, MP_FASTCLOSE 12, MP_TCPRST 4");
}

static void test_unknown_subtypes(void)
{
	struct nfmp_opts o;
	unsigned int st, len;

	for (st = 9; st <= 0xf; st++) {
		for (len = 3; len <= 40; len++) {
			parse_one(len, st, 0, 0, ACK, VU, &o);
			NFMP_CHECKF(!o.present && !o.malformed && o.n_unknown == 1 &&
				    o.n_mptcp == 1 && !o.bad_tcp_opts, "st %u len %u", st, len);
		}
	}
	/* A 2-byte kind 30 has no subtype: counted, nothing else. */
	parse_one(2, 0, 0, 0, ACK, VU, &o);
	NFMP_CHECK(o.n_mptcp == 1 && !o.present && !o.malformed && !o.n_unknown);
	NFMP_CHECK(!strcmp(nfmp_subtype_name(NFMP_MP_EXPERIMENTAL), "experimental"));
	NFMP_CHECK(!strcmp(nfmp_subtype_name(NFMP_MP_CAPABLE), "mp-capable"));
	NFMP_CHECK(!strcmp(nfmp_subtype_name(NFMP_MP_TCPRST), "mp-tcprst"));
	NFMP_CHECK(!strcmp(nfmp_subtype_name(NFMP_ADD_ADDR), "add-addr"));
	NFMP_CHECK(!strcmp(nfmp_subtype_name(9), "unknown"));
	NFMP_CHECK(!strcmp(nfmp_subtype_name(1000), "unknown"));
	nfmp_tap_group("experimental and unassigned subtypes counted, never fatal; names");
}

static void test_tcp_option_walk(void)
{
	struct nfmp_opts o;
	u8 buf[40];
	int n;

	/* MSS, NOP, NOP, SACK-permitted ... a typical SYN without MPTCP. */
	memcpy(buf, "\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x03\x03\x07", 12);
	n = nfmp_parse_options(buf, 12, SYN, VU, &o);
	NFMP_CHECK(n == 0 && !o.present && !o.bad_tcp_opts && !o.n_mptcp);
	NFMP_CHECK(!nfmp_has_mptcp_option(buf, 12));

	/* Same, then MP_CAPABLE v1 SYN. */
	memcpy(buf + 12, "\x1e\x04\x01\x81", 4);
	n = nfmp_parse_options(buf, 16, SYN, VU, &o);
	NFMP_CHECK(n == 1 && o.present == NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE) && !o.bad_tcp_opts);
	NFMP_CHECK(nfmp_has_mptcp_option(buf, 16));

	/* EOL ends the list: a kind 30 after it is not an option. */
	memcpy(buf + 12, "\x00\x1e\x04\x01\x81", 5);
	n = nfmp_parse_options(buf, 17, SYN, VU, &o);
	NFMP_CHECK(n == 0 && !o.present && !o.bad_tcp_opts);
	NFMP_CHECK(!nfmp_has_mptcp_option(buf, 17));

	/* Length 0 and 1 are malformed at the TCP level: stop there. */
	memcpy(buf, "\x08\x00\x1e\x04\x01\x81", 6);
	n = nfmp_parse_options(buf, 6, SYN, VU, &o);
	NFMP_CHECK(n == 0 && o.bad_tcp_opts && !o.present);
	NFMP_CHECK(!nfmp_has_mptcp_option(buf, 6));
	buf[1] = 1;
	n = nfmp_parse_options(buf, 6, SYN, VU, &o);
	NFMP_CHECK(n == 0 && o.bad_tcp_opts);

	/* Option running past the end of the area, and a kind byte with no length byte. */
	memcpy(buf, "\x1e\x04\x01\x81\x1e\x0c\x01\x81", 8);
	n = nfmp_parse_options(buf, 8, SYN, VU, &o);
	NFMP_CHECK(n == 1 && o.bad_tcp_opts && o.present == NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE));
	memcpy(buf, "\x01\x01\x01\x1e", 4);
	n = nfmp_parse_options(buf, 4, SYN, VU, &o);
	NFMP_CHECK(n == 0 && o.bad_tcp_opts);
	NFMP_CHECK(!nfmp_has_mptcp_option(buf, 4));

	/* Truncation: an MP_CAPABLE ACK cut at every length is never decoded or read past. */
	{
		u8 full[20];
		unsigned int cut;

		mk_opt(full, 20, NFMP_MP_CAPABLE, 1, 0x01);
		for (cut = 0; cut < 20; cut++) {
			u8 *heap = malloc(cut ? cut : 1);	/* ASan catches over-reads */

			memcpy(heap, full, cut);
			n = nfmp_parse_options(heap, cut, ACK, VU, &o);
			NFMP_CHECKF(!o.present && (cut == 0 || o.bad_tcp_opts) && n == 0, "cut %u",
				    cut);
			free(heap);
		}
	}

	/* Empty area. */
	n = nfmp_parse_options(buf, 0, ACK, VU, &o);
	NFMP_CHECK(n == 0 && !o.bad_tcp_opts && !nfmp_has_mptcp_option(buf, 0));
	nfmp_tap_group("TCP option walk: NOP, EOL, len 0/1, past the end, truncation");
}

static void test_multiple(void)
{
	struct nfmp_opts o;
	u8 buf[40];
	int n;

	/* NOP NOP timestamps(10) DSS(8: data ACK 32) ADD_ADDR echo IPv4 (8) ... */
	memcpy(buf, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12);
	memcpy(buf + 12, "\x1e\x08\x20\x01\x00\x00\x10\x00", 8);
	memcpy(buf + 20, "\x1e\x08\x31\x02\x0a\x00\x00\x03", 8);
	/* ... REMOVE_ADDR (4) MP_PRIO (3) NOP. */
	memcpy(buf + 28, "\x1e\x04\x40\x07\x1e\x03\x51\x01", 8);
	n = nfmp_parse_options(buf, 36, ACK, V1, &o);
	NFMP_CHECK(n == 4 && !o.bad_tcp_opts && !o.malformed);
	NFMP_CHECK(o.present == (NFMP_SUBTYPE_BIT(NFMP_DSS) | NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR) |
				 NFMP_SUBTYPE_BIT(NFMP_REMOVE_ADDR) |
				 NFMP_SUBTYPE_BIT(NFMP_MP_PRIO)));
	NFMP_CHECK(o.dss.data_ack == 0x1000 && o.add_addr.echo && o.add_addr.offset == 20);
	NFMP_CHECK(o.rm_addr.nids == 1 && o.rm_addr.ids[0] == 7 && o.prio.backup);

	/* A malformed DSS after a good one leaves the good one in place. */
	memcpy(buf, "\x1e\x08\x20\x01\x00\x00\x10\x00" "\x1e\x07\x20\x01\x00\x00\x20", 15);
	n = nfmp_parse_options(buf, 15, ACK, V1, &o);
	NFMP_CHECK(n == 2 && o.present == NFMP_SUBTYPE_BIT(NFMP_DSS) &&
		   o.malformed == NFMP_SUBTYPE_BIT(NFMP_DSS) && o.dss.data_ack == 0x1000);

	/* A malformed ADD_ADDR after a good one, and the last good one wins. */
	memcpy(buf, "\x1e\x08\x31\x02\x0a\x00\x00\x03" "\x1e\x09\x31\x02\x0a\x00\x00\x03\x00", 17);
	memcpy(buf + 17, "\x1e\x08\x31\x04\x0a\x00\x00\x04", 8);
	n = nfmp_parse_options(buf, 25, ACK, V1, &o);
	NFMP_CHECK(n == 3 && o.present == NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR) &&
		   o.malformed == NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR));
	NFMP_CHECK(o.add_addr.addr_id == 4 && o.add_addr.offset == 17);

	/* MP_TCPRST + MP_FASTCLOSE on one RST (Linux sends both on fastclose). */
	memcpy(buf, "\x1e\x0c\x70\x00\x01\x02\x03\x04\x05\x06\x07\x08\x1e\x04\x80\x01", 16);
	n = nfmp_parse_options(buf, 16, NFMP_TCP_RST | ACK, V1, &o);
	NFMP_CHECK(n == 2 && o.present == (NFMP_SUBTYPE_BIT(NFMP_MP_FASTCLOSE) |
					   NFMP_SUBTYPE_BIT(NFMP_MP_TCPRST)));
	NFMP_CHECK(o.fastclose_key == 0x0102030405060708ull && o.tcprst.reason == 1);
	nfmp_tap_group("several MPTCP options in one header");
}

/* The data path's shortcut: plain only what the engine has no use for. */
static void test_options_plain(void)
{
	/* DSS: DATA_ACK + 32-bit mapping, data length 0x0578 */
	static const u8 dss[18] = { 0x1e, 18, 0x20, 0x05, 0, 0, 0, 1, 0, 0, 0, 2,
				    0, 0, 0, 3, 0x05, 0x78 };
	static const u8 ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	u8 buf[40];

	NFMP_CHECK(nfmp_options_plain(NULL, 0, ACK));
	NFMP_CHECK(nfmp_options_plain(ts, sizeof(ts), ACK));
	NFMP_CHECK(nfmp_options_plain(dss, sizeof(dss), ACK));
	NFMP_CHECK(!nfmp_options_plain(dss, 8, ACK));	/* cut: malformed length */
	NFMP_CHECK(!nfmp_options_plain(dss, sizeof(dss), ACK | NFMP_TCP_FIN));
	NFMP_CHECK(!nfmp_options_plain(dss, sizeof(dss), SYNACK));
	NFMP_CHECK(!nfmp_options_plain(dss, sizeof(dss), ACK | NFMP_TCP_RST));

	/* timestamps, then the DSS */
	memcpy(buf, ts, sizeof(ts));
	memcpy(buf + sizeof(ts), dss, sizeof(dss));
	NFMP_CHECK(nfmp_options_plain(buf, sizeof(ts) + sizeof(dss), ACK));
	/* DATA_ACK alone */
	memcpy(buf, "\x1e\x08\x20\x01\x00\x00\x00\x09", 8);
	NFMP_CHECK(nfmp_options_plain(buf, 8, ACK));
	/* DATA_FIN, infinite mapping (data length 0): the engine must see them */
	memcpy(buf, dss, sizeof(dss));
	buf[3] |= NFMP_DSS_DATA_FIN;
	NFMP_CHECK(!nfmp_options_plain(buf, sizeof(dss), ACK));
	memcpy(buf, dss, sizeof(dss));
	buf[16] = buf[17] = 0;
	NFMP_CHECK(!nfmp_options_plain(buf, sizeof(dss), ACK));
	/* two DSS (the parser keeps the last: not worth matching), any other subtype */
	memcpy(buf, dss, sizeof(dss));
	memcpy(buf + sizeof(dss), dss, sizeof(dss));
	NFMP_CHECK(!nfmp_options_plain(buf, 2 * sizeof(dss), ACK));
	memcpy(buf, "\x1e\x03\x50\x01", 4);	/* MP_PRIO */
	NFMP_CHECK(!nfmp_options_plain(buf, 4, ACK));
	memcpy(buf, "\x1e\x08\x30\x01\x0a\x00\x00\x01", 8);	/* ADD_ADDR echo */
	NFMP_CHECK(!nfmp_options_plain(buf, 8, ACK));
	memcpy(buf, "\x1e\x04\xf0\x00", 4);	/* experimental subtype */
	NFMP_CHECK(!nfmp_options_plain(buf, 4, ACK));
	memcpy(buf, "\x1e\x02", 2);	/* kind 30 without a subtype */
	NFMP_CHECK(!nfmp_options_plain(buf, 2, ACK));
	/* a broken TCP option list */
	memcpy(buf, "\x08\x00", 2);
	NFMP_CHECK(!nfmp_options_plain(buf, 2, ACK));
	nfmp_tap_group("data-path shortcut: one well-formed DSS without DATA_FIN or infinite map");
}

int main(void)
{
	test_mp_capable_lengths();
	test_mp_capable_fields();
	test_mp_join();
	test_dss_lengths();
	test_dss_fields();
	test_add_addr_lengths();
	test_add_addr_fields();
	test_small_subtypes();
	test_unknown_subtypes();
	test_tcp_option_walk();
	test_multiple();
	test_options_plain();
	return nfmp_tap_done();
}
