/* SPDX-License-Identifier: GPL-2.0 */
/* kshim/crypto/sha1.h - Linux 6.1 lib/crypto/sha1.c interface, on OpenSSL's SHA1_Transform. */
#ifndef _NFMP_KSHIM_SHA1_H
#define _NFMP_KSHIM_SHA1_H

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#define SHA1_DIGEST_SIZE	20
#define SHA1_BLOCK_SIZE		64
#define SHA1_DIGEST_WORDS	(SHA1_DIGEST_SIZE / 4)
#define SHA1_WORKSPACE_WORDS	16

static inline void sha1_init(__u32 *buf)
{
	buf[0] = 0x67452301;
	buf[1] = 0xefcdab89;
	buf[2] = 0x98badcfe;
	buf[3] = 0x10325476;
	buf[4] = 0xc3d2e1f0;
}

/* Compress one block into @digest; @W is the caller's scratch space, as in Linux. */
static inline void sha1_transform(__u32 *digest, const char *data, __u32 *W)
{
	SHA_CTX c;

	memset(W, 0x5a, SHA1_WORKSPACE_WORDS * 4);
	SHA1_Init(&c);
	c.h0 = digest[0];
	c.h1 = digest[1];
	c.h2 = digest[2];
	c.h3 = digest[3];
	c.h4 = digest[4];
	SHA1_Transform(&c, (const unsigned char *)data);
	digest[0] = c.h0;
	digest[1] = c.h1;
	digest[2] = c.h2;
	digest[3] = c.h3;
	digest[4] = c.h4;
}

#endif
