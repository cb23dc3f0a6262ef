// SPDX-License-Identifier: GPL-2.0
/* test_engine.c - unit tests for the MPTCP connection/subflow engine (kmod/core/nfmp_engine.c). */

#include <stdio.h>
#include <string.h>

#include "nfmp_engine.h"
#include "nfmp_tap.h"

#define SYN	NFMP_TCP_SYN
#define ACK	NFMP_TCP_ACK
#define SYNACK	(NFMP_TCP_SYN | NFMP_TCP_ACK)
#define ORIG	NFMP_DIR_ORIG
#define REPLY	NFMP_DIR_REPLY

#define KEY_A	0x0102030405060708ull	/* client */
#define KEY_B	0xa1b2c3d4e5f60718ull	/* server */

/* ---- option builders: each writes one option at @p and returns its length ---- */

static unsigned int b_mpc(u8 *p, unsigned int len, u8 ver, u8 flags, u64 snd, u64 rcv, u16 dlen)
{
	memset(p, 0, len);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = len;
	p[2] = (NFMP_MP_CAPABLE << 4) | ver;
	p[3] = flags;
	if (len >= 12)
		nfmp_put_be64(p + 4, snd);
	if (len >= 20)
		nfmp_put_be64(p + 12, rcv);
	if (len >= 22)
		nfmp_put_be16(p + 20, dlen);
	return len;
}

static unsigned int b_join_syn(u8 *p, bool backup, u8 id, u32 token, u32 nonce)
{
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 12;
	p[2] = (NFMP_MP_JOIN << 4) | backup;
	p[3] = id;
	nfmp_put_be32(p + 4, token);
	nfmp_put_be32(p + 8, nonce);
	return 12;
}

static unsigned int b_join_synack(u8 *p, bool backup, u8 id, u64 hmac64, u32 nonce)
{
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 16;
	p[2] = (NFMP_MP_JOIN << 4) | backup;
	p[3] = id;
	nfmp_put_be64(p + 4, hmac64);
	nfmp_put_be32(p + 12, nonce);
	return 16;
}

static unsigned int b_join_ack(u8 *p, const u8 *hmac20)
{
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 24;
	p[2] = NFMP_MP_JOIN << 4;
	p[3] = 0;
	memcpy(p + 4, hmac20, 20);
	return 24;
}

/* DSS with a 64-bit data ACK and, if @map, a 64-bit DSN mapping of @dlen bytes. */
static unsigned int b_dss(u8 *p, bool map, bool fin, u64 dsn, u16 dlen)
{
	unsigned int len = map ? 4 + 8 + 14 : 4 + 8;

	memset(p, 0, len);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = len;
	p[2] = NFMP_DSS << 4;
	p[3] = NFMP_DSS_ACK | NFMP_DSS_ACK64;
	nfmp_put_be64(p + 4, 1000);
	if (map) {
		p[3] |= NFMP_DSS_MAP | NFMP_DSS_DSN64 | (fin ? NFMP_DSS_DATA_FIN : 0);
		nfmp_put_be64(p + 12, dsn);
		nfmp_put_be32(p + 20, 1);
		nfmp_put_be16(p + 24, dlen);
	}
	return len;
}

/* v1 ADD_ADDR IPv4 (with HMAC unless echo), or v0 (no HMAC) when @v0. */
static unsigned int b_add_addr(u8 *p, bool v0, bool echo, u8 id, const u8 *addr, bool port,
			       u16 portval, u64 hmac)
{
	unsigned int len = 8 + (port ? 2 : 0);

	p[0] = NFMP_TCPOPT_MPTCP;
	p[2] = (NFMP_ADD_ADDR << 4) | (v0 ? 4 : echo);
	p[3] = id;
	memcpy(p + 4, addr, 4);
	if (port)
		nfmp_put_be16(p + 8, portval);
	if (!v0 && !echo) {
		nfmp_put_be64(p + len, hmac);
		len += 8;
	}
	p[1] = len;
	return len;
}

static unsigned int b_simple(u8 *p, u8 subtype, u8 nibble, u8 b3, unsigned int len, u64 v64)
{
	memset(p, 0, len);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = len;
	p[2] = (subtype << 4) | nibble;
	if (len > 3)
		p[3] = b3;
	if (len >= 12)
		nfmp_put_be64(p + 4, v64);
	return len;
}

/* ---- packet feeding ---- */

struct t_pkt {
	struct nfmp_opts opts;
	struct nfmp_pkt pkt;
	struct nfmp_result res;
};

static void mkpkt(struct t_pkt *t, u8 version, u8 flags, u8 dir, u32 payload, const u8 *o,
		  unsigned int olen)
{
	nfmp_parse_options(o, olen, flags, version, &t->opts);
	t->pkt.tcp_flags = flags;
	t->pkt.dir = dir;
	t->pkt.payload_len = payload;
	t->pkt.opts = &t->opts;
	memset(&t->res, 0xa5, sizeof(t->res));
}

static u8 last_sender;

/* Feed a later packet of @sf; returns the events and keeps the sender in last_sender. */
static u16 feed(struct nfmp_conn *c, struct nfmp_subflow *sf, u8 flags, u8 dir, u32 payload,
		const u8 *o, unsigned int olen)
{
	struct t_pkt t;

	mkpkt(&t, c ? c->version : NFMP_VERSION_UNKNOWN, flags, dir, payload, o, olen);
	nfmp_engine_packet(c, sf, &t.pkt, &t.res);
	last_sender = t.res.sender;
	return t.res.events;
}

