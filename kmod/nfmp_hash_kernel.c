// SPDX-License-Identifier: GPL-2.0
/* nfmp_hash_kernel.c - nfmp_crypto.h hash backend for the kernel, on lib/crypto SHA-1/SHA-256. */

#include <linux/kernel.h>
#include <linux/string.h>
#include "nfmp_compat.h"	/* <linux/unaligned.h> or <asm/unaligned.h> */
#include <crypto/sha1.h>
#include <crypto/sha2.h>

#include "core/nfmp_crypto.h"

/*
 * SHA-256: lib/crypto/sha256.c exports sha256() and the init/update/final
 * trio; a struct sha256_state with state[] preset and count = 64 resumes
 * after one compressed block. SHA-1 (MPTCP v0 only): Linux 6.1 exports only
 * sha1_init() and the compression function sha1_transform(), so the padding
 * (FIPS 180-4 §5.1.1) is done here, as the out-of-tree v0 MPTCP stack did.
 */

static void nfmp_sha1_run(u32 digest[SHA1_DIGEST_WORDS], const u8 *data, unsigned int len,
			  unsigned int prefix, u8 out[SHA1_DIGEST_SIZE])
{
	u32 ws[SHA1_WORKSPACE_WORDS];
	u8 tail[2 * SHA1_BLOCK_SIZE];
	unsigned int rest, tlen, i;
	u64 bits;

	while (len >= SHA1_BLOCK_SIZE) {
		sha1_transform(digest, (const char *)data, ws);
		data += SHA1_BLOCK_SIZE;
		len -= SHA1_BLOCK_SIZE;
		prefix += SHA1_BLOCK_SIZE;
	}

	/* 0x80, zeros up to 56 mod 64, then the message length in bits, big endian. */
	rest = len;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, data, rest);
	tail[rest] = 0x80;
	tlen = rest + 1 + 8 <= SHA1_BLOCK_SIZE ? SHA1_BLOCK_SIZE : 2 * SHA1_BLOCK_SIZE;
	bits = ((u64)prefix + rest) << 3;
	put_unaligned_be64(bits, tail + tlen - 8);
	for (i = 0; i < tlen; i += SHA1_BLOCK_SIZE)
		sha1_transform(digest, (const char *)tail + i, ws);

	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		put_unaligned_be32(digest[i], out + 4 * i);
	memzero_explicit(ws, sizeof(ws));
	memzero_explicit(tail, sizeof(tail));
}

void nfmp_sha1(const u8 *data, unsigned int len, u8 out[20])
{
	u32 digest[SHA1_DIGEST_WORDS];

	sha1_init(digest);
	nfmp_sha1_run(digest, data, len, 0, out);
}

void nfmp_sha1_block(const u8 block[64], u32 state[5])
{
	u32 ws[SHA1_WORKSPACE_WORDS];

	sha1_init(state);
	sha1_transform(state, (const char *)block, ws);
	memzero_explicit(ws, sizeof(ws));
}

void nfmp_sha1_finish(const u32 state[5], const u8 *data, unsigned int len, u8 out[20])
{
	u32 digest[SHA1_DIGEST_WORDS];

	memcpy(digest, state, sizeof(digest));
	nfmp_sha1_run(digest, data, len, SHA1_BLOCK_SIZE, out);
}

void nfmp_sha256(const u8 *data, unsigned int len, u8 out[32])
{
	sha256(data, len, out);
}

void nfmp_sha256_block(const u8 block[64], u32 state[8])
{
	struct sha256_state s;

	sha256_init(&s);
	sha256_update(&s, block, SHA256_BLOCK_SIZE);
	memcpy(state, s.state, sizeof(s.state));
	memzero_explicit(&s, sizeof(s));
}

void nfmp_sha256_finish(const u32 state[8], const u8 *data, unsigned int len, u8 out[32])
{
	struct sha256_state s;

	memcpy(s.state, state, sizeof(s.state));
	s.count = SHA256_BLOCK_SIZE;
	sha256_update(&s, data, len);
	sha256_final(&s, out);	/* also wipes s */
}
