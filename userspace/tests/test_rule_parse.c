// SPDX-License-Identifier: GPL-2.0
/*
 * test_rule_parse.c - nfmptcp rule's parser and printer: every mptcp key,
 * operator and value form encodes as nft_mptcp.h says; errors name their
 * token; printed text parses back into the same expressions; random input
 * never crashes (run under ASan/UBSan).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nfmp_tap.h"
#include "rule_parse.h"
#include "rule_print.h"
#include "rule_fields.h"
#include "../nft-ext/uapi/nft_mptcp.h"

static struct nfm_rule R, R2;
static char err[256];

static int parse(struct nfm_rule *r, uint8_t family, const char *text)
{
	static char buf[4096];
	char *tok[NFM_RULE_MAX_TOKENS];
	int n;

	snprintf(buf, sizeof(buf), "%s", text);
	n = nfm_rule_tokenize(buf, tok, NFM_RULE_MAX_TOKENS, err, sizeof(err));
	if (n < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	r->family = family;
	return nfm_rule_parse(r, n, tok, err, sizeof(err));
}

static uint32_t data32(const struct nfm_expr *e)
{
	uint32_t v;

	memcpy(&v, e->data, 4);
	return v;
}

/* "mptcp KEY ..." is an mptcp load of @key into reg 1 first */
static bool is_mptcp_load(const struct nfm_expr *e, uint32_t key)
{
	return e->kind == NFM_X_MPTCP && e->key == key && e->dreg == NFT_REG_1 && !e->set;
}

static void test_mptcp_keys(void)
{
	static const struct { const char *name; uint32_t key; } keys[] = {
		{ "client-token", NFT_MPTCP_CLIENT_TOKEN }, { "server-token", NFT_MPTCP_SERVER_TOKEN },
		{ "subflows", NFT_MPTCP_SUBFLOWS }, { "version", NFT_MPTCP_VERSION },
		{ "verdict", NFT_MPTCP_VERDICT }, { "subflow", NFT_MPTCP_SUBFLOW },
		{ "backup", NFT_MPTCP_BACKUP }, { "addr-id", NFT_MPTCP_ADDR_ID },
		{ "conn-id", NFT_MPTCP_CONN_ID },
	};
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), "mptcp %s 1", keys[i].name);
		NFMP_CHECKF(!parse(&R, NFPROTO_INET, text), "%s: %s", text, err);
		NFMP_CHECKF(R.n == 2 && is_mptcp_load(&R.e[0], keys[i].key), "%s", text);
		/* host order, as the header says: the cmp data is the u32 in memory order */
		NFMP_CHECKF(R.e[1].kind == NFM_X_CMP && R.e[1].op == NFT_CMP_EQ && R.e[1].dlen == 4 &&
			    data32(&R.e[1]) == 1, "%s", text);
	}
	NFMP_CHECK(!parse(&R, NFPROTO_IPV4, "mptcp subtypes has add-addr"));
	NFMP_CHECK(R.n == 3 && is_mptcp_load(&R.e[0], NFT_MPTCP_SUBTYPES));
	nfmp_tap_group("rule parse: every mptcp key loads its NFT_MPTCP_* into reg 1");
}

