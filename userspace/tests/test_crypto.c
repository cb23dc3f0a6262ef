// SPDX-License-Identifier: GPL-2.0
/* test_crypto.c - unit tests for tokens, IDSNs and HMACs (kmod/core/nfmp_crypto.c). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "nfmp_crypto.h"
#include "nfmp_tap.h"

/* Deterministic xorshift: reproducible "random" keys and messages. */
static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void rnd_bytes(u8 *p, unsigned int len)
{
	while (len--)
		*p++ = rnd64();
}

/* OpenSSL's one-shot HMAC with the 16-byte key first ‖ second. */
static void ref_hmac(u8 version, u64 first, u64 second, const u8 *msg, unsigned int len,
		     u8 out[32])
{
	unsigned int olen = 0;
	u8 key[16];

	nfmp_put_be64(key, first);
	nfmp_put_be64(key + 8, second);
	HMAC(version ? EVP_sha256() : EVP_sha1(), key, sizeof(key), msg, len, out, &olen);
}

static void test_block_finish(void)
{
	u8 buf[64 + 300], ref[32], out[32];
	u32 st[8];
	unsigned int len, i;

	/* finish(block(B), M) must equal H(B ‖ M) for every tail length around block edges. */
	for (i = 0; i < 8; i++) {
		rnd_bytes(buf, sizeof(buf));
		for (len = 0; len <= 300; len += (len < 140 ? 1 : 37)) {
			nfmp_sha256_block(buf, st);
			nfmp_sha256_finish(st, buf + 64, len, out);
			SHA256(buf, 64 + len, ref);
			NFMP_CHECKF(!memcmp(out, ref, 32), "sha256 len %u", len);

			nfmp_sha1_block(buf, st);
			nfmp_sha1_finish(st, buf + 64, len, out);
			SHA1(buf, 64 + len, ref);
			NFMP_CHECKF(!memcmp(out, ref, 20), "sha1 len %u", len);

			nfmp_sha256(buf, len, out);
			SHA256(buf, len, ref);
			NFMP_CHECKF(!memcmp(out, ref, 32), "one-shot sha256 len %u", len);
			nfmp_sha1(buf, len, out);
			SHA1(buf, len, ref);
			NFMP_CHECKF(!memcmp(out, ref, 20), "one-shot sha1 len %u", len);
		}
	}
	nfmp_tap_group("hash backend: *_block + *_finish equals one-shot SHA-1/SHA-256");
}

static void test_hmac_vs_openssl(void)
{
	struct nfmp_hmac_key hk;
	u8 msg[200], ref[32], out[32];
	unsigned int i, len, v;
	u64 k1, k2;

	for (i = 0; i < 200; i++) {
		k1 = rnd64();
		k2 = rnd64();
		len = rnd64() % sizeof(msg);
		rnd_bytes(msg, len);
		for (v = 0; v <= 1; v++) {
			nfmp_hmac_key_init(&hk, v, k1, k2);
			nfmp_hmac(&hk, msg, len, out);
			ref_hmac(v, k1, k2, msg, len, ref);
			NFMP_CHECKF(!memcmp(out, ref, v ? 32 : 20), "v%u i %u len %u", v, i, len);
		}
	}
	nfmp_tap_group("HMAC-SHA256/HMAC-SHA1 with precomputed pads equal OpenSSL HMAC()");
}

static int unhex(const char *s, u8 *out)
{
	unsigned int i, b;

	for (i = 0; s[2 * i]; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = b;
	}
	return i;
}

static void test_linux_vectors(void)
{
	/*
	 * Linux net/mptcp/crypto_test.c (KUnit, v6.1): the "keys" and "messages"
	 * are the ASCII strings themselves, read as two big-endian u64 keys and two
	 * big-endian u32 nonces, and hashed by mptcp_crypto_hmac_sha().
	 */
	static const struct {
		const char *key, *msg, *result;
	} v[] = {
		{ "0b0b0b0b0b0b0b0b", "48692054",
		  "8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa" },
		{ "aaaaaaaaaaaaaaaa", "dddddddd",
		  "2c5e219164ff1dca1c4a92318d847bb6b9d44492984e1eb71aff9022f71046e9" },
		{ "0102030405060708", "cdcdcdcd",
		  "e73b9ba9969969cefb04aa0d6df18ec2fcc075b6f23b4d8c4da736a5dbbc6e7d" },
	};
	struct nfmp_hmac_key hk;
	u8 out[32], want[32];
	unsigned int i;
	u64 k1, k2;
	u32 n1, n2;

	for (i = 0; i < 3; i++) {
		k1 = nfmp_get_be64((const u8 *)v[i].key);
		k2 = nfmp_get_be64((const u8 *)v[i].key + 8);
		n1 = nfmp_get_be32((const u8 *)v[i].msg);
		n2 = nfmp_get_be32((const u8 *)v[i].msg + 4);
		nfmp_hmac_key_init(&hk, 1, k1, k2);
		nfmp_join_hmac(&hk, n1, n2, out);
		NFMP_CHECK(unhex(v[i].result, want) == 32);
		NFMP_CHECKF(!memcmp(out, want, 32), "vector %u", i);
		NFMP_CHECKF(nfmp_join_hmac64(&hk, n1, n2) == nfmp_get_be64(want), "vector %u", i);
	}
	nfmp_tap_group("join HMAC matches Linux's mptcp crypto KUnit vectors");
}

