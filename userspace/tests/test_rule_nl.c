// SPDX-License-Identifier: GPL-2.0
/*
 * test_rule_nl.c - nfmptcp rule's netlink side without a kernel: NEWRULE
 * messages decode back into the rule they were built from, the mptcp
 * expression carries exactly NFTA_MPTCP_KEY and NFTA_MPTCP_DREG as big-endian
 * u32s, and corrupted messages are refused or read safely (ASan/UBSan).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "nfmp_tap.h"
#include "rule_nl.h"
#include "rule_parse.h"
#include "rule_print.h"
#include "../nft-ext/uapi/nft_mptcp.h"

static char buf[16384] __attribute__((aligned(4)));
static struct nfm_rule R, D;
static char err[256];

static int parse(struct nfm_rule *r, uint8_t family, const char *text)
{
	static char copy[4096];
	char *tok[NFM_RULE_MAX_TOKENS];
	int n;

	snprintf(copy, sizeof(copy), "%s", text);
	n = nfm_rule_tokenize(copy, tok, NFM_RULE_MAX_TOKENS, err, sizeof(err));
	memset(r, 0, sizeof(*r));
	r->family = family;
	strcpy(r->table, "filter");
	strcpy(r->chain, "forward");
	return n < 0 ? -1 : nfm_rule_parse(r, n, tok, err, sizeof(err));
}

static const char * const rules[] = {
	"mptcp subflow join mptcp subflows > 2 counter drop",
	"mptcp client-token 0xdeadbeef counter packets 7 bytes 900",
	"mptcp verdict bad-hmac log prefix \"forged \" drop",
	"mptcp subtypes has add-addr counter",
	"mptcp addr-id 1-3 mptcp conn-id != 4-6 mptcp subtypes dss / dss,add-addr",
	"ct mark set mptcp conn-id",
	"ip saddr 10.16.0.0/12 ip6 daddr fd00::/16 tcp dport 80 tcp flags syn accept",
	"iifname \"eth*\" oifname lo ct state established,related meta mark set 5 jump other",
	"meta mark < 5 ct mark 1-9 reject with tcp reset",
	"meta l4proto udp reject",
	"goto other",
};

static void test_round_trip(void)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct nlmsghdr *nlh;
		char t1[4096], t2[4096];

		NFMP_CHECKF(!parse(&R, NFPROTO_INET, rules[i]), "%s: %s", rules[i], err);
		R.position = 42;
		nlh = nfm_rule_msg_new(buf, sizeof(buf), &R, false, 1);
		NFMP_CHECKF(nlh != NULL, "%s", rules[i]);
		if (!nlh)
			continue;
		NFMP_CHECK(nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE));
		NFMP_CHECK(nlh->nlmsg_flags & NLM_F_APPEND);
		NFMP_CHECKF(!nfm_rule_from_nlmsg(nlh, &D), "%s", rules[i]);
		NFMP_CHECK(D.family == NFPROTO_INET && !strcmp(D.table, "filter") &&
			   !strcmp(D.chain, "forward"));
		NFMP_CHECKF(nfm_rule_same_exprs(&R, &D), "%s", rules[i]);
		nfm_rule_format(&R, t1, sizeof(t1), true);
		nfm_rule_format(&D, t2, sizeof(t2), true);
		NFMP_CHECKF(!strcmp(t1, t2), "%s / %s", t1, t2);
		/* insert: no NLM_F_APPEND */
		nlh = nfm_rule_msg_new(buf, sizeof(buf), &R, true, 1);
		NFMP_CHECK(nlh && !(nlh->nlmsg_flags & NLM_F_APPEND));
	}
	nfmp_tap_group("rule nl: NEWRULE encode -> decode gives the same rule (every form)");
}

/* Walk to the first expression named @name and return its NFTA_EXPR_DATA. */
static const struct nlattr *find_expr(const struct nlmsghdr *nlh, const char *name)
{
	const struct nlattr *a, *list = NULL, *elem, *in;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS)
			list = a;
	if (!list)
		return NULL;
	mnl_attr_for_each_nested(elem, list) {
		const struct nlattr *data = NULL;
		bool match = false;

		mnl_attr_for_each_nested(in, elem) {
			if (mnl_attr_get_type(in) == NFTA_EXPR_NAME &&
			    !strcmp(mnl_attr_get_str(in), name))
				match = true;
			if (mnl_attr_get_type(in) == NFTA_EXPR_DATA)
				data = in;
		}
		if (match)
			return data;
	}
	return NULL;
}