static void test_mptcp_values(void)
{
	/* names */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict bad-hmac"));
	NFMP_CHECK(data32(&R.e[1]) == 3);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict unknown-token"));
	NFMP_CHECK(data32(&R.e[1]) == 2);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict invalid") && data32(&R.e[1]) == 5);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict pending") && data32(&R.e[1]) == 0);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict valid") && data32(&R.e[1]) == 1);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict fallback") && data32(&R.e[1]) == 4);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subflow join") &&
		   data32(&R.e[1]) == NFT_MPTCP_SUBFLOW_JOIN);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subflow initial") &&
		   data32(&R.e[1]) == NFT_MPTCP_SUBFLOW_INITIAL);
	/* tokens are hex, with or without 0x, as ss -Mni / nfmptcp show print them */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp client-token deadbeef") &&
		   data32(&R.e[1]) == 0xdeadbeef);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp server-token 0x0000abcd") &&
		   data32(&R.e[1]) == 0xabcd);
	/* numbers: decimal and hex */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp conn-id 0x10") && data32(&R.e[1]) == 16);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp addr-id 255") && data32(&R.e[1]) == 255);
	/* operators: == and != are plain compares in host order */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp backup != 1") && R.n == 2 &&
		   R.e[1].op == NFT_CMP_NEQ && data32(&R.e[1]) == 1);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp version ne 1") && R.e[1].op == NFT_CMP_NEQ);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp version eq 1") && R.e[1].op == NFT_CMP_EQ);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp version == 1") && R.e[1].op == NFT_CMP_EQ);
	/* ordered compares: byteorder to big endian first, as nft does for meta mark */
	{
		static const struct { const char *op; uint32_t cmp; } ops[] = {
			{ "<", NFT_CMP_LT }, { "lt", NFT_CMP_LT }, { ">", NFT_CMP_GT }, { "gt", NFT_CMP_GT },
			{ "<=", NFT_CMP_LTE }, { "le", NFT_CMP_LTE }, { ">=", NFT_CMP_GTE },
			{ "ge", NFT_CMP_GTE },
		};
		char text[64];
		size_t i;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			snprintf(text, sizeof(text), "mptcp subflows %s 2", ops[i].op);
			NFMP_CHECKF(!parse(&R, NFPROTO_INET, text) && R.n == 3, "%s", text);
			NFMP_CHECKF(R.e[1].kind == NFM_X_BYTEORDER && R.e[1].op == NFT_BYTEORDER_HTON &&
				    R.e[1].len == 4 && R.e[1].size == 4, "%s", text);
			NFMP_CHECKF(R.e[2].kind == NFM_X_CMP && R.e[2].op == ops[i].cmp &&
				    data32(&R.e[2]) == htonl(2), "%s", text);
		}
	}
	/* range: >= and <= after the swap; != range is a range expression */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp addr-id 1-3") && R.n == 4 &&
		   R.e[1].kind == NFM_X_BYTEORDER && R.e[2].op == NFT_CMP_GTE &&
		   data32(&R.e[2]) == htonl(1) && R.e[3].op == NFT_CMP_LTE && data32(&R.e[3]) == htonl(3));
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subflows != 2-4") && R.n == 3 &&
		   R.e[2].kind == NFM_X_RANGE && R.e[2].op == NFT_RANGE_NEQ);
	/* names with '-' in a range */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict valid-bad-hmac") && R.n == 4 &&
		   data32(&R.e[2]) == htonl(1) && data32(&R.e[3]) == htonl(3));
	nfmp_tap_group("rule parse: mptcp values (names, hex tokens, numbers), every operator, ranges");
}

static void test_subtypes(void)
{
	struct nfm_rule has;

	NFMP_CHECK(!parse(&has, NFPROTO_INET, "mptcp subtypes has add-addr"));
	NFMP_CHECK(has.n == 3 && has.e[1].kind == NFM_X_BITWISE && data32(&has.e[1]) == 1u << 3 &&
		   has.e[2].op == NFT_CMP_NEQ && data32(&has.e[2]) == 0);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes & add-addr != 0"));
	NFMP_CHECK(nfm_rule_same_exprs(&R, &has));
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes has mp-join|dss") &&
		   data32(&R.e[1]) == ((1u << 1) | (1u << 2)));
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes has mp-capable,mp-tcprst") &&
		   data32(&R.e[1]) == ((1u << 0) | (1u << 8)));
	/* bare: the exact set of subtypes */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes dss") && R.n == 2 &&
		   data32(&R.e[1]) == 1u << 2);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes remove-addr / remove-addr,mp-prio") &&
		   R.n == 3 && data32(&R.e[1]) == ((1u << 4) | (1u << 5)) && data32(&R.e[2]) == 1u << 4);
	NFMP_CHECK(!parse(&R, NFPROTO_INET,
			  "mptcp subtypes has mp-fail mptcp subtypes has mp-fastclose mptcp subtypes has mp-prio"));
	nfmp_tap_group("rule parse: mptcp subtypes has / & / exact, every subtype name");
}