static void test_tokens(void)
{
	/*
	 * Derived independently with Python:
	 *   d = hashlib.sha256(struct.pack('>Q', key)).digest()   (sha1 for v0)
	 *   token = d[:4] big endian, idsn = d[-8:] big endian
	 */
	static const struct {
		u8 version;
		u64 key;
		u32 token;
		u64 idsn;
	} v[] = {
		{ 1, 0x0102030405060708ull, 0x66840dda, 0xf5a101d3d29d6f72ull },
		{ 0, 0x0102030405060708ull, 0xdd5783bc, 0x3a95ed6e4ebb4ad5ull },
		{ 1, 0xa1b2c3d4e5f60718ull, 0xaf77ffda, 0x8912213bf1cbd03cull },
		{ 0, 0xa1b2c3d4e5f60718ull, 0xfaaf6fe3, 0xbfb51134cb95240bull },
		{ 1, 0xffffffffffffffffull, 0x12a3ae44, 0x57fb595bbbacf0caull },
		{ 0, 0xffffffffffffffffull, 0xbe673e8a, 0x866701c11ef8e089ull },
	};
	unsigned int i;
	u32 token;
	u64 idsn;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		nfmp_key_to_token(v[i].version, v[i].key, &token, &idsn);
		NFMP_CHECKF(token == v[i].token && idsn == v[i].idsn, "vector %u", i);
	}
	/* NULL outputs are allowed. */
	nfmp_key_to_token(1, 1, NULL, &idsn);
	nfmp_key_to_token(1, 1, &token, NULL);
	nfmp_tap_group("key -> token/IDSN: SHA-256 (v1) and SHA-1 (v0) known vectors");
}

static void test_add_addr_hmac(void)
{
	struct nfmp_hmac_key hk;
	u8 addr6[16], ref[32], msg[19];
	unsigned int i;
	u64 k1, k2;
	u16 port;

	/*
	 * Python: hmac.new(k1||k2, id||addr||port, sha256).digest()[-8:], with
	 * k1 = 0x0102030405060708, k2 = 0x1112131415161718.
	 */
	nfmp_hmac_key_init(&hk, 1, 0x0102030405060708ull, 0x1112131415161718ull);
	NFMP_CHECK(nfmp_add_addr_hmac(&hk, 5, 4, (const u8 *)"\x0a\x00\x00\x02", 0) ==
		   0x441cd8f7887f3573ull);
	memcpy(addr6, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	NFMP_CHECK(nfmp_add_addr_hmac(&hk, 7, 6, addr6, 8080) == 0xca6b70b535acdad5ull);

	/* Random cross-check: rightmost 64 bits of OpenSSL's HMAC over id ‖ addr ‖ port. */
	for (i = 0; i < 100; i++) {
		k1 = rnd64();
		k2 = rnd64();
		port = rnd64();
		rnd_bytes(addr6, 16);
		msg[0] = i;
		memcpy(msg + 1, addr6, 16);
		nfmp_put_be16(msg + 17, port);
		nfmp_hmac_key_init(&hk, 1, k1, k2);
		ref_hmac(1, k1, k2, msg, 19, ref);
		NFMP_CHECKF(nfmp_add_addr_hmac(&hk, i, 6, addr6, port) == nfmp_get_be64(ref + 24),
			    "v6 %u", i);
		memcpy(msg + 1, addr6, 4);
		nfmp_put_be16(msg + 5, port);
		ref_hmac(1, k1, k2, msg, 7, ref);
		NFMP_CHECKF(nfmp_add_addr_hmac(&hk, i, 4, addr6, port) == nfmp_get_be64(ref + 24),
			    "v4 %u", i);
	}
	nfmp_tap_group("ADD_ADDR HMAC: rightmost 64 bits over id || addr || port");
}

static void test_join_hmac_v0(void)
{
	struct nfmp_hmac_key hk;
	u8 out[32], want[20];

	/* Python: hmac.new(k1||k2, R-A||R-B, sha1), RFC 6824 joins use HMAC-SHA1. */
	nfmp_hmac_key_init(&hk, 0, 0x0102030405060708ull, 0x1112131415161718ull);
	nfmp_join_hmac(&hk, 0x11223344, 0x55667788, out);
	unhex("a06a408eb0b96324002a50f26d1eb4a063fad9b4", want);
	NFMP_CHECK(!memcmp(out, want, 20));
	NFMP_CHECK(nfmp_join_hmac64(&hk, 0x11223344, 0x55667788) == 0xa06a408eb0b96324ull);
	nfmp_tap_group("v0 join HMAC-SHA1 known vector");
}

int main(void)
{
	test_block_finish();
	test_hmac_vs_openssl();
	test_linux_vectors();
	test_tokens();
	test_add_addr_hmac();
	test_join_hmac_v0();
	return nfmp_tap_done();
}
