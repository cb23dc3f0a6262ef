// SPDX-License-Identifier: GPL-2.0
/* rule_fields.c - the fields `nfmptcp rule` matches on, spelled as nft spells them. */
#include <string.h>
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "rule_fields.h"
#include "nfmp_options.h"
#include "../kmod/uapi/nfmptcp.h"
#include "../nft-ext/uapi/nft_mptcp.h"

static const struct nfm_sym nfm_l4proto_syms[] = {
	{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 }, { "sctp", 132 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { NULL, 0 }
};

static const struct nfm_sym nfm_nfproto_syms[] = {
	{ "ipv4", NFPROTO_IPV4 }, { "ipv6", NFPROTO_IPV6 }, { NULL, 0 }
};

static const struct nfm_sym nfm_tcpflag_syms[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "psh", 0x08 },
	{ "ack", 0x10 }, { "urg", 0x20 }, { "ecn", 0x40 }, { "cwr", 0x80 }, { NULL, 0 }
};

/* nft's spelling and bit order (NF_CT_STATE_*_BIT) */
static const struct nfm_sym nfm_ctstate_syms[] = {
	{ "invalid", NF_CT_STATE_INVALID_BIT },
	{ "established", NF_CT_STATE_BIT(IP_CT_ESTABLISHED) },
	{ "related", NF_CT_STATE_BIT(IP_CT_RELATED) },
	{ "new", NF_CT_STATE_BIT(IP_CT_NEW) },
	{ "untracked", NF_CT_STATE_UNTRACKED_BIT },
	{ NULL, 0 }
};

static const struct nfm_sym nfm_verdict_syms[] = {
	{ "pending", NFMPTCP_VERDICT_PENDING },
	{ "valid", NFMPTCP_VERDICT_VALID },
	{ "unknown-token", NFMPTCP_VERDICT_UNKNOWN_TOKEN },
	{ "bad-hmac", NFMPTCP_VERDICT_BAD_HMAC },
	{ "fallback", NFMPTCP_VERDICT_FALLBACK },
	{ "invalid", NFMPTCP_VERDICT_INVALID },
	{ NULL, 0 }
};

static const struct nfm_sym nfm_subflow_syms[] = {
	{ "initial", NFT_MPTCP_SUBFLOW_INITIAL }, { "join", NFT_MPTCP_SUBFLOW_JOIN }, { NULL, 0 }
};

/* subtypes: bit (1 << subtype), names as nfmp_subtype_name() and nft's mptcp subtype */
static const struct nfm_sym nfm_subtype_syms[] = {
	{ "mp-capable", NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE) },
	{ "mp-join", NFMP_SUBTYPE_BIT(NFMP_MP_JOIN) },
	{ "dss", NFMP_SUBTYPE_BIT(NFMP_DSS) },
	{ "add-addr", NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR) },
	{ "remove-addr", NFMP_SUBTYPE_BIT(NFMP_REMOVE_ADDR) },
	{ "mp-prio", NFMP_SUBTYPE_BIT(NFMP_MP_PRIO) },
	{ "mp-fail", NFMP_SUBTYPE_BIT(NFMP_MP_FAIL) },
	{ "mp-fastclose", NFMP_SUBTYPE_BIT(NFMP_MP_FASTCLOSE) },
	{ "mp-tcprst", NFMP_SUBTYPE_BIT(NFMP_MP_TCPRST) },
	{ NULL, 0 }
};

#define PAYLOAD(p, n, b, o, l, t, d) \
	{ .proto = (p), .name = (n), .kind = NFM_X_PAYLOAD, .base = (b), .offset = (o), \
	  .len = (l), .type = (t), .dep = (d), \
	  .dep_is_nfproto = ((d) == NFPROTO_IPV4 || (d) == NFPROTO_IPV6) && \
	  (b) == NFT_PAYLOAD_NETWORK_HEADER, .syms = (t) == NFM_V_FLAGS8 ? nfm_tcpflag_syms : NULL }
#define MPTCP(n, k, t, s, h) \
	{ .proto = "mptcp", .name = (n), .kind = NFM_X_MPTCP, .key = (k), .type = (t), .syms = (s), \
	  .hex = (h), \
	  .flags_exact = true }

