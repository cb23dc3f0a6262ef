/* SPDX-License-Identifier: GPL-2.0 */
/* kshim/asm/unaligned.h - big-endian stores as the kernel's put_unaligned_be*(). */
#ifndef _NFMP_KSHIM_UNALIGNED_H
#define _NFMP_KSHIM_UNALIGNED_H

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	put_unaligned_be32(v >> 32, p);
	put_unaligned_be32((u32)v, (u8 *)p + 4);
}

#endif
