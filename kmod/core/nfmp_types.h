/* SPDX-License-Identifier: GPL-2.0 */
/* nfmp_types.h - fixed-width types and byte access shared by kernel and userspace builds. */
#ifndef _NFMP_TYPES_H
#define _NFMP_TYPES_H

#ifdef __KERNEL__
#include <linux/kernel.h>	/* ARRAY_SIZE */
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif

/* Wire fields are big endian and may sit at any alignment: read them bytewise. */
static inline u16 nfmp_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline u32 nfmp_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline u64 nfmp_get_be64(const u8 *p)
{
	return ((u64)nfmp_get_be32(p) << 32) | nfmp_get_be32(p + 4);
}

static inline void nfmp_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void nfmp_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void nfmp_put_be64(u8 *p, u64 v)
{
	nfmp_put_be32(p, v >> 32);
	nfmp_put_be32(p + 4, (u32)v);
}

#endif /* _NFMP_TYPES_H */
