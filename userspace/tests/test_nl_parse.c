// SPDX-License-Identifier: GPL-2.0
/*
 * test_nl_parse.c - unit tests for what nfmptcp reads from the kernel: the
 * generic netlink family reply (nl_client.c) and the connection, subflow and
 * address nests (conn_fmt.c) and the event lines of monitor (event_fmt.c),
 * fed well-formed, wrong-sized, truncated and random attributes. Built with
 * ASan/UBSan: a read past an attribute fails.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include "nfmp_tap.h"
#include "conn_fmt.h"
#include "event_fmt.h"
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

/* ---- events (event_fmt.c) ------------------------------------------------ */

/* The event in msgbuf, exact-size copy, rendered as text (@json false) or JSON; caller frees. */
static char *event_line(const struct nlmsghdr *nlh, bool json, int *rc)
{
	struct nlmsghdr *c = msg_copy(nlh);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*rc = nfm_fmt_event(f, c, json);
	fclose(f);
	free(c);
	return out;
}

static void put_conn(struct nlmsghdr *nlh, uint32_t id, bool token_server)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, NFMPTCP_A_CONN);

	mnl_attr_put_u32(nlh, NFMPTCP_CONN_A_ID, id);
	mnl_attr_put_u8(nlh, NFMPTCP_CONN_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFMPTCP_CONN_A_VERSION, 1);
	mnl_attr_put_u8(nlh, NFMPTCP_CONN_A_STATE, NFMPTCP_STATE_ESTABLISHED);
	mnl_attr_put_u32(nlh, NFMPTCP_CONN_A_TOKEN_CLIENT, 0x0a0b0c0d);
	if (token_server)
		mnl_attr_put_u32(nlh, NFMPTCP_CONN_A_TOKEN_SERVER, 0x5f9e1010);
	mnl_attr_put_u8(nlh, NFMPTCP_CONN_A_NSUBFLOWS, 1);
	mnl_attr_nest_end(nlh, n);
}

/* A join SYN's subflow, 10.0.1.1:4321 -> 10.0.3.1:80, asking for @token */
static void put_join(struct nlmsghdr *nlh, uint32_t token, uint8_t verdict)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, NFMPTCP_A_SUBFLOW);

	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, NFMPTCP_SF_A_SADDR4, inet_addr("10.0.1.1"));
	mnl_attr_put_u32(nlh, NFMPTCP_SF_A_DADDR4, inet_addr("10.0.3.1"));
	mnl_attr_put_u16(nlh, NFMPTCP_SF_A_SPORT, htons(4321));
	mnl_attr_put_u16(nlh, NFMPTCP_SF_A_DPORT, htons(80));
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_OPENER, NFMPTCP_END_CLIENT);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_VERDICT, verdict);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_FLAGS, NFMPTCP_SF_F_JOIN);
	mnl_attr_put_u8(nlh, NFMPTCP_SF_A_ADDR_ID_ORIG, 2);
	mnl_attr_put_u32(nlh, NFMPTCP_SF_A_TOKEN, token);
	mnl_attr_nest_end(nlh, n);
}

static void put_policy(struct nlmsghdr *nlh, int policy, int action)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, NFMPTCP_A_POLICY);

	if (policy >= 0)
		mnl_attr_put_u8(nlh, NFMPTCP_POLICY_A_POLICY, policy);
	if (action >= 0)
		mnl_attr_put_u8(nlh, NFMPTCP_POLICY_A_ACTION, action);
	mnl_attr_nest_end(nlh, n);
}

#define EXPECT_LINE(nlh, json, want) do {						\
	int rc_;									\
	char *got_ = event_line(nlh, json, &rc_);					\
											\
	NFMP_CHECKF(rc_ == 0 && got_ && !strcmp(got_, want), "got '%s'",		\
		    got_ ? got_ : "(null)");						\
	free(got_);									\
} while (0)

