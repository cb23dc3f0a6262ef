// SPDX-License-Identifier: GPL-2.0
/* test_hash_kernel.c - kmod/nfmp_hash_kernel.c (SHA-1 padding, SHA-256 resume) built on a shim. */

/*
 * The kernel backend pads SHA-1 itself (Linux 6.1 exports only the compression
 * function) and resumes SHA-256 from a preset struct sha256_state. Both are
 * easy to get subtly wrong and the Debian kernel has no KUnit, so the file is
 * compiled here against tests/kshim/ (the 6.1 interfaces on OpenSSL's raw
 * compression functions) and compared with OpenSSL's one-shot digests.
 */
#include "../../kmod/nfmp_hash_kernel.c"

#include <stdio.h>
#include <stdlib.h>

#include "nfmp_tap.h"

int main(void)
{
	u8 buf[64 + 300], ref[32], out[32];
	unsigned int len, i;
	u32 st[8];

	srand(1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = rand();
	for (len = 0; len <= 300; len++) {
		nfmp_sha1(buf, len, out);
		SHA1(buf, len, ref);
		NFMP_CHECKF(!memcmp(out, ref, 20), "sha1 len %u", len);
		nfmp_sha1_block(buf, st);
		nfmp_sha1_finish(st, buf + 64, len, out);
		SHA1(buf, 64 + len, ref);
		NFMP_CHECKF(!memcmp(out, ref, 20), "sha1 block+finish len %u", len);
	}
	nfmp_tap_group("kernel backend: SHA-1 padding over sha1_transform() at every length");

	for (len = 0; len <= 300; len++) {
		nfmp_sha256(buf, len, out);
		SHA256(buf, len, ref);
		NFMP_CHECKF(!memcmp(out, ref, 32), "sha256 len %u", len);
		nfmp_sha256_block(buf, st);
		nfmp_sha256_finish(st, buf + 64, len, out);
		SHA256(buf, 64 + len, ref);
		NFMP_CHECKF(!memcmp(out, ref, 32), "sha256 block+finish len %u", len);
	}
	nfmp_tap_group("kernel backend: SHA-256 resumed from a preset sha256_state");
	return nfmp_tap_done();
}
