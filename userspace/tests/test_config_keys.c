// SPDX-License-Identifier: GPL-2.0
/*
 * test_config_keys.c - unit tests for the keys of `nfmptcp config`
 * (config_keys.c) and the policy and action names (policy_names.c): what an
 * operator may type for each key, what the kernel gets, how values print in
 * text and JSON, and that every config attribute and policy of the uapi has
 * its name; the nat-map value (config_nat_map.c): syntax, text, JSON and its
 * netlink nest.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "nfmp_tap.h"
#include "config_keys.h"
#include "config_nat_map.h"
#include "json_out.h"
#include "policy_names.h"
#include "../kmod/uapi/nfmptcp.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Parse @s for @key; returns 0 and the value, or -1 (the value then untouched: 0xdead). */
static int parse(const char *key, const char *s, uint32_t *v)
{
	const struct nfm_cfg_key *k = nfm_cfg_key_find(key);

	*v = 0xdead;
	return k ? nfm_cfg_parse_value(k, s, v) : -2;
}

static const char *str(const char *key, uint32_t v, char *buf, size_t len)
{
	return nfm_cfg_value_str(nfm_cfg_key_find(key), v, buf, len);
}

static void test_keys(void)
{
	static const struct {
		const char	*name;
		unsigned int	attr;
		unsigned int	len;
	} want[] = {
		{ "max-conns",		NFMPTCP_CFG_A_MAX_CONNS,		4 },
		{ "max-subflows",	NFMPTCP_CFG_A_MAX_SUBFLOWS,		4 },
		{ "join-related",	NFMPTCP_CFG_A_JOIN_RELATED,		1 },
		{ "join-unknown-token",	NFMPTCP_CFG_A_JOIN_UNKNOWN_TOKEN,	1 },
		{ "join-bad-hmac",	NFMPTCP_CFG_A_JOIN_BAD_HMAC,		1 },
		{ "join-over-limit",	NFMPTCP_CFG_A_JOIN_OVER_LIMIT,		1 },
		{ "join-not-owned",	NFMPTCP_CFG_A_JOIN_NOT_OWNED,		1 },
		{ "join-rate",		NFMPTCP_CFG_A_JOIN_RATE,		4 },
		{ "mp-capable",		NFMPTCP_CFG_A_MP_CAPABLE,		1 },
		{ "add-addr",		NFMPTCP_CFG_A_ADD_ADDR,			1 },
		{ "add-addr-bad-hmac",	NFMPTCP_CFG_A_ADD_ADDR_BAD_HMAC,	1 },
		{ "auto-detect",	NFMPTCP_CFG_A_AUTO_DETECT,		1 },
		{ "nat-map",		NFMPTCP_CFG_A_NAT_MAP,			0 },
	};
	unsigned int i, a, n;

	for (i = 0; i < NELEMS(want); i++) {
		const struct nfm_cfg_key *k = nfm_cfg_key_find(want[i].name);

		NFMP_CHECKF(k && k->attr == want[i].attr, "%s", want[i].name);
		NFMP_CHECKF(k && nfm_cfg_attr_len(k) == want[i].len, "%s", want[i].name);
	}
	/* every attribute of the uapi has exactly one key: a new one needs its name */
	for (a = NFMPTCP_CFG_A_UNSPEC + 1; a <= NFMPTCP_CFG_A_MAX; a++) {
		for (n = 0, i = 0; i < nfm_cfg_nkeys; i++)
			n += nfm_cfg_keys[i].attr == a;
		NFMP_CHECKF(n == 1, "attr %u has %u keys", a, n);
	}
	NFMP_CHECK(nfm_cfg_nkeys == NELEMS(want));
	NFMP_CHECK(!nfm_cfg_key_find("join"));
	NFMP_CHECK(!nfm_cfg_key_find("join-bad-hmac "));
	NFMP_CHECK(!nfm_cfg_key_find("JOIN-BAD-HMAC"));
	NFMP_CHECK(!nfm_cfg_key_find("join_bad_hmac"));
	NFMP_CHECK(!nfm_cfg_key_find(""));
	nfmp_tap_group("config: one key per config attribute, found by its exact name");
}