static void test_statements(void)
{
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "ct mark set mptcp conn-id"));
	NFMP_CHECK(R.n == 2 && is_mptcp_load(&R.e[0], NFT_MPTCP_CONN_ID) && R.e[1].kind == NFM_X_CT &&
		   R.e[1].set && R.e[1].key == NFT_CT_MARK && R.e[1].sreg == NFT_REG_1);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "meta mark set 7") && R.n == 2 &&
		   R.e[0].kind == NFM_X_IMMEDIATE && data32(&R.e[0]) == 7 && R.e[1].key == NFT_META_MARK);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "counter log prefix \"a b\" reject with tcp reset"));
	NFMP_CHECK(R.n == 3 && R.e[1].has_prefix && !strcmp(R.e[1].prefix, "a b") &&
		   R.e[2].rtype == NFT_REJECT_TCP_RST);
	NFMP_CHECK(!parse(&R, NFPROTO_IPV4, "reject") && R.e[0].rtype == NFT_REJECT_ICMP_UNREACH &&
		   R.e[0].rcode == 3);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "reject") && R.e[0].rtype == NFT_REJECT_ICMPX_UNREACH);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "jump other") && R.e[0].verdict == NFT_JUMP &&
		   !strcmp(R.e[0].chain, "other"));
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "goto other") && R.e[0].verdict == NFT_GOTO);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "accept") && R.e[0].verdict == NF_ACCEPT);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "drop") && R.e[0].verdict == NF_DROP);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "return") && R.e[0].verdict == NFT_RETURN);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "counter packets 5 bytes 300") && R.e[0].packets == 5 &&
		   R.e[0].bytes == 300);
	nfmp_tap_group("rule parse: statements (counter, log, reject, marks, verdicts)");
}

