// SPDX-License-Identifier: GPL-2.0
/* fuzz_core.c - libFuzzer target: arbitrary bytes through the option parser and the engine. */

/*
 * Input: one mode byte, then packets of [tcp flags][dir | subflow << 1 | payload << 3]
 * [option length % 41][option bytes...] fed to one connection and four subflows
 * (subflow 0 is meant to be the initial one, but any may start it). Mode bits:
 *   0-1  version for the extra stand-alone parses (0, 1, unknown)
 *   2    give the engine precomputed HMAC states once the keys are known
 *   3    replace MP_JOIN SYN tokens by the connection's real tokens
 *   4    replace join and ADD_ADDR HMACs by the right ones (reach the VALID paths)
 * Besides memory safety (ASan/UBSan), it checks invariants of the results.
 */

#include <stdlib.h>
#include <string.h>

#include "nfmp_engine.h"
#include "nfmp_add_addr_rewrite.h"

#define FUZZ_NSF	4
#define FUZZ_MAX_PKTS	64

#define FUZZ_ASSERT(c)	do { if (!(c)) __builtin_trap(); } while (0)

/*
 * Walk the options of @a (NOPs skipped, EOL ends the list): the next one at or
 * after *@i, its start in *@i; false at the end.
 */
static bool fuzz_next_opt(const u8 *a, unsigned int len, unsigned int *i)
{
	while (*i < len && a[*i] == 1)
		(*i)++;
	return *i < len && a[*i] != 0;
}

/*
 * The growing rewrite: when it succeeds the area is at most 40 bytes, a
 * multiple of 4, no shorter than before, equal to the in-place result when
 * that fits, and every other option is there byte-exact and in order, the
 * replacement in the ADD_ADDR's place; the input is never written.
 */
static void fuzz_check_grow(const struct nfmp_opts *o, const u8 *opts, unsigned int len,
			    const u8 *repl, unsigned int rlen)
{
	const struct nfmp_add_addr *aa = &o->add_addr;
	u8 in[40], out[40], same[40];
	unsigned int n, i = 0, j = 0;
	bool in_place;

	if (len % 4)
		return;
	memcpy(in, opts, len);
	memcpy(same, opts, len);
	in_place = nfmp_opts_replace(same, len, aa->offset, aa->len, repl, rlen);
	n = nfmp_opts_replace_grow(in, len, aa->offset, aa->len, repl, rlen, out);
	FUZZ_ASSERT(!memcmp(in, opts, len));
	/* whatever fits in place fits when growing too */
	if (!n) {
		FUZZ_ASSERT(!in_place);
		return;
	}
	FUZZ_ASSERT(n <= 40 && n % 4 == 0 && n >= len);
	if (in_place)
		FUZZ_ASSERT(n == len && !memcmp(out, same, len));
	while (fuzz_next_opt(in, len, &i)) {
		FUZZ_ASSERT(fuzz_next_opt(out, n, &j));
		if (i == aa->offset) {
			FUZZ_ASSERT(j + rlen <= n && !memcmp(out + j, repl, rlen));
			i += aa->len;
			j += rlen;
			continue;
		}
		FUZZ_ASSERT(i + 1 < len && j + in[i + 1] <= n && !memcmp(out + j, in + i, in[i + 1]));
		j += in[i + 1];
		i += in[i + 1];
	}
	FUZZ_ASSERT(!fuzz_next_opt(out, n, &j));
}

/*
 * The NAT's rewrite of the option area's ADD_ADDR: the same address with the
 * port toggled (the option grows or shrinks by 2), then removed. A rewrite
 * keeps the area's length and every other option (growing: see
 * fuzz_check_grow()); a removal always works.
 */
static void fuzz_check_rewrite(const struct nfmp_opts *o, const u8 *opts, unsigned int len)
{
	struct nfmp_add_addr aa = o->add_addr;
	u8 area[40], repl[NFMP_ADD_ADDR_MAXLEN];
	struct nfmp_opts back;
	unsigned int rlen;

	if (len > sizeof(area) || o->bad_tcp_opts)
		return;
	memcpy(area, opts, len);
	aa.has_port = !aa.has_port;
	aa.port = aa.has_port ? 0x1234 : 0;
	rlen = nfmp_add_addr_encode(&aa, repl);
	FUZZ_ASSERT(rlen == nfmp_add_addr_len(&aa) && rlen <= NFMP_ADD_ADDR_MAXLEN);
	if (nfmp_opts_replace(area, len, aa.offset, aa.len, repl, rlen)) {
		memset(&back, 0, sizeof(back));
		nfmp_parse_options(area, len, NFMP_TCP_ACK, aa.version, &back);
		FUZZ_ASSERT(back.n_mptcp == o->n_mptcp);
		FUZZ_ASSERT(!back.bad_tcp_opts);
	}
	fuzz_check_grow(o, opts, len, repl, rlen);
	memcpy(area, opts, len);
	FUZZ_ASSERT(nfmp_opts_replace(area, len, aa.offset, aa.len, NULL, 0));
	memset(&back, 0, sizeof(back));
	nfmp_parse_options(area, len, NFMP_TCP_ACK, aa.version, &back);
	FUZZ_ASSERT(back.n_mptcp + 1 == o->n_mptcp && !back.bad_tcp_opts);
}