const struct nfm_field nfm_fields[] = {
	PAYLOAD("ip", "saddr", NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFM_V_IPV4, NFPROTO_IPV4),
	PAYLOAD("ip", "daddr", NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFM_V_IPV4, NFPROTO_IPV4),
	PAYLOAD("ip6", "saddr", NFT_PAYLOAD_NETWORK_HEADER, 8, 16, NFM_V_IPV6, NFPROTO_IPV6),
	PAYLOAD("ip6", "daddr", NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NFM_V_IPV6, NFPROTO_IPV6),
	PAYLOAD("tcp", "sport", NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, NFM_V_BE16, 6),
	PAYLOAD("tcp", "dport", NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFM_V_BE16, 6),
	PAYLOAD("tcp", "flags", NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1, NFM_V_FLAGS8, 6),
	{ .proto = "", .name = "iifname", .kind = NFM_X_META, .key = NFT_META_IIFNAME,
	  .type = NFM_V_IFNAME },
	{ .proto = "", .name = "oifname", .kind = NFM_X_META, .key = NFT_META_OIFNAME,
	  .type = NFM_V_IFNAME },
	{ .proto = "meta", .name = "l4proto", .kind = NFM_X_META, .key = NFT_META_L4PROTO,
	  .type = NFM_V_U8, .syms = nfm_l4proto_syms },
	{ .proto = "meta", .name = "nfproto", .kind = NFM_X_META, .key = NFT_META_NFPROTO,
	  .type = NFM_V_U8, .syms = nfm_nfproto_syms },
	{ .proto = "meta", .name = "mark", .kind = NFM_X_META, .key = NFT_META_MARK,
	  .type = NFM_V_HOST32, .hex = true },
	{ .proto = "ct", .name = "state", .kind = NFM_X_CT, .key = NFT_CT_STATE,
	  .type = NFM_V_FLAGS32, .syms = nfm_ctstate_syms },
	{ .proto = "ct", .name = "mark", .kind = NFM_X_CT, .key = NFT_CT_MARK,
	  .type = NFM_V_HOST32, .hex = true },
	MPTCP("client-token", NFT_MPTCP_CLIENT_TOKEN, NFM_V_HOST32, NULL, true),
	MPTCP("server-token", NFT_MPTCP_SERVER_TOKEN, NFM_V_HOST32, NULL, true),
	MPTCP("subflows", NFT_MPTCP_SUBFLOWS, NFM_V_HOST32, NULL, false),
	MPTCP("version", NFT_MPTCP_VERSION, NFM_V_HOST32, NULL, false),
	MPTCP("verdict", NFT_MPTCP_VERDICT, NFM_V_HOST32, nfm_verdict_syms, false),
	MPTCP("subflow", NFT_MPTCP_SUBFLOW, NFM_V_HOST32, nfm_subflow_syms, false),
	MPTCP("backup", NFT_MPTCP_BACKUP, NFM_V_HOST32, NULL, false),
	MPTCP("addr-id", NFT_MPTCP_ADDR_ID, NFM_V_HOST32, NULL, false),
	MPTCP("conn-id", NFT_MPTCP_CONN_ID, NFM_V_HOST32, NULL, false),
	MPTCP("subtypes", NFT_MPTCP_SUBTYPES, NFM_V_FLAGS32, nfm_subtype_syms, false),
};
const size_t nfm_nfields = sizeof(nfm_fields) / sizeof(nfm_fields[0]);

const struct nfm_field *nfm_field_find(const char *proto, const char *name)
{
	size_t i;

	for (i = 0; i < nfm_nfields; i++)
		if (!strcmp(nfm_fields[i].proto, proto) && !strcmp(nfm_fields[i].name, name))
			return &nfm_fields[i];
	return NULL;
}

const struct nfm_field *nfm_field_of_load(const struct nfm_expr *e)
{
	size_t i;

	for (i = 0; i < nfm_nfields; i++) {
		const struct nfm_field *f = &nfm_fields[i];

		if (f->kind != e->kind || e->set)
			continue;
		if (f->kind != NFM_X_PAYLOAD) {
			if (f->key == e->key)
				return f;
			continue;
		}
		if (f->base != e->base || f->offset != e->offset)
			continue;
		/* addresses may be loaded in part: a prefix of whole bytes */
		if (e->len == f->len ||
		    ((f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6) && e->len > 0 && e->len < f->len))
			return f;
	}
	return NULL;
}

