/* SPDX-License-Identifier: GPL-2.0 */
/* kshim/linux/unaligned.h - the name kmod/nfmp_compat.h includes on 6.12+ (see kshim/asm/unaligned.h). */
#include <asm/unaligned.h>
