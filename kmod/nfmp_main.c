// SPDX-License-Identifier: GPL-2.0
/* nfmp_main.c - module and per-netns set-up of nf_conntrack_mptcp, the MPTCP tracker. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>	/* MODULE_ALIAS_GENL_FAMILY (only here on 6.12) */
#include <net/netns/generic.h>

#include "nfmp_kernel.h"

static unsigned int nfmp_hashsize __read_mostly = 4096;
module_param_named(hashsize, nfmp_hashsize, uint, 0400);
MODULE_PARM_DESC(hashsize, "buckets of the id index per netns (rounded up to a power of two); the token indexes size themselves");

static unsigned int nfmp_max_conns __read_mostly = 65536;
module_param_named(max_conns, nfmp_max_conns, uint, 0400);
MODULE_PARM_DESC(max_conns, "default limit of tracked MPTCP connections per netns");

static unsigned int nfmp_max_subflows __read_mostly = 8;
module_param_named(max_subflows, nfmp_max_subflows, uint, 0400);
MODULE_PARM_DESC(max_subflows, "default limit of subflows per connection");

static unsigned int nfmp_net_id __read_mostly;

struct nfmp_net *nfmp_pernet(const struct net *net)
{
	return net_generic(net, nfmp_net_id);
}

static int __net_init nfmp_net_init(struct net *net)
{
	struct nfmp_net *nn = nfmp_pernet(net);
	int ret;

	nn->hash_bits = ilog2(roundup_pow_of_two(clamp(nfmp_hashsize, 16U, 1U << 24)));
	nn->cfg.max_conns = nfmp_max_conns;
	nn->cfg.max_subflows = clamp(nfmp_max_subflows, 1U, NFMP_MAX_SUBFLOWS_LIMIT);
	nn->cfg.join_related = true;

	nn->stats = __alloc_percpu(sizeof(u64) * __NFMPTCP_STAT_MAX, __alignof__(u64));
	if (!nn->stats)
		return -ENOMEM;
	ret = nfmp_table_init(net, nn);
	if (ret)
		goto err_free_stats;
	ret = nfmp_track_net_init(net);
	if (ret)
		goto err_table_exit;
	return 0;

err_table_exit:
	nfmp_table_exit(nn);
err_free_stats:
	free_percpu(nn->stats);
	return ret;
}

static void __net_exit nfmp_net_exit(struct net *net)
{
	nfmp_track_net_exit(net);	/* no packet reaches us after this */
	nfmp_table_stop(nfmp_pernet(net));
	nfmp_table_flush(net, nfmp_pernet(net), false);
}

/* One grace period for a whole batch of namespaces going away. */
static void __net_exit nfmp_net_exit_batch(struct list_head *net_exit_list)
{
	struct net *net;

	/* ->destroy callbacks that saw a live subflow before the flush are done after this */
	synchronize_rcu();
	list_for_each_entry(net, net_exit_list, exit_list) {
		struct nfmp_net *nn = nfmp_pernet(net);

		nfmp_table_exit(nn);
		nfmp_nat_map_exit(nn);
		free_percpu(nn->stats);
	}
}

static struct pernet_operations nfmp_net_ops = {
	.init	= nfmp_net_init,
	.exit	= nfmp_net_exit,
	.exit_batch = nfmp_net_exit_batch,
	.id	= &nfmp_net_id,
	.size	= sizeof(struct nfmp_net),
};

static int __init nfmp_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct nfmp_ct_data) > sizeof_field(struct nf_conn_help, data));
	/*
	 * DESIGN §5: at most 128 bytes per connection record; lock debugging
	 * (lockdep, spinlock checks) makes its spinlock_t much bigger.
	 */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_DEBUG_SPINLOCK) && !IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC) &&
		     sizeof(struct nfmp_kconn) > 128);

	ret = nfmp_table_cache_init();
	if (ret)
		return ret;
	ret = nf_conntrack_helper_register(&nfmp_helper);
	if (ret)
		goto err_cache_exit;
	ret = register_pernet_subsys(&nfmp_net_ops);
	if (ret)
		goto err_helper_unregister;
	WRITE_ONCE(nfmp_exiting, false);	/* ->help may use pernet state now */
	ret = nfmp_netlink_init();
	if (ret)
		goto err_pernet_unregister;
	return 0;

err_pernet_unregister:
	WRITE_ONCE(nfmp_exiting, true);
	unregister_pernet_subsys(&nfmp_net_ops);
err_helper_unregister:
	nf_conntrack_helper_unregister(&nfmp_helper);
	rcu_barrier();	/* connections the hooks created meanwhile */
err_cache_exit:
	nfmp_table_cache_exit();
	return ret;
}

static void __exit nfmp_exit(void)
{
	WRITE_ONCE(nfmp_exiting, true);	/* helper ->help stays away from pernet state */
	nfmp_netlink_exit();
	/* hooks off and state forgotten in every netns first, so nobody attaches the helper anew */
	unregister_pernet_subsys(&nfmp_net_ops);
	/* detaches the helper from every conntrack still carrying it */
	nf_conntrack_helper_unregister(&nfmp_helper);
	/* after the grace period above no packet can schedule the autoload anew */
	nfmp_nat_hook_exit();
	rcu_barrier();	/* connections freed with call_rcu() */
	nfmp_table_cache_exit();
}

module_init(nfmp_init);
module_exit(nfmp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Netfilter MPTCP tracking: subflows mapped to connections, joins verified");
MODULE_ALIAS_NFCT_HELPER(NFMP_HELPER_NAME);
MODULE_ALIAS_GENL_FAMILY(NFMPTCP_GENL_NAME);
