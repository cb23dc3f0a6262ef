// SPDX-License-Identifier: GPL-2.0
/*
 * core_bench - the protocol core's per-operation work, for callgrind
 * (userspace/bench/core_bench.sh): each operation runs CORE_BENCH_N times in
 * its own function, so that callgrind's inclusive instruction count of that
 * function divided by N is the cost of one operation. Not a test.
 */
#include <stdio.h>
#include <string.h>

#include "nfmp_crypto.h"
#include "nfmp_engine.h"
#include "nfmp_options.h"

#define CORE_BENCH_N	10000

#define KEY_A	0x0102030405060708ull
#define KEY_B	0x1112131415161718ull

static volatile u64 sink;

/* MP_CAPABLE of @len (4: SYN, 12: SYN/ACK, 20: third ACK) with the keys it carries. */
static unsigned int put_mpc(u8 *p, unsigned int len)
{
	memset(p, 0, len);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = len;
	p[2] = (NFMP_MP_CAPABLE << 4) | 1;
	p[3] = 0x01;
	if (len >= 12)
		nfmp_put_be64(p + 4, len == 12 ? KEY_B : KEY_A);
	if (len >= 20)
		nfmp_put_be64(p + 12, KEY_B);
	return len;
}

/* DSS: 64-bit data ACK, 64-bit DSN mapping of 1400 bytes (the common data segment). */
static unsigned int put_dss(u8 *p, u64 dsn)
{
	memset(p, 0, 26);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 26;
	p[2] = NFMP_DSS << 4;
	p[3] = NFMP_DSS_ACK | NFMP_DSS_ACK64 | NFMP_DSS_MAP | NFMP_DSS_DSN64;
	nfmp_put_be64(p + 4, 1000);
	nfmp_put_be64(p + 12, dsn);
	nfmp_put_be32(p + 20, 1);
	nfmp_put_be16(p + 24, 1400);
	return 26;
}

static void feed(struct nfmp_conn *c, struct nfmp_subflow *sf, u8 flags, u8 dir, u32 paylen,
		 const u8 *o, unsigned int len)
{
	struct nfmp_opts opts;
	struct nfmp_pkt pkt = { .tcp_flags = flags, .dir = dir, .payload_len = paylen };
	struct nfmp_result res = {};

	nfmp_parse_options(o, len, flags, c->version, &opts);
	pkt.opts = &opts;
	nfmp_engine_packet(c, sf, &pkt, &res);
}

static void establish(struct nfmp_conn *c, struct nfmp_subflow *sf)
{
	struct nfmp_pkt pkt = { .tcp_flags = NFMP_TCP_SYN, .dir = NFMP_DIR_ORIG };
	struct nfmp_result res = {};
	struct nfmp_opts opts;
	u8 o[40];

	memset(c, 0, sizeof(*c));
	memset(sf, 0, sizeof(*sf));
	nfmp_parse_options(o, put_mpc(o, 4), NFMP_TCP_SYN, NFMP_VERSION_UNKNOWN, &opts);
	pkt.opts = &opts;
	nfmp_conn_start(c, sf, &pkt, &res);
	feed(c, sf, NFMP_TCP_SYN | NFMP_TCP_ACK, NFMP_DIR_REPLY, 0, o, put_mpc(o, 12));
	feed(c, sf, NFMP_TCP_ACK, NFMP_DIR_ORIG, 0, o, put_mpc(o, 20));
}

__attribute__((noinline)) static void bench_parse_dss(const u8 *o, unsigned int len)
{
	struct nfmp_opts opts;
	unsigned int i;

	for (i = 0; i < CORE_BENCH_N; i++) {
		nfmp_parse_options(o, len, NFMP_TCP_ACK, NFMP_VERSION_1, &opts);
		sink += opts.dss.dsn;
	}
}

__attribute__((noinline)) static void bench_token(void)
{
	unsigned int i;
	u64 idsn;
	u32 token;

	for (i = 0; i < CORE_BENCH_N; i++) {
		nfmp_key_to_token(NFMP_VERSION_1, KEY_A + i, &token, &idsn);
		sink += token;
	}
}

__attribute__((noinline)) static void bench_join_hmac(const struct nfmp_hmac_key *hk)
{
	unsigned int i;

	for (i = 0; i < CORE_BENCH_N; i++)
		sink += nfmp_join_hmac64(hk, i, ~i);
}

__attribute__((noinline)) static void bench_add_addr_hmac(const struct nfmp_hmac_key *hk)
{
	static const u8 addr[4] = { 10, 0, 2, 1 };
	unsigned int i;

	for (i = 0; i < CORE_BENCH_N; i++)
		sink += nfmp_add_addr_hmac(hk, (u8)i, 4, addr, 10100);
}

__attribute__((noinline)) static void bench_engine_dss(struct nfmp_conn *c, struct nfmp_subflow *sf)
{
	struct nfmp_opts opts;
	unsigned int i;
	u8 o[40];

	for (i = 0; i < CORE_BENCH_N; i++) {
		struct nfmp_pkt pkt = {
			.tcp_flags = NFMP_TCP_ACK, .dir = i & 1, .payload_len = 1400, .opts = &opts,
		};
		struct nfmp_result res = {};
		unsigned int len = put_dss(o, 77 + (u64)i * 1400);

		nfmp_parse_options(o, len, NFMP_TCP_ACK, c->version, &opts);
		nfmp_engine_packet(c, sf, &pkt, &res);
		sink += res.events;
	}
}

int main(void)
{
	struct nfmp_hmac_key hk[2];
	struct nfmp_subflow sf;
	struct nfmp_conn c;
	u8 o[40];

	establish(&c, &sf);
	nfmp_conn_prepare_hmac(&c, hk);
	bench_parse_dss(o, put_dss(o, 77));
	bench_token();
	bench_join_hmac(&hk[0]);
	bench_add_addr_hmac(&hk[0]);
	bench_engine_dss(&c, &sf);
	printf("state %s, %d operations each\n", nfmp_conn_state_name(c.state), CORE_BENCH_N);
	return c.state == NFMP_CONN_ESTABLISHED ? 0 : 1;
}
