// SPDX-License-Identifier: GPL-2.0
/*
 * nfm_debug_canary - one deliberate defect per checker of the debug kernel,
 * so that `make check-debug` shows that each of them reports and that its
 * report is caught (selftests/vm/debug-checks loads it last: a lockdep
 * report turns lockdep off for the rest of the boot).
 *
 *   modprobe nfm_debug_canary defect=kasan|leak|lockdep
 *
 * Never built or loaded outside the debug kernel's VM.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *defect = "";
module_param(defect, charp, 0444);
MODULE_PARM_DESC(defect, "kasan: out-of-bounds read; leak: unreferenced object; lockdep: AB-BA");

static DEFINE_SPINLOCK(canary_lock_a);
static DEFINE_SPINLOCK(canary_lock_b);

static noinline int canary_out_of_bounds(void)
{
	char *buf = kmalloc(16, GFP_KERNEL);
	size_t i = 16;

	if (!buf)
		return -ENOMEM;
	/* the compiler must neither see that i is past the end nor drop the load */
	OPTIMIZER_HIDE_VAR(i);
	(void)READ_ONCE(buf[i]);
	kfree(buf);
	return 0;
}

static noinline int canary_leak(void)
{
	void *p = kmalloc(128, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	/* the only reference dies with this frame */
	memset(p, 0x5a, 128);
	return 0;
}

static noinline void canary_lock_inversion(void)
{
	spin_lock(&canary_lock_a);
	spin_lock(&canary_lock_b);
	spin_unlock(&canary_lock_b);
	spin_unlock(&canary_lock_a);

	spin_lock(&canary_lock_b);
	spin_lock(&canary_lock_a);
	spin_unlock(&canary_lock_a);
	spin_unlock(&canary_lock_b);
}

static int __init nfm_debug_canary_init(void)
{
	if (!strcmp(defect, "kasan"))
		return canary_out_of_bounds();
	if (!strcmp(defect, "leak"))
		return canary_leak();
	if (!strcmp(defect, "lockdep")) {
		canary_lock_inversion();
		return 0;
	}
	pr_err("nfm_debug_canary: defect=kasan|leak|lockdep\n");
	return -EINVAL;
}

static void __exit nfm_debug_canary_exit(void)
{
}

module_init(nfm_debug_canary_init);
module_exit(nfm_debug_canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberate defects that the debug kernel's checkers must report");