/* Full v1 handshake on @c/@sf, checking every step. */
static void v1_handshake(struct nfmp_conn *c, struct nfmp_subflow *sf)
{
	struct t_pkt t;
	u8 o[40];
	u16 ev;

	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
	NFMP_CHECK(nfmp_conn_start(c, sf, &t.pkt, &t.res));
	NFMP_CHECK(t.res.events == NFMP_EV_CONN_CREATED && t.res.sender == NFMP_CLIENT);
	NFMP_CHECK(c->state == NFMP_CONN_SYN_SENT && c->version == 1 && !c->flags);
	NFMP_CHECK(sf->opener == NFMP_CLIENT && sf->verdict == NFMP_VERDICT_PENDING);

	ev = feed(c, sf, SYNACK, REPLY, 0, o, b_mpc(o, 12, 1, 0x01, KEY_B, 0, 0));
	NFMP_CHECK(ev == 0 && last_sender == NFMP_SERVER);
	NFMP_CHECK(c->state == NFMP_CONN_SYN_RCVD && c->flags == NFMP_CONN_F_KEY_SERVER);
	NFMP_CHECK(c->key[NFMP_SERVER] == KEY_B && c->token[NFMP_SERVER] == 0xaf77ffda);

	ev = feed(c, sf, ACK, ORIG, 0, o, b_mpc(o, 20, 1, 0x01, KEY_A, KEY_B, 0));
	NFMP_CHECK(ev == (NFMP_EV_KEYS_LEARNED | NFMP_EV_CONN_ESTABLISHED | NFMP_EV_SF_ESTABLISHED));
	NFMP_CHECK(c->state == NFMP_CONN_ESTABLISHED && c->key[NFMP_CLIENT] == KEY_A);
	NFMP_CHECK(c->token[NFMP_CLIENT] == 0x66840dda && (c->flags & NFMP_CONN_F_KEYS) ==
		   NFMP_CONN_F_KEYS);
	NFMP_CHECK(sf->verdict == NFMP_VERDICT_VALID && (sf->flags & NFMP_SF_F_ESTABLISHED));
}

static void test_v1_handshake(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf;
	u8 o[40];
	u16 ev;

	v1_handshake(&c, &sf);
	/* First data with the 22-byte MP_CAPABLE repeats both keys: no event, no fallback. */
	ev = feed(&c, &sf, ACK, ORIG, 100, o, b_mpc(o, 22, 1, 0x01, KEY_A, KEY_B, 100));
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_ESTABLISHED && (c.flags & NFMP_CONN_F_DSS_SEEN));
	/* Server data with a DSS mapping, then plain ACKs. */
	ev = feed(&c, &sf, ACK, REPLY, 500, o, b_dss(o, true, false, 77, 500));
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_ESTABLISHED);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_dss(o, false, false, 0, 0));
	NFMP_CHECK(ev == 0);
	/* Token lookup: each end by its own token, nothing else. */
	NFMP_CHECK(nfmp_conn_token_owner(&c, 0xaf77ffda) == NFMP_SERVER);
	NFMP_CHECK(nfmp_conn_token_owner(&c, 0x66840dda) == NFMP_CLIENT);
	NFMP_CHECK(nfmp_conn_token_owner(&c, 0x12345678) == -1);
	nfmp_tap_group("v1 handshake: SYN 4, SYN/ACK 12, ACK 20, first data 22, tokens");
}

