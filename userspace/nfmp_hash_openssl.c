// SPDX-License-Identifier: GPL-2.0
/* nfmp_hash_openssl.c - nfmp_crypto.h hash backend for userspace, on libcrypto. */

/*
 * The HMAC pad states need SHA's raw compression function and a way to resume
 * from a given chaining value. OpenSSL 3 deprecated the low-level SHA*_CTX API
 * (EVP offers neither), but it is still exported: silence the deprecation here,
 * in this one file.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/sha.h>

#include "nfmp_crypto.h"

void nfmp_sha1(const u8 *data, unsigned int len, u8 out[20])
{
	SHA1(data, len, out);
}

void nfmp_sha256(const u8 *data, unsigned int len, u8 out[32])
{
	SHA256(data, len, out);
}

void nfmp_sha1_block(const u8 block[64], u32 state[5])
{
	SHA_CTX c;

	SHA1_Init(&c);
	SHA1_Transform(&c, block);
	state[0] = c.h0;
	state[1] = c.h1;
	state[2] = c.h2;
	state[3] = c.h3;
	state[4] = c.h4;
}

void nfmp_sha256_block(const u8 block[64], u32 state[8])
{
	SHA256_CTX c;
	int i;

	SHA256_Init(&c);
	SHA256_Transform(&c, block);
	for (i = 0; i < 8; i++)
		state[i] = c.h[i];
}

void nfmp_sha1_finish(const u32 state[5], const u8 *data, unsigned int len, u8 out[20])
{
	SHA_CTX c;

	/* Resume after one compressed block: chaining value set, 512 bits counted. */
	SHA1_Init(&c);
	c.h0 = state[0];
	c.h1 = state[1];
	c.h2 = state[2];
	c.h3 = state[3];
	c.h4 = state[4];
	c.Nl = 512;
	c.Nh = 0;
	SHA1_Update(&c, data, len);
	SHA1_Final(out, &c);
}

void nfmp_sha256_finish(const u32 state[8], const u8 *data, unsigned int len, u8 out[32])
{
	SHA256_CTX c;
	int i;

	SHA256_Init(&c);
	for (i = 0; i < 8; i++)
		c.h[i] = state[i];
	c.Nl = 512;
	c.Nh = 0;
	SHA256_Update(&c, data, len);
	SHA256_Final(out, &c);
}