static void test_parse_actions(void)
{
	static const struct {
		const char	*key;
		const char	*val;
		int		rc;
		uint32_t	want;
	} cases[] = {
		{ "join-unknown-token",	"accept",	0, NFMPTCP_ACTION_ACCEPT },
		{ "join-unknown-token",	"drop",		0, NFMPTCP_ACTION_DROP },
		{ "join-unknown-token",	"reject",	0, NFMPTCP_ACTION_REJECT },
		{ "join-bad-hmac",	"reject",	0, NFMPTCP_ACTION_REJECT },
		{ "join-over-limit",	"drop",		0, NFMPTCP_ACTION_DROP },
		{ "join-not-owned",	"accept",	0, NFMPTCP_ACTION_ACCEPT },
		{ "join-bad-hmac",	"pass",		-1, 0 },
		{ "join-bad-hmac",	"strip",	-1, 0 },
		{ "join-bad-hmac",	"Drop",		-1, 0 },
		{ "join-bad-hmac",	"drop ",	-1, 0 },
		{ "join-bad-hmac",	"dro",		-1, 0 },
		{ "join-bad-hmac",	"",		-1, 0 },
		/* names only, not the kernel's numbers */
		{ "join-bad-hmac",	"1",		-1, 0 },
		{ "join-bad-hmac",	"on",		-1, 0 },
		{ "mp-capable",		"pass",		0, NFMPTCP_ACTION_ACCEPT },
		{ "mp-capable",		"strip",	0, NFMPTCP_ACTION_STRIP },
		{ "mp-capable",		"accept",	-1, 0 },
		{ "mp-capable",		"drop",		-1, 0 },
		{ "mp-capable",		"strip-private", -1, 0 },
		{ "add-addr",		"pass",		0, NFMPTCP_ACTION_ACCEPT },
		{ "add-addr",		"strip-private", 0, NFMPTCP_ACTION_STRIP_PRIVATE },
		{ "add-addr",		"strip",	0, NFMPTCP_ACTION_STRIP },
		{ "add-addr",		"strip-",	-1, 0 },
		{ "add-addr",		"private",	-1, 0 },
		{ "add-addr",		"drop",		-1, 0 },
		/* "drop" the option: the kernel's strip; "strip" itself is not its word */
		{ "add-addr-bad-hmac",	"pass",		0, NFMPTCP_ACTION_ACCEPT },
		{ "add-addr-bad-hmac",	"drop",		0, NFMPTCP_ACTION_STRIP },
		{ "add-addr-bad-hmac",	"strip",	-1, 0 },
		{ "add-addr-bad-hmac",	"reject",	-1, 0 },
		{ "add-addr-bad-hmac",	"accept",	-1, 0 },
	};
	unsigned int i;
	uint32_t v;
	int rc;

	for (i = 0; i < NELEMS(cases); i++) {
		rc = parse(cases[i].key, cases[i].val, &v);
		NFMP_CHECKF(rc == cases[i].rc, "%s '%s': rc %d", cases[i].key, cases[i].val, rc);
		if (!cases[i].rc)
			NFMP_CHECKF(v == cases[i].want, "%s '%s': %u", cases[i].key, cases[i].val,
				    v);
		else
			NFMP_CHECKF(v == 0xdead, "%s '%s': wrote %u", cases[i].key, cases[i].val,
				    v);
	}
	nfmp_tap_group("config: policy keys take exactly their action names");
}

