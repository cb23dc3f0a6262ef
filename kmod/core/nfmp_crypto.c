// SPDX-License-Identifier: GPL-2.0
/* nfmp_crypto.c - MPTCP tokens, IDSNs and HMACs (RFC 8684 §3.1, §3.2, §3.4.1; RFC 6824). */

#include "nfmp_crypto.h"

#define NFMP_HASH_BLOCK		64
#define NFMP_SHA1_LEN		20
#define NFMP_SHA256_LEN		32

void nfmp_key_to_token(u8 version, u64 key, u32 *token, u64 *idsn)
{
	u8 digest[NFMP_SHA256_LEN];
	unsigned int dlen;
	u8 k[8];

	/* §3.1: the hash of the 8-byte key in network order; v0 (RFC 6824) uses SHA-1. */
	nfmp_put_be64(k, key);
	if (version == 0) {
		nfmp_sha1(k, sizeof(k), digest);
		dlen = NFMP_SHA1_LEN;
	} else {
		nfmp_sha256(k, sizeof(k), digest);
		dlen = NFMP_SHA256_LEN;
	}
	if (token)
		*token = nfmp_get_be32(digest);
	if (idsn)
		*idsn = nfmp_get_be64(digest + dlen - 8);
}

void nfmp_hmac_key_init(struct nfmp_hmac_key *hk, u8 version, u64 first, u64 second)
{
	u8 pad[NFMP_HASH_BLOCK];
	unsigned int i;

	/*
	 * RFC 2104 with a 16-byte key (shorter than the block): zero-pad it to the
	 * block size, XOR with ipad/opad, and keep the state after that one block.
	 */
	memset(hk, 0, sizeof(*hk));
	hk->version = version ? 1 : 0;

	memset(pad, 0, sizeof(pad));
	nfmp_put_be64(pad, first);
	nfmp_put_be64(pad + 8, second);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	if (hk->version)
		nfmp_sha256_block(pad, hk->inner);
	else
		nfmp_sha1_block(pad, hk->inner);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (hk->version)
		nfmp_sha256_block(pad, hk->outer);
	else
		nfmp_sha1_block(pad, hk->outer);

	/* The pads are key material. */
	memset(pad, 0, sizeof(pad));
}

void nfmp_hmac(const struct nfmp_hmac_key *hk, const u8 *msg, unsigned int len, u8 out[32])
{
	u8 inner[NFMP_SHA256_LEN];

	if (hk->version) {
		nfmp_sha256_finish(hk->inner, msg, len, inner);
		nfmp_sha256_finish(hk->outer, inner, NFMP_SHA256_LEN, out);
	} else {
		nfmp_sha1_finish(hk->inner, msg, len, inner);
		nfmp_sha1_finish(hk->outer, inner, NFMP_SHA1_LEN, out);
	}
}

void nfmp_join_hmac(const struct nfmp_hmac_key *hk, u32 nonce_first, u32 nonce_second,
		    u8 out[32])
{
	u8 msg[8];

	/* §3.2: HMAC-A over R-A ‖ R-B, HMAC-B over R-B ‖ R-A; the caller orders them. */
	nfmp_put_be32(msg, nonce_first);
	nfmp_put_be32(msg + 4, nonce_second);
	nfmp_hmac(hk, msg, sizeof(msg), out);
}

u64 nfmp_join_hmac64(const struct nfmp_hmac_key *hk, u32 nonce_first, u32 nonce_second)
{
	u8 mac[NFMP_SHA256_LEN];

	nfmp_join_hmac(hk, nonce_first, nonce_second, mac);
	return nfmp_get_be64(mac);
}

u64 nfmp_add_addr_hmac(const struct nfmp_hmac_key *hk, u8 addr_id, u8 family,
		       const u8 *addr, u16 port)
{
	u8 msg[1 + 16 + 2], mac[NFMP_SHA256_LEN];
	unsigned int alen = family == 6 ? 16 : 4;

	/*
	 * §3.4.1: addr id ‖ address ‖ port, the port always present (zero when the
	 * option has none), and the rightmost 64 bits of the result. Only v1 has
	 * this HMAC; a v0 key yields the rightmost 64 bits of HMAC-SHA1.
	 */
	msg[0] = addr_id;
	memcpy(msg + 1, addr, alen);
	nfmp_put_be16(msg + 1 + alen, port);
	nfmp_hmac(hk, msg, 1 + alen + 2, mac);
	return nfmp_get_be64(mac + (hk->version ? NFMP_SHA256_LEN : NFMP_SHA1_LEN) - 8);
}