static void test_mptcp_wire(void)
{
	const struct nlattr *data, *a;
	struct nlmsghdr *nlh;
	int seen = 0;

	NFMP_CHECK(!parse(&R, NFPROTO_IPV4, "mptcp verdict bad-hmac drop"));
	nlh = nfm_rule_msg_new(buf, sizeof(buf), &R, false, 1);
	NFMP_CHECK(nlh != NULL);
	data = nlh ? find_expr(nlh, NFT_MPTCP_EXPR_NAME) : NULL;
	NFMP_CHECK(data != NULL);
	if (data) {
		mnl_attr_for_each_nested(a, data) {
			NFMP_CHECK(mnl_attr_get_payload_len(a) == 4);
			if (mnl_attr_get_type(a) == NFTA_MPTCP_KEY) {
				NFMP_CHECK(ntohl(mnl_attr_get_u32(a)) == NFT_MPTCP_VERDICT);
				seen |= 1;
			} else if (mnl_attr_get_type(a) == NFTA_MPTCP_DREG) {
				NFMP_CHECK(ntohl(mnl_attr_get_u32(a)) == NFT_REG_1);
				seen |= 2;
			} else {
				seen |= 4;
			}
		}
	}
	NFMP_CHECK(seen == 3);
	/* the compare's data is the host-order u32 the expression loads */
	data = nlh ? find_expr(nlh, "cmp") : NULL;
	NFMP_CHECK(data != NULL);
	nfmp_tap_group("rule nl: the mptcp expression is exactly NFTA_MPTCP_KEY + NFTA_MPTCP_DREG (be32)");
}

static void test_delete_msg(void)
{
	struct nlmsghdr *nlh;

	memset(&R, 0, sizeof(R));
	R.family = NFPROTO_IPV6;
	strcpy(R.table, "t");
	strcpy(R.chain, "c");
	R.handle = 77;
	nlh = nfm_rule_msg_del(buf, sizeof(buf), &R, 9);
	NFMP_CHECK(nlh && nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELRULE));
	NFMP_CHECK(nlh && !nfm_rule_from_nlmsg(nlh, &D) && D.handle == 77 && D.n == 0 &&
		   D.family == NFPROTO_IPV6);
	/* too small a buffer: NULL, no overflow */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, rules[6]));
	NFMP_CHECK(nfm_rule_msg_new(buf, 100, &R, false, 1) == NULL);
	/* an unknown expression cannot be sent */
	R.e[0].kind = NFM_X_UNKNOWN;
	NFMP_CHECK(nfm_rule_msg_new(buf, sizeof(buf), &R, false, 1) == NULL);
	nfmp_tap_group("rule nl: DELRULE by handle; small buffers and unknown expressions refused");
}

/* Flip, truncate and overwrite bytes of valid messages: decode never crashes. */
static void test_corrupt(void)
{
	static char mut[16384] __attribute__((aligned(4)));
	unsigned int seed = 7, round, ok = 0;
	char text[4096];

	for (round = 0; round < 100000; round++) {
		const char *src = rules[round % (sizeof(rules) / sizeof(rules[0]))];
		struct nlmsghdr *nlh, *m = (struct nlmsghdr *)mut;
		unsigned int len, k, flips;

		parse(&R, NFPROTO_INET, src);
		nlh = nfm_rule_msg_new(buf, sizeof(buf), &R, false, 1);
		if (!nlh)
			continue;
		len = nlh->nlmsg_len;
		memcpy(mut, buf, len);
		flips = 1 + rand_r(&seed) % 4;
		for (k = 0; k < flips; k++) {
			unsigned int pos = sizeof(struct nlmsghdr) + rand_r(&seed) % (len - sizeof(struct nlmsghdr));

			mut[pos] = rand_r(&seed);
		}
		if (rand_r(&seed) % 4 == 0)
			m->nlmsg_len = sizeof(struct nlmsghdr) + rand_r(&seed) % (len - sizeof(struct nlmsghdr) + 1);
		if (!nfm_rule_from_nlmsg(m, &D)) {
			ok++;
			nfm_rule_format(&D, text, sizeof(text), true);
		}
	}
	NFMP_CHECKF(ok > 1000, "%u", ok);
	nfmp_tap_group("rule nl: 100000 corrupted NEWRULE messages decode safely");
}


static uint32_t attr_u32(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type && mnl_attr_get_payload_len(a) == 4)
			return ntohl(mnl_attr_get_u32(a));
	return 0xdeadbeef;
}

