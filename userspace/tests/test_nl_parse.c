// SPDX-License-Identifier: GPL-2.0
/*
 * test_nl_parse.c - unit tests for what nfmptcp reads from the kernel: the
 * generic netlink family reply (nl_client.c) and the connection, subflow and
 * address nests (conn_fmt.c), fed well-formed, wrong-sized, truncated and
 * random attributes. Built with ASan/UBSan: a read past an attribute fails.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "nfmp_tap.h"
#include "conn_fmt.h"
#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

/* nfmptcp.c's, which holds main() */
void nfm_err(const char *fmt, ...)
{
	(void)fmt;
}

bool nfm_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static char msgbuf[8192];

static struct nlmsghdr *msg_start(uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	return nlh;
}

/* Exact-size heap copy of @nlh: ASan sees any read past nlmsg_len. */
static struct nlmsghdr *msg_copy(const struct nlmsghdr *nlh)
{
	struct nlmsghdr *c = malloc(nlh->nlmsg_len);

	memcpy(c, nlh, nlh->nlmsg_len);
	return c;
}

/* An attribute whose payload is @len bytes of @p, whatever its type wants. */
static void put_raw(struct nlmsghdr *nlh, uint16_t type, const void *p, size_t len)
{
	mnl_attr_put(nlh, type, len, p);
}

static void test_family_reply(void)
{
	struct nfm_nl_family_res res;
	struct nlattr *grps, *grp;
	struct nlmsghdr *nlh, *c;
	uint8_t one = 7;
	uint16_t id16 = 2;
	char name[6] = { 'e', 'v', 'e', 'n', 't', 's' };	/* no NUL */

	/* well formed */
	nlh = msg_start(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 42);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, NFMPTCP_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	c = msg_copy(nlh);
	memset(&res, 0, sizeof(res));
	NFMP_CHECK(nfm_nl_family_cb(c, &res) == MNL_CB_OK);
	NFMP_CHECK(res.id == 0x1234 && res.mcgrp == 42);
	free(c);

	/* a 1-byte family id, a name without its NUL, a 2-byte group id: all ignored */
	nlh = msg_start(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	put_raw(nlh, CTRL_ATTR_FAMILY_ID, &one, 1);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 42);
	put_raw(nlh, CTRL_ATTR_MCAST_GRP_NAME, name, sizeof(name));
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	put_raw(nlh, CTRL_ATTR_MCAST_GRP_ID, &id16, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, NFMPTCP_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	/* MCAST_GROUPS that is not a nest at all */
	put_raw(nlh, CTRL_ATTR_MCAST_GROUPS, &one, 1);
	c = msg_copy(nlh);
	memset(&res, 0, sizeof(res));
	NFMP_CHECK(nfm_nl_family_cb(c, &res) == MNL_CB_OK);
	NFMP_CHECKF(res.id == 0 && res.mcgrp == 0, "id %u grp %u", res.id, res.mcgrp);
	free(c);
	nfmp_tap_group("nl_client: family reply with wrong-sized or unterminated attributes");
}

/* Render @conn (an NFMPTCP_A_CONN attribute) every way nfmptcp can; returns the JSON. */
static char *render(const struct nlattr *conn, bool *json_ok)
{
	struct nfm_json j;
	char *text = NULL, *js = NULL;
	size_t tl = 0, jl = 0;
	FILE *f = open_memstream(&text, &tl), *jf = open_memstream(&js, &jl);

	nfm_fmt_conn_header(f);
	nfm_fmt_conn_row(f, conn);
	nfm_fmt_conn_details(f, conn, "  ");
	nfm_fmt_conn_brief(f, conn);
	nfm_fmt_subflow(f, conn);	/* the wrong nest type: must not matter */
	nfm_fmt_addr(f, conn);
	fclose(f);
	free(text);

	nfm_json_init(&j, jf, false);
	nfm_json_arr_open(&j, NULL);
	nfm_json_conn(&j, NULL, conn, true);
	nfm_json_conn(&j, NULL, conn, false);
	nfm_json_subflow(&j, NULL, conn);
	nfm_json_addr(&j, NULL, conn);
	nfm_json_arr_close(&j);
	*json_ok = nfm_json_finish(&j) == 0;
	fclose(jf);
	return js;
}

static const struct nlattr *first_attr(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
}

static void test_conn_wrong_sizes(void)
{
	struct nlmsghdr *nlh, *c;
	struct nlattr *conn, *sf;
	uint8_t two[2] = { 0xab, 0xcd }, five[5] = { 1, 2, 3, 4, 5 };
	bool ok;
	char *js;

	nlh = msg_start(0x20, NFMPTCP_CMD_CONN_GET);
	conn = mnl_attr_nest_start(nlh, NFMPTCP_A_CONN);
	mnl_attr_put_u32(nlh, NFMPTCP_CONN_A_ID, 7);
	put_raw(nlh, NFMPTCP_CONN_A_TOKEN_CLIENT, two, 2);	/* u32 of 2 bytes */
	mnl_attr_put_u32(nlh, NFMPTCP_CONN_A_TOKEN_SERVER, 0x5f9e1010);
	put_raw(nlh, NFMPTCP_CONN_A_KEY_CLIENT, five, 5);	/* u64 of 5 bytes */
	put_raw(nlh, NFMPTCP_CONN_A_STATE, five, 5);		/* u8 of 5 bytes */
	mnl_attr_put_u8(nlh, NFMPTCP_CONN_A_END_REASON, 250);	/* unknown value */
	put_raw(nlh, NFMPTCP_CONN_A_AGE_MS, two, 2);
	sf = mnl_attr_nest_start(nlh, NFMPTCP_CONN_A_SUBFLOWS);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_FAMILY, AF_INET6);
	put_raw(nlh, NFMPTCP_SF_A_SADDR6, five, 5);		/* neither 4 nor 16 */
	put_raw(nlh, NFMPTCP_SF_A_DADDR6, five, 4);		/* v4-sized under v6 */
	put_raw(nlh, NFMPTCP_SF_A_SPORT, five, 1);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_VERDICT, 255);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_FLAGS, 0xff);
	put_raw(nlh, NFMPTCP_SF_A_TOKEN, two, 2);
	mnl_attr_nest_end(nlh, sf);
	sf = mnl_attr_nest_start(nlh, NFMPTCP_CONN_A_ADDRS);
	put_raw(nlh, NFMPTCP_ADDR_A_ADDR4, two, 2);
	put_raw(nlh, NFMPTCP_ADDR_A_PORT, five, 5);
	mnl_attr_nest_end(nlh, sf);
	/* a subflow "nest" holding half an attribute header */
	put_raw(nlh, NFMPTCP_CONN_A_SUBFLOWS, two, 2);
	mnl_attr_nest_end(nlh, conn);

	c = msg_copy(nlh);
	js = render(first_attr(c), &ok);
	NFMP_CHECK(ok);
	NFMP_CHECKF(js && strstr(js, "\"token_client\":null"), "%s", js ? js : "(null)");
	NFMP_CHECKF(js && strstr(js, "\"token_server\":\"5f9e1010\""), "%s", js ? js : "(null)");
	NFMP_CHECKF(js && !strstr(js, "key_client"), "%s", js ? js : "(null)");
	NFMP_CHECKF(js && strstr(js, "\"saddr\":\"?\""), "%s", js ? js : "(null)");
	NFMP_CHECKF(js && strstr(js, "\"age_ms\":0"), "%s", js ? js : "(null)");
	NFMP_CHECKF(js && !strstr(js, "\"port\""), "%s", js ? js : "(null)");
	free(js);
	free(c);
	nfmp_tap_group("conn_fmt: wrong-sized attributes count as absent, JSON stays valid");
}

