// SPDX-License-Identifier: GPL-2.0
/*
 * config_nat_map.c - the value of `nfmptcp config nat-map`: the static 1:1 NAT
 * ("IN=OUT[,IN=OUT...]" or "none"), its text and JSON forms and its netlink nest.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config_nat_map.h"

/* One address of a pair, as typed: IPv4 dotted quad or IPv6, nothing around it. */
static int nfm_nat_addr_parse(const char *s, size_t len, uint8_t *a, int *family)
{
	char buf[INET6_ADDRSTRLEN];

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, 16);
	if (inet_pton(AF_INET, buf, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int nfm_nat_map_parse(const char *s, struct nfm_nat_map *map, char *err, size_t errlen)
{
	const char *item = s, *end, *eq;
	struct nfm_nat_map m = { .n = 0 };

	if (!strcmp(s, "none")) {
		*map = m;
		return 0;
	}
	if (!*s) {
		snprintf(err, errlen, "IN=OUT[,IN=OUT...] or none");
		return -1;
	}
	for (;;) {
		struct nfm_nat_pair *p = &m.pair[m.n];
		int fin, fout;

		end = strchr(item, ',');
		if (!end)
			end = item + strlen(item);
		eq = memchr(item, '=', end - item);
		if (m.n == NFMPTCP_NAT_MAP_PAIRS_MAX) {
			snprintf(err, errlen, "at most %d pairs", NFMPTCP_NAT_MAP_PAIRS_MAX);
			return -1;
		}
		if (!eq || memchr(eq + 1, '=', end - eq - 1)) {
			snprintf(err, errlen, "pair %u: IN=OUT, e.g. 10.0.3.1=192.0.2.1", m.n + 1);
			return -1;
		}
		if (nfm_nat_addr_parse(item, eq - item, p->inside, &fin)) {
			snprintf(err, errlen, "pair %u: inside address '%.*s' is not an IPv4 or IPv6 address",
				 m.n + 1, (int)(eq - item), item);
			return -1;
		}
		if (nfm_nat_addr_parse(eq + 1, end - eq - 1, p->outside, &fout)) {
			snprintf(err, errlen, "pair %u: outside address '%.*s' is not an IPv4 or IPv6 address",
				 m.n + 1, (int)(end - eq - 1), eq + 1);
			return -1;
		}
		if (fin != fout) {
			snprintf(err, errlen, "pair %u: IN and OUT must be of the same family", m.n + 1);
			return -1;
		}
		p->family = fin;
		m.n++;
		if (!*end)
			break;
		item = end + 1;
	}
	*map = m;
	return 0;
}

const char *nfm_nat_map_str(const struct nfm_nat_map *map, char *buf, size_t len)
{
	char in[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN];
	size_t n = 0;
	unsigned int i;

	if (!len)
		return buf;
	if (!map->n) {
		snprintf(buf, len, "none");
		return buf;
	}
	buf[0] = '\0';
	for (i = 0; i < map->n && n < len; i++) {
		const struct nfm_nat_pair *p = &map->pair[i];

		inet_ntop(p->family, p->inside, in, sizeof(in));
		inet_ntop(p->family, p->outside, out, sizeof(out));
		n += snprintf(buf + n, len - n, "%s%s=%s", i ? "," : "", in, out);
	}
	return buf;
}

void nfm_nat_map_json(struct nfm_json *j, const char *key, const struct nfm_nat_map *map)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	nfm_json_arr_open(j, key);
	for (i = 0; i < map->n; i++) {
		const struct nfm_nat_pair *p = &map->pair[i];

		nfm_json_obj_open(j, NULL);
		nfm_json_str(j, "inside", inet_ntop(p->family, p->inside, a, sizeof(a)));
		nfm_json_str(j, "outside", inet_ntop(p->family, p->outside, a, sizeof(a)));
		nfm_json_obj_close(j);
	}
	nfm_json_arr_close(j);
}

void nfm_nat_map_put(struct nlmsghdr *nlh, const struct nfm_nat_map *map)
{
	struct nlattr *nest, *pair;
	unsigned int i;

	nest = mnl_attr_nest_start(nlh, NFMPTCP_CFG_A_NAT_MAP);
	for (i = 0; i < map->n; i++) {
		const struct nfm_nat_pair *p = &map->pair[i];
		int v4 = p->family == AF_INET;

		pair = mnl_attr_nest_start(nlh, NFMPTCP_NAT_MAP_A_PAIR);
		mnl_attr_put(nlh, v4 ? NFMPTCP_NAT_PAIR_A_INSIDE4 : NFMPTCP_NAT_PAIR_A_INSIDE6,
			     v4 ? 4 : 16, p->inside);
		mnl_attr_put(nlh, v4 ? NFMPTCP_NAT_PAIR_A_OUTSIDE4 : NFMPTCP_NAT_PAIR_A_OUTSIDE6,
			     v4 ? 4 : 16, p->outside);
		mnl_attr_nest_end(nlh, pair);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* One address attribute of a pair: @want4 / @want6 its two types. */
static int nfm_nat_pair_addr(const struct nlattr *a, uint16_t want4, uint16_t want6,
			     uint8_t *addr, int *family)
{
	uint16_t t = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	if ((t != want4 || len != 4) && (t != want6 || len != 16))
		return -1;
	if (*family && *family != (len == 4 ? AF_INET : AF_INET6))
		return -1;
	*family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addr, mnl_attr_get_payload(a), len);
	return 0;
}

int nfm_nat_map_get(const struct nlattr *nest, struct nfm_nat_map *map)
{
	const struct nlattr *pa, *a;

	memset(map, 0, sizeof(*map));
	mnl_attr_for_each_nested(pa, nest) {
		struct nfm_nat_pair *p = &map->pair[map->n];
		int have_in = 0, have_out = 0;

		if (mnl_attr_get_type(pa) != NFMPTCP_NAT_MAP_A_PAIR ||
		    map->n == NFMPTCP_NAT_MAP_PAIRS_MAX)
			return -1;
		mnl_attr_for_each_nested(a, pa) {
			uint16_t t = mnl_attr_get_type(a);

			if (t == NFMPTCP_NAT_PAIR_A_INSIDE4 || t == NFMPTCP_NAT_PAIR_A_INSIDE6) {
				if (have_in++ || nfm_nat_pair_addr(a, NFMPTCP_NAT_PAIR_A_INSIDE4,
								   NFMPTCP_NAT_PAIR_A_INSIDE6,
								   p->inside, &p->family))
					return -1;
			} else if (t == NFMPTCP_NAT_PAIR_A_OUTSIDE4 ||
				   t == NFMPTCP_NAT_PAIR_A_OUTSIDE6) {
				if (have_out++ || nfm_nat_pair_addr(a, NFMPTCP_NAT_PAIR_A_OUTSIDE4,
								    NFMPTCP_NAT_PAIR_A_OUTSIDE6,
								    p->outside, &p->family))
					return -1;
			}
		}
		if (!have_in || !have_out)
			return -1;
		map->n++;
	}
	return 0;
}