static void test_parse_numbers(void)
{
	static const struct {
		const char	*key;
		const char	*val;
		int		rc;
		uint32_t	want;
	} cases[] = {
		{ "join-rate",		"0",		0, 0 },
		{ "join-rate",		"1000",		0, 1000 },
		{ "join-rate",		"010",		0, 10 },	/* decimal, not octal */
		/* the range is the kernel's to check */
		{ "join-rate",		"1001",		0, 1001 },
		{ "join-rate",		"4294967295",	0, UINT32_MAX },
		{ "join-rate",		"4294967296",	-1, 0 },
		{ "join-rate",		"-1",		-1, 0 },
		{ "join-rate",		"+5",		-1, 0 },
		{ "join-rate",		" 5",		-1, 0 },
		{ "join-rate",		"5x",		-1, 0 },
		{ "join-rate",		"0x10",		-1, 0 },
		{ "join-rate",		"",		-1, 0 },
		{ "join-rate",		"off",		-1, 0 },
		{ "join-rate",		"unlimited",	-1, 0 },
		/* the keys that were there before, unchanged */
		{ "max-conns",		"4096",		0, 4096 },
		{ "max-conns",		"lots",		-1, 0 },
		{ "max-subflows",	"8",		0, 8 },
		{ "join-related",	"on",		0, 1 },
		{ "join-related",	"yes",		0, 1 },
		{ "join-related",	"true",		0, 1 },
		{ "join-related",	"off",		0, 0 },
		{ "join-related",	"no",		0, 0 },
		{ "join-related",	"false",	0, 0 },
		{ "join-related",	"1",		0, 1 },
		{ "join-related",	"2",		0, 2 },		/* the kernel refuses it */
		{ "join-related",	"256",		-1, 0 },
		{ "join-related",	"accept",	-1, 0 },
	};
	unsigned int i;
	uint32_t v;
	int rc;

	for (i = 0; i < NELEMS(cases); i++) {
		rc = parse(cases[i].key, cases[i].val, &v);
		NFMP_CHECKF(rc == cases[i].rc, "%s '%s': rc %d", cases[i].key, cases[i].val, rc);
		if (!cases[i].rc)
			NFMP_CHECKF(v == cases[i].want, "%s '%s': %u", cases[i].key, cases[i].val,
				    v);
	}
	nfmp_tap_group("config: join-rate and the older keys take decimal numbers (and on/off)");
}

static void test_print(void)
{
	char buf[32];
	unsigned int i;
	const struct nfm_action_name *a;

	/* every name a key takes prints back as that name */
	for (i = 0; i < nfm_cfg_nkeys; i++) {
		const struct nfm_cfg_key *k = &nfm_cfg_keys[i];

		if (k->type != NFM_CFG_ACTION)
			continue;
		NFMP_CHECKF(k->actions && k->actions[0].name, "%s", k->name);
		for (a = k->actions; a && a->name; a++) {
			uint32_t v = 0xdead;

			NFMP_CHECKF(!nfm_cfg_parse_value(k, a->name, &v), "%s %s", k->name,
				    a->name);
			NFMP_CHECKF(!strcmp(nfm_cfg_value_str(k, v, buf, sizeof(buf)), a->name),
				    "%s %s -> %s", k->name, a->name, buf);
		}
	}
	NFMP_CHECK(!strcmp(str("join-bad-hmac", NFMPTCP_ACTION_REJECT, buf, sizeof(buf)),
			   "reject"));
	NFMP_CHECK(!strcmp(str("mp-capable", NFMPTCP_ACTION_ACCEPT, buf, sizeof(buf)), "pass"));
	NFMP_CHECK(!strcmp(str("add-addr-bad-hmac", NFMPTCP_ACTION_STRIP, buf, sizeof(buf)),
			   "drop"));
	NFMP_CHECK(!strcmp(str("add-addr", NFMPTCP_ACTION_STRIP_PRIVATE, buf, sizeof(buf)),
			   "strip-private"));
	/* what a key has no word for: the generic name, then the number */
	NFMP_CHECK(!strcmp(str("mp-capable", NFMPTCP_ACTION_DROP, buf, sizeof(buf)), "drop"));
	NFMP_CHECK(!strcmp(str("join-bad-hmac", NFMPTCP_ACTION_STRIP, buf, sizeof(buf)), "strip"));
	NFMP_CHECK(!strcmp(str("join-bad-hmac", 200, buf, sizeof(buf)), "action-200"));
	NFMP_CHECK(!strcmp(str("join-rate", 0, buf, sizeof(buf)), "0"));
	NFMP_CHECK(!strcmp(str("join-rate", 1000, buf, sizeof(buf)), "1000"));
	NFMP_CHECK(!strcmp(str("max-conns", 4194304, buf, sizeof(buf)), "4194304"));
	NFMP_CHECK(!strcmp(str("join-related", 1, buf, sizeof(buf)), "on"));
	NFMP_CHECK(!strcmp(str("join-related", 0, buf, sizeof(buf)), "off"));
	nfmp_tap_group("config: values print as the names they were set by");
}

