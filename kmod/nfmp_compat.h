/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_compat.h - the kernel API differences between the kernels we build for
 * (Debian 12's 6.1 and the 6.12 LTS), so that one tree builds against both.
 *
 * Each guard names the upstream change it covers; drop a guard once the
 * oldest supported kernel has the change.  Include this first among the
 * kernel headers of a file that needs one of these.
 */
#ifndef _NFMP_COMPAT_H
#define _NFMP_COMPAT_H

#include <linux/version.h>

/*
 * v6.12: commit 5f60d5f6bbc1 ("move asm/unaligned.h to linux/unaligned.h")
 * removed <asm/unaligned.h>; older kernels have only that one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * nf_tables expression reduction (struct nft_regs_track, nft_expr_ops
 * ->reduce): in 6.1, disabled upstream since v6.2 and removed before v6.12
 * ("netfilter: nf_tables: remove register tracking infrastructure").
 * The guard is on the newest kernel we build for without it.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define NFMP_HAVE_NFT_REDUCE	1
#endif

#endif /* _NFMP_COMPAT_H */
