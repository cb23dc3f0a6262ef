// SPDX-License-Identifier: GPL-2.0
/*
 * test_replay_table.c - unit tests for replay_table.c: token collisions decided
 * by the join SYN/ACK's HMAC, SYN retransmissions, 5-tuple reuse after close,
 * joins with an unknown token. Frames are fed as decoded nfm_frame structs.
 */
#include <stdlib.h>

#include "nfmp_tap.h"
#include "replay_table.h"

#define SYN	NFMP_TCP_SYN
#define ACK	NFMP_TCP_ACK
#define FIN	NFMP_TCP_FIN
#define RST	NFMP_TCP_RST
#define SYNACK	(NFMP_TCP_SYN | NFMP_TCP_ACK)

/*
 * Two v1 keys whose tokens (top 32 bits of SHA-256 of the key in network
 * order) collide: 0x38a8fbb7. Found once, offline, by a birthday search: keys
 * drawn from splitmix64 seeded with 0x6e666d70746370, token of each hashed
 * (OpenSSL SHA256) into an open-addressing table until two keys shared a token
 * (after 28677 keys). The test recomputes both tokens, so a wrong pair fails.
 */
#define KEY_COLL1	0x405ac1fc031b721eull
#define KEY_COLL2	0xff3a8da866a145d0ull
#define TOKEN_COLL	0x38a8fbb7u

#define KEY_C1		0x0102030405060708ull
#define KEY_C2		0x1112131415161718ull
#define KEY_S		0xa1b2c3d4e5f60718ull

/* ---- option builders ---- */

static unsigned int b_mpc(u8 *p, unsigned int len, u64 snd, u64 rcv, u16 dlen)
{
	memset(p, 0, len);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = len;
	p[2] = (NFMP_MP_CAPABLE << 4) | 1;
	p[3] = 0x01;		/* HMAC-SHA256 */
	if (len >= 12)
		nfmp_put_be64(p + 4, snd);
	if (len >= 20)
		nfmp_put_be64(p + 12, rcv);
	if (len >= 22)
		nfmp_put_be16(p + 20, dlen);
	return len;
}

static unsigned int b_join_syn(u8 *p, u8 id, u32 token, u32 nonce)
{
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 12;
	p[2] = NFMP_MP_JOIN << 4;
	p[3] = id;
	nfmp_put_be32(p + 4, token);
	nfmp_put_be32(p + 8, nonce);
	return 12;
}

