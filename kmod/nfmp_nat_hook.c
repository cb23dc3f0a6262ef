// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_nat_hook.c - the NAT hook pointer of nf_conntrack_mptcp and the
 * loading of nf_nat_mptcp on the first NATed MPTCP subflow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kmod.h>
#include <linux/workqueue.h>

#include "nfmp_nat_hook.h"

nfmp_nat_hook_fn __rcu *nfmp_nat_hook __read_mostly;
EXPORT_SYMBOL_GPL(nfmp_nat_hook);

static bool nfmp_nat_autoload __read_mostly = true;
module_param_named(nat_autoload, nfmp_nat_autoload, bool, 0644);
MODULE_PARM_DESC(nat_autoload, "load " NFMP_NAT_MODULE " on the first NATed MPTCP subflow");

/* request_module() sleeps: packets only schedule it, once. */
static void nfmp_nat_load_work(struct work_struct *work)
{
	request_module(NFMP_NAT_MODULE);
}

static DECLARE_WORK(nfmp_nat_load, nfmp_nat_load_work);
static atomic_t nfmp_nat_load_tried = ATOMIC_INIT(0);

void nfmp_nat_request_module(void)
{
	if (READ_ONCE(nfmp_nat_autoload) && !READ_ONCE(nfmp_exiting) &&
	    !atomic_xchg(&nfmp_nat_load_tried, 1))
		schedule_work(&nfmp_nat_load);
}

void nfmp_nat_hook_exit(void)
{
	cancel_work_sync(&nfmp_nat_load);
}

/* What the NAT half needs of the tracker and of the protocol core. */
EXPORT_SYMBOL_GPL(nfmp_pernet);
EXPORT_SYMBOL_GPL(nfmp_event_addr);
EXPORT_SYMBOL_GPL(nfmp_nat_map_lookup);
EXPORT_SYMBOL_GPL(nfmp_has_mptcp_option);
EXPORT_SYMBOL_GPL(nfmp_parse_options);
EXPORT_SYMBOL_GPL(nfmp_add_addr_len);
EXPORT_SYMBOL_GPL(nfmp_add_addr_encode);
EXPORT_SYMBOL_GPL(nfmp_add_addr_hmac_ok);
EXPORT_SYMBOL_GPL(nfmp_add_addr_sign);
EXPORT_SYMBOL_GPL(nfmp_opts_replace);
EXPORT_SYMBOL_GPL(nfmp_opts_replace_grow);