static void test_handshake_misc(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf;
	struct t_pkt t;
	u8 o[40];
	u16 ev;

	/* Only an MP_CAPABLE SYN starts a connection. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYNACK, ORIG, 0, o, b_mpc(o, 12, 1, 0x01, KEY_A, 0, 0));
	NFMP_CHECK(!nfmp_conn_start(&c, &sf, &t.pkt, &t.res));
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_join_syn(o, 0, 0, 1, 2));
	NFMP_CHECK(!nfmp_conn_start(&c, &sf, &t.pkt, &t.res));
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, 0);
	NFMP_CHECK(!nfmp_conn_start(&c, &sf, &t.pkt, &t.res));

	/* A SYN with a higher version: the SYN/ACK's version is the negotiated one. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 3, 0x81, 0, 0, 0));
	NFMP_CHECK(nfmp_conn_start(&c, &sf, &t.pkt, &t.res));
	NFMP_CHECK(c.version == 1 && (c.flags & NFMP_CONN_F_CSUM));
	feed(&c, &sf, SYNACK, REPLY, 0, o, b_mpc(o, 12, 1, 0x01, KEY_B, 0, 0));
	NFMP_CHECK(c.version == 1 && c.state == NFMP_CONN_SYN_RCVD);

	/* Third ACK contradicting the SYN/ACK's server key: error, old key kept. */
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_mpc(o, 20, 1, 0x01, KEY_A, KEY_B + 1, 0));
	NFMP_CHECK(ev & NFMP_EV_PROTO_ERROR);
	NFMP_CHECK(!(ev & NFMP_EV_SF_ESTABLISHED) && c.key[NFMP_SERVER] == KEY_B);
	NFMP_CHECK(sf.verdict == NFMP_VERDICT_PENDING);
	/* The retransmitted, correct third ACK completes the handshake. */
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_mpc(o, 20, 1, 0x01, KEY_A, KEY_B, 0));
	NFMP_CHECK(ev == NFMP_EV_SF_ESTABLISHED && sf.verdict == NFMP_VERDICT_VALID);
	NFMP_CHECK(c.state == NFMP_CONN_ESTABLISHED);
	/* A later MP_CAPABLE with another client key does not replace it. */
	ev = feed(&c, &sf, ACK, ORIG, 10, o, b_mpc(o, 22, 1, 0x01, KEY_A ^ 1, KEY_B, 10));
	NFMP_CHECK(ev == NFMP_EV_PROTO_ERROR && c.key[NFMP_CLIENT] == KEY_A);

	/* A malformed MP_CAPABLE on the SYN/ACK: error, and the peers fall back. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
	nfmp_conn_start(&c, &sf, &t.pkt, &t.res);
	ev = feed(&c, &sf, SYNACK, REPLY, 0, o, b_mpc(o, 20, 1, 0x01, KEY_B, 0, 0));
	NFMP_CHECK(ev == (NFMP_EV_PROTO_ERROR | NFMP_EV_FALLBACK));
	NFMP_CHECK(c.state == NFMP_CONN_FALLBACK && c.end_reason == NFMP_END_FALLBACK_SYNACK);
	nfmp_tap_group("handshake: start conditions, version negotiation, contradicting keys");
}

static void test_lost_third_ack(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf;
	struct t_pkt t;
	u8 o[40];
	u16 ev;
	int csum;

	for (csum = 0; csum <= 1; csum++) {
		mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
		nfmp_conn_start(&c, &sf, &t.pkt, &t.res);
		feed(&c, &sf, SYNACK, REPLY, 0, o, b_mpc(o, 12, 1, 0x01, KEY_B, 0, 0));
		/* No third ACK seen: the client's first data carries both keys (§3.1). */
		ev = feed(&c, &sf, ACK | NFMP_TCP_FIN, ORIG, 20, o,
			  b_mpc(o, csum ? 24 : 22, 1, 0x01, KEY_A, KEY_B, 20));
		NFMP_CHECKF(ev == (NFMP_EV_KEYS_LEARNED | NFMP_EV_CONN_ESTABLISHED |
				   NFMP_EV_SF_ESTABLISHED | NFMP_EV_SF_CLOSED), "csum %d", csum);
		NFMP_CHECK(c.state == NFMP_CONN_ESTABLISHED && c.key[NFMP_CLIENT] == KEY_A);
		NFMP_CHECK((c.flags & NFMP_CONN_F_DSS_SEEN) && sf.verdict == NFMP_VERDICT_VALID);
	}
	nfmp_tap_group("lost third ACK: keys from the 22/24-byte MP_CAPABLE on data, no fallback");
}

static void test_v0(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf, js;
	struct nfmp_hmac_key hk;
	struct t_pkt t;
	u8 o[40], mac[32];
	u16 ev;

	/* RFC 6824: SYN and SYN/ACK each carry the sender's key, ACK both. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 12, 0, 0x81, KEY_A, 0, 0));
	NFMP_CHECK(nfmp_conn_start(&c, &sf, &t.pkt, &t.res));
	NFMP_CHECK(c.version == 0 && c.flags == (NFMP_CONN_F_KEY_CLIENT | NFMP_CONN_F_CSUM));
	NFMP_CHECK(c.token[NFMP_CLIENT] == 0xdd5783bc);
	ev = feed(&c, &sf, SYNACK, REPLY, 0, o, b_mpc(o, 12, 0, 0x81, KEY_B, 0, 0));
	NFMP_CHECK(ev == (NFMP_EV_KEYS_LEARNED | NFMP_EV_CONN_ESTABLISHED));
	NFMP_CHECK(c.state == NFMP_CONN_ESTABLISHED && c.token[NFMP_SERVER] == 0xfaaf6fe3);
	NFMP_CHECK(sf.verdict == NFMP_VERDICT_PENDING);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_mpc(o, 20, 0, 0x81, KEY_A, KEY_B, 0));
	NFMP_CHECK(ev == NFMP_EV_SF_ESTABLISHED && sf.verdict == NFMP_VERDICT_VALID);

	/* v0 ADD_ADDR (IPVer 4, no HMAC) is announced as is. */
	ev = feed(&c, &sf, ACK, REPLY, 0, o,
		  b_add_addr(o, true, false, 2, (const u8 *)"\x0a\0\0\x09", true, 80, 0));
	NFMP_CHECK(ev == NFMP_EV_ADDR_ANNOUNCED);

	/* v0 join with HMAC-SHA1: client opens toward the server's token. */
	mkpkt(&t, 0, SYN, ORIG, 0, o, b_join_syn(o, 0, 1, c.token[NFMP_SERVER], 0x1111));
	nfmp_join_start(&c, &js, nfmp_conn_token_owner(&c, c.token[NFMP_SERVER]), &t.pkt, &t.res);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_PENDING && js.opener == NFMP_CLIENT);
	nfmp_hmac_key_init(&hk, 0, KEY_B, KEY_A);
	ev = feed(&c, &js, SYNACK, REPLY, 0, o,
		  b_join_synack(o, 0, 0, nfmp_join_hmac64(&hk, 0x2222, 0x1111), 0x2222));
	NFMP_CHECK(ev == 0 && js.verdict == NFMP_VERDICT_PENDING);
	nfmp_hmac_key_init(&hk, 0, KEY_A, KEY_B);
	nfmp_join_hmac(&hk, 0x1111, 0x2222, mac);
	ev = feed(&c, &js, ACK, ORIG, 0, o, b_join_ack(o, mac));
	NFMP_CHECK(ev == (NFMP_EV_JOIN_VALID | NFMP_EV_SF_ESTABLISHED));
	NFMP_CHECK(js.verdict == NFMP_VERDICT_VALID);
	nfmp_tap_group("v0 handshake (keys on SYN and SYN/ACK), v0 ADD_ADDR, v0 join HMAC-SHA1");
}

