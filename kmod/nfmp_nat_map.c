// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_nat_map.c - the static 1:1 NAT of a netns as the operator declares it
 * (`nfmptcp config nat-map IN=OUT,...`): netfilter cannot tell the NAT half
 * what the ruleset's dnat/snat pairs would do to an address no conntrack uses
 * yet, so nf_nat_mptcp announces an inside address as this map says
 * (Documentation/nat.rst). Replaced whole by CONFIG_SET, read under RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "nfmp_kernel.h"

struct nfmp_nat_pair {
	union nf_inet_addr	inside;
	union nf_inet_addr	outside;
	u8			l3num;		/* NFPROTO_IPV4 / NFPROTO_IPV6 */
};

struct nfmp_nat_map {
	struct rcu_head		rcu;
	unsigned int		n;
	struct nfmp_nat_pair	pair[];
};

static const struct nla_policy nfmp_nat_pair_policy[NFMPTCP_NAT_PAIR_A_MAX + 1] = {
	[NFMPTCP_NAT_PAIR_A_INSIDE4]	= { .type = NLA_BE32 },
	[NFMPTCP_NAT_PAIR_A_INSIDE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NFMPTCP_NAT_PAIR_A_OUTSIDE4]	= { .type = NLA_BE32 },
	[NFMPTCP_NAT_PAIR_A_OUTSIDE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

const struct nla_policy nfmp_nat_map_policy[NFMPTCP_NAT_MAP_A_MAX + 1] = {
	[NFMPTCP_NAT_MAP_A_PAIR]	= NLA_POLICY_NESTED(nfmp_nat_pair_policy),
};

/* An address a host can have and a NAT can translate to. */
static bool nfmp_nat_map_unicast(u8 l3num, const union nf_inet_addr *a)
{
	int type;

	if (l3num == NFPROTO_IPV4)
		return !ipv4_is_zeronet(a->ip) && !ipv4_is_loopback(a->ip) &&
		       !ipv4_is_multicast(a->ip) && !ipv4_is_lbcast(a->ip);
	type = ipv6_addr_type(&a->in6);
	return (type & IPV6_ADDR_UNICAST) && !(type & IPV6_ADDR_LOOPBACK);
}

/* One PAIR nest into @p, or -EINVAL with the reason in @extack. */
static int nfmp_nat_pair_parse(const struct nlattr *attr, struct nfmp_nat_pair *p,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFMPTCP_NAT_PAIR_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFMPTCP_NAT_PAIR_A_MAX, attr, nfmp_nat_pair_policy, extack);
	if (err)
		return err;
	if (tb[NFMPTCP_NAT_PAIR_A_INSIDE4] && tb[NFMPTCP_NAT_PAIR_A_OUTSIDE4] &&
	    !tb[NFMPTCP_NAT_PAIR_A_INSIDE6] && !tb[NFMPTCP_NAT_PAIR_A_OUTSIDE6]) {
		p->l3num = NFPROTO_IPV4;
		p->inside.ip = nla_get_in_addr(tb[NFMPTCP_NAT_PAIR_A_INSIDE4]);
		p->outside.ip = nla_get_in_addr(tb[NFMPTCP_NAT_PAIR_A_OUTSIDE4]);
	} else if (tb[NFMPTCP_NAT_PAIR_A_INSIDE6] && tb[NFMPTCP_NAT_PAIR_A_OUTSIDE6] &&
		   !tb[NFMPTCP_NAT_PAIR_A_INSIDE4] && !tb[NFMPTCP_NAT_PAIR_A_OUTSIDE4]) {
		p->l3num = NFPROTO_IPV6;
		p->inside.in6 = nla_get_in6_addr(tb[NFMPTCP_NAT_PAIR_A_INSIDE6]);
		p->outside.in6 = nla_get_in6_addr(tb[NFMPTCP_NAT_PAIR_A_OUTSIDE6]);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a pair is one inside and one outside address of one family");
		return -EINVAL;
	}
	if (!nfmp_nat_map_unicast(p->l3num, &p->inside) ||
	    !nfmp_nat_map_unicast(p->l3num, &p->outside)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a pair's addresses must be unicast");
		return -EINVAL;
	}
	return 0;
}

/*
 * A NAT_MAP nest (policy-checked) into a new map in @mapp: NULL for an empty
 * nest (no map). Each inside and each outside address at most once: a 1:1
 * NAT gives an address one translation, and a reply one way back.
 */
int nfmp_nat_map_parse(const struct nlattr *attr, struct nfmp_nat_map **mapp,
		       struct netlink_ext_ack *extack)
{
	struct nfmp_nat_map *map;
	const struct nlattr *a;
	unsigned int n = 0, i;
	int rem, err;

	*mapp = NULL;
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != NFMPTCP_NAT_MAP_A_PAIR) {
			NL_SET_ERR_MSG_ATTR(extack, a, "a nat map holds pairs only");
			return -EINVAL;
		}
		if (++n > NFMPTCP_NAT_MAP_PAIRS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "a nat map holds at most "
					    __stringify(NFMPTCP_NAT_MAP_PAIRS_MAX) " pairs");
			return -EINVAL;
		}
	}
	if (!n)
		return 0;
	map = kzalloc(struct_size(map, pair, n), GFP_KERNEL_ACCOUNT);
	if (!map)
		return -ENOMEM;
	nla_for_each_nested(a, attr, rem) {
		struct nfmp_nat_pair *p = &map->pair[map->n];

		err = nfmp_nat_pair_parse(a, p, extack);
		if (err)
			goto err_free;
		for (i = 0; i < map->n; i++) {
			const struct nfmp_nat_pair *q = &map->pair[i];

			if (q->l3num == p->l3num &&
			    (nf_inet_addr_cmp(&q->inside, &p->inside) ||
			     nf_inet_addr_cmp(&q->outside, &p->outside))) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "an address is in two pairs: the map must be 1:1");
				err = -EINVAL;
				goto err_free;
			}
		}
		map->n++;
	}
	*mapp = map;
	return 0;

