// SPDX-License-Identifier: GPL-2.0
/* cmd_config.c - `nfmptcp config [KEY [VALUE]]`: read or change the gateway's per-netns limits. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

struct nfm_cfg_key {
	const char	*name;
	unsigned int	attr;		/* NFMPTCP_CFG_A_* */
	bool		is_bool;	/* u8 0/1, printed on/off */
	const char	*help;
};

static const struct nfm_cfg_key nfm_cfg_keys[] = {
	{ "max-conns", NFMPTCP_CFG_A_MAX_CONNS, false,
	  "connections tracked at most (1..4194304); more are left to plain conntrack" },
	{ "max-subflows", NFMPTCP_CFG_A_MAX_SUBFLOWS, false,
	  "subflows tracked per connection (1..64)" },
	{ "join-related", NFMPTCP_CFG_A_JOIN_RELATED, true,
	  "joins to known connections are RELATED in conntrack (on/off)" },
};
#define NFM_NCFG	(sizeof(nfm_cfg_keys) / sizeof(nfm_cfg_keys[0]))

struct nfm_cfg {
	bool		have[NFMPTCP_CFG_A_MAX + 1];
	uint32_t	val[NFMPTCP_CFG_A_MAX + 1];
};

static void nfm_config_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: nfmptcp config [KEY [VALUE]] [-j]\n\n"
		   "Without KEY, print every setting of this network namespace; with KEY, one;\n"
		   "with VALUE, change it (needs CAP_NET_ADMIN in the network namespace).\n\nKeys:\n");
	for (i = 0; i < NFM_NCFG; i++)
		fprintf(f, "  %-14s %s\n", nfm_cfg_keys[i].name, nfm_cfg_keys[i].help);
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
			if (mnl_attr_get_payload_len(c) == 1)
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

/*
 * Only the syntax is checked here: ranges are the kernel's to enforce, and its
 * extack message says which bound was violated.
 */
static int nfm_config_parse_value(const struct nfm_cfg_key *k, const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (k->is_bool) {
		if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
			*v = 1;
			return 0;
		}
		if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
			*v = 0;
			return 0;
		}
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	/* decimal only: "010" is ten, not an octal eight */
	n = strtoull(s, &end, 10);
	if (errno || *end || n > (k->is_bool ? 255 : UINT32_MAX))
		return -1;
	*v = n;
	return 0;
}

static void nfm_config_print(const struct nfm_cfg *cfg, const struct nfm_cfg_key *only,
			     const struct nfm_global *g, struct nfm_json *j)
{
	unsigned int i;

	for (i = 0; i < NFM_NCFG; i++) {
		const struct nfm_cfg_key *k = &nfm_cfg_keys[i];
		uint32_t v = cfg->val[k->attr];

		if ((only && only != k) || !cfg->have[k->attr])
			continue;
		if (g->json) {
			char key[32];
			char *p;

			snprintf(key, sizeof(key), "%s", k->name);
			for (p = key; *p; p++)
				if (*p == '-')
					*p = '_';
			if (k->is_bool)
				nfm_json_bool(j, key, v);
			else
				nfm_json_u64(j, key, v);
		} else if (only && k->is_bool) {
			printf("%s\n", v ? "on" : "off");
		} else if (only) {
			printf("%" PRIu32 "\n", v);
		} else if (k->is_bool) {
			printf("%-14s %s\n", k->name, v ? "on" : "off");
		} else {
			printf("%-14s %" PRIu32 "\n", k->name, v);
		}
	}
}

int nfm_cmd_config(int argc, char **argv, const struct nfm_global *g)
{
	const struct nfm_cfg_key *key = NULL;
	struct nfm_cfg cfg = { 0 };
	struct nlmsghdr *nlh;
	struct nfm_nl nl;
	uint32_t value = 0;
	unsigned int i;
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
		for (i = 0; i < NFM_NCFG; i++)
			if (!strcmp(argv[1], nfm_cfg_keys[i].name))
				key = &nfm_cfg_keys[i];
		if (!key) {
			nfm_err("config: unknown key '%s'", argv[1]);
			nfm_config_usage(stderr);
			return NFM_EXIT_USAGE;
		}
	}
	if (argc == 3 && nfm_config_parse_value(key, argv[2], &value)) {
		nfm_err("config: invalid value '%s' for %s (%s)", argv[2], key->name, key->help);
		return NFM_EXIT_USAGE;
	}

	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	if (argc == 3) {
		struct nlattr *nest;

		nlh = nfm_nl_request(&nl, NFMPTCP_CMD_CONFIG_SET, NLM_F_ACK);
		nest = mnl_attr_nest_start(nlh, NFMPTCP_A_CONFIG);
		if (key->is_bool)
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
