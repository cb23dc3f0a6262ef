/* SPDX-License-Identifier: GPL-2.0 */
/* kshim/linux/string.h - see kshim/linux/kernel.h. */
#include <string.h>
