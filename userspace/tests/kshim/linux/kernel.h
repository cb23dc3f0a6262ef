/* SPDX-License-Identifier: GPL-2.0 */
/* kshim/linux/kernel.h - just enough of the kernel API to build kmod/nfmp_hash_kernel.c in userspace. */
#ifndef _NFMP_KSHIM_KERNEL_H
#define _NFMP_KSHIM_KERNEL_H

#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __u32;

static inline void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

#endif