/* Open a join from @opener toward the other end; returns the subflow's verdict after the ACK. */
static u8 do_join(struct nfmp_conn *c, struct nfmp_subflow *js, u8 opener, bool bad_synack,
		  bool bad_ack, u16 *events)
{
	u8 receiver = !opener, o[40], mac[32];
	struct nfmp_hmac_key hk;
	struct t_pkt t;
	u32 ra = 0x1234abcd, rb = 0x9876fedc;
	u64 h64;

	mkpkt(&t, c->version, SYN, ORIG, 0, o, b_join_syn(o, 1, 5, c->token[receiver], ra));
	nfmp_join_start(c, js, nfmp_conn_token_owner(c, c->token[receiver]), &t.pkt, &t.res);
	NFMP_CHECK(js->opener == opener && js->verdict == NFMP_VERDICT_PENDING);
	NFMP_CHECK((js->flags & NFMP_SF_F_JOIN) && (js->flags & NFMP_SF_F_BACKUP_ORIG));
	NFMP_CHECK(js->addr_id[ORIG] == 5 && js->nonce[ORIG] == ra && t.res.sender == opener);

	/* HMAC-B = HMAC(Key-B ‖ Key-A, R-B ‖ R-A) */
	nfmp_hmac_key_init(&hk, c->version, c->key[receiver], c->key[opener]);
	h64 = nfmp_join_hmac64(&hk, rb, ra) ^ bad_synack;
	mkpkt(&t, c->version, SYNACK, REPLY, 0, o, b_join_synack(o, 0, 3, h64, rb));
	NFMP_CHECK(nfmp_join_synack_matches(c, js, &t.opts.join) == !bad_synack);
	*events = feed(c, js, SYNACK, REPLY, 0, o, b_join_synack(o, 0, 3, h64, rb));
	NFMP_CHECK(js->addr_id[REPLY] == 3 && js->nonce[REPLY] == rb);
	if (bad_synack)
		return js->verdict;
	NFMP_CHECK(*events == 0 && js->verdict == NFMP_VERDICT_PENDING);

	/* HMAC-A = HMAC(Key-A ‖ Key-B, R-A ‖ R-B) */
	nfmp_hmac_key_init(&hk, c->version, c->key[opener], c->key[receiver]);
	nfmp_join_hmac(&hk, ra, rb, mac);
	mac[19] ^= bad_ack;
	*events = feed(c, js, ACK, ORIG, 0, o, b_join_ack(o, mac));
	return js->verdict;
}

static void test_joins(void)
{
	struct nfmp_hmac_key hk[2];
	struct nfmp_conn c;
	struct nfmp_subflow sf, js;
	struct t_pkt t;
	u8 o[40];
	u16 ev;
	int pre;

	v1_handshake(&c, &sf);
	for (pre = 0; pre <= 1; pre++) {
		/* Without and with the caller's precomputed HMAC states. */
		if (pre) {
			nfmp_conn_prepare_hmac(&c, hk);
			c.hk = hk;
		}
		NFMP_CHECK(do_join(&c, &js, NFMP_CLIENT, false, false, &ev) == NFMP_VERDICT_VALID);
		NFMP_CHECK(ev == (NFMP_EV_JOIN_VALID | NFMP_EV_SF_ESTABLISHED));
		NFMP_CHECK(js.flags & NFMP_SF_F_ESTABLISHED);
		/* The server may open subflows too (toward the client's token). */
		NFMP_CHECK(do_join(&c, &js, NFMP_SERVER, false, false, &ev) == NFMP_VERDICT_VALID);
		NFMP_CHECK(ev == (NFMP_EV_JOIN_VALID | NFMP_EV_SF_ESTABLISHED));
		NFMP_CHECK(do_join(&c, &js, NFMP_CLIENT, true, false, &ev) == NFMP_VERDICT_BAD_HMAC);
		NFMP_CHECK(ev == NFMP_EV_JOIN_BAD_HMAC);
		/* Once bad, the ACK changes nothing. */
		ev = feed(&c, &js, ACK, ORIG, 0, o, b_join_ack(o, (const u8 *)"01234567890123456789"));
		NFMP_CHECK(ev == 0 && js.verdict == NFMP_VERDICT_BAD_HMAC);
		NFMP_CHECK(do_join(&c, &js, NFMP_SERVER, false, true, &ev) == NFMP_VERDICT_BAD_HMAC);
		NFMP_CHECK(ev == (NFMP_EV_JOIN_BAD_HMAC | NFMP_EV_SF_ESTABLISHED));
	}
	c.hk = NULL;

	/* Unknown token: no connection needed, FIN still tracked. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_join_syn(o, 0, 1, 0xdeadbeef, 7));
	NFMP_CHECK(nfmp_conn_token_owner(&c, 0xdeadbeef) == -1);
	nfmp_join_start(NULL, &js, -1, &t.pkt, &t.res);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_UNKNOWN_TOKEN && (js.flags & NFMP_SF_F_JOIN));
	ev = feed(NULL, &js, SYNACK, REPLY, 0, o, b_join_synack(o, 0, 3, 1, 2));
	NFMP_CHECK(ev == 0 && js.verdict == NFMP_VERDICT_UNKNOWN_TOKEN);
	ev = feed(NULL, &js, NFMP_TCP_RST, ORIG, 0, o, 0);
	NFMP_CHECK(ev == NFMP_EV_SF_CLOSED);

	/* A SYN/ACK without MP_JOIN: the join cannot fall back (§3.2). */
	mkpkt(&t, 1, SYN, ORIG, 0, o, b_join_syn(o, 0, 1, c.token[NFMP_SERVER], 7));
	nfmp_join_start(&c, &js, NFMP_SERVER, &t.pkt, &t.res);
	ev = feed(&c, &js, SYNACK, REPLY, 0, o, 0);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_INVALID && c.state == NFMP_CONN_ESTABLISHED);

	/* Join SYN whose option is not a join SYN. */
	mkpkt(&t, 1, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
	nfmp_join_start(&c, &js, NFMP_SERVER, &t.pkt, &t.res);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_INVALID && (t.res.events & NFMP_EV_PROTO_ERROR));
	nfmp_tap_group("joins: HMAC-B/HMAC-A good and bad, both directions, precomputed keys, unknown token");
}