static void test_errors(void)
{
	static const struct { const char *text, *token; } bad[] = {
		{ "mptcp colour 3", "'colour'" },
		{ "mptcp verdict nice", "'nice'" },
		{ "mptcp subflows", "rule ends" },
		{ "mptcp subflows gt", "rule ends" },
		{ "mptcp subflows 4294967296", "'4294967296'" },
		{ "mptcp subflows -1", "'-1'" },
		{ "mptcp subflows lt 3-4", "range '3-4'" },
		{ "mptcp subflow join-initial", "'join-initial'" },
		{ "mptcp subtypes has nothing", "'nothing'" },
		{ "mptcp subtypes < dss", "'<'" },
		{ "mptcp verdict { valid, nice }", "'nice'" },
		{ "tcp dport { 80, 443", "'}'" },
		{ "tcp dport { }", "empty set" },
		{ "tcp dport < { 80 }", "'<'" },
		{ "tcp dport { 80, 80 }", "twice" },
		{ "iifname { \"eth*\" }", "'eth*'" },
		{ "ip saddr { 10.0.0.9-10.0.0.1 }", "'10.0.0.9-10.0.0.1'" },
		{ "tcp dport { 1, 2 } tcp dport { 2, 3 } tcp dport { 3, 4 } tcp dport { 4, 5 } tcp dport { 5, 6 }", "sets" },
		{ "ip saddr 1.2.3", "'1.2.3'" },
		{ "ip saddr 10.0.0.0/33", "'10.0.0.0/33'" },
		{ "tcp dport 65536", "'65536'" },
		{ "tcp flags syn / nope", "'nope'" },
		{ "bogus", "'bogus'" },
		{ "accept drop", "'drop'" },
		{ "jump", "chain name" },
		{ "log prefix", "log prefix" },
		{ "reject with icmp", "icmp" },
		{ "meta mark set x", "'x'" },
		{ "ct mark set mptcp nope", "'nope'" },
		{ "iifname 0123456789abcdefg", "'0123456789abcdefg'" },
		{ "counter packets 1 bites 2", "'bites'" },
		{ "", "empty" },
		{ "iifname \"a b\"", "'a b'" },
		{ "log prefix \"a\nb\"", "log prefix" },
		{ "jump \"a b\"", "'a b'" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(&R, NFPROTO_INET, bad[i].text);

		NFMP_CHECKF(rc != 0 && strstr(err, bad[i].token), "'%s' -> '%s'", bad[i].text, err);
	}
	NFMP_CHECK(parse(&R, NFPROTO_IPV4, "ip6 saddr ::1") && strstr(err, "ip6 saddr"));
	NFMP_CHECK(parse(&R, NFPROTO_INET, "log prefix \"unterminated") && strstr(err, "unterminated"));
	nfmp_tap_group("rule parse: bad input is refused with the offending token named");
}


/* The kernel elements of set @k of R: key (first @len bytes, hex) and end flag, "0000:e 0050 ..." */
static const char *set_elems(unsigned int k)
{
	static char buf[2048];
	const struct nfm_set *s = &R.sets[k];
	size_t n = 0;
	unsigned int i, b;

	buf[0] = '\0';
	for (i = 0; i < s->n && n < sizeof(buf) - 64; i++) {
		n += snprintf(buf + n, sizeof(buf) - n, "%s", i ? " " : "");
		for (b = 0; b < s->key_len; b++)
			n += snprintf(buf + n, sizeof(buf) - n, "%02x", s->elem[i].key[b]);
		if (s->elem[i].end)
			n += snprintf(buf + n, sizeof(buf) - n, ":e");
		if (s->elem[i].open)
			n += snprintf(buf + n, sizeof(buf) - n, ":o");
	}
	return buf;
}

/* Anonymous sets: the elements, flags and key nft 1.0.6 writes for the same text (--debug=netlink). */
static void test_sets(void)
{
	static const struct { uint8_t fam; const char *text, *elems; uint32_t flags, type, len; bool bo; } sets[] = {
		{ NFPROTO_INET, "tcp dport { 80, 443 }", "0050 01bb", 3, 13, 2, false },
		{ NFPROTO_INET, "tcp dport != { 80, 1000-2000 }", "0000:e 0050 0051:e 03e8 07d1:e", 7, 13, 2, false },
		{ NFPROTO_INET, "ip saddr { 10.0.0.1, 10.1.0.0/16 }", "00000000:e 0a000001 0a000002:e 0a010000 0a020000:e", 7, 7, 4, false },
		{ NFPROTO_INET, "ip saddr { 10.0.0.0/8, 255.255.255.255 }", "00000000:e 0a000000 0b000000:e ffffffff:o", 7, 7, 4, false },
		{ NFPROTO_INET, "meta mark { 1-5, 7 }", "00000000:e 00000001 00000006:e 00000007 00000008:e", 7, 19, 4, true },
		{ NFPROTO_INET, "meta mark { 0x00000001, 0x00000002 }", "01000000 02000000", 3, 19, 4, false },
		{ NFPROTO_INET, "ct state { established, related }", "02000000 04000000", 3, 26, 4, false },
		{ NFPROTO_INET, "meta l4proto { tcp, udp }", "06 11", 3, 12, 1, false },
		{ NFPROTO_INET, "tcp dport { 0-10, 65535 }", "0000 000b:e ffff:o", 7, 13, 2, false },
		{ NFPROTO_INET, "tcp dport { 1-5, 6, 3-4, 9 }", "0000:e 0001 0007:e 0009 000a:e", 7, 13, 2, false },
		{ NFPROTO_INET, "mptcp verdict { valid, bad-hmac }", NULL, 3, 4, 4, false },
		{ NFPROTO_INET, "mptcp subflows != { 3-5, 9 } drop", "00000000:e 00000003 00000006:e 00000009 0000000a:e", 7, 4, 4, true },
		{ NFPROTO_INET, "tcp dport != { 80 }", NULL, 0, 0, 0, false },
	};
	char text[4096];
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const struct nfm_expr *l;
		const struct nfm_set *s;
		bool inv = strstr(sets[i].text, "!=") != NULL;

		NFMP_CHECKF(!parse(&R, sets[i].fam, sets[i].text), "%s: %s", sets[i].text, err);
		if (!sets[i].type) {
			/* as nft: one element is no set, a plain compare */
			NFMP_CHECKF(R.nsets == 0 && R.e[R.n - 1].kind == NFM_X_CMP &&
				    R.e[R.n - 1].op == NFT_CMP_NEQ, "%s", sets[i].text);
			continue;
		}
		NFMP_CHECKF(R.nsets == 1, "%s: %u sets", sets[i].text, R.nsets);
		if (R.nsets != 1)
			continue;
		s = &R.sets[0];
		NFMP_CHECKF(s->flags == (NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | (sets[i].flags & 4 ? NFT_SET_INTERVAL : 0)) &&
			    s->key_type == sets[i].type && s->key_len == sets[i].len && !strcmp(s->name, "__set%d"),
			    "%s: flags %u type %u len %u", sets[i].text, s->flags, s->key_type, s->key_len);
		if (sets[i].elems)
			NFMP_CHECKF(!strcmp(set_elems(0), sets[i].elems), "%s: %s", sets[i].text, set_elems(0));
		/* load [byteorder for host keys in an interval set] lookup */
		l = NULL;
		for (unsigned int k = 0; k < R.n; k++)
			if (R.e[k].kind == NFM_X_LOOKUP)
				l = &R.e[k];
		NFMP_CHECKF(l && l->sreg == NFT_REG_1 && l->op == inv && l->setidx == 0, "%s", sets[i].text);
		NFMP_CHECKF(l && (l[-1].kind == NFM_X_BYTEORDER) == sets[i].bo, "%s", sets[i].text);
		/* prints back and re-parses to the same rule */
		NFMP_CHECKF(nfm_rule_format(&R, text, sizeof(text), false), "%s -> %s", sets[i].text, text);
		NFMP_CHECKF(!parse(&R2, sets[i].fam, text) && nfm_rule_same_exprs(&R, &R2), "%s -> %s", sets[i].text, text);
	}
	/* canonical text prints as written; elements in other orders and spellings print canonically */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "tcp dport != { 80, 1000-2000 } ip saddr { 10.0.0.1, 10.1.0.0/16 } counter"));
	NFMP_CHECK(R.nsets == 2 && nfm_rule_format(&R, text, sizeof(text), false));
	NFMP_CHECKF(!strcmp(text, "tcp dport != { 80, 1000-2000 } ip saddr { 10.0.0.1, 10.1.0.0/16 } counter"), "%s", text);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "meta mark {0x100,7, 1} iifname { \"lo\", eth0 }"));
	NFMP_CHECK(nfm_rule_format(&R, text, sizeof(text), false));
	NFMP_CHECKF(!strcmp(text, "meta mark { 0x00000001, 0x00000007, 0x00000100 } iifname { \"lo\", \"eth0\" }"), "%s", text);
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp verdict { bad-hmac, valid } mptcp subflows { 3-5, 9 }"));
	NFMP_CHECK(nfm_rule_format(&R, text, sizeof(text), false));
	NFMP_CHECKF(!strcmp(text, "mptcp verdict { valid, bad-hmac } mptcp subflows { 3-5, 9 }"), "%s", text);
	/* a different set is a different rule */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "tcp dport { 80, 443 }") && !parse(&R2, NFPROTO_INET, "tcp dport { 80, 444 }"));
	NFMP_CHECK(!nfm_rule_same_exprs(&R, &R2));
	nfmp_tap_group("rule parse: anonymous sets encode as nft does and print back inline");
}