static void test_messages(void)
{
	char buf[160];
	unsigned int i;
	const struct nfm_action_name *a;

	NFMP_CHECKF(!strcmp(nfm_cfg_expected(nfm_cfg_key_find("join-bad-hmac"), buf, sizeof(buf)),
			    "allowed: accept, drop, reject"), "%s", buf);
	NFMP_CHECKF(!strcmp(nfm_cfg_expected(nfm_cfg_key_find("add-addr"), buf, sizeof(buf)),
			    "allowed: pass, strip-private, strip"), "%s", buf);
	NFMP_CHECKF(!strcmp(nfm_cfg_expected(nfm_cfg_key_find("add-addr-bad-hmac"), buf,
					     sizeof(buf)), "allowed: pass, drop"), "%s", buf);
	NFMP_CHECKF(!strcmp(nfm_cfg_expected(nfm_cfg_key_find("mp-capable"), buf, sizeof(buf)),
			    "allowed: pass, strip"), "%s", buf);
	/* numbers: the help, which gives the range */
	NFMP_CHECKF(strstr(nfm_cfg_expected(nfm_cfg_key_find("join-rate"), buf, sizeof(buf)),
			   "0..1000"), "%s", buf);
	/* a short buffer is cut, never overrun, and stays terminated */
	nfm_cfg_expected(nfm_cfg_key_find("add-addr"), buf, 12);
	NFMP_CHECKF(!strcmp(buf, "allowed: pa"), "%s", buf);
	nfm_cfg_expected(nfm_cfg_key_find("add-addr"), buf, 5);
	NFMP_CHECKF(!strcmp(buf, "allo"), "%s", buf);
	/* the help of every policy key names each of its values */
	for (i = 0; i < nfm_cfg_nkeys; i++) {
		const struct nfm_cfg_key *k = &nfm_cfg_keys[i];

		NFMP_CHECKF(k->help && *k->help, "%s", k->name);
		for (a = k->actions; a && a->name; a++)
			NFMP_CHECKF(strstr(k->help, a->name), "%s: %s", k->name, a->name);
	}
	nfmp_tap_group("config: errors list the allowed values, help names them all");
}

static void test_json(void)
{
	static const struct {
		const char	*key;
		uint32_t	v;
	} cfg[] = {
		{ "max-conns", 4096 },
		{ "join-related", 1 },
		{ "join-bad-hmac", NFMPTCP_ACTION_REJECT },
		{ "join-unknown-token", NFMPTCP_ACTION_ACCEPT },
		{ "join-rate", 0 },
		{ "mp-capable", NFMPTCP_ACTION_ACCEPT },
		{ "add-addr", NFMPTCP_ACTION_STRIP_PRIVATE },
		{ "add-addr-bad-hmac", NFMPTCP_ACTION_STRIP },
		{ "join-over-limit", 77 },	/* a newer kernel's action */
	};
	static const char want[] = "{\"max_conns\":4096,\"join_related\":true,"
		"\"join_bad_hmac\":\"reject\",\"join_unknown_token\":\"accept\",\"join_rate\":0,"
		"\"mp_capable\":\"pass\",\"add_addr\":\"strip-private\","
		"\"add_addr_bad_hmac\":\"drop\",\"join_over_limit\":\"action-77\"}\n";
	struct nfm_json j;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	unsigned int i;
	int rc;

	nfm_json_init(&j, f, false);
	nfm_json_obj_open(&j, NULL);
	for (i = 0; i < NELEMS(cfg); i++)
		nfm_cfg_json(&j, nfm_cfg_key_find(cfg[i].key), cfg[i].v);
	nfm_json_obj_close(&j);
	rc = nfm_json_finish(&j);
	fclose(f);
	NFMP_CHECK(rc == 0);
	NFMP_CHECKF(out && !strcmp(out, want), "%s", out ? out : "(null)");
	free(out);
	nfmp_tap_group("config -j: numbers, booleans, and policies as strings");
}