static void test_event_policy(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	/* a join with a bad HMAC, rejected: policy and action first, then conn and subflow */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_JOIN_BAD_HMAC, NFMPTCP_ACTION_REJECT);
	put_conn(nlh, 7, true);
	put_join(nlh, 0x5f9e1010, NFMPTCP_VERDICT_BAD_HMAC);
	EXPECT_LINE(nlh, false, "[policy] join-bad-hmac reject id 7 v1 established tokens "
		    "0a0b0c0d/5f9e1010 sf 1 subflow 10.0.1.1:4321 -> 10.0.3.1:80 join opener "
		    "client ids 2/0 token 5f9e1010 verdict bad-hmac\n");
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":\"join-bad-hmac\","
		    "\"action\":\"reject\",\"conn\":{\"id\":7,\"family\":\"ipv4\",\"version\":1,"
		    "\"state\":\"established\",\"end_reason\":\"none\","
		    "\"token_client\":\"0a0b0c0d\",\"token_server\":\"5f9e1010\",\"csum\":false,"
		    "\"dss_seen\":false,\"fin_client\":false,\"fin_server\":false,\"nsubflows\":1,"
		    "\"age_ms\":0},\"subflow\":{\"family\":\"ipv4\",\"saddr\":\"10.0.1.1\","
		    "\"sport\":4321,\"daddr\":\"10.0.3.1\",\"dport\":80,\"opener\":\"client\","
		    "\"join\":true,\"addr_id_orig\":2,\"addr_id_reply\":0,\"token\":\"5f9e1010\","
		    "\"backup_orig\":false,\"backup_reply\":false,\"verdict\":\"bad-hmac\","
		    "\"established\":false,\"closed\":false}}\n");

	/* an unknown token has no connection: the subflow alone, with the token it asked for */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_join(nlh, 0xdeadbeef, NFMPTCP_VERDICT_UNKNOWN_TOKEN);
	put_policy(nlh, NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN, NFMPTCP_ACTION_DROP);
	EXPECT_LINE(nlh, false, "[policy] join-unknown-token drop subflow 10.0.1.1:4321 -> "
		    "10.0.3.1:80 join opener client ids 2/0 token deadbeef verdict "
		    "unknown-token\n");

	/* over join-rate: join-over-limit's action */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_JOIN_RATE, NFMPTCP_ACTION_DROP);
	put_conn(nlh, 9, false);
	EXPECT_LINE(nlh, false, "[policy] join-rate drop id 9 v1 established tokens 0a0b0c0d/- "
		    "sf 1\n");

	/* add-addr policies carry the address; actions are what was done, whatever the key says */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_ADD_ADDR, NFMPTCP_ACTION_STRIP_PRIVATE);
	put_conn(nlh, 3, true);
	n = mnl_attr_nest_start(nlh, NFMPTCP_A_ADDR);
	mnl_attr_put_u8(nlh, NFMPTCP_ADDR_A_ID, 5);
	mnl_attr_put_u8(nlh, NFMPTCP_ADDR_A_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, NFMPTCP_ADDR_A_ADDR4, inet_addr("192.168.7.9"));
	mnl_attr_put_u8(nlh, NFMPTCP_ADDR_A_SENDER, NFMPTCP_END_SERVER);
	mnl_attr_nest_end(nlh, n);
	EXPECT_LINE(nlh, false, "[policy] add-addr strip-private id 3 v1 established tokens "
		    "0a0b0c0d/5f9e1010 sf 1 addr id 5 192.168.7.9 from server\n");
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC, NFMPTCP_ACTION_STRIP);
	EXPECT_LINE(nlh, false, "[policy] add-addr-bad-hmac strip\n");
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":\"add-addr-bad-hmac\","
		    "\"action\":\"strip\"}\n");
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_MP_CAPABLE, NFMPTCP_ACTION_STRIP);
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":\"mp-capable\","
		    "\"action\":\"strip\"}\n");
	nfmp_tap_group("event_fmt: policy events: policy and action, then conn, subflow, addr");
}

