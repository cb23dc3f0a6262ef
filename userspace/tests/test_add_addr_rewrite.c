// SPDX-License-Identifier: GPL-2.0
/* test_add_addr_rewrite.c - unit tests for kmod/core/nfmp_add_addr_rewrite.c. */

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "nfmp_add_addr_rewrite.h"
#include "nfmp_tap.h"

static u64 rng_state = 0x243f6a8885a308d3ull;

static u64 rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Independent ADD_ADDR HMAC: OpenSSL over id ‖ addr ‖ port, rightmost 64 bits. */
static u64 ref_add_addr_hmac(u64 snd_key, u64 rcv_key, const struct nfmp_add_addr *aa)
{
	unsigned int alen = aa->family == 6 ? 16 : 4, olen = 0;
	u8 key[16], msg[19], out[32];

	nfmp_put_be64(key, snd_key);
	nfmp_put_be64(key + 8, rcv_key);
	msg[0] = aa->addr_id;
	memcpy(msg + 1, aa->addr, alen);
	nfmp_put_be16(msg + 1 + alen, aa->has_port ? aa->port : 0);
	HMAC(EVP_sha256(), key, sizeof(key), msg, 1 + alen + 2, out, &olen);
	return nfmp_get_be64(out + 24);
}

static void rnd_add_addr(struct nfmp_add_addr *aa)
{
	unsigned int i;

	memset(aa, 0, sizeof(*aa));
	aa->version = NFMP_VERSION_1;
	aa->family = rnd64() & 1 ? 6 : 4;
	aa->addr_id = rnd64();
	for (i = 0; i < 16; i++)
		aa->addr[i] = aa->family == 6 || i < 4 ? (u8)rnd64() : 0;
	aa->has_port = rnd64() & 1;
	aa->port = aa->has_port ? (u16)rnd64() : 0;
	aa->echo = (rnd64() & 3) == 0;
}

/* Encoding, re-parsed by the real parser, gives back every field; signature matches OpenSSL. */
static void test_encode_sign_roundtrip(void)
{
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		struct nfmp_add_addr aa, back;
		struct nfmp_hmac_key hk;
		struct nfmp_opts o;
		u64 ks = rnd64(), kr = rnd64();
		u8 buf[40];
		unsigned int len;

		rnd_add_addr(&aa);
		if (i % 7 == 0) {
			aa.version = NFMP_VERSION_0;
			aa.echo = false;
		}
		nfmp_hmac_key_init(&hk, 1, ks, kr);
		if (aa.version == NFMP_VERSION_1 && !aa.echo) {
			nfmp_add_addr_sign(&aa, &hk);
			NFMP_CHECKF(aa.hmac == ref_add_addr_hmac(ks, kr, &aa), "i=%u", i);
			NFMP_CHECK(nfmp_add_addr_hmac_ok(&aa, &hk));
		}
		len = nfmp_add_addr_encode(&aa, buf);
		NFMP_CHECKF(len == nfmp_add_addr_len(&aa), "i=%u len=%u", i, len);
		NFMP_CHECK(len <= NFMP_ADD_ADDR_MAXLEN);
		memset(&o, 0, sizeof(o));
		nfmp_parse_options(buf, len, NFMP_TCP_ACK, aa.version, &o);
		NFMP_CHECKF(o.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR), "i=%u", i);
		back = o.add_addr;
		NFMP_CHECK(back.family == aa.family && back.addr_id == aa.addr_id);
		NFMP_CHECK(!memcmp(back.addr, aa.addr, aa.family == 6 ? 16 : 4));
		NFMP_CHECK(back.has_port == aa.has_port && back.port == aa.port);
		NFMP_CHECK(back.echo == aa.echo);
		if (aa.version == NFMP_VERSION_1 && !aa.echo)
			NFMP_CHECK(back.has_hmac && back.hmac == aa.hmac);
	}
	/* a changed address or port no longer verifies */
	{
		struct nfmp_add_addr aa;
		struct nfmp_hmac_key hk;

		rnd_add_addr(&aa);
		aa.echo = false;
		nfmp_hmac_key_init(&hk, 1, 1, 2);
		nfmp_add_addr_sign(&aa, &hk);
		aa.port ^= 1;
		NFMP_CHECK(!nfmp_add_addr_hmac_ok(&aa, &hk));
	}
	nfmp_tap_group("ADD_ADDR encode/parse round trip, HMAC equals OpenSSL's");
}