static void test_addresses(void)
{
	struct nfmp_hmac_key hk;
	struct nfmp_conn c;
	struct nfmp_subflow sf, js;
	const u8 *ip = (const u8 *)"\xc0\x00\x02\x01";
	u8 o[40];
	u64 h;
	u16 ev;

	v1_handshake(&c, &sf);
	/* Server announces 192.0.2.1:443 id 4; HMAC keyed with the sender's key first. */
	nfmp_hmac_key_init(&hk, 1, KEY_B, KEY_A);
	h = nfmp_add_addr_hmac(&hk, 4, 4, ip, 443);
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_add_addr(o, false, false, 4, ip, true, 443, h));
	NFMP_CHECK(ev == NFMP_EV_ADDR_ANNOUNCED);
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_add_addr(o, false, false, 4, ip, true, 443, h ^ 1));
	NFMP_CHECK(ev == NFMP_EV_ADD_ADDR_BAD_HMAC);
	/* The port is part of the message: announcing another port with the same HMAC fails. */
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_add_addr(o, false, false, 4, ip, false, 0, h));
	NFMP_CHECK(ev == NFMP_EV_ADD_ADDR_BAD_HMAC);
	/* Keyed with the sender's key: the same option from the client is bad. */
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_add_addr(o, false, false, 4, ip, true, 443, h));
	NFMP_CHECK(ev == NFMP_EV_ADD_ADDR_BAD_HMAC);
	/* Client announces without port. */
	nfmp_hmac_key_init(&hk, 1, KEY_A, KEY_B);
	h = nfmp_add_addr_hmac(&hk, 9, 4, ip, 0);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_add_addr(o, false, false, 9, ip, false, 0, h));
	NFMP_CHECK(ev == NFMP_EV_ADDR_ANNOUNCED);
	/* Echo. */
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_add_addr(o, false, true, 4, ip, true, 443, 0));
	NFMP_CHECK(ev == NFMP_EV_ADDR_ECHOED);
	/* REMOVE_ADDR. */
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_simple(o, NFMP_REMOVE_ADDR, 0, 4, 4, 0));
	NFMP_CHECK(ev == NFMP_EV_ADDR_REMOVED);
	/* MP_PRIO on a join subflow: the sender's direction flips. */
	do_join(&c, &js, NFMP_CLIENT, false, false, &ev);
	NFMP_CHECK(js.flags & NFMP_SF_F_BACKUP_ORIG);
	ev = feed(&c, &js, ACK, ORIG, 0, o, b_simple(o, NFMP_MP_PRIO, 0, 0, 3, 0));
	NFMP_CHECK(ev == NFMP_EV_PRIO_CHANGED && !(js.flags & NFMP_SF_F_BACKUP_ORIG));
	ev = feed(&c, &js, ACK, REPLY, 0, o, b_simple(o, NFMP_MP_PRIO, 1, 0, 3, 0));
	NFMP_CHECK(ev == NFMP_EV_PRIO_CHANGED && (js.flags & NFMP_SF_F_BACKUP_REPLY));
	/* Before the keys are known, an ADD_ADDR cannot be checked: announced. */
	{
		struct nfmp_subflow s2;
		struct nfmp_conn c2;
		struct t_pkt t;

		mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
		nfmp_conn_start(&c2, &s2, &t.pkt, &t.res);
		feed(&c2, &s2, SYNACK, REPLY, 0, o, b_mpc(o, 12, 1, 0x01, KEY_B, 0, 0));
		ev = feed(&c2, &s2, ACK, REPLY, 0, o,
			  b_add_addr(o, false, false, 4, ip, true, 443, 1));
		NFMP_CHECK(ev == NFMP_EV_ADDR_ANNOUNCED);
	}
	nfmp_tap_group("ADD_ADDR HMAC good/bad, echo, REMOVE_ADDR, MP_PRIO");
}