/* Parse, print, parse again: the same expressions, and canonical text prints as written. */
static void test_round_trip(void)
{
	static const struct { uint8_t fam; const char *text; } rules[] = {
		{ NFPROTO_INET, "mptcp subflow join mptcp subflows > 2 counter packets 0 bytes 0 drop" },
		{ NFPROTO_INET, "mptcp client-token 0xdeadbeef counter packets 0 bytes 0" },
		{ NFPROTO_INET, "mptcp verdict bad-hmac drop" },
		{ NFPROTO_INET, "mptcp verdict != valid log prefix \"mptcp \" drop" },
		{ NFPROTO_INET, "mptcp subtypes has add-addr counter packets 3 bytes 200" },
		{ NFPROTO_INET, "mptcp subtypes dss,add-addr" },
		{ NFPROTO_INET, "mptcp subtypes != add-addr" },
		{ NFPROTO_INET, "mptcp subtypes mp-join / mp-join,dss" },
		{ NFPROTO_INET, "mptcp subtypes != dss / dss,add-addr" },
		{ NFPROTO_INET, "ct mark set mptcp conn-id" },
		{ NFPROTO_INET, "meta mark set mptcp server-token" },
		{ NFPROTO_INET, "mptcp addr-id 1-3 mptcp backup 1 mptcp version 0" },
		{ NFPROTO_INET, "mptcp conn-id != 5-9 accept" },
		{ NFPROTO_INET, "mptcp subflows <= 4 mptcp subflows >= 2 mptcp subflows < 9" },
		{ NFPROTO_INET, "mptcp verdict valid-bad-hmac" },
		{ NFPROTO_INET, "ip saddr 10.16.0.0/12 tcp dport 80 counter packets 1 bytes 60 accept" },
		{ NFPROTO_INET, "ip daddr 10.1.2.0/24 tcp flags syn / syn,ack meta mark < 0x00000005 drop" },
		{ NFPROTO_INET, "ct state established,related meta mark 0x00000001-0x00000005 jump d" },
		{ NFPROTO_INET, "iifname \"eth*\" oifname \"lo\" meta l4proto udp ct mark set 0x00000007 return" },
		{ NFPROTO_INET, "ip6 daddr fd00::/16 tcp sport != 1000-2000 reject with tcp reset" },
		{ NFPROTO_INET, "ip6 saddr fd00:1::1 ct state != invalid reject" },
		{ NFPROTO_IPV4, "ip saddr 1.2.3.4 tcp dport >= 1024 tcp flags syn goto x" },
		{ NFPROTO_IPV6, "ip6 daddr ::1 meta nfproto ipv6 reject" },
		{ NFPROTO_INET, "iifname != \"c1\" ct mark 0x00000002 meta mark set 0x00000003" },
	};
	char text[4096];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		bool ok;

		NFMP_CHECKF(!parse(&R, rules[i].fam, rules[i].text), "%s: %s", rules[i].text, err);
		ok = nfm_rule_format(&R, text, sizeof(text), true);
		NFMP_CHECKF(ok, "%s -> %s", rules[i].text, text);
		NFMP_CHECKF(!strcmp(text, rules[i].text), "'%s' printed as '%s'", rules[i].text, text);
		NFMP_CHECKF(!parse(&R2, rules[i].fam, text) && nfm_rule_same_exprs(&R, &R2), "%s", text);
	}
	/* spellings that print canonically */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "mptcp subtypes & add-addr != 0 mptcp subflows gt 2 meta l4proto tcp tcp dport 1"));
	NFMP_CHECK(nfm_rule_format(&R, text, sizeof(text), false));
	NFMP_CHECKF(!strcmp(text, "mptcp subtypes has add-addr mptcp subflows > 2 tcp dport 1"), "%s", text);
	nfmp_tap_group("rule print: parse -> print -> parse gives the same rule, text as written");
}