/* The policies' strip: every MPTCP option goes, the list stays well formed. */
static void fuzz_check_strip(const struct nfmp_opts *o, const u8 *opts, unsigned int len)
{
	struct nfmp_opts back;
	u8 area[40];

	if (!len || len > sizeof(area) || o->bad_tcp_opts)
		return;
	memcpy(area, opts, len);
	FUZZ_ASSERT(nfmp_opts_strip(area, len, NFMP_STRIP_ALL) == o->n_mptcp);
	FUZZ_ASSERT(!nfmp_has_mptcp_option(area, len));
	memset(&back, 0, sizeof(back));
	FUZZ_ASSERT(nfmp_parse_options(area, len, NFMP_TCP_ACK, NFMP_VERSION_UNKNOWN, &back) == 0);
	FUZZ_ASSERT(!back.bad_tcp_opts);
}

static void fuzz_check_opts(const struct nfmp_opts *o, int n, const u8 *opts, unsigned int len)
{
	FUZZ_ASSERT(n == o->n_mptcp);
	/* An empty area (@opts is NULL then) holds no option, so nothing below reads it. */
	if (!len)
		FUZZ_ASSERT(!n && !o->present && !o->malformed && !o->n_unknown && !o->bad_tcp_opts);
	FUZZ_ASSERT(!(o->present & ~0x1ff) && !(o->malformed & ~0x1ff));
	/* The fast path and the parser walk the list the same way. */
	FUZZ_ASSERT(nfmp_has_mptcp_option(opts, len) == (n > 0));
	if (o->present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) {
		FUZZ_ASSERT(o->add_addr.family == 4 || o->add_addr.family == 6);
		FUZZ_ASSERT(o->add_addr.offset + o->add_addr.len <= len);
		FUZZ_ASSERT(opts[o->add_addr.offset] == NFMP_TCPOPT_MPTCP);
		fuzz_check_rewrite(o, opts, len);
	}
	if (o->present & NFMP_SUBTYPE_BIT(NFMP_REMOVE_ADDR))
		FUZZ_ASSERT(o->rm_addr.nids >= 1 && o->rm_addr.nids <= NFMP_MAX_RM_IDS);
	fuzz_check_strip(o, opts, len);
	FUZZ_ASSERT(strcmp(nfmp_subtype_name(o->n_unknown & 0xf), "") != 0);
}