static void test_close(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf;
	u8 o[40];
	u16 ev;

	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, ORIG, 1, o, b_dss(o, true, true, 100, 1));
	NFMP_CHECK(ev == NFMP_EV_DATA_FIN && c.state == NFMP_CONN_CLOSING);
	NFMP_CHECK(c.flags & NFMP_CONN_F_FIN_CLIENT);
	/* Retransmitted DATA_FIN: nothing new. */
	ev = feed(&c, &sf, ACK, ORIG, 1, o, b_dss(o, true, true, 100, 1));
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_CLOSING);
	/* DATA_FIN without a mapping is not a DATA_FIN (§3.3.3). */
	o[0] = 0;
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_simple(o, NFMP_DSS, 0, NFMP_DSS_DATA_FIN, 4, 0));
	NFMP_CHECK(ev == 0);
	ev = feed(&c, &sf, ACK | NFMP_TCP_FIN, REPLY, 0, o, b_dss(o, true, true, 9, 1));
	NFMP_CHECK(ev == (NFMP_EV_DATA_FIN | NFMP_EV_CONN_CLOSED | NFMP_EV_SF_CLOSED));
	NFMP_CHECK(c.state == NFMP_CONN_CLOSED && c.end_reason == NFMP_END_DATA_FIN);
	ev = feed(&c, &sf, ACK | NFMP_TCP_FIN, ORIG, 0, o, 0);
	NFMP_CHECK(ev == 0);

	/* MP_FASTCLOSE carries the receiver's key; a wrong key is not believed. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_simple(o, NFMP_MP_FASTCLOSE, 0, 0, 12, KEY_A));
	NFMP_CHECK(ev == NFMP_EV_PROTO_ERROR && c.state == NFMP_CONN_ESTABLISHED);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_simple(o, NFMP_MP_FASTCLOSE, 0, 0, 12, KEY_B));
	NFMP_CHECK(ev == NFMP_EV_CONN_CLOSED && c.state == NFMP_CONN_CLOSED);
	NFMP_CHECK(c.end_reason == NFMP_END_FASTCLOSE);

	/* MP_TCPRST closes the subflow; the caller ends the connection with the last one. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, NFMP_TCP_RST, REPLY, 0, o,
		  b_simple(o, NFMP_MP_TCPRST, 0, NFMP_RST_ADMIN, 4, 0));
	NFMP_CHECK(ev == NFMP_EV_SF_CLOSED && (sf.flags & NFMP_SF_F_CLOSED));
	NFMP_CHECK(c.state == NFMP_CONN_ESTABLISHED);
	nfmp_tap_group("close: DATA_FIN both ways, retransmission, MP_FASTCLOSE key check, MP_TCPRST");
}

static void test_fallback(void)
{
	struct nfmp_conn c;
	struct nfmp_subflow sf, js;
	struct t_pkt t;
	u8 o[40];
	u16 ev;

	/* SYN/ACK without MP_CAPABLE (server without MPTCP, or option stripped). */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
	nfmp_conn_start(&c, &sf, &t.pkt, &t.res);
	ev = feed(&c, &sf, SYNACK, REPLY, 0, o, 0);
	NFMP_CHECK(ev == NFMP_EV_FALLBACK && c.state == NFMP_CONN_FALLBACK);
	NFMP_CHECK(c.end_reason == NFMP_END_FALLBACK_SYNACK && sf.verdict == NFMP_VERDICT_FALLBACK);
	/* No new subflow for a fallen-back connection (§3.7). */
	mkpkt(&t, 1, SYN, ORIG, 0, o, b_join_syn(o, 0, 1, 1, 7));
	nfmp_join_start(&c, &js, NFMP_SERVER, &t.pkt, &t.res);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_INVALID);
	/* Nothing after fallback changes the connection. */
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_mpc(o, 20, 1, 0x01, KEY_A, KEY_B, 0));
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_FALLBACK && !(c.flags & NFMP_CONN_F_KEYS));

	/* Data without any mapping after the handshake: options stripped mid-path. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, 0);	/* a pure ACK is fine */
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_ESTABLISHED);
	ev = feed(&c, &sf, ACK, REPLY, 100, o, b_dss(o, false, false, 0, 0));
	NFMP_CHECK(ev == NFMP_EV_FALLBACK && c.end_reason == NFMP_END_FALLBACK_NO_DSS);
	NFMP_CHECK(sf.verdict == NFMP_VERDICT_FALLBACK);

	/* v1, no third ACK seen, client data without MP_CAPABLE or DSS. */
	mkpkt(&t, NFMP_VERSION_UNKNOWN, SYN, ORIG, 0, o, b_mpc(o, 4, 1, 0x01, 0, 0, 0));
	nfmp_conn_start(&c, &sf, &t.pkt, &t.res);
	feed(&c, &sf, SYNACK, REPLY, 0, o, b_mpc(o, 12, 1, 0x01, KEY_B, 0, 0));
	ev = feed(&c, &sf, ACK, ORIG, 30, o, 0);
	NFMP_CHECK(ev == NFMP_EV_FALLBACK && c.end_reason == NFMP_END_FALLBACK_NO_DSS);

	/* Once a mapping was seen, later packets may ride on it. */
	v1_handshake(&c, &sf);
	feed(&c, &sf, ACK, ORIG, 1000, o, b_dss(o, true, false, 1, 3000));
	ev = feed(&c, &sf, ACK, ORIG, 1000, o, 0);
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_ESTABLISHED);
	/* ... and join subflows never fall back on that rule. */
	c.flags &= ~NFMP_CONN_F_DSS_SEEN;
	do_join(&c, &js, NFMP_CLIENT, false, false, &ev);
	ev = feed(&c, &js, ACK, ORIG, 1000, o, 0);
	NFMP_CHECK(ev == 0 && c.state == NFMP_CONN_ESTABLISHED);

	/* Infinite mapping: data-level length 0 without DATA_FIN. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, ORIG, 100, o, b_dss(o, true, false, 1, 0));
	NFMP_CHECK(ev == NFMP_EV_FALLBACK && c.end_reason == NFMP_END_FALLBACK_INFINITE);
	/* With F set, length 0 is a (sloppy) DATA_FIN, never the infinite mapping. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, ORIG, 0, o, b_dss(o, true, true, 1, 0));
	NFMP_CHECK(ev == NFMP_EV_DATA_FIN && c.state == NFMP_CONN_CLOSING);

	/* MP_FAIL on the only subflow: fallback; with RST it only kills the subflow. */
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK, REPLY, 0, o, b_simple(o, NFMP_MP_FAIL, 0, 0, 12, 77));
	NFMP_CHECK(ev == NFMP_EV_FALLBACK && c.end_reason == NFMP_END_FALLBACK_MP_FAIL);
	v1_handshake(&c, &sf);
	ev = feed(&c, &sf, ACK | NFMP_TCP_RST, REPLY, 0, o,
		  b_simple(o, NFMP_MP_FAIL, 0, 0, 12, 77));
	NFMP_CHECK(ev == NFMP_EV_SF_CLOSED && c.state == NFMP_CONN_ESTABLISHED);
	nfmp_tap_group("fallback: SYN/ACK without MP_CAPABLE, data without DSS, infinite map, MP_FAIL");
}