static void test_event_policy_broken(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;
	uint32_t big = NFMPTCP_POLICY_JOIN_BAD_HMAC;

	/* no policy nest at all */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	EXPECT_LINE(nlh, false, "[policy] ? ?\n");
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":null,\"action\":null}\n");

	/* a nest without the action; one without the policy */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_JOIN_NOT_OWNED, -1);
	EXPECT_LINE(nlh, false, "[policy] join-not-owned ?\n");
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":\"join-not-owned\","
		    "\"action\":null}\n");
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, -1, NFMPTCP_ACTION_STRIP);
	EXPECT_LINE(nlh, false, "[policy] ? strip\n");

	/* values of a newer kernel */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, 200, 99);
	EXPECT_LINE(nlh, false, "[policy] policy-200 action-99\n");
	EXPECT_LINE(nlh, true, "{\"event\":\"policy\",\"policy\":\"policy-200\","
		    "\"action\":\"action-99\"}\n");
	/* a known policy with an action outside its config key's set: named all the same */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_MP_CAPABLE, NFMPTCP_ACTION_REJECT);
	EXPECT_LINE(nlh, false, "[policy] mp-capable reject\n");
	/* accept is "accept" in events, though the key calls it "pass" */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_policy(nlh, NFMPTCP_POLICY_ADD_ADDR, NFMPTCP_ACTION_ACCEPT);
	EXPECT_LINE(nlh, false, "[policy] add-addr accept\n");

	/* a u32 where a u8 belongs, unknown attributes inside and outside: ignored */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	n = mnl_attr_nest_start(nlh, NFMPTCP_A_POLICY);
	put_raw(nlh, NFMPTCP_POLICY_A_POLICY, &big, sizeof(big));
	mnl_attr_put_u8(nlh, NFMPTCP_POLICY_A_ACTION, NFMPTCP_ACTION_DROP);
	mnl_attr_put_u32(nlh, NFMPTCP_POLICY_A_MAX + 1, 1);
	mnl_attr_put_u32(nlh, 1000, 1);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u32(nlh, NFMPTCP_A_POLICY + 1, 1);
	mnl_attr_put_u32(nlh, 999, 1);
	EXPECT_LINE(nlh, false, "[policy] ? drop\n");

	/* a policy "nest" of two bytes: its attributes are not read */
	nlh = msg_start(0x20, NFMPTCP_EVENT_POLICY);
	put_raw(nlh, NFMPTCP_A_POLICY, &big, 2);
	EXPECT_LINE(nlh, false, "[policy] ? ?\n");

	/* other events are unchanged: no policy part, unless they carry the nest */
	nlh = msg_start(0x20, NFMPTCP_EVENT_SF_ADDED);
	put_conn(nlh, 4, true);
	EXPECT_LINE(nlh, false, "[sf-added] id 4 v1 established tokens 0a0b0c0d/5f9e1010 sf 1\n");
	nlh = msg_start(0x20, NFMPTCP_EVENT_FALLBACK);
	EXPECT_LINE(nlh, true, "{\"event\":\"fallback\"}\n");
	nlh = msg_start(0x20, 200);
	put_policy(nlh, NFMPTCP_POLICY_JOIN_BAD_HMAC, NFMPTCP_ACTION_DROP);
	EXPECT_LINE(nlh, false, "[event-200] join-bad-hmac drop\n");
	nfmp_tap_group("event_fmt: policy events without their attributes, or with unknown ones");
}

/* Random policy events, cut at random points: the JSON stays valid, ASan sees no overread. */
static void test_event_random(void)
{
	unsigned int seed = 4242, i, k, bad = 0;
	struct nlmsghdr *nlh;

	for (i = 0; i < 3000; i++) {
		unsigned int nattrs = rand_r(&seed) % 6;
		uint8_t junk[24];
		unsigned int b;

		nlh = msg_start(0x20, rand_r(&seed) % 4 ? NFMPTCP_EVENT_POLICY :
				      rand_r(&seed) % 32);
		for (k = 0; k < nattrs; k++) {
			unsigned int type = 1 + rand_r(&seed) % (NFMPTCP_A_MAX + 1);
			struct nlattr *n = mnl_attr_nest_start(nlh, type);
			unsigned int m = rand_r(&seed) % 6;

			while (m--) {
				for (b = 0; b < sizeof(junk); b++)
					junk[b] = rand_r(&seed);
				put_raw(nlh, rand_r(&seed) % 16, junk, rand_r(&seed) % 3 ?
					(unsigned int[]){ 1, 2, 4, 16 }[rand_r(&seed) % 4] :
					rand_r(&seed) % sizeof(junk));
			}
			mnl_attr_nest_end(nlh, n);
		}
		/*
		 * Cut the message, its last attribute then running past its end.
		 * To a multiple of 4, as the kernel's messages always are: libmnl
		 * walks the attributes up to the aligned length.
		 */
		if (rand_r(&seed) % 2 && nlh->nlmsg_len > MNL_NLMSG_HDRLEN + 4) {
			nlh->nlmsg_len -= rand_r(&seed) % (nlh->nlmsg_len - MNL_NLMSG_HDRLEN - 4);
			nlh->nlmsg_len &= ~3u;
		}
		for (k = 0; k < 2; k++) {
			int rc;
			char *out = event_line(nlh, k, &rc);

			bad += rc != 0 || !out || !*out || out[strlen(out) - 1] != '\n';
			free(out);
		}
	}
	NFMP_CHECKF(bad == 0, "%u bad renderings", bad);
	nfmp_tap_group("event_fmt: 3000 random and truncated events render as one line each");
}

int main(void)
{
	test_family_reply();
	test_conn_wrong_sizes();
	test_conn_random();
	test_event_policy();
	test_event_policy_broken();
	test_event_random();
	return nfmp_tap_done();
}