err_free:
	kfree(map);
	return err;
}

void nfmp_nat_map_free(struct nfmp_nat_map *map)
{
	kfree(map);
}

/* Install @map (NULL: none); packets still reading the old one finish first. */
void nfmp_nat_map_replace(struct nfmp_net *nn, struct nfmp_nat_map *map)
{
	struct nfmp_nat_map *old;

	spin_lock_bh(&nn->ids_lock);
	old = rcu_replace_pointer(nn->nat_map, map, lockdep_is_held(&nn->ids_lock));
	spin_unlock_bh(&nn->ids_lock);
	if (old)
		kfree_rcu(old, rcu);
}

/* Netns exit, after the grace period that ends the packet path's readers. */
void nfmp_nat_map_exit(struct nfmp_net *nn)
{
	kfree(rcu_dereference_protected(nn->nat_map, true));
	RCU_INIT_POINTER(nn->nat_map, NULL);
}

/* Room for nfmp_nat_map_fill() of the largest map. */
size_t nfmp_nat_map_nlsize(void)
{
	return nla_total_size(0) +
	       NFMPTCP_NAT_MAP_PAIRS_MAX * (nla_total_size(0) +
					    2 * nla_total_size(sizeof(struct in6_addr)));
}

/* The NAT_MAP nest of CONFIG_GET: the pairs in the order they were set. */
int nfmp_nat_map_fill(struct sk_buff *msg, struct nfmp_net *nn)
{
	const struct nfmp_nat_map *map;
	struct nlattr *nest, *pair;
	unsigned int i;
	int err = 0;

	nest = nla_nest_start(msg, NFMPTCP_CFG_A_NAT_MAP);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	map = rcu_dereference(nn->nat_map);
	for (i = 0; map && i < map->n && !err; i++) {
		const struct nfmp_nat_pair *p = &map->pair[i];

		pair = nla_nest_start(msg, NFMPTCP_NAT_MAP_A_PAIR);
		if (!pair) {
			err = -EMSGSIZE;
		} else if (p->l3num == NFPROTO_IPV4) {
			err = nla_put_in_addr(msg, NFMPTCP_NAT_PAIR_A_INSIDE4, p->inside.ip) ||
			      nla_put_in_addr(msg, NFMPTCP_NAT_PAIR_A_OUTSIDE4, p->outside.ip);
		} else {
			err = nla_put_in6_addr(msg, NFMPTCP_NAT_PAIR_A_INSIDE6, &p->inside.in6) ||
			      nla_put_in6_addr(msg, NFMPTCP_NAT_PAIR_A_OUTSIDE6, &p->outside.in6);
		}
		if (pair && !err)
			nla_nest_end(msg, pair);
	}
	rcu_read_unlock();
	if (err) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The outside address the map gives @inside (an address of family @l3num,
 * unused bytes zero), into @outside. Under rcu_read_lock() (the NAT hook).
 */
bool nfmp_nat_map_lookup(struct nfmp_net *nn, u8 l3num, const union nf_inet_addr *inside,
			 union nf_inet_addr *outside)
{
	const struct nfmp_nat_map *map = rcu_dereference(nn->nat_map);
	unsigned int i;

	for (i = 0; map && i < map->n; i++) {
		const struct nfmp_nat_pair *p = &map->pair[i];

		if (p->l3num == l3num && nf_inet_addr_cmp(&p->inside, inside)) {
			*outside = p->outside;
			return true;
		}
	}
	return false;
}