/* ---- the lockless fast path: steady subflows and plain packets ---- */

struct t_state {
	struct nfmp_conn c;
	struct nfmp_subflow sf;
};

static bool same_state(const struct t_state *a, const struct t_state *b)
{
	/* STEADY is only the engine's hint; the fast path leaves it as it was */
	return !memcmp(&a->c, &b->c, sizeof(a->c)) && a->sf.verdict == b->sf.verdict &&
	       a->sf.opener == b->sf.opener &&
	       (a->sf.flags & ~NFMP_SF_F_STEADY) == (b->sf.flags & ~NFMP_SF_F_STEADY) &&
	       !memcmp(a->sf.nonce, b->sf.nonce, sizeof(a->sf.nonce)) &&
	       !memcmp(a->sf.addr_id, b->sf.addr_id, sizeof(a->sf.addr_id));
}

static u32 t_rand_state = 12345;

static u32 t_rand(void)
{
	t_rand_state = t_rand_state * 1103515245u + 12345u;
	return t_rand_state >> 8;
}

/* Random option areas (@o: 64 bytes, 40 used): real options with random fields, garbage. */
static unsigned int random_opts(u8 *o)
{
	u8 addr[4] = { 10, 0, 0, (u8)t_rand() };
	unsigned int len = 0, i, n = t_rand() % 3;

	for (i = 0; i < n && len <= 24; i++) {
		switch (t_rand() % 6) {
		case 0:
			len += b_dss(o + len, t_rand() & 1, !(t_rand() % 4), t_rand(),
				     t_rand() % 3 ? (u16)t_rand() : 0);
			break;
		case 1:
			len += b_add_addr(o + len, false, t_rand() & 1, t_rand() % 4, addr, false,
					  0, t_rand());
			break;
		case 2:
			len += b_simple(o + len, t_rand() % 16, t_rand() % 16, (u8)t_rand(),
					2 + t_rand() % 12, t_rand());
			break;
		case 3:
			o[len++] = 1;	/* NOP */
			break;
		default: {
			unsigned int k, l = 1 + t_rand() % 8;

			for (k = 0; k < l; k++)
				o[len + k] = (u8)t_rand();
			len += l;
		}
		}
	}
	return len > 40 ? 40 : len;
}

/*
 * The kernel returns without the connection's lock for a plain packet of a
 * steady subflow: the engine must agree that such a packet changes nothing,
 * from every state the connection can reach through other subflows while
 * this one stays steady (closing, closed, fallen back).
 */