/* Anonymous sets: NEWSET/NEWSETELEM as nft sends them, the lookup by name + id, and back. */
static void test_sets_wire(void)
{
	static char sbuf[16384] __attribute__((aligned(4)));
	const struct nlattr *lk, *a, *data = NULL;
	struct nlmsghdr *nlh;
	struct nfm_set rev;
	unsigned int k, i;
	uint32_t flags = 0, id = 0;

	NFMP_CHECKF(!parse(&R, NFPROTO_INET, "tcp dport != { 80, 1000-2000 } meta mark { 1, 2 } counter"), "%s", err);
	NFMP_CHECK(R.nsets == 2);
	R.sets[0].id = 11;
	R.sets[1].id = 12;
	nlh = nfm_set_msg_new(sbuf, sizeof(sbuf), &R, &R.sets[0], 1);
	NFMP_CHECK(nlh && (nlh->nlmsg_type & 0xff) == NFT_MSG_NEWSET);
	NFMP_CHECK(nlh && attr_u32(nlh, NFTA_SET_FLAGS) == (NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_INTERVAL));
	NFMP_CHECK(nlh && attr_u32(nlh, NFTA_SET_KEY_TYPE) == 13 && attr_u32(nlh, NFTA_SET_KEY_LEN) == 2 &&
		   attr_u32(nlh, NFTA_SET_ID) == 11);
	memset(&D, 0, sizeof(D));
	NFMP_CHECK(nlh && !nfm_set_from_nlmsg(nlh, &D.sets[0]) && D.sets[0].key_len == 2 &&
		   D.sets[0].flags == R.sets[0].flags);
	nlh = nfm_set_msg_new(sbuf, sizeof(sbuf), &R, &R.sets[1], 1);
	NFMP_CHECK(nlh && attr_u32(nlh, NFTA_SET_FLAGS) == (NFT_SET_ANONYMOUS | NFT_SET_CONSTANT) &&
		   attr_u32(nlh, NFTA_SET_KEY_TYPE) == 19 && !nfm_set_from_nlmsg(nlh, &D.sets[1]));
	/* the rule: lookup by "__set%d" and the batch's set id, != as NFT_LOOKUP_F_INV */
	nlh = nfm_rule_msg_new(buf, sizeof(buf), &R, false, 2);
	NFMP_CHECK(nlh != NULL);
	lk = nlh ? find_expr(nlh, "lookup") : NULL;
	NFMP_CHECK(lk != NULL);
	if (lk) {
		data = lk;
		mnl_attr_for_each_nested(a, data) {
			if (mnl_attr_get_type(a) == NFTA_LOOKUP_FLAGS)
				flags = ntohl(mnl_attr_get_u32(a));
			if (mnl_attr_get_type(a) == NFTA_LOOKUP_SET_ID)
				id = ntohl(mnl_attr_get_u32(a));
			if (mnl_attr_get_type(a) == NFTA_LOOKUP_SET)
				NFMP_CHECK(!strcmp(mnl_attr_get_str(a), "__set%d"));
		}
		NFMP_CHECKF(flags == NFT_LOOKUP_F_INV && id == 11, "flags %u id %u", flags, id);
	}
	/* decode: the rule names its sets; elements come from GETSETELEM in any order */
	{
		struct nfm_set keep[2] = { D.sets[0], D.sets[1] };

		NFMP_CHECK(nlh && !nfm_rule_from_nlmsg(nlh, &D) && D.nsets == 2 &&
			   !strcmp(D.sets[0].name, "__set%d"));
		for (k = 0; k < 2; k++) {
			snprintf(keep[k].name, sizeof(keep[k].name), "%s", D.sets[k].name);
			D.sets[k] = keep[k];
			rev = R.sets[k];
			for (i = 0; i < rev.n; i++)
				rev.elem[i] = R.sets[k].elem[rev.n - 1 - i];
			nlh = nfm_setelem_msg_new(sbuf, sizeof(sbuf), &R, &rev, 3);
			NFMP_CHECK(nlh && (nlh->nlmsg_type & 0xff) == NFT_MSG_NEWSETELEM &&
				   attr_u32(nlh, NFTA_SET_ELEM_LIST_SET_ID) == R.sets[k].id);
			NFMP_CHECK(nlh && !nfm_setelem_from_nlmsg(nlh, &D.sets[k]) && D.sets[k].n == R.sets[k].n);
		}
	}
	NFMP_CHECK(nfm_rule_same_exprs(&R, &D));
	{
		char text[512];

		NFMP_CHECK(nfm_rule_format(&D, text, sizeof(text), false));
		NFMP_CHECKF(!strcmp(text, "tcp dport != { 80, 1000-2000 } meta mark { 0x00000001, 0x00000002 } counter"),
			    "%s", text);
	}
	/* a set whose elements do not fit its key length is refused */
	D.sets[0].key_len = 2;
	D.sets[0].n = 0;
	NFMP_CHECK(nlh && nfm_setelem_from_nlmsg(nlh, &D.sets[0]) == -1);
	nfmp_tap_group("rule nl: anonymous sets: NEWSET/NEWSETELEM as nft, lookup by id, decode and print back");
}

int main(void)
{
	test_round_trip();
	test_mptcp_wire();
	test_delete_msg();
	test_sets_wire();
	test_corrupt();
	return nfmp_tap_done();
}
