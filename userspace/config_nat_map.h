/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config_nat_map.h - the value of `nfmptcp config nat-map`: the static 1:1 NAT
 * ("IN=OUT[,IN=OUT...]" or "none"), its text and JSON forms and its netlink nest.
 */
#ifndef _NFM_CONFIG_NAT_MAP_H
#define _NFM_CONFIG_NAT_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "json_out.h"
#include "../kmod/uapi/nfmptcp.h"

struct nfm_nat_pair {
	int	family;		/* AF_INET / AF_INET6 */
	uint8_t	inside[16];	/* network order; IPv4: the first 4 bytes */
	uint8_t	outside[16];
};

struct nfm_nat_map {
	unsigned int		n;
	struct nfm_nat_pair	pair[NFMPTCP_NAT_MAP_PAIRS_MAX];
};

/* Longest text form: every pair IPv6, both addresses at their longest. */
#define NFM_NAT_MAP_STRLEN	(NFMPTCP_NAT_MAP_PAIRS_MAX * (2 * 46 + 2) + 8)

/*
 * "none", or comma-separated IN=OUT pairs of IPv4 or IPv6 addresses (one
 * family per pair), at most NFMPTCP_NAT_MAP_PAIRS_MAX: into @map. Syntax
 * only; what makes a map wrong beyond it (a special address, an address in
 * two pairs) is the kernel's to say. 0, or -1 with the reason in @err.
 */
int nfm_nat_map_parse(const char *s, struct nfm_nat_map *map, char *err, size_t errlen);

/* @map as nfm_nat_map_parse() takes it, into @buf (NFM_NAT_MAP_STRLEN for any map). */
const char *nfm_nat_map_str(const struct nfm_nat_map *map, char *buf, size_t len);

/* @map as member @key of the open JSON object: [{"inside": ..., "outside": ...}, ...]. */
void nfm_nat_map_json(struct nfm_json *j, const char *key, const struct nfm_nat_map *map);

/* @map as the NFMPTCP_CFG_A_NAT_MAP nest of a CONFIG_SET (empty: no map). */
void nfm_nat_map_put(struct nlmsghdr *nlh, const struct nfm_nat_map *map);

/* A CONFIG_GET's NFMPTCP_CFG_A_NAT_MAP nest into @map; -1 if malformed. */
int nfm_nat_map_get(const struct nlattr *nest, struct nfm_nat_map *map);

#endif /* _NFM_CONFIG_NAT_MAP_H */