/* Linux's pure-ACK layout: NOP NOP TS, then the ADD_ADDR. */
static unsigned int linux_layout(u8 *opts, const u8 *aa, unsigned int aalen)
{
	static const u8 ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	unsigned int n = 12 + aalen;

	memcpy(opts, ts, 12);
	memcpy(opts + 12, aa, aalen);
	while (n % 4)
		opts[n++] = 1;
	return n;
}

static bool has_ts(const u8 *opts, unsigned int len, unsigned int *where)
{
	unsigned int i = 0;

	while (i < len) {
		if (opts[i] == 0)
			return false;
		if (opts[i] == 1) {
			i++;
			continue;
		}
		if (opts[i] == 8 && i + 10 <= len && opts[i + 1] == 10 &&
		    nfmp_get_be32(opts + i + 2) == 1 && nfmp_get_be32(opts + i + 6) == 2) {
			*where = i;
			return true;
		}
		if (i + 1 >= len || opts[i + 1] < 2)
			return false;
		i += opts[i + 1];
	}
	return false;
}

static void test_replace(void)
{
	struct nfmp_add_addr aa = { .version = 1, .family = 4, .addr_id = 5,
				    .addr = { 10, 0, 4, 1 } };
	struct nfmp_opts o;
	u8 opts[40], old[30], repl[30];
	unsigned int len, rlen, ts;

	/* IPv4, no port (16) -> with port (18): fits by taking the timestamp's NOPs */
	nfmp_add_addr_encode(&aa, old);
	len = linux_layout(opts, old, 16);
	NFMP_CHECK(len == 28);
	aa.has_port = true;
	aa.port = 10100;
	rlen = nfmp_add_addr_encode(&aa, repl);
	NFMP_CHECK(nfmp_opts_replace(opts, len, 12, 16, repl, rlen));
	memset(&o, 0, sizeof(o));
	nfmp_parse_options(opts, len, NFMP_TCP_ACK, 1, &o);
	NFMP_CHECK((o.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) && !o.bad_tcp_opts);
	NFMP_CHECK(o.add_addr.has_port && o.add_addr.port == 10100);
	NFMP_CHECK(has_ts(opts, len, &ts));

	/* IPv6 28 -> 30 beside the timestamp: exactly 40 */
	{
		struct nfmp_add_addr a6 = { .version = 1, .family = 6, .addr_id = 1 };
		u8 o6[40], old6[30];

		memset(a6.addr, 0xfd, 16);
		nfmp_add_addr_encode(&a6, old6);
		len = linux_layout(o6, old6, 28);
		NFMP_CHECK(len == 40);
		a6.has_port = true;
		a6.port = 80;
		rlen = nfmp_add_addr_encode(&a6, repl);
		NFMP_CHECK(rlen == 30);
		NFMP_CHECK(nfmp_opts_replace(o6, len, 12, 28, repl, rlen));
		memset(&o, 0, sizeof(o));
		nfmp_parse_options(o6, len, NFMP_TCP_ACK, 1, &o);
		NFMP_CHECK((o.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) && o.add_addr.port == 80);
		NFMP_CHECK(has_ts(o6, len, &ts));
	}

	/* no room: untouched, false */
	{
		u8 tight[20], copy[20];
		/* TS without NOPs + ADD_ADDR 8 (echo) + 2 bytes: nothing to take */
		static const u8 ts[10] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
		struct nfmp_add_addr e = { .version = 1, .echo = true, .family = 4 };

		memcpy(tight, ts, 10);
		nfmp_add_addr_encode(&e, repl);
		memcpy(tight + 10, repl, 8);
		tight[18] = 1;
		tight[19] = 1;
		e.has_port = true;
		rlen = nfmp_add_addr_encode(&e, repl);	/* 10: takes the 2 NOPs */
		memcpy(copy, tight, 20);
		NFMP_CHECK(nfmp_opts_replace(tight, 20, 10, 8, repl, rlen));
		memcpy(tight, copy, 20);
		e.family = 6;
		rlen = nfmp_add_addr_encode(&e, repl);	/* 22: does not fit */
		NFMP_CHECK(!nfmp_opts_replace(tight, 20, 10, 8, repl, rlen));
		NFMP_CHECK(!memcmp(tight, copy, 20));
		/* @off not on an option boundary */
		NFMP_CHECK(!nfmp_opts_replace(tight, 20, 11, 8, repl, 10));
	}

	/* shrink and removal: in place, NOP padded, lengths unchanged */
	len = linux_layout(opts, old, 16);
	NFMP_CHECK(nfmp_opts_replace(opts, len, 12, 16, NULL, 0));
	memset(&o, 0, sizeof(o));
	nfmp_parse_options(opts, len, NFMP_TCP_ACK, 1, &o);
	NFMP_CHECK(!o.n_mptcp && !o.bad_tcp_opts && has_ts(opts, len, &ts) && ts == 2);
	nfmp_tap_group("option area rewrite keeps its length: grows into NOP padding, shrinks, removes");
}

