// SPDX-License-Identifier: GPL-2.0
/* cmd_config.c - `nfmptcp config [KEY [VALUE]]`: read or set the per-netns limits and policies. */
#include <stdio.h>
#include <linux/genetlink.h>

#include "config_keys.h"
#include "config_nat_map.h"
#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

struct nfm_cfg {
	bool		have[NFMPTCP_CFG_A_MAX + 1];
	uint32_t	val[NFMPTCP_CFG_A_MAX + 1];
	struct nfm_nat_map nat_map;
};

static void nfm_config_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: nfmptcp config [KEY [VALUE]] [-j]\n\n"
		   "Without KEY, print every setting of this network namespace; with KEY, one;\n"
		   "with VALUE, change it (needs CAP_NET_ADMIN in the network namespace).\n\nKeys:\n");
	for (i = 0; i < nfm_cfg_nkeys; i++)
		fprintf(f, "  %-19s %s\n", nfm_cfg_keys[i].name, nfm_cfg_keys[i].help);
}

static int nfm_config_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_cfg *cfg = data;
	const struct nlattr *a, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFMPTCP_A_CONFIG)
			continue;
		mnl_attr_for_each_nested(c, a) {
			unsigned int t = mnl_attr_get_type(c);

			if (t == NFMPTCP_CFG_A_UNSPEC || t > NFMPTCP_CFG_A_MAX)
				continue;
			if (t == NFMPTCP_CFG_A_NAT_MAP) {
				if (nfm_nat_map_get(c, &cfg->nat_map)) {
					nfm_err("config: malformed nat-map in the kernel's reply");
					return MNL_CB_ERROR;
				}
			} else if (mnl_attr_get_payload_len(c) == 1)
				cfg->val[t] = mnl_attr_get_u8(c);
			else if (mnl_attr_get_payload_len(c) == 4)
				cfg->val[t] = mnl_attr_get_u32(c);
			else
				continue;
			cfg->have[t] = true;
		}
	}
	return MNL_CB_OK;
}

/* nat-map: the text form is what `config nat-map` takes; JSON: member nat_map, a list */
static void nfm_config_print_nat_map(const struct nfm_cfg *cfg, const struct nfm_cfg_key *k,
				     const struct nfm_cfg_key *only, const struct nfm_global *g,
				     struct nfm_json *j)
{
	static char buf[NFM_NAT_MAP_STRLEN];

	if (g->json)
		nfm_nat_map_json(j, "nat_map", &cfg->nat_map);
	else if (only)
		printf("%s\n", nfm_nat_map_str(&cfg->nat_map, buf, sizeof(buf)));
	else
		printf("%-19s %s\n", k->name, nfm_nat_map_str(&cfg->nat_map, buf, sizeof(buf)));
}

static void nfm_config_print(const struct nfm_cfg *cfg, const struct nfm_cfg_key *only,
			     const struct nfm_global *g, struct nfm_json *j)
{
	unsigned int i;

	for (i = 0; i < nfm_cfg_nkeys; i++) {
		const struct nfm_cfg_key *k = &nfm_cfg_keys[i];
		uint32_t v = cfg->val[k->attr];
		char buf[32];

		if ((only && only != k) || !cfg->have[k->attr])
			continue;
		if (k->type == NFM_CFG_NAT_MAP)
			nfm_config_print_nat_map(cfg, k, only, g, j);
		else if (g->json)
			nfm_cfg_json(j, k, v);
		else if (only)
			printf("%s\n", nfm_cfg_value_str(k, v, buf, sizeof(buf)));
		else
			printf("%-19s %s\n", k->name, nfm_cfg_value_str(k, v, buf, sizeof(buf)));
	}
}

int nfm_cmd_config(int argc, char **argv, const struct nfm_global *g)
{
	static struct nfm_nat_map nat_map;
	const struct nfm_cfg_key *key = NULL;
	static struct nfm_cfg cfg;
	struct nlmsghdr *nlh;
	struct nfm_nl nl;
	uint32_t value = 0;
	int err;

	if (argc > 1 && nfm_is_help(argv[1])) {
		nfm_config_usage(stdout);
		return NFM_EXIT_OK;
	}
	if (argc > 3) {
		nfm_err("config: too many arguments");
		nfm_config_usage(stderr);
		return NFM_EXIT_USAGE;
	}
	if (argc >= 2) {
		key = nfm_cfg_key_find(argv[1]);
		if (!key) {
			nfm_err("config: unknown key '%s'", argv[1]);
			nfm_config_usage(stderr);
			return NFM_EXIT_USAGE;
		}
	}
	if (argc == 3 && key->type == NFM_CFG_NAT_MAP) {
		char why[160];

		if (nfm_nat_map_parse(argv[2], &nat_map, why, sizeof(why))) {
			nfm_err("config: invalid value '%s' for %s (%s)", argv[2], key->name, why);
			return NFM_EXIT_USAGE;
		}
	} else if (argc == 3 && nfm_cfg_parse_value(key, argv[2], &value)) {
		char expected[160];

		nfm_err("config: invalid value '%s' for %s (%s)", argv[2], key->name,
			nfm_cfg_expected(key, expected, sizeof(expected)));
		return NFM_EXIT_USAGE;
	}

	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	if (argc == 3) {
		struct nlattr *nest;

		nlh = nfm_nl_request(&nl, NFMPTCP_CMD_CONFIG_SET, NLM_F_ACK);
		nest = mnl_attr_nest_start(nlh, NFMPTCP_A_CONFIG);
		if (key->type == NFM_CFG_NAT_MAP)
			nfm_nat_map_put(nlh, &nat_map);
		else if (nfm_cfg_attr_len(key) == 1)
			mnl_attr_put_u8(nlh, key->attr, value);
		else
			mnl_attr_put_u32(nlh, key->attr, value);
		mnl_attr_nest_end(nlh, nest);
		err = nfm_nl_talk(&nl, nlh, NULL, NULL);
		if (err)
			nfm_nl_perror(&nl, "config", err);
		nfm_nl_close(&nl);
		return err ? NFM_EXIT_ERR : NFM_EXIT_OK;
	}

	nlh = nfm_nl_request(&nl, NFMPTCP_CMD_CONFIG_GET, NLM_F_ACK);
	err = nfm_nl_talk(&nl, nlh, nfm_config_cb, &cfg);
	nfm_nl_close(&nl);
	if (err) {
		nfm_nl_perror(&nl, "config", err);
		return NFM_EXIT_ERR;
	}
	/* a module older than this tool does not report the newer keys */
	if (key && !cfg.have[key->attr]) {
		nfm_err("config: the loaded nf_conntrack_mptcp has no setting '%s' (older module?)",
			key->name);
		return NFM_EXIT_ERR;
	}
	if (g->json) {
		struct nfm_json j;

		nfm_json_init(&j, stdout, g->pretty);
		nfm_json_obj_open(&j, NULL);
		nfm_config_print(&cfg, key, g, &j);
		nfm_json_obj_close(&j);
		return nfm_json_finish(&j) ? NFM_EXIT_ERR : NFM_EXIT_OK;
	}
	nfm_config_print(&cfg, key, g, NULL);
	return NFM_EXIT_OK;
}
