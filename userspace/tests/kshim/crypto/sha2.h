/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/crypto/sha2.h - Linux 6.1 lib/crypto/sha256.c semantics (count-driven
 * update/final, state wiped by final), compression from OpenSSL's SHA256_Transform.
 */
#ifndef _NFMP_KSHIM_SHA2_H
#define _NFMP_KSHIM_SHA2_H

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_state {
	u32 state[SHA256_DIGEST_SIZE / 4];
	u64 count;
	u8 buf[SHA256_BLOCK_SIZE];
};

static inline void kshim_sha256_transform(u32 *state, const u8 *block)
{
	SHA256_CTX c;
	int i;

	SHA256_Init(&c);
	for (i = 0; i < 8; i++)
		c.h[i] = state[i];
	SHA256_Transform(&c, block);
	for (i = 0; i < 8; i++)
		state[i] = c.h[i];
}

static inline void sha256_init(struct sha256_state *s)
{
	static const u32 iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->state, iv, sizeof(iv));
	s->count = 0;
}

static inline void sha256_update(struct sha256_state *s, const u8 *data, unsigned int len)
{
	unsigned int partial = s->count & 0x3f;

	s->count += len;
	while (len) {
		unsigned int n = SHA256_BLOCK_SIZE - partial;

		if (n > len)
			n = len;
		memcpy(s->buf + partial, data, n);
		partial += n;
		data += n;
		len -= n;
		if (partial == SHA256_BLOCK_SIZE) {
			kshim_sha256_transform(s->state, s->buf);
			partial = 0;
		}
	}
}

static inline void sha256_final(struct sha256_state *s, u8 *out)
{
	static const u8 padding[64] = { 0x80 };
	u64 bits = s->count << 3;
	unsigned int index = s->count & 0x3f, i;
	u8 be[8];

	for (i = 0; i < 8; i++)
		be[i] = bits >> (56 - 8 * i);
	sha256_update(s, padding, index < 56 ? 56 - index : 120 - index);
	sha256_update(s, be, 8);
	for (i = 0; i < 8; i++)
		put_unaligned_be32(s->state[i], out + 4 * i);
	memzero_explicit(s, sizeof(*s));
}

static inline void sha256(const u8 *data, unsigned int len, u8 *out)
{
	struct sha256_state s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

#endif