/*
 * Every option of @a other than the one at @skip (NOPs aside, EOL ends the
 * list) appears in @b, byte-exact and in the same order, and @b has exactly
 * one more: @extra (at @skip's place).
 */
static bool others_kept(const u8 *a, unsigned int alen, unsigned int skip, unsigned int slen,
			const u8 *b, unsigned int blen, const u8 *extra, unsigned int elen)
{
	unsigned int i = 0, j = 0;
	bool seen_extra = false;

	for (;;) {
		while (i < alen && a[i] == 1)
			i++;
		while (j < blen && b[j] == 1)
			j++;
		if (i >= alen || a[i] == 0) {
			/* the rest of @b: NOP padding only */
			for (; j < blen; j++)
				if (b[j] != 1)
					return false;
			return seen_extra;
		}
		if (j >= blen)
			return false;
		if (i == skip) {
			if (j + elen > blen || memcmp(b + j, extra, elen))
				return false;
			seen_extra = true;
			i += slen;
			j += elen;
			continue;
		}
		if (j + a[i + 1] > blen || memcmp(a + i, b + j, a[i + 1]))
			return false;
		j += a[i + 1];
		i += a[i + 1];
	}
}

static void test_replace_grow(void)
{
	struct nfmp_add_addr aa = { .version = 1, .family = 4, .addr_id = 5,
				    .addr = { 10, 0, 4, 1 } };
	struct nfmp_add_addr a6 = { .version = 1, .family = 6, .addr_id = 1 };
	u8 opts[40], copy[40], out[40], old[30], repl[30], old6[30], repl6[30];
	unsigned int len, rlen, rlen6, n, ts;
	struct nfmp_opts o;

	nfmp_add_addr_encode(&aa, old);
	aa.has_port = true;
	aa.port = 10100;
	rlen = nfmp_add_addr_encode(&aa, repl);
	memset(a6.addr, 0xfd, 16);
	nfmp_add_addr_encode(&a6, old6);
	a6.has_port = true;
	a6.port = 80;
	rlen6 = nfmp_add_addr_encode(&a6, repl6);

	/* NOP room (the timestamp's): the length stays, as nfmp_opts_replace() */
	len = linux_layout(opts, old, 16);
	memcpy(copy, opts, len);
	n = nfmp_opts_replace_grow(opts, len, 12, 16, repl, rlen, out);
	NFMP_CHECKF(n == 28, "n=%u", n);
	NFMP_CHECK(!memcmp(opts, copy, len));
	NFMP_CHECK(nfmp_opts_replace(copy, len, 12, 16, repl, rlen) && !memcmp(out, copy, len));
	NFMP_CHECK(others_kept(opts, len, 12, 16, out, n, repl, rlen));

	/* no timestamps (Linux's pure ACK with tcp_timestamps=0): 16 -> 18 grows doff by one word */
	memcpy(opts, old, 16);
	memcpy(copy, opts, 16);
	NFMP_CHECK(!nfmp_opts_replace(copy, 16, 0, 16, repl, rlen));
	n = nfmp_opts_replace_grow(opts, 16, 0, 16, repl, rlen, out);
	NFMP_CHECKF(n == 20, "n=%u", n);
	NFMP_CHECK(!memcmp(out, repl, 18) && out[18] == 1 && out[19] == 1);
	memset(&o, 0, sizeof(o));
	nfmp_parse_options(out, n, NFMP_TCP_ACK, 1, &o);
	NFMP_CHECK((o.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)) && !o.bad_tcp_opts);
	NFMP_CHECK(o.add_addr.has_port && o.add_addr.port == 10100 && o.add_addr.offset == 0);

	/* IPv6 without timestamps: 28 -> 30 grows to 32 */
	n = nfmp_opts_replace_grow(old6, 28, 0, 28, repl6, rlen6, out);
	NFMP_CHECKF(n == 32, "n=%u", n);
	NFMP_CHECK(others_kept(old6, 28, 0, 28, out, n, repl6, rlen6));

	/* beside an unaligned option and a SACK block: order and bytes kept */
	{
		static const u8 sack[10] = { 5, 10, 0, 0, 0, 9, 0, 0, 0, 10 };
		static const u8 ts10[10] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

		memcpy(opts, ts10, 10);
		memcpy(opts + 10, old, 16);
		memcpy(opts + 26, sack, 10);
		memset(opts + 36, 1, 4);		/* 40: no NOP room left after 18 */
		n = nfmp_opts_replace_grow(opts, 36, 10, 16, repl, rlen, out);
		NFMP_CHECKF(n == 40, "n=%u", n);	/* 10 + 18 + 10 = 38, padded */
		NFMP_CHECK(others_kept(opts, 36, 10, 16, out, n, repl, rlen));
		NFMP_CHECK(has_ts(out, n, &ts) && ts == 0);
		NFMP_CHECK(!memcmp(out + 28, sack, 10));
	}

	/* no room: IPv6 + port (30) beside timestamps and one more option */
	{
		static const u8 ts10[10] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
		static const u8 ws[3] = { 3, 3, 7 };

		/* Linux's 12-byte timestamps + 28: 40, no NOP word to spare ... */
		len = linux_layout(opts, old6, 28);
		NFMP_CHECK(len == 40);
		/* ... but 10 + 30 = 40 fits once the timestamps' NOPs go */
		n = nfmp_opts_replace_grow(opts, len, 12, 28, repl6, rlen6, out);
		NFMP_CHECKF(n == 40, "n=%u", n);
		NFMP_CHECK(others_kept(opts, len, 12, 28, out, n, repl6, rlen6));
		/* timestamps as Linux aligns them plus a window scale: 12 + 3 + 30 > 40 */
		memcpy(opts, ts10, 10);
		memcpy(opts + 10, ws, 3);
		opts[13] = 1;
		memcpy(opts + 14, old, 16);	/* 30 bytes: 32 with padding */
		memset(opts + 30, 1, 2);
		len = 32;
		memcpy(copy, opts, len);
		NFMP_CHECK(nfmp_opts_replace_grow(opts, len, 14, 16, repl6, rlen6, out) == 0);
		NFMP_CHECK(!memcmp(opts, copy, len));
		/* the same with room for it: 10 + 3 + 18 = 31 -> 32 */
		NFMP_CHECK(nfmp_opts_replace_grow(opts, len, 14, 16, repl, rlen, out) == 32);
		NFMP_CHECK(others_kept(opts, len, 14, 16, out, 32, repl, rlen));
	}

	/* IPv6 + port (30) beside timestamps and an MSS: 10 + 4 + 30 > 40 */
	{
		static const u8 ts12[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
		static const u8 mss[4] = { 2, 4, 5, 0xb4 };

		memcpy(opts, ts12, 12);
		memcpy(opts + 12, mss, 4);
		memcpy(opts + 16, old, 16);	/* 32 */
		NFMP_CHECK(nfmp_opts_replace_grow(opts, 32, 16, 16, repl6, rlen6, out) == 0);
	}

	/* EOL: what follows it is padding and goes; an option after it is not found */
	memcpy(opts, old, 16);
	opts[16] = 0;
	opts[17] = 8;		/* garbage after EOL, never copied */
	opts[18] = 10;
	opts[19] = 0xee;
	n = nfmp_opts_replace_grow(opts, 20, 0, 16, repl, rlen, out);
	NFMP_CHECKF(n == 20, "n=%u", n);
	NFMP_CHECK(!memcmp(out, repl, 18) && out[18] == 1 && out[19] == 1);
	opts[0] = 0;		/* EOL first: the ADD_ADDR at 4 is not in the list */
	opts[1] = opts[2] = opts[3] = 0;
	memcpy(opts + 4, old, 16);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 4, 16, repl, rlen, out) == 0);

	/* malformed: zero length, overrun, @off inside another option, bad arguments */
	memcpy(opts, old, 16);
	memcpy(opts + 16, (const u8[]){ 8, 0, 1, 1 }, 4);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 0, 16, repl, rlen, out) == 0);
	memcpy(opts + 16, (const u8[]){ 8, 10, 1, 1 }, 4);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 0, 16, repl, rlen, out) == 0);
	memcpy(opts + 16, (const u8[]){ 1, 1, 1, 8 }, 4);	/* kind without length byte */
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 0, 16, repl, rlen, out) == 0);
	memcpy(opts + 16, (const u8[]){ 1, 1, 1, 1 }, 4);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 2, 14, repl, rlen, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 0, 16, copy, 41, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 18, 0, 16, repl, rlen, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 20, 2, repl, rlen, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 0, 1, repl, rlen, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 44, 0, 16, repl, rlen, out) == 0);
	NFMP_CHECK(nfmp_opts_replace_grow(opts, 20, 10, 16, repl, rlen, out) == 0);

	/* shorter and removal: in place, the length kept */
	n = nfmp_opts_replace_grow(opts, 20, 0, 16, NULL, 0, out);
	NFMP_CHECK(n == 20);
	for (ts = 0; ts < 20 && out[ts] == 1; ts++)
		;
	NFMP_CHECK(ts == 20);
	nfmp_tap_group("option area grows: NOP room first, then by words up to 40, fails untouched");
}