static void test_policy_names(void)
{
	static const char * const want[] = {
		[NFMPTCP_POLICY_JOIN_UNKNOWN_TOKEN]	= "join-unknown-token",
		[NFMPTCP_POLICY_JOIN_BAD_HMAC]		= "join-bad-hmac",
		[NFMPTCP_POLICY_JOIN_OVER_LIMIT]	= "join-over-limit",
		[NFMPTCP_POLICY_JOIN_NOT_OWNED]		= "join-not-owned",
		[NFMPTCP_POLICY_JOIN_RATE]		= "join-rate",
		[NFMPTCP_POLICY_MP_CAPABLE]		= "mp-capable",
		[NFMPTCP_POLICY_ADD_ADDR]		= "add-addr",
		[NFMPTCP_POLICY_ADD_ADDR_BAD_HMAC]	= "add-addr-bad-hmac",
	};
	char buf[64];
	unsigned int p;

	NFMP_CHECK(NELEMS(want) == __NFMPTCP_POLICY_MAX);
	for (p = 0; p < __NFMPTCP_POLICY_MAX; p++) {
		const char *name = nfm_policy_name(p);

		NFMP_CHECKF(name && !strcmp(name, want[p]), "policy %u: %s", p,
			    name ? name : "(null)");
		/* a policy is named as its config key */
		NFMP_CHECKF(name && nfm_cfg_key_find(name), "policy %u", p);
	}
	NFMP_CHECK(!nfm_policy_name(__NFMPTCP_POLICY_MAX));
	NFMP_CHECK(!nfm_policy_name(255));

	NFMP_CHECK(!strcmp(nfm_action_name(NULL, NFMPTCP_ACTION_ACCEPT), "accept"));
	NFMP_CHECK(!strcmp(nfm_action_name(NULL, NFMPTCP_ACTION_DROP), "drop"));
	NFMP_CHECK(!strcmp(nfm_action_name(NULL, NFMPTCP_ACTION_REJECT), "reject"));
	NFMP_CHECK(!strcmp(nfm_action_name(NULL, NFMPTCP_ACTION_STRIP), "strip"));
	NFMP_CHECK(!strcmp(nfm_action_name(NULL, NFMPTCP_ACTION_STRIP_PRIVATE), "strip-private"));
	NFMP_CHECK(!nfm_action_name(NULL, __NFMPTCP_ACTION_MAX));
	NFMP_CHECK(!nfm_action_name(nfm_join_actions, 99));
	NFMP_CHECK(!strcmp(nfm_action_name(nfm_add_addr_hmac_actions, NFMPTCP_ACTION_STRIP),
			   "drop"));

	nfm_action_list(nfm_join_actions, " | ", buf, sizeof(buf));
	NFMP_CHECKF(!strcmp(buf, "accept | drop | reject"), "%s", buf);
	nfm_action_list(NULL, ", ", buf, sizeof(buf));
	NFMP_CHECKF(buf[0] == '\0', "%s", buf);
	buf[0] = 'x';
	nfm_action_list(nfm_join_actions, ", ", buf, 0);	/* no room: nothing written */
	NFMP_CHECK(buf[0] == 'x');
	nfm_action_list(nfm_join_actions, ", ", buf, 9);
	NFMP_CHECKF(!strcmp(buf, "accept, "), "%s", buf);
	nfmp_tap_group("policies: named as their config keys; action names, generic and per key");
}

/* nat-map VALUE: 0 and its text form in @out, or -1 and the reason */
static int nat_map(const char *s, char *out, size_t len)
{
	static struct nfm_nat_map m;
	char err[160];

	if (nfm_nat_map_parse(s, &m, err, sizeof(err))) {
		snprintf(out, len, "%s", err);
		return -1;
	}
	nfm_nat_map_str(&m, out, len);
	return 0;
}