static void fuzz_check_conn(const struct nfmp_conn *c)
{
	unsigned int s;
	u32 token;

	FUZZ_ASSERT(c->state <= NFMP_CONN_CLOSED && c->end_reason <= NFMP_END_FALLBACK_INFINITE);
	FUZZ_ASSERT(c->version == NFMP_VERSION_0 || c->version == NFMP_VERSION_1);
	FUZZ_ASSERT(strcmp(nfmp_conn_state_name(c->state), "?"));
	FUZZ_ASSERT(strcmp(nfmp_end_reason_name(c->end_reason), "?"));
	for (s = 0; s < 2; s++) {
		if (!(c->flags & (s ? NFMP_CONN_F_KEY_SERVER : NFMP_CONN_F_KEY_CLIENT)))
			continue;
		nfmp_key_to_token(c->version, c->key[s], &token, NULL);
		FUZZ_ASSERT(token == c->token[s]);
		FUZZ_ASSERT(nfmp_conn_token_owner(c, token) >= 0);
	}
	if (c->state == NFMP_CONN_ESTABLISHED)
		FUZZ_ASSERT((c->flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS);
}

/* Mode bit 4: make the HMACs right so that the success paths get exercised too. */
static void fuzz_fix_hmacs(const struct nfmp_conn *c, const struct nfmp_subflow *sf,
			   const struct nfmp_pkt *pkt, struct nfmp_opts *o)
{
	u8 sender = pkt->dir == NFMP_DIR_ORIG ? sf->opener : !sf->opener;
	struct nfmp_hmac_key hk;
	u8 mac[32];

	if ((c->flags & NFMP_CONN_F_KEYS) != NFMP_CONN_F_KEYS)
		return;
	if (o->present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)) {
		nfmp_hmac_key_init(&hk, c->version, c->key[sender], c->key[!sender]);
		if (o->join.form == NFMP_JOIN_SYNACK)
			o->join.hmac64 = nfmp_join_hmac64(&hk, o->join.nonce,
							  sf->nonce[NFMP_DIR_ORIG]);
		if (o->join.form == NFMP_JOIN_ACK) {
			nfmp_join_hmac(&hk, sf->nonce[NFMP_DIR_ORIG], sf->nonce[NFMP_DIR_REPLY],
				       mac);
			memcpy(o->join.hmac160, mac, 20);
		}
	}
	if ((o->present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) && o->add_addr.has_hmac) {
		nfmp_hmac_key_init(&hk, c->version, c->key[sender], c->key[!sender]);
		o->add_addr.hmac = nfmp_add_addr_hmac(&hk, o->add_addr.addr_id, o->add_addr.family,
						      o->add_addr.addr, o->add_addr.port);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u8 versions[4] = { NFMP_VERSION_0, NFMP_VERSION_1, NFMP_VERSION_UNKNOWN,
					NFMP_VERSION_UNKNOWN };
	struct nfmp_subflow sf[FUZZ_NSF];
	bool started[FUZZ_NSF] = { false };
	struct nfmp_hmac_key hk[2];
	bool conn_started = false;
	struct nfmp_conn conn;
	struct nfmp_result res;
	struct nfmp_opts o, o2;
	struct nfmp_pkt pkt;
	unsigned int i, olen, npkt = 0;
	const u8 *opts;
	u8 mode, b, idx;
	int n, owner;

	if (size < 1)
		return 0;
	mode = data[0];
	i = 1;
	memset(&conn, 0, sizeof(conn));

	while (i + 3 <= size && npkt++ < FUZZ_MAX_PKTS) {
		pkt.tcp_flags = data[i] & (NFMP_TCP_FIN | NFMP_TCP_SYN | NFMP_TCP_RST |
					   NFMP_TCP_ACK);
		b = data[i + 1];
		olen = data[i + 2] % 41;
		i += 3;
		if (olen > size - i)
			olen = size - i;
		/* A private copy, so that ASan sees any read past the option area. */
		opts = NULL;
		if (olen) {
			u8 *copy = malloc(olen);

			memcpy(copy, data + i, olen);
			opts = copy;
		}
		i += olen;
		pkt.dir = b & 1;
		idx = (b >> 1) & (FUZZ_NSF - 1);
		pkt.payload_len = (b >> 3) * 100;
		pkt.opts = &o;

		n = nfmp_parse_options(opts, olen, pkt.tcp_flags, versions[mode & 3], &o2);
		fuzz_check_opts(&o2, n, opts, olen);
		n = nfmp_parse_options(opts, olen, pkt.tcp_flags,
				       conn_started ? conn.version : NFMP_VERSION_UNKNOWN, &o);
		fuzz_check_opts(&o, n, opts, olen);
		/* the data path's shortcut never skips a packet the engine must see */
		if (nfmp_options_plain(opts, olen, pkt.tcp_flags))
			FUZZ_ASSERT(nfmp_packet_is_plain(&pkt));

		memset(&res, 0, sizeof(res));
		if (!started[idx]) {
			if ((pkt.tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK)) != NFMP_TCP_SYN)
				goto next;
			if (!conn_started && nfmp_conn_start(&conn, &sf[idx], &pkt, &res)) {
				conn_started = started[idx] = true;
			} else if (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)) {
				if ((mode & 0x08) && conn_started)
					o.join.token = conn.token[pkt.dir];
				owner = conn_started ? nfmp_conn_token_owner(&conn, o.join.token) : -1;
				nfmp_join_start(conn_started ? &conn : NULL, &sf[idx], owner, &pkt,
						&res);
				started[idx] = true;
			}
			goto next;
		}

		if (conn_started && (mode & 0x10))
			fuzz_fix_hmacs(&conn, &sf[idx], &pkt, &o);
		if (conn_started && (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)) &&
		    o.join.form == NFMP_JOIN_SYNACK && (sf[idx].flags & NFMP_SF_F_JOIN))
			nfmp_join_synack_matches(&conn, &sf[idx], &o.join);
		nfmp_engine_packet(conn_started ? &conn : NULL, &sf[idx], &pkt, &res);
		if ((res.events & NFMP_EV_KEYS_LEARNED) && (mode & 0x04)) {
			nfmp_conn_prepare_hmac(&conn, hk);
			conn.hk = hk;
		}
next:
		FUZZ_ASSERT(res.sender <= NFMP_SERVER);
		if (started[idx]) {
			FUZZ_ASSERT(sf[idx].verdict <= NFMP_VERDICT_INVALID);
			FUZZ_ASSERT(strcmp(nfmp_verdict_name(sf[idx].verdict), "?"));
		}
		if (conn_started)
			fuzz_check_conn(&conn);
		free((void *)opts);
	}
	return 0;
}