/* Random option areas through the growing rebuild: other options kept, never beyond 40. */
static void test_replace_grow_random(void)
{
	unsigned int i, grown = 0, failed = 0;

	for (i = 0; i < 20000; i++) {
		u8 opts[40], repl[30], out[40];
		unsigned int len = (rnd64() % 11) * 4, off = len ? rnd64() % len : 0;
		unsigned int olen = 2 + rnd64() % 30, rlen = rnd64() % 31, j, n;
		bool in_place;
		u8 copy[40];

		for (j = 0; j < len; j++)
			opts[j] = rnd64() % 4 == 0 ? 1 : (u8)rnd64() % 24;
		/* a well-formed list part of the time: the target option is real */
		if (len && rnd64() % 2) {
			unsigned int k = 0;

			while (k + 2 <= len) {
				unsigned int l = 2 + rnd64() % 12;

				if (l > len - k)
					l = len - k;
				opts[k] = 2 + rnd64() % 28;
				opts[k + 1] = l;
				if (rnd64() % 3 == 0) {
					off = k;
					olen = l;
				}
				k += l;
			}
			if (k < len)
				opts[k] = 1;
		}
		for (j = 0; j < rlen; j++)
			repl[j] = rnd64();
		if (rlen >= 2) {
			repl[0] = 30;
			repl[1] = rlen;
		}
		memcpy(copy, opts, len);
		in_place = len && off < len && olen >= 2 && olen <= len - off &&
			   nfmp_opts_replace(copy, len, off, olen, repl, rlen);
		n = nfmp_opts_replace_grow(opts, len, off, olen, repl, rlen, out);
		if (!n) {
			failed++;
			NFMP_CHECKF(!in_place, "i=%u", i);
			continue;
		}
		NFMP_CHECKF(n <= 40 && n % 4 == 0 && n >= len, "i=%u n=%u", i, n);
		if (in_place)
			NFMP_CHECKF(n == len && !memcmp(out, copy, len), "i=%u", i);
		if (n > len)
			grown++;
		if (rlen > olen && rlen >= 2)
			NFMP_CHECKF(others_kept(opts, len, off, olen, out, n, repl, rlen), "i=%u", i);
	}
	NFMP_CHECKF(grown > 100 && failed > 100, "grown=%u failed=%u", grown, failed);
	nfmp_tap_group("random option areas grown: in-place result when it fits, others kept, <= 40");
}

/* Random option areas: a replacement never breaks the list nor reads or writes out of bounds. */
static void test_replace_random(void)
{
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		u8 opts[40], repl[30];
		unsigned int len = (rnd64() % 11) * 4, off = len ? rnd64() % len : 0;
		unsigned int olen = 2 + rnd64() % 30, rlen = rnd64() % 31, j;
		bool ok;

		for (j = 0; j < len; j++)
			opts[j] = rnd64() % 4 == 0 ? 1 : (u8)rnd64() % 24;
		for (j = 0; j < rlen; j++)
			repl[j] = rnd64();
		if (rlen >= 2) {
			repl[0] = 30;
			repl[1] = rlen;
		}
		ok = nfmp_opts_replace(opts, len, off, olen, repl, rlen);
		(void)ok;
	}
	nfmp_tap_group("random option areas: no out-of-bounds access (ASan)");
}

int main(void)
{
	test_encode_sign_roundtrip();
	test_replace();
	test_replace_random();
	test_replace_grow();
	test_replace_grow_random();
	return nfmp_tap_done();
}