static void test_nat_map_parse(void)
{
	static const struct {
		const char	*val;
		int		rc;
		const char	*want;	/* text form, or a part of the reason */
	} cases[] = {
		{ "none",			0, "none" },
		{ "10.0.3.1=192.0.2.1",		0, "10.0.3.1=192.0.2.1" },
		{ "10.0.3.1=192.0.2.1,10.0.4.1=192.0.2.2", 0, "10.0.3.1=192.0.2.1,10.0.4.1=192.0.2.2" },
		{ "fd00:4::1=2001:db8::2",	0, "fd00:4::1=2001:db8::2" },
		/* printed in the canonical form */
		{ "FD00:4:0::1=2001:DB8::0:2",	0, "fd00:4::1=2001:db8::2" },
		{ "10.0.4.1=192.0.2.2,fd00:4::1=2001:db8::2", 0,
		  "10.0.4.1=192.0.2.2,fd00:4::1=2001:db8::2" },
		/* special and duplicate addresses are the kernel's to refuse */
		{ "0.0.0.0=192.0.2.1",		0, "0.0.0.0=192.0.2.1" },
		{ "10.0.3.1=192.0.2.1,10.0.3.1=192.0.2.2", 0, "10.0.3.1=192.0.2.1,10.0.3.1=192.0.2.2" },
		{ "",				-1, "or none" },
		{ "None",			-1, "pair 1: IN=OUT" },
		{ "10.0.3.1",			-1, "pair 1: IN=OUT" },
		{ "10.0.3.1=",			-1, "outside address ''" },
		{ "=192.0.2.1",			-1, "inside address ''" },
		{ "10.0.3.1==192.0.2.1",	-1, "pair 1: IN=OUT" },
		{ "10.0.3.1=192.0.2.1=1.2.3.4",	-1, "pair 1: IN=OUT" },
		{ "10.0.3.1=192.0.2.1,",	-1, "pair 2: IN=OUT" },
		{ ",10.0.3.1=192.0.2.1",	-1, "pair 1: IN=OUT" },
		{ "10.0.3.1=192.0.2.1,,10.0.4.1=192.0.2.2", -1, "pair 2: IN=OUT" },
		{ "10.0.3.1 =192.0.2.1",	-1, "inside address '10.0.3.1 '" },
		{ "10.0.3.1= 192.0.2.1",	-1, "outside address ' 192.0.2.1'" },
		{ "10.0.3=192.0.2.1",		-1, "inside address '10.0.3'" },
		{ "10.0.3.256=192.0.2.1",	-1, "inside address" },
		{ "010.0.3.1=192.0.2.1",	-1, "inside address" },
		{ "10.0.3.1/32=192.0.2.1",	-1, "inside address" },
		{ "host=192.0.2.1",		-1, "inside address 'host'" },
		{ "fe80::1%eth0=2001:db8::1",	-1, "inside address" },
		{ "10.0.3.1=2001:db8::1",	-1, "pair 1: IN and OUT must be of the same family" },
		{ "10.0.3.1=192.0.2.1,fd00::1=192.0.2.2", -1, "pair 2: IN and OUT" },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999=::1", -1, "inside address" },
	};
	char out[NFM_NAT_MAP_STRLEN], s[NFM_NAT_MAP_STRLEN];
	unsigned int i, n;
	int rc;

	for (i = 0; i < NELEMS(cases); i++) {
		rc = nat_map(cases[i].val, out, sizeof(out));
		NFMP_CHECKF(rc == cases[i].rc, "'%s': rc %d (%s)", cases[i].val, rc, out);
		if (!cases[i].rc)
			NFMP_CHECKF(!strcmp(out, cases[i].want), "'%s': %s", cases[i].val, out);
		else
			NFMP_CHECKF(strstr(out, cases[i].want), "'%s': %s", cases[i].val, out);
	}
	/* 64 pairs, not 65 */
	for (n = 0, i = 0; i < NFMPTCP_NAT_MAP_PAIRS_MAX; i++)
		n += snprintf(s + n, sizeof(s) - n, "%s10.0.%u.1=192.0.%u.1", i ? "," : "", i, i);
	NFMP_CHECK(nat_map(s, out, sizeof(out)) == 0 && !strcmp(out, s));
	snprintf(s + n, sizeof(s) - n, ",10.1.0.1=192.1.0.1");
	NFMP_CHECK(nat_map(s, out, sizeof(out)) == -1 && strstr(out, "at most 64 pairs"));
	/* the longest text form fits NFM_NAT_MAP_STRLEN */
	for (n = 0, i = 0; i < NFMPTCP_NAT_MAP_PAIRS_MAX; i++)
		n += snprintf(s + n, sizeof(s) - n,
			      "%sfd00:2222:3333:4444:5555:6666:7777:%04x=2001:db8:3333:4444:5555:6666:7777:%04x",
			      i ? "," : "", 0x8000 + i, 0x8000 + i);
	NFMP_CHECK(nat_map(s, out, sizeof(out)) == 0 && !strcmp(out, s));
	NFMP_CHECK(strlen(s) < NFM_NAT_MAP_STRLEN);
	nfmp_tap_group("config nat-map: IN=OUT pairs or none, syntax checked, 64 at most");
}