/* Random nests, cut at every length: nothing may be read past an attribute. */
static void test_conn_random(void)
{
	unsigned int seed = 12345, i, k, cut, bad = 0;
	struct nlmsghdr *nlh;
	struct nlattr *conn;

	for (i = 0; i < 3000; i++) {
		uint8_t junk[64];
		unsigned int nattrs;

		nlh = msg_start(0x20, NFMPTCP_CMD_CONN_GET);
		conn = mnl_attr_nest_start(nlh, NFMPTCP_A_CONN);
		nattrs = rand_r(&seed) % 24;
		for (k = 0; k < nattrs; k++) {
			unsigned int type = rand_r(&seed) % (NFMPTCP_CONN_A_MAX + 3), len, b;

			len = rand_r(&seed) % 3 ? (unsigned int[]){ 1, 2, 4, 8, 16 }[rand_r(&seed) % 5] :
						  rand_r(&seed) % sizeof(junk);
			for (b = 0; b < sizeof(junk); b++)
				junk[b] = rand_r(&seed);
			if (type == NFMPTCP_CONN_A_SUBFLOWS || type == NFMPTCP_CONN_A_ADDRS) {
				struct nlattr *n = mnl_attr_nest_start(nlh, type);
				unsigned int m = rand_r(&seed) % 8;

				while (m--)
					put_raw(nlh, rand_r(&seed) % 20, junk,
						rand_r(&seed) % 17);
				mnl_attr_nest_end(nlh, n);
			} else {
				put_raw(nlh, type, junk, len);
			}
		}
		mnl_attr_nest_end(nlh, conn);
		/* the same nest, its length cut short to a random point */
		for (cut = 0; cut < 2; cut++) {
			struct nlmsghdr *c;
			bool ok;
			char *js;

			if (cut) {
				uint16_t l = conn->nla_len;

				if (l <= 4)
					break;
				conn->nla_len = 4 + rand_r(&seed) % (l - 4);
				nlh->nlmsg_len = (char *)conn - (char *)nlh + conn->nla_len;
			}
			c = msg_copy(nlh);
			js = render(first_attr(c), &ok);
			bad += !ok;
			free(js);
			free(c);
		}
	}
	NFMP_CHECKF(bad == 0, "%u renderings with invalid JSON", bad);
	nfmp_tap_group("conn_fmt: 3000 random and truncated connection nests");
}

int main(void)
{
	test_family_reply();
	test_conn_wrong_sizes();
	test_conn_random();
	return nfmp_tap_done();
}