static void test_unknown_expr(void)
{
	char text[256];

	NFMP_CHECK(!parse(&R, NFPROTO_INET, "tcp dport 22 counter"));
	/* a kernel rule with something this tool does not know */
	memset(&R.e[R.n], 0, sizeof(R.e[0]));
	R.e[R.n].kind = NFM_X_UNKNOWN;
	strcpy(R.e[R.n].name, "quota");
	R.n++;
	NFMP_CHECK(!nfm_rule_format(&R, text, sizeof(text), false));
	NFMP_CHECKF(!strcmp(text, "tcp dport 22 counter [expr quota]"), "%s", text);
	/* a lone cmp is printed raw, never misread */
	R.n = 1;
	R.e[0].kind = NFM_X_CMP;
	NFMP_CHECK(!nfm_rule_format(&R, text, sizeof(text), false) && strstr(text, "[expr cmp]"));
	/* a tiny buffer truncates, never overflows */
	NFMP_CHECK(!parse(&R, NFPROTO_INET, "tcp dport 22 counter accept"));
	NFMP_CHECK(!nfm_rule_format(&R, text, 8, false) && strlen(text) < 8);
	nfmp_tap_group("rule print: unknown expressions print as [expr NAME] and are not restorable");
}

/* Random token soup and random bytes: never a crash; what parses prints and parses back. */
static void test_garbage(void)
{
	static const char * const vocab[] = {
		"mptcp", "subflows", "verdict", "subtypes", "has", "&", "/", "!=", "<", "gt", "==",
		"1", "0x10", "1-3", "3-1", "add-addr", "dss,mp-join", "bad-hmac", "ip", "ip6", "saddr",
		"daddr", "10.0.0.0/8", "::1", "tcp", "dport", "flags", "syn", "ct", "state", "new",
		"mark", "set", "meta", "l4proto", "counter", "packets", "bytes", "log", "prefix",
		"reject", "with", "reset", "jump", "c", "accept", "iifname", "eth*", "{", "}", "conn-id",
		"client-token", "", "-", "0", "99999999999", "subflow", "join",
	};
	unsigned int seed = 12345, round, parsed = 0;
	char *tok[16], text[4096], raw[16][8];

	for (round = 0; round < 200000; round++) {
		int n = 1 + rand_r(&seed) % 12, k;

		for (k = 0; k < n; k++) {
			if (rand_r(&seed) % 16 == 0) {
				int l, m = rand_r(&seed) % 7;

				for (l = 0; l < m; l++)
					raw[k][l] = 1 + rand_r(&seed) % 255;
				raw[k][m] = '\0';
				tok[k] = raw[k];
			} else {
				tok[k] = (char *)vocab[rand_r(&seed) % (sizeof(vocab) / sizeof(vocab[0]))];
			}
		}
		memset(&R, 0, sizeof(R));
		R.family = rand_r(&seed) % 2 ? NFPROTO_INET : NFPROTO_IPV4;
		if (nfm_rule_parse(&R, n, tok, err, sizeof(err))) {
			NFMP_CHECKF(err[0] != '\0', "round %u", round);
			continue;
		}
		parsed++;
		if (!nfm_rule_format(&R, text, sizeof(text), true)) {
			for (k = 0; k < n; k++)
				printf("# token %d: '%s'\n", k, tok[k]);
			NFMP_CHECKF(0, "round %u: %s", round, text);
		}
	}
	NFMP_CHECKF(parsed > 100, "%u", parsed);
	nfmp_tap_group("rule parse: 200000 random rules: no crash, every accepted rule round-trips");
}

int main(void)
{
	test_mptcp_keys();
	test_mptcp_values();
	test_subtypes();
	test_statements();
	test_errors();
	test_sets();
	test_round_trip();
	test_unknown_expr();
	test_garbage();
	return nfmp_tap_done();
}