static void test_nat_map_forms(void)
{
	static const char want_json[] = "{\"nat_map\":[{\"inside\":\"10.0.4.1\",\"outside\":\"192.0.2.2\"},"
		"{\"inside\":\"fd00:4::1\",\"outside\":\"2001:db8::2\"}],\"none\":[]}\n";
	static struct nfm_nat_map m, back, none;
	char err[160], *out = NULL, buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *a, *nest = NULL;
	struct nlmsghdr *nlh;
	struct nfm_json j;
	size_t len = 0;
	FILE *f;

	NFMP_CHECK(!nfm_nat_map_parse("10.0.4.1=192.0.2.2,fd00:4::1=2001:db8::2", &m, err,
				      sizeof(err)));
	f = open_memstream(&out, &len);
	nfm_json_init(&j, f, false);
	nfm_json_obj_open(&j, NULL);
	nfm_nat_map_json(&j, "nat_map", &m);
	nfm_nat_map_json(&j, "none", &none);
	nfm_json_obj_close(&j);
	NFMP_CHECK(nfm_json_finish(&j) == 0);
	fclose(f);
	NFMP_CHECKF(out && !strcmp(out, want_json), "%s", out ? out : "(null)");
	free(out);

	/* the nest: one PAIR per pair, the address types by family; and back */
	nlh = mnl_nlmsg_put_header(buf);
	nfm_nat_map_put(nlh, &m);
	mnl_attr_for_each(a, nlh, 0)
		nest = a;
	NFMP_CHECK(nest && mnl_attr_get_type(nest) == NFMPTCP_CFG_A_NAT_MAP);
	NFMP_CHECK(nest && (nest->nla_type & NLA_F_NESTED));
	NFMP_CHECK(nest && mnl_attr_get_payload_len(nest) == (4 + 8 + 8) + (4 + 20 + 20));
	NFMP_CHECK(nest && !nfm_nat_map_get(nest, &back));
	NFMP_CHECK(!memcmp(&m, &back, sizeof(m)));
	nlh = mnl_nlmsg_put_header(buf);
	nfm_nat_map_put(nlh, &none);
	nest = mnl_nlmsg_get_payload(nlh);
	NFMP_CHECK(mnl_attr_get_payload_len(nest) == 0);
	NFMP_CHECK(!nfm_nat_map_get(nest, &back) && back.n == 0);
	/* a pair without its outside address is refused */
	nlh = mnl_nlmsg_put_header(buf);
	a = mnl_attr_nest_start(nlh, NFMPTCP_CFG_A_NAT_MAP);
	nest = mnl_attr_nest_start(nlh, NFMPTCP_NAT_MAP_A_PAIR);
	mnl_attr_put_u32(nlh, NFMPTCP_NAT_PAIR_A_INSIDE4, htonl(0x0a000401));
	mnl_attr_nest_end(nlh, (struct nlattr *)nest);
	mnl_attr_nest_end(nlh, (struct nlattr *)a);
	NFMP_CHECK(nfm_nat_map_get(a, &back) == -1);
	nfmp_tap_group("config nat-map: JSON list of inside/outside, netlink nest round trip");
}

int main(void)
{
	test_keys();
	test_parse_actions();
	test_parse_numbers();
	test_print();
	test_messages();
	test_json();
	test_policy_names();
	test_nat_map_parse();
	test_nat_map_forms();
	return nfmp_tap_done();
}
