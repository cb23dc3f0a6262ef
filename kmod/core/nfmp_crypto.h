/* SPDX-License-Identifier: GPL-2.0 */
/* nfmp_crypto.h - MPTCP key material: tokens, IDSNs and HMACs (RFC 8684 §3.1, §3.2, §3.4.1). */
#ifndef _NFMP_CRYPTO_H
#define _NFMP_CRYPTO_H

#include "nfmp_types.h"

/*
 * Hash backend: implemented by nfmp_hash_kernel.c (sha256(), sha1_transform())
 * and by userspace/nfmp_hash_openssl.c (libcrypto). Nothing here hashes by hand.
 * The *_block/_finish pair lets HMAC inner and outer pad states be computed once
 * per connection: *_block compresses one 64-byte block from the standard IV,
 * *_finish hashes @len more bytes on top of such a state (64 bytes already done).
 */
void nfmp_sha1(const u8 *data, unsigned int len, u8 out[20]);
void nfmp_sha256(const u8 *data, unsigned int len, u8 out[32]);
void nfmp_sha1_block(const u8 block[64], u32 state[5]);
void nfmp_sha256_block(const u8 block[64], u32 state[8]);
void nfmp_sha1_finish(const u32 state[5], const u8 *data, unsigned int len, u8 out[20]);
void nfmp_sha256_finish(const u32 state[8], const u8 *data, unsigned int len, u8 out[32]);

/* token = most significant 32 bits, IDSN = least significant 64 bits of H(key). */
void nfmp_key_to_token(u8 version, u64 key, u32 *token, u64 *idsn);

/*
 * HMAC keyed with (first ‖ second), both 64-bit keys in network order.
 * SHA-256 for v1, SHA-1 for v0 (only state[0..4] used).
 */
struct nfmp_hmac_key {
	u8	version;
	u32	inner[8];
	u32	outer[8];
};

void nfmp_hmac_key_init(struct nfmp_hmac_key *hk, u8 version, u64 first, u64 second);
/* Full HMAC of @msg; writes 32 (v1) or 20 (v0) bytes. */
void nfmp_hmac(const struct nfmp_hmac_key *hk, const u8 *msg, unsigned int len, u8 out[32]);

/* MP_JOIN (§3.2): HMAC over (sender's nonce ‖ receiver's nonce). */
void nfmp_join_hmac(const struct nfmp_hmac_key *hk, u32 nonce_first, u32 nonce_second,
		    u8 out[32]);
/* leftmost 64 bits, as carried by the MP_JOIN SYN/ACK */
u64 nfmp_join_hmac64(const struct nfmp_hmac_key *hk, u32 nonce_first, u32 nonce_second);

/*
 * ADD_ADDR (v1, §3.4.1): rightmost 64 bits of HMAC(sender key ‖ receiver key,
 * addr id ‖ address (4 or 16 bytes) ‖ port (2 bytes, 0 when absent)).
 */
u64 nfmp_add_addr_hmac(const struct nfmp_hmac_key *hk, u8 addr_id, u8 family,
		       const u8 *addr, u16 port);

#endif /* _NFMP_CRYPTO_H */