static unsigned int b_join_synack(u8 *p, u8 id, u64 hmac64, u32 nonce)
{
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 16;
	p[2] = NFMP_MP_JOIN << 4;
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

/* DSS with a 64-bit data ACK and a 64-bit mapping of @dlen bytes, DATA_FIN if @fin. */
static unsigned int b_dss_fin(u8 *p, u64 dsn, u16 dlen)
{
	memset(p, 0, 26);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 26;
	p[2] = NFMP_DSS << 4;
	p[3] = NFMP_DSS_ACK | NFMP_DSS_ACK64 | NFMP_DSS_MAP | NFMP_DSS_DSN64 | NFMP_DSS_DATA_FIN;
	nfmp_put_be64(p + 4, 1000);
	nfmp_put_be64(p + 12, dsn);
	nfmp_put_be32(p + 20, 1);
	nfmp_put_be16(p + 24, dlen);
	return 26;
}

/* ---- frames ---- */

/* A flow's two endpoints, written from the opener's side. */
struct ep {
	u8	a, b;		/* client 10.0.a.b */
	u16	cport;
	u8	s;		/* server 10.0.3.s */
	u16	sport;
};

static u8 optbuf[40];

/* Feed one segment of @e: from the opener if @orig, else back to it. */
static void feed(struct nfm_rp_table *t, const struct ep *e, bool orig, u8 flags, u32 seq,
		 u32 payload, unsigned int optlen)
{
	struct nfm_frame f;
	u8 c[16] = { 10, 0, e->a, e->b }, s[16] = { 10, 0, 3, e->s };

	memset(&f, 0, sizeof(f));
	f.family = 4;
	f.tcp_flags = flags;
	memcpy(orig ? f.src : f.dst, c, 16);
	memcpy(orig ? f.dst : f.src, s, 16);
	f.sport = orig ? e->cport : e->sport;
	f.dport = orig ? e->sport : e->cport;
	f.seq = seq;
	f.ack = 1;
	f.tcp_hlen = 20 + optlen;
	f.opts_len = optlen;
	f.payload_len = payload;
	f.opts = optbuf;
	nfm_rp_feed(t, NFM_DEC_TCP, &f);
}

static struct nfm_rp_sf *lookup(struct nfm_rp_table *t, const struct ep *e)
{
	struct nfm_frame f;
	u8 dir;

	memset(&f, 0, sizeof(f));
	f.family = 4;
	f.src[0] = 10;
	f.src[2] = e->a;
	f.src[3] = e->b;
	f.dst[0] = 10;
	f.dst[2] = 3;
	f.dst[3] = e->s;
	f.sport = e->cport;
	f.dport = e->sport;
	return nfm_rp_sf_lookup(t, &f, &dir);
}

/* MP_CAPABLE v1 handshake on @e; returns the connection it made. */
static struct nfm_rp_conn *handshake(struct nfm_rp_table *t, const struct ep *e, u32 isn,
				     u64 kc, u64 ks)
{
	struct nfm_rp_sf *sf;

	feed(t, e, true, SYN, isn, 0, b_mpc(optbuf, 4, 0, 0, 0));
	feed(t, e, false, SYNACK, 7000, 0, b_mpc(optbuf, 12, ks, 0, 0));
	feed(t, e, true, ACK, isn + 1, 0, b_mpc(optbuf, 20, kc, ks, 0));
	sf = lookup(t, e);
	NFMP_CHECK(sf && sf->conn);
	if (!sf || !sf->conn)
		return NULL;
	NFMP_CHECK(sf->conn->c.state == NFMP_CONN_ESTABLISHED);
	NFMP_CHECK(sf->conn->c.key[NFMP_CLIENT] == kc && sf->conn->c.key[NFMP_SERVER] == ks);
	return sf->conn;
}

/*
 * A join from the client toward the server's token @token, whose SYN/ACK
 * carries the HMAC-B of @owner's keys; returns the join's subflow.
 */
static struct nfm_rp_sf *join(struct nfm_rp_table *t, const struct ep *e, u32 token,
			      const struct nfm_rp_conn *owner, bool *was_pending)
{
	u32 ra = 0x1234abcd + e->cport, rb = 0x9876fedc;
	struct nfmp_hmac_key hk;
	struct nfm_rp_sf *sf;
	u8 mac[32];

	feed(t, e, true, SYN, 500, 0, b_join_syn(optbuf, 2, token, ra));
	sf = lookup(t, e);
	NFMP_CHECK(sf != NULL);
	if (!sf)
		return NULL;
	*was_pending = sf->pend != NULL;
	/* HMAC-B = HMAC(Key-B ‖ Key-A, R-B ‖ R-A), B the server (receiver of the join) */
	nfmp_hmac_key_init(&hk, 1, owner->c.key[NFMP_SERVER], owner->c.key[NFMP_CLIENT]);
	feed(t, e, false, SYNACK, 9000, 0,
	     b_join_synack(optbuf, 0, nfmp_join_hmac64(&hk, rb, ra), rb));
	/* HMAC-A = HMAC(Key-A ‖ Key-B, R-A ‖ R-B) on the third ACK */
	nfmp_hmac_key_init(&hk, 1, owner->c.key[NFMP_CLIENT], owner->c.key[NFMP_SERVER]);
	nfmp_join_hmac(&hk, ra, rb, mac);
	feed(t, e, true, ACK, 501, 0, b_join_ack(optbuf, mac));
	return sf;
}

static bool in_list(const struct nfm_rp_sf *head, const struct nfm_rp_sf *sf)
{
	for (; head; head = head->cnext)
		if (head == sf)
			return true;
	return false;
}

/* ---- tests ---- */

static void test_token_collision(void)
{
	const struct ep e1 = { 1, 1, 40001, 1, 80 }, e2 = { 1, 2, 40002, 1, 80 };
	const struct ep j1 = { 2, 1, 50001, 1, 80 }, j2 = { 2, 1, 50002, 1, 80 };
	struct nfm_rp_conn *c1, *c2, *found[4];
	struct nfm_rp_table t;
	struct nfm_rp_sf *sf;
	bool pend = false;
	u32 tok1, tok2;

	nfmp_key_to_token(1, KEY_COLL1, &tok1, NULL);
	nfmp_key_to_token(1, KEY_COLL2, &tok2, NULL);
	NFMP_CHECKF(tok1 == TOKEN_COLL && tok2 == TOKEN_COLL, "%08x %08x", tok1, tok2);

	NFMP_CHECK(nfm_rp_init(&t) == 0);
	c1 = handshake(&t, &e1, 100, KEY_C1, KEY_COLL1);
	c2 = handshake(&t, &e2, 200, KEY_C2, KEY_COLL2);
	if (!c1 || !c2)
		goto out;
	NFMP_CHECK(c1->c.token[NFMP_SERVER] == TOKEN_COLL && c2->c.token[NFMP_SERVER] == TOKEN_COLL);
	/* newest first */
	NFMP_CHECK(nfm_rp_token_find(&t, TOKEN_COLL, found, 4) == 2);
	NFMP_CHECK(found[0] == c2 && found[1] == c1);

	/* the older connection: not the default pick, only its HMAC says so */
	sf = join(&t, &j1, TOKEN_COLL, c1, &pend);
	NFMP_CHECK(pend);
	NFMP_CHECK(t.st.token_collisions == 1);
	if (sf) {
		NFMP_CHECK(sf->conn == c1 && !sf->pend && in_list(c1->sf_head, sf));
		NFMP_CHECK(!in_list(t.orphan_head, sf) && !in_list(c2->sf_head, sf));
		NFMP_CHECK(sf->sf.verdict == NFMP_VERDICT_VALID && sf->sf.opener == NFMP_CLIENT);
		NFMP_CHECK(sf->packets == 3);
	}
	NFMP_CHECK(c1->nsf == 2 && c2->nsf == 1);
	NFMP_CHECK(c1->packets == 6 && c2->packets == 3);

	/* and the newer one */
	sf = join(&t, &j2, TOKEN_COLL, c2, &pend);
	NFMP_CHECK(pend);
	NFMP_CHECK(t.st.token_collisions == 2);
	if (sf)
		NFMP_CHECK(sf->conn == c2 && sf->sf.verdict == NFMP_VERDICT_VALID);
	NFMP_CHECK(c1->nsf == 2 && c2->nsf == 2);
	NFMP_CHECK(t.orphan_head == NULL && t.st.joins_unknown_token == 0);
	NFMP_CHECK(t.nconns == 2);
out:
	nfm_rp_free(&t);
	nfmp_tap_group("replay_table: token collision resolved by the SYN/ACK's HMAC");
}

static void test_syn_retrans(void)
{
	const struct ep e = { 1, 1, 40010, 1, 80 };
	struct nfm_rp_table t;
	struct nfm_rp_sf *sf;

	NFMP_CHECK(nfm_rp_init(&t) == 0);
	feed(&t, &e, true, SYN, 1000, 0, b_mpc(optbuf, 4, 0, 0, 0));
	feed(&t, &e, true, SYN, 1000, 0, b_mpc(optbuf, 4, 0, 0, 0));
	/* a retransmission may drop the option (Linux does after a few): still the same SYN */
	feed(&t, &e, true, SYN, 1000, 0, 0);
	sf = lookup(&t, &e);
	NFMP_CHECK(sf && sf->conn);
	NFMP_CHECK(t.nconns == 1 && t.st.syn_retrans == 2);
	if (sf && sf->conn) {
		NFMP_CHECK(sf->syn_retrans == 2 && sf->packets == 3 && sf->conn->packets == 3);
		NFMP_CHECK(sf->kind == NFM_RP_SF_MPTCP && sf->isn == 1000);
	}
	feed(&t, &e, false, SYNACK, 7000, 0, b_mpc(optbuf, 12, KEY_S, 0, 0));
	feed(&t, &e, true, ACK, 1001, 0, b_mpc(optbuf, 20, KEY_C1, KEY_S, 0));
	if (sf && sf->conn) {
		NFMP_CHECK(sf->conn->c.state == NFMP_CONN_ESTABLISHED);
		NFMP_CHECK(sf->conn->packets == 5 && sf->conn->nsf == 1);
	}
	NFMP_CHECK(t.nconns == 1 && t.nsf == 1);

	/* a retransmitted join SYN (unknown token here) is folded the same way */
	{
		const struct ep j = { 2, 1, 50010, 1, 80 };

		feed(&t, &j, true, SYN, 300, 0, b_join_syn(optbuf, 1, 0x01020304, 42));
		feed(&t, &j, true, SYN, 300, 0, b_join_syn(optbuf, 1, 0x01020304, 42));
		NFMP_CHECK(t.st.syn_retrans == 3 && t.st.joins_unknown_token == 1);
		NFMP_CHECK(t.nsf == 2 && t.nconns == 1);
	}
	nfm_rp_free(&t);
	nfmp_tap_group("replay_table: SYN retransmissions fold into one subflow");
}

static void test_port_reuse(void)
{
	const struct ep e = { 1, 1, 40020, 1, 80 };
	struct nfm_rp_conn *old, *found[2];
	struct nfm_rp_table t;
	struct nfm_rp_sf *osf, *nsf;
	u32 otok;

	NFMP_CHECK(nfm_rp_init(&t) == 0);
	old = handshake(&t, &e, 1000, KEY_C1, KEY_S);
	osf = lookup(&t, &e);
	if (!old || !osf)
		goto out;
	otok = old->c.token[NFMP_SERVER];
	NFMP_CHECK(nfm_rp_token_find(&t, otok, found, 2) == 1);
	/* DATA_FIN both ways, then TCP FINs */
	feed(&t, &e, true, ACK, 1001, 1, b_dss_fin(optbuf, 1, 1));
	feed(&t, &e, false, ACK, 7001, 1, b_dss_fin(optbuf, 1, 1));
	NFMP_CHECK(old->c.state == NFMP_CONN_CLOSED && old->c.end_reason == NFMP_END_DATA_FIN);
	feed(&t, &e, true, FIN | ACK, 1002, 0, 0);
	feed(&t, &e, false, FIN | ACK, 7002, 0, 0);
	/* a closed connection's tokens are free for reuse */
	NFMP_CHECK(nfm_rp_token_find(&t, otok, found, 2) == 0);

	/* same 5-tuple, new ISN: a new connection, the old subflow stays with the old one */
	feed(&t, &e, true, SYN, 555555, 0, b_mpc(optbuf, 4, 0, 0, 0));
	nsf = lookup(&t, &e);
	NFMP_CHECK(t.nconns == 2 && nsf && nsf != osf);
	NFMP_CHECK(!osf->hashed && osf->conn == old && old->sf_head == osf && old->nsf == 1);
	NFMP_CHECK(t.st.syn_retrans == 0);
	if (nsf) {
		NFMP_CHECK(nsf->conn && nsf->conn != old && nsf->isn == 555555);
		feed(&t, &e, false, SYNACK, 8000, 0, b_mpc(optbuf, 12, KEY_COLL1, 0, 0));
		feed(&t, &e, true, ACK, 555556, 0, b_mpc(optbuf, 20, KEY_C2, KEY_COLL1, 0));
		if (nsf->conn) {
			NFMP_CHECK(nsf->conn->c.state == NFMP_CONN_ESTABLISHED);
			NFMP_CHECK(nsf->conn->c.key[NFMP_SERVER] == KEY_COLL1);
			NFMP_CHECK(nsf->conn->packets == 3 && nsf->conn->nsf == 1);
		}
	}
	/* the old connection saw none of the new one's packets */
	NFMP_CHECK(old->packets == 7 && old->c.key[NFMP_SERVER] == KEY_S);
	NFMP_CHECK(old->c.state == NFMP_CONN_CLOSED);
	/* the same ISN again is a retransmission of the new SYN, not a third connection */
	feed(&t, &e, true, SYN, 555555, 0, b_mpc(optbuf, 4, 0, 0, 0));
	NFMP_CHECK(t.nconns == 2 && t.st.syn_retrans == 1);
out:
	nfm_rp_free(&t);
	nfmp_tap_group("replay_table: 5-tuple reused after close starts a new connection");
}

static void test_unknown_token(void)
{
	const struct ep e = { 1, 1, 40030, 1, 80 }, j = { 2, 1, 50030, 1, 80 };
	struct nfm_rp_conn *c, *found[2];
	struct nfm_rp_table t;
	struct nfm_rp_sf *sf;
	u32 token;
	u8 mac[20] = { 0 };

	NFMP_CHECK(nfm_rp_init(&t) == 0);
	c = handshake(&t, &e, 1000, KEY_C1, KEY_S);
	if (!c)
		goto out;
	token = c->c.token[NFMP_SERVER] ^ 1;
	NFMP_CHECK(nfm_rp_token_find(&t, token, found, 2) == 0);
	feed(&t, &j, true, SYN, 300, 0, b_join_syn(optbuf, 1, token, 42));
	sf = lookup(&t, &j);
	NFMP_CHECK(sf != NULL);
	NFMP_CHECK(t.st.joins_unknown_token == 1 && t.st.token_collisions == 0);
	if (sf) {
		NFMP_CHECK(sf->conn == NULL && !sf->pend && sf->kind == NFM_RP_SF_MPTCP);
		NFMP_CHECK(sf->sf.verdict == NFMP_VERDICT_UNKNOWN_TOKEN);
		NFMP_CHECK(t.orphan_head == sf && t.orphan_tail == sf);
	}
	/* the rest of its handshake goes nowhere */
	feed(&t, &j, false, SYNACK, 9000, 0, b_join_synack(optbuf, 0, 0x1122334455667788ull, 7));
	feed(&t, &j, true, ACK, 301, 0, b_join_ack(optbuf, mac));
	NFMP_CHECK(t.nconns == 1 && c->nsf == 1 && c->packets == 3);
	if (sf)
		NFMP_CHECK(sf->packets == 3 && sf->conn == NULL &&
			   sf->sf.verdict == NFMP_VERDICT_UNKNOWN_TOKEN);
	nfm_rp_finish(&t);
	NFMP_CHECK(c->c.state == NFMP_CONN_ESTABLISHED);
out:
	nfm_rp_free(&t);
	nfmp_tap_group("replay_table: join with an unknown token stays an orphan");
}

/*
 * A v0 SYN carries the client's key, whose token is hashed at once (SHA-1);
 * a v1 SYN/ACK makes the engine rehash it with SHA-256. The token table must
 * follow, or joins toward the client's new token are "unknown" and the node
 * is left behind in its old chain.
 */
static void test_token_rehash_on_version_change(void)
{
	const struct ep e = { 1, 1, 40030, 1, 80 };
	struct nfm_rp_conn *found[4], *c;
	struct nfm_rp_table t;
	struct nfm_rp_sf *sf;
	u32 tok_v0, tok_v1;
	unsigned int i, n;

	nfmp_key_to_token(0, KEY_C1, &tok_v0, NULL);
	nfmp_key_to_token(1, KEY_C1, &tok_v1, NULL);
	NFMP_CHECK(tok_v0 != tok_v1);
	NFMP_CHECK(nfm_rp_init(&t) == 0);
	b_mpc(optbuf, 12, KEY_C1, 0, 0);
	optbuf[2] &= 0xf0;	/* version 0 */
	feed(&t, &e, true, SYN, 100, 0, 12);
	sf = lookup(&t, &e);
	c = sf ? sf->conn : NULL;
	NFMP_CHECK(c != NULL);
	if (!c)
		goto out;
	NFMP_CHECK(c->c.version == 0 && c->c.token[NFMP_CLIENT] == tok_v0);
	NFMP_CHECK(nfm_rp_token_find(&t, tok_v0, found, 4) == 1);

	feed(&t, &e, false, SYNACK, 7000, 0, b_mpc(optbuf, 12, KEY_S, 0, 0));
	NFMP_CHECKF(c->c.version == 1 && c->c.token[NFMP_CLIENT] == tok_v1, "v%u %08x",
		    c->c.version, c->c.token[NFMP_CLIENT]);
	n = nfm_rp_token_find(&t, tok_v1, found, 4);
	NFMP_CHECKF(n == 1 && found[0] == c, "found %u", n);
	NFMP_CHECK(nfm_rp_token_find(&t, tok_v0, found, 4) == 0);
	/* every chained node is hashed, under the token its connection has now */
	for (i = 0; i <= t.tok_mask; i++) {
		struct nfm_rp_toknode *tn;

		for (tn = t.tok_buckets[i]; tn; tn = tn->next)
			NFMP_CHECKF(tn->hashed && tn->token == tn->conn->c.token[tn->end],
				    "bucket %u", i);
	}
	/* and closing it unhashes both ends: nothing stays chained */
	feed(&t, &e, true, RST, 101, 0, 0);
	for (i = 0, n = 0; i <= t.tok_mask; i++)
		n += t.tok_buckets[i] != NULL;
	NFMP_CHECKF(c->c.state != NFMP_CONN_CLOSED || (n == 0 && t.ntok == 0), "%u chains, %u",
		    n, t.ntok);
out:
	nfm_rp_free(&t);
	nfmp_tap_group("replay_table: token rehashed when the SYN/ACK changes the version");
}

/* ---- both sides of a NAT ---- */

/* v1 IPv4 ADD_ADDR without port, HMAC over @addr (the address it carries) */
static unsigned int b_add_addr(u8 *p, const struct nfm_rp_conn *c, u8 id, const u8 *addr,
			       bool good_hmac)
{
	struct nfmp_hmac_key hk;
	u64 mac;

	nfmp_hmac_key_init(&hk, 1, c->c.key[NFMP_SERVER], c->c.key[NFMP_CLIENT]);
	mac = nfmp_add_addr_hmac(&hk, id, 4, addr, 0);
	p[0] = NFMP_TCPOPT_MPTCP;
	p[1] = 16;
	p[2] = NFMP_ADD_ADDR << 4;
	p[3] = id;
	memcpy(p + 4, addr, 4);
	nfmp_put_be64(p + 8, good_hmac ? mac : ~mac);
	return 16;
}

/* One segment captured on the NAT's inside (@in), then its copy on the outside (@out). */
static void feed2(struct nfm_rp_table *t, const struct ep *in, const struct ep *out, bool orig,
		  u8 flags, u32 seq, u32 payload, unsigned int optlen)
{
	u8 keep[40];

	memcpy(keep, optbuf, sizeof(keep));
	feed(t, in, orig, flags, seq, payload, optlen);
	memcpy(optbuf, keep, sizeof(keep));
	feed(t, out, orig, flags, seq, payload, optlen);
}

/*
 * A capture on a masquerading NAT box (-i any): every segment twice, client
 * 10.0.1.1 inside, 10.0.9.1 with another port outside. One connection, its
 * subflows each with both tuples, the ADD_ADDR with its rewrite, each segment
 * counted once; control: one side alone gives the same connection.
 */
static void test_nat_both_sides(void)
{
	const struct ep in = { 1, 1, 1000, 1, 80 }, out = { 9, 1, 40000, 1, 80 };
	const struct ep jin = { 1, 1, 1001, 1, 80 }, jout = { 9, 1, 40001, 1, 80 };
	const u8 real[4] = { 10, 0, 3, 7 }, nat[4] = { 198, 51, 100, 7 };
	u32 ra = 0x1234abcd, rb = 0x9876fedc, tok;
	struct nfm_rp_sf *sf, *osf, *jsf;
	struct nfmp_hmac_key hk;
	struct nfm_rp_table t;
	struct nfm_rp_conn *c;
	u8 mac[32];
	int side, i;

	for (side = 0; side < 2; side++) {
		/* side 0: both copies; side 1 (control): the inside only */
		NFMP_CHECK(nfm_rp_init(&t) == 0);
		if (side == 0) {
			feed2(&t, &in, &out, true, SYN, 100, 0, b_mpc(optbuf, 4, 0, 0, 0));
			feed2(&t, &in, &out, false, SYNACK, 7000, 0, b_mpc(optbuf, 12, KEY_S, 0, 0));
			feed2(&t, &in, &out, true, ACK, 101, 0, b_mpc(optbuf, 20, KEY_C1, KEY_S, 0));
		} else {
			feed(&t, &in, true, SYN, 100, 0, b_mpc(optbuf, 4, 0, 0, 0));
			feed(&t, &in, false, SYNACK, 7000, 0, b_mpc(optbuf, 12, KEY_S, 0, 0));
			feed(&t, &in, true, ACK, 101, 0, b_mpc(optbuf, 20, KEY_C1, KEY_S, 0));
		}
		sf = lookup(&t, &in);
		NFMP_CHECK(sf && sf->conn);
		if (!sf || !sf->conn) {
			nfm_rp_free(&t);
			return;
		}
		c = sf->conn;
		osf = lookup(&t, &out);
		NFMP_CHECK(side == 0 ? osf && sf->twin == osf && osf->primary == sf : !osf);
		NFMP_CHECK(t.st.nat_merged == (side == 0 ? 1u : 0u));
		tok = c->c.token[NFMP_SERVER];

		/* data, and one retransmission of it: counted as sent, not as captured */
		for (i = 0; i < 2; i++) {
			b_dss_fin(optbuf, 1, 100);
			optbuf[3] &= ~NFMP_DSS_DATA_FIN;
			if (side == 0)
				feed2(&t, &in, &out, true, ACK, 101, 100, 26);
			else
				feed(&t, &in, true, ACK, 101, 100, 26);
		}
		NFMP_CHECK(sf->packets == 5);

		/* the server's ADD_ADDR, rewritten and re-signed by the NAT on the way out */
		b_add_addr(optbuf, c, 2, real, true);
		feed(&t, &in, false, ACK, 7001, 0, 16);
		if (side == 0) {
			b_add_addr(optbuf, c, 2, nat, true);
			feed(&t, &out, false, ACK, 7001, 0, 16);
			/* a second one whose rewrite is signed wrong */
			b_add_addr(optbuf, c, 3, real, true);
			feed(&t, &in, false, ACK, 7001, 1, 16);
			b_add_addr(optbuf, c, 3, nat, false);
			feed(&t, &out, false, ACK, 7001, 1, 16);
		}
		NFMP_CHECK(c->naddrs == (side == 0 ? 2u : 1u));
		NFMP_CHECK(c->naddrs >= 1 && !memcmp(c->addrs[0].addr, real, 4) &&
			   !c->addrs[0].bad_hmac);
		if (!c->naddrs) {
			nfm_rp_free(&t);
			return;
		}
		if (side == 0) {
			NFMP_CHECK(c->addrs[0].translated && !memcmp(c->addrs[0].nat_addr, nat, 4) &&
				   !c->addrs[0].nat_bad_hmac);
			NFMP_CHECK(c->naddrs == 2 && c->addrs[1].translated &&
				   c->addrs[1].nat_bad_hmac && !c->addrs[1].bad_hmac);
		} else {
			NFMP_CHECK(!c->addrs[0].translated);
		}

		/* a join seen on both sides: one join, its HMACs checked once and valid */
		feed(&t, &jin, true, SYN, 500, 0, b_join_syn(optbuf, 2, tok, ra));
		if (side == 0) {
			b_join_syn(optbuf, 2, tok, ra);
			feed(&t, &jout, true, SYN, 500, 0, 12);
		}
		nfmp_hmac_key_init(&hk, 1, KEY_S, KEY_C1);
		b_join_synack(optbuf, 0, nfmp_join_hmac64(&hk, rb, ra), rb);
		if (side == 0)
			feed2(&t, &jin, &jout, false, SYNACK, 9000, 0, 16);
		else
			feed(&t, &jin, false, SYNACK, 9000, 0, 16);
		nfmp_hmac_key_init(&hk, 1, KEY_C1, KEY_S);
		nfmp_join_hmac(&hk, ra, rb, mac);
		b_join_ack(optbuf, mac);
		if (side == 0)
			feed2(&t, &jin, &jout, true, ACK, 501, 0, 24);
		else
			feed(&t, &jin, true, ACK, 501, 0, 24);
		jsf = lookup(&t, &jin);
		NFMP_CHECK(jsf && jsf->conn == c && jsf->sf.verdict == NFMP_VERDICT_VALID);
		NFMP_CHECK(jsf && jsf->packets == 3);
		NFMP_CHECK(side == 0 ? jsf && jsf->twin == lookup(&t, &jout) : jsf && !jsf->twin);
		NFMP_CHECK(c->nsf == 2 && !t.orphan_head);
		NFMP_CHECK(t.st.joins_unknown_token == 0 && t.st.token_collisions == 0);
		/* join: SYN, SYN/ACK, ACK; 2 data segments; 2 ADD_ADDRs (the handshake precedes the merge) */
		NFMP_CHECK(t.st.nat_duplicates == (side == 0 ? 3u + 2 + 2 : 0u));

		nfm_rp_finish(&t);
		NFMP_CHECK(t.nconns == 1 && t.conn_head == c && c->index == 0);
		NFMP_CHECK(c->c.token[NFMP_SERVER] == tok);
		nfm_rp_free(&t);
	}
	nfmp_tap_group("replay_table: both sides of a NAT are one connection, each segment once");
}

int main(void)
{
	test_token_collision();
	test_syn_retrans();
	test_port_reuse();
	test_unknown_token();
	test_token_rehash_on_version_change();
	test_nat_both_sides();
	return nfmp_tap_done();
}