int nfm_sym_value(const struct nfm_sym *syms, const char *name, uint32_t *v)
{
	for (; syms && syms->name; syms++) {
		if (!strcmp(syms->name, name)) {
			*v = syms->value;
			return 0;
		}
	}
	return -1;
}

const char *nfm_sym_name(const struct nfm_sym *syms, uint32_t v)
{
	for (; syms && syms->name; syms++)
		if (syms->value == v)
			return syms->name;
	return NULL;
}

void nfm_field_spell(const struct nfm_field *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", f->proto, f->proto[0] ? " " : "", f->name);
}

int nfm_rule_family_parse(const char *s)
{
	if (!strcmp(s, "ip"))
		return NFPROTO_IPV4;
	if (!strcmp(s, "ip6"))
		return NFPROTO_IPV6;
	if (!strcmp(s, "inet"))
		return NFPROTO_INET;
	return -1;
}

const char *nfm_rule_family_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	}
	return NULL;
}

/* Same contents (elements are kept sorted by key, so a plain walk compares them). */
static bool nfm_set_same(const struct nfm_set *a, const struct nfm_set *b)
{
	unsigned int i;

	if ((a->flags & NFT_SET_INTERVAL) != (b->flags & NFT_SET_INTERVAL) ||
	    a->key_len != b->key_len || a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (memcmp(a->elem[i].key, b->elem[i].key, a->key_len) != 0 ||
		    a->elem[i].end != b->elem[i].end)
			return false;
	return true;
}

static bool nfm_expr_same(const struct nfm_rule *ra, const struct nfm_expr *a,
			  const struct nfm_rule *rb, const struct nfm_expr *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case NFM_X_UNKNOWN:
		return !strcmp(a->name, b->name);
	case NFM_X_PAYLOAD:
		return a->dreg == b->dreg && a->base == b->base && a->offset == b->offset &&
		       a->len == b->len;
	case NFM_X_META:
	case NFM_X_CT:
	case NFM_X_MPTCP:
		return a->key == b->key && a->set == b->set &&
		       (a->set ? a->sreg == b->sreg : a->dreg == b->dreg);
	case NFM_X_CMP:
		return a->sreg == b->sreg && a->op == b->op && a->dlen == b->dlen &&
		       !memcmp(a->data, b->data, a->dlen);
	case NFM_X_BITWISE:
		return a->sreg == b->sreg && a->dreg == b->dreg && a->dlen == b->dlen &&
		       !memcmp(a->data, b->data, a->dlen) && !memcmp(a->data2, b->data2, a->dlen);
	case NFM_X_BYTEORDER:
		return a->sreg == b->sreg && a->dreg == b->dreg && a->op == b->op &&
		       a->len == b->len && a->size == b->size;
	case NFM_X_RANGE:
		return a->sreg == b->sreg && a->op == b->op && a->dlen == b->dlen &&
		       !memcmp(a->data, b->data, a->dlen) && !memcmp(a->data2, b->data2, a->dlen);
	case NFM_X_IMMEDIATE:
		if (a->dreg != b->dreg)
			return false;
		if (a->dreg == NFT_REG_VERDICT)
			return a->verdict == b->verdict && !strcmp(a->chain, b->chain);
		return a->dlen == b->dlen && !memcmp(a->data, b->data, a->dlen);
	case NFM_X_COUNTER:
		return true;
	case NFM_X_LOG:
		return a->has_prefix == b->has_prefix && !strcmp(a->prefix, b->prefix);
	case NFM_X_REJECT:
		return a->rtype == b->rtype && a->rcode == b->rcode;
	case NFM_X_LOOKUP:
		return a->sreg == b->sreg && a->op == b->op && a->setidx < ra->nsets &&
		       b->setidx < rb->nsets && nfm_set_same(&ra->sets[a->setidx], &rb->sets[b->setidx]);
	}
	return false;
}

bool nfm_rule_same_exprs(const struct nfm_rule *a, const struct nfm_rule *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!nfm_expr_same(a, &a->e[i], b, &b->e[i]))
			return false;
	return true;
}