static void test_steady(void)
{
	static const u8 tcp_flags[] = { ACK, ACK | 0x08 /* PSH */, 0, SYN, ACK | NFMP_TCP_FIN,
					NFMP_TCP_RST, ACK | 0x20 /* URG */ };
	struct t_state base[6], st, ref;
	struct nfmp_subflow other, js;
	unsigned int i, b, plain = 0, tried = 0;
	struct t_pkt t;
	u8 o[64];
	u16 ev;

	v1_handshake(&base[0].c, &base[0].sf);
	NFMP_CHECK(!(base[0].sf.flags & NFMP_SF_F_STEADY));	/* no mapping seen yet */
	feed(&base[0].c, &base[0].sf, ACK, ORIG, 100, o, b_mpc(o, 22, 1, 0x01, KEY_A, KEY_B, 100));
	NFMP_CHECK(base[0].sf.flags & NFMP_SF_F_STEADY);
	/* a join becomes steady once its HMAC is verified */
	do_join(&base[0].c, &js, NFMP_CLIENT, false, false, &ev);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_VALID && (js.flags & NFMP_SF_F_STEADY));
	do_join(&base[0].c, &js, NFMP_SERVER, false, true, &ev);
	NFMP_CHECK(js.verdict == NFMP_VERDICT_BAD_HMAC && !(js.flags & NFMP_SF_F_STEADY));
	/* ... and is no longer once it closes */
	st = base[0];
	feed(&st.c, &st.sf, ACK | NFMP_TCP_FIN, ORIG, 0, o, 0);
	NFMP_CHECK(!(st.sf.flags & NFMP_SF_F_STEADY));

	/* states reached through another subflow: closing, closed, fallen back */
	for (b = 1; b < 4; b++)
		base[b] = base[0];
	other = base[1].sf;
	feed(&base[1].c, &other, ACK, REPLY, 1, o, b_dss(o, true, true, 9, 1));
	NFMP_CHECK(base[1].c.state == NFMP_CONN_CLOSING);
	other = base[2].sf;
	feed(&base[2].c, &other, ACK, ORIG, 0, o, b_simple(o, NFMP_MP_FASTCLOSE, 0, 0, 12, KEY_B));
	NFMP_CHECK(base[2].c.state == NFMP_CONN_CLOSED);
	other = base[3].sf;
	feed(&base[3].c, &other, ACK, ORIG, 100, o, b_dss(o, true, false, 1, 0));
	NFMP_CHECK(base[3].c.state == NFMP_CONN_FALLBACK);
	/* the subflow's own packet after the fallback: still steady, by the other rule */
	base[4] = base[3];
	feed(&base[4].c, &base[4].sf, ACK, REPLY, 0, o, 0);
	NFMP_CHECK(base[4].sf.flags & NFMP_SF_F_STEADY);
	/* the subflow that fell back itself (data without any mapping) */
	v1_handshake(&base[5].c, &base[5].sf);
	feed(&base[5].c, &base[5].sf, ACK, REPLY, 100, o, b_dss(o, false, false, 0, 0));
	NFMP_CHECK(base[5].c.state == NFMP_CONN_FALLBACK && (base[5].sf.flags & NFMP_SF_F_STEADY));

	/* the packets Linux sends on a busy connection are plain */
	mkpkt(&t, 1, ACK, ORIG, 1400, o, b_dss(o, true, false, 5, 1400));
	NFMP_CHECK(nfmp_packet_is_plain(&t.pkt));
	mkpkt(&t, 1, ACK, REPLY, 0, o, b_dss(o, false, false, 0, 0));
	NFMP_CHECK(nfmp_packet_is_plain(&t.pkt));
	mkpkt(&t, 1, ACK, REPLY, 0, o, 0);
	NFMP_CHECK(nfmp_packet_is_plain(&t.pkt));
	/* what may change state is not */
	mkpkt(&t, 1, ACK, ORIG, 1, o, b_dss(o, true, true, 5, 1));
	NFMP_CHECK(!nfmp_packet_is_plain(&t.pkt));	/* DATA_FIN */
	mkpkt(&t, 1, ACK, ORIG, 1, o, b_dss(o, true, false, 5, 0));
	NFMP_CHECK(!nfmp_packet_is_plain(&t.pkt));	/* infinite mapping */
	mkpkt(&t, 1, ACK, ORIG, 0, o, b_simple(o, NFMP_MP_PRIO, 1, 0, 3, 0));
	NFMP_CHECK(!nfmp_packet_is_plain(&t.pkt));
	mkpkt(&t, 1, ACK | NFMP_TCP_FIN, ORIG, 0, o, b_dss(o, false, false, 0, 0));
	NFMP_CHECK(!nfmp_packet_is_plain(&t.pkt));
	mkpkt(&t, 1, ACK, ORIG, 0, o, b_simple(o, NFMP_DSS, 0, NFMP_DSS_MAP, 5, 0));
	NFMP_CHECK(!nfmp_packet_is_plain(&t.pkt));	/* malformed DSS */

	/* and every plain packet, from every state, leaves it all as it was */
	for (i = 0; i < 200000; i++) {
		unsigned int olen = random_opts(o);
		u8 fl = tcp_flags[t_rand() % sizeof(tcp_flags)];
		u8 dir = t_rand() & 1 ? ORIG : REPLY;

		b = t_rand() % 6;
		st = base[b];
		ref = st;
		mkpkt(&t, 1, fl, dir, t_rand() % 3 ? 0 : 1 + t_rand() % 1400, o, olen);
		tried++;
		if (!nfmp_packet_is_plain(&t.pkt))
			continue;
		plain++;
		nfmp_engine_packet(&st.c, &st.sf, &t.pkt, &t.res);
		NFMP_CHECKF(t.res.events == 0 && same_state(&st, &ref),
			    "state %u, flags %#x, %u option bytes, events %#x", b, fl, olen,
			    t.res.events);
	}
	printf("# steady: %u of %u random packets plain, none changed anything\n", plain, tried);
	NFMP_CHECK(plain > 10000);
	nfmp_tap_group("fast path: a plain packet of a steady subflow changes nothing (200k random, live and fallen back)");
}

static void test_names(void)
{
	NFMP_CHECK(!strcmp(nfmp_verdict_name(NFMP_VERDICT_PENDING), "pending"));
	NFMP_CHECK(!strcmp(nfmp_verdict_name(NFMP_VERDICT_UNKNOWN_TOKEN), "unknown-token"));
	NFMP_CHECK(!strcmp(nfmp_verdict_name(NFMP_VERDICT_INVALID), "invalid"));
	NFMP_CHECK(!strcmp(nfmp_verdict_name(99), "?"));
	NFMP_CHECK(!strcmp(nfmp_conn_state_name(NFMP_CONN_SYN_SENT), "syn-sent"));
	NFMP_CHECK(!strcmp(nfmp_conn_state_name(NFMP_CONN_CLOSED), "closed"));
	NFMP_CHECK(!strcmp(nfmp_conn_state_name(6), "?"));
	NFMP_CHECK(!strcmp(nfmp_end_reason_name(NFMP_END_NONE), "none"));
	NFMP_CHECK(!strcmp(nfmp_end_reason_name(NFMP_END_SUBFLOWS_GONE), "subflows-gone"));
	NFMP_CHECK(!strcmp(nfmp_end_reason_name(NFMP_END_FALLBACK_INFINITE),
			   "fallback-infinite-map"));
	NFMP_CHECK(!strcmp(nfmp_end_reason_name(1000), "?"));
	nfmp_tap_group("verdict, state and end-reason names");
}

int main(void)
{
	test_v1_handshake();
	test_handshake_misc();
	test_lost_third_ack();
	test_v0();
	test_joins();
	test_addresses();
	test_close();
	test_fallback();
	test_steady();
	test_names();
	return nfmp_tap_done();
}
