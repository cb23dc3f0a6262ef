// SPDX-License-Identifier: GPL-2.0
/* rule_nl.c - nf_tables rule messages built and read with libmnl, batches and dumps. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "rule_nl.h"
#include "../nft-ext/uapi/nft_mptcp.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* ---- encoding ------------------------------------------------------------------ */

static bool nfm_put_u32(struct nlmsghdr *nlh, size_t buflen, uint16_t type, uint32_t v)
{
	return mnl_attr_put_u32_check(nlh, buflen, type, htonl(v));
}

static bool nfm_put_data(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const void *d, uint32_t len)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest || !mnl_attr_put_check(nlh, buflen, NFTA_DATA_VALUE, len, d))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static const char *nfm_expr_kname(const struct nfm_expr *e)
{
	static const char * const names[] = {
		[NFM_X_PAYLOAD] = "payload", [NFM_X_META] = "meta", [NFM_X_CT] = "ct",
		[NFM_X_MPTCP] = NFT_MPTCP_EXPR_NAME, [NFM_X_CMP] = "cmp", [NFM_X_BITWISE] = "bitwise",
		[NFM_X_BYTEORDER] = "byteorder", [NFM_X_RANGE] = "range",
		[NFM_X_IMMEDIATE] = "immediate", [NFM_X_COUNTER] = "counter", [NFM_X_LOG] = "log",
		[NFM_X_REJECT] = "reject", [NFM_X_LOOKUP] = "lookup",
	};

	return e->kind == NFM_X_UNKNOWN ? NULL : names[e->kind];
}

static bool nfm_put_expr_data(struct nlmsghdr *nlh, size_t n, const struct nfm_rule *r,
			      const struct nfm_expr *e)
{
	uint8_t zero[NFM_RULE_DATA_MAX] = { 0 };

	switch (e->kind) {
	case NFM_X_PAYLOAD:
		return nfm_put_u32(nlh, n, NFTA_PAYLOAD_DREG, e->dreg) &&
		       nfm_put_u32(nlh, n, NFTA_PAYLOAD_BASE, e->base) &&
		       nfm_put_u32(nlh, n, NFTA_PAYLOAD_OFFSET, e->offset) &&
		       nfm_put_u32(nlh, n, NFTA_PAYLOAD_LEN, e->len);
	case NFM_X_META:
		return nfm_put_u32(nlh, n, NFTA_META_KEY, e->key) &&
		       nfm_put_u32(nlh, n, e->set ? NFTA_META_SREG : NFTA_META_DREG,
				   e->set ? e->sreg : e->dreg);
	case NFM_X_CT:
		return nfm_put_u32(nlh, n, NFTA_CT_KEY, e->key) &&
		       nfm_put_u32(nlh, n, e->set ? NFTA_CT_SREG : NFTA_CT_DREG,
				   e->set ? e->sreg : e->dreg);
	case NFM_X_MPTCP:
		return nfm_put_u32(nlh, n, NFTA_MPTCP_KEY, e->key) &&
		       nfm_put_u32(nlh, n, NFTA_MPTCP_DREG, e->dreg);
	case NFM_X_CMP:
		return nfm_put_u32(nlh, n, NFTA_CMP_SREG, e->sreg) &&
		       nfm_put_u32(nlh, n, NFTA_CMP_OP, e->op) &&
		       nfm_put_data(nlh, n, NFTA_CMP_DATA, e->data, e->dlen);
	case NFM_X_BITWISE:
		return nfm_put_u32(nlh, n, NFTA_BITWISE_SREG, e->sreg) &&
		       nfm_put_u32(nlh, n, NFTA_BITWISE_DREG, e->dreg) &&
		       nfm_put_u32(nlh, n, NFTA_BITWISE_LEN, e->dlen) &&
		       nfm_put_data(nlh, n, NFTA_BITWISE_MASK, e->data, e->dlen) &&
		       nfm_put_data(nlh, n, NFTA_BITWISE_XOR, zero, e->dlen);
	case NFM_X_BYTEORDER:
		return nfm_put_u32(nlh, n, NFTA_BYTEORDER_SREG, e->sreg) &&
		       nfm_put_u32(nlh, n, NFTA_BYTEORDER_DREG, e->dreg) &&
		       nfm_put_u32(nlh, n, NFTA_BYTEORDER_OP, e->op) &&
		       nfm_put_u32(nlh, n, NFTA_BYTEORDER_LEN, e->len) &&
		       nfm_put_u32(nlh, n, NFTA_BYTEORDER_SIZE, e->size);
	case NFM_X_RANGE:
		return nfm_put_u32(nlh, n, NFTA_RANGE_SREG, e->sreg) &&
		       nfm_put_u32(nlh, n, NFTA_RANGE_OP, e->op) &&
		       nfm_put_data(nlh, n, NFTA_RANGE_FROM_DATA, e->data, e->dlen) &&
		       nfm_put_data(nlh, n, NFTA_RANGE_TO_DATA, e->data2, e->dlen);
	case NFM_X_IMMEDIATE: {
		struct nlattr *d, *v;

		if (!nfm_put_u32(nlh, n, NFTA_IMMEDIATE_DREG, e->dreg))
			return false;
		if (e->dreg != NFT_REG_VERDICT)
			return nfm_put_data(nlh, n, NFTA_IMMEDIATE_DATA, e->data, e->dlen);
		d = mnl_attr_nest_start_check(nlh, n, NFTA_IMMEDIATE_DATA);
		v = d ? mnl_attr_nest_start_check(nlh, n, NFTA_DATA_VERDICT) : NULL;
		if (!v || !nfm_put_u32(nlh, n, NFTA_VERDICT_CODE, (uint32_t)e->verdict))
			return false;
		if ((e->verdict == NFT_JUMP || e->verdict == NFT_GOTO) &&
		    !mnl_attr_put_strz_check(nlh, n, NFTA_VERDICT_CHAIN, e->chain))
			return false;
		mnl_attr_nest_end(nlh, v);
		mnl_attr_nest_end(nlh, d);
		return true;
	}
	case NFM_X_COUNTER:
		return mnl_attr_put_u64_check(nlh, n, NFTA_COUNTER_BYTES, htobe64(e->bytes)) &&
		       mnl_attr_put_u64_check(nlh, n, NFTA_COUNTER_PACKETS, htobe64(e->packets));
	case NFM_X_LOG:
		return !e->has_prefix || mnl_attr_put_strz_check(nlh, n, NFTA_LOG_PREFIX, e->prefix);
	case NFM_X_REJECT:
		return nfm_put_u32(nlh, n, NFTA_REJECT_TYPE, e->rtype) &&
		       (e->rtype == NFT_REJECT_TCP_RST ||
			mnl_attr_put_u8_check(nlh, n, NFTA_REJECT_ICMP_CODE, e->rcode));
	case NFM_X_LOOKUP:
		/* the set is made in the same batch: the kernel finds it by its id */
		if (e->setidx >= r->nsets)
			return false;
		return mnl_attr_put_strz_check(nlh, n, NFTA_LOOKUP_SET, r->sets[e->setidx].name) &&
		       nfm_put_u32(nlh, n, NFTA_LOOKUP_SREG, e->sreg) &&
		       nfm_put_u32(nlh, n, NFTA_LOOKUP_SET_ID, r->sets[e->setidx].id) &&
		       (!e->op || nfm_put_u32(nlh, n, NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV));
	case NFM_X_UNKNOWN:
		break;
	}
	return false;
}

int nfm_rule_put_exprs(struct nlmsghdr *nlh, size_t buflen, const struct nfm_rule *r)
{
	struct nlattr *list, *elem, *data;
	unsigned int i;

	list = mnl_attr_nest_start_check(nlh, buflen, NFTA_RULE_EXPRESSIONS);
	if (!list)
		return -1;
	for (i = 0; i < r->n; i++) {
		const struct nfm_expr *e = &r->e[i];
		const char *name = nfm_expr_kname(e);

		if (!name)
			return -1;	/* an unknown expression cannot be re-created */
		elem = mnl_attr_nest_start_check(nlh, buflen, NFTA_LIST_ELEM);
		if (!elem || !mnl_attr_put_strz_check(nlh, buflen, NFTA_EXPR_NAME, name))
			return -1;
		data = mnl_attr_nest_start_check(nlh, buflen, NFTA_EXPR_DATA);
		if (!data || !nfm_put_expr_data(nlh, buflen, r, e))
			return -1;
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, elem);
	}
	mnl_attr_nest_end(nlh, list);
	return 0;
}

static struct nlmsghdr *nfm_nft_msg(char *buf, size_t len, uint16_t type, uint16_t flags,
				    uint8_t family, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(0);
	return nlh;
}

static bool nfm_put_rule_names(struct nlmsghdr *nlh, size_t len, const struct nfm_rule *r)
{
	return mnl_attr_put_strz_check(nlh, len, NFTA_RULE_TABLE, r->table) &&
	       mnl_attr_put_strz_check(nlh, len, NFTA_RULE_CHAIN, r->chain);
}

struct nlmsghdr *nfm_rule_msg_new(char *buf, size_t len, const struct nfm_rule *r, bool insert,
				  uint32_t seq)
{
	/* append (add) or prepend (insert); with a position: after / before that handle */
	struct nlmsghdr *nlh = nfm_nft_msg(buf, len, NFT_MSG_NEWRULE,
					   NLM_F_CREATE | NLM_F_ACK | (insert ? 0 : NLM_F_APPEND),
					   r->family, seq);

	if (!nlh || !nfm_put_rule_names(nlh, len, r))
		return NULL;
	if (r->position && !mnl_attr_put_u64_check(nlh, len, NFTA_RULE_POSITION, htobe64(r->position)))
		return NULL;
	if (nfm_rule_put_exprs(nlh, len, r))
		return NULL;
	return nlh;
}

/* NEWSET of an anonymous set as nft writes it (the kernel names it from "__set%d"). */
struct nlmsghdr *nfm_set_msg_new(char *buf, size_t len, const struct nfm_rule *r,
				 const struct nfm_set *s, uint32_t seq)
{
	struct nlmsghdr *nlh = nfm_nft_msg(buf, len, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_ACK,
					   r->family, seq);
	struct nlattr *desc;
	uint8_t udata[12];
	uint32_t bo, ulen;

	if (!nlh || !mnl_attr_put_strz_check(nlh, len, NFTA_SET_TABLE, r->table) ||
	    !mnl_attr_put_strz_check(nlh, len, NFTA_SET_NAME, s->name) ||
	    !nfm_put_u32(nlh, len, NFTA_SET_FLAGS, s->flags) ||
	    !nfm_put_u32(nlh, len, NFTA_SET_KEY_TYPE, s->key_type) ||
	    !nfm_put_u32(nlh, len, NFTA_SET_KEY_LEN, s->key_len) ||
	    !nfm_put_u32(nlh, len, NFTA_SET_ID, s->id))
		return NULL;
	/* nft's own notes (libnftnl udata TLVs): the key's byte order, which nft needs to list
	 * host-order values, and "merge elements" for intervals */
	udata[0] = 0;		/* NFTNL_UDATA_SET_KEYBYTEORDER */
	udata[1] = 4;
	bo = s->host_order ? 1 : 2;	/* nft's BYTEORDER_HOST_ENDIAN / _BIG_ENDIAN */
	memcpy(udata + 2, &bo, 4);
	ulen = 6;
	if (s->flags & NFT_SET_INTERVAL) {
		static const uint8_t merge[] = { 2, 4, 1, 0, 0, 0 };	/* NFTNL_UDATA_SET_MERGE_ELEMENTS */

		memcpy(udata + ulen, merge, sizeof(merge));
		ulen += sizeof(merge);
	}
	if (!mnl_attr_put_check(nlh, len, NFTA_SET_USERDATA, ulen, udata))
		return NULL;
	desc = mnl_attr_nest_start_check(nlh, len, NFTA_SET_DESC);
	if (!desc || !nfm_put_u32(nlh, len, NFTA_SET_DESC_SIZE, s->n))
		return NULL;
	mnl_attr_nest_end(nlh, desc);
	return nlh;
}

/* NEWSETELEM with every element of @s, for the set of this batch with its id. */
struct nlmsghdr *nfm_setelem_msg_new(char *buf, size_t len, const struct nfm_rule *r,
				     const struct nfm_set *s, uint32_t seq)
{
	/* nft's NFTNL_UDATA_SET_ELEM_FLAGS = NFTNL_SET_ELEM_F_INTERVAL_OPEN: "a-max" */
	static const uint8_t open_udata[] = { 0x01, 0x04, 0x01, 0x00, 0x00, 0x00 };
	struct nlmsghdr *nlh = nfm_nft_msg(buf, len, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_ACK,
					   r->family, seq);
	struct nlattr *list, *el, *key;
	unsigned int i;

	if (!nlh || !mnl_attr_put_strz_check(nlh, len, NFTA_SET_ELEM_LIST_TABLE, r->table) ||
	    !mnl_attr_put_strz_check(nlh, len, NFTA_SET_ELEM_LIST_SET, s->name) ||
	    !nfm_put_u32(nlh, len, NFTA_SET_ELEM_LIST_SET_ID, s->id))
		return NULL;
	list = mnl_attr_nest_start_check(nlh, len, NFTA_SET_ELEM_LIST_ELEMENTS);
	if (!list)
		return NULL;
	for (i = 0; i < s->n; i++) {
		el = mnl_attr_nest_start_check(nlh, len, NFTA_LIST_ELEM);
		key = el ? mnl_attr_nest_start_check(nlh, len, NFTA_SET_ELEM_KEY) : NULL;
		if (!key || !mnl_attr_put_check(nlh, len, NFTA_DATA_VALUE, s->key_len, s->elem[i].key))
			return NULL;
		mnl_attr_nest_end(nlh, key);
		if (s->elem[i].end && !nfm_put_u32(nlh, len, NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END))
			return NULL;
		if (s->elem[i].open &&
		    !mnl_attr_put_check(nlh, len, NFTA_SET_ELEM_USERDATA, sizeof(open_udata), open_udata))
			return NULL;
		mnl_attr_nest_end(nlh, el);
	}
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

struct nlmsghdr *nfm_rule_msg_del(char *buf, size_t len, const struct nfm_rule *r, uint32_t seq)
{
	struct nlmsghdr *nlh = nfm_nft_msg(buf, len, NFT_MSG_DELRULE, NLM_F_ACK, r->family, seq);

	if (!nlh || !nfm_put_rule_names(nlh, len, r))
		return NULL;
	if (r->handle && !mnl_attr_put_u64_check(nlh, len, NFTA_RULE_HANDLE, htobe64(r->handle)))
		return NULL;
	return nlh;
}

/* ---- decoding ------------------------------------------------------------------ */

#define NFM_TB_MAX	16

static int nfm_tb_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < NFM_TB_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int nfm_nested(const struct nlattr *nest, const struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * NFM_TB_MAX);
	return mnl_attr_parse_nested(nest, nfm_tb_cb, tb) == MNL_CB_OK ? 0 : -1;
}

static int nfm_get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != 4)
		return -1;
	*v = ntohl(mnl_attr_get_u32(a));
	return 0;
}

/* NFTA_DATA_VALUE inside @nest into @d (at most NFM_RULE_DATA_MAX bytes). */
static int nfm_get_data(const struct nlattr *nest, uint8_t *d, uint32_t *len)
{
	const struct nlattr *tb[NFM_TB_MAX];
	uint16_t n;

	if (!nest || nfm_nested(nest, tb) || !tb[NFTA_DATA_VALUE])
		return -1;
	n = mnl_attr_get_payload_len(tb[NFTA_DATA_VALUE]);
	if (n == 0 || n > NFM_RULE_DATA_MAX)
		return -1;
	memcpy(d, mnl_attr_get_payload(tb[NFTA_DATA_VALUE]), n);
	*len = n;
	return 0;
}

/* One expression's attributes; -1 means "not in the form this tool writes": keep it unknown. */
static int nfm_expr_parse(struct nfm_expr *e, const struct nlattr **tb)
{
	uint32_t len2, op;
	uint8_t x[NFM_RULE_DATA_MAX];

	switch (e->kind) {
	case NFM_X_PAYLOAD:
		return nfm_get_u32(tb[NFTA_PAYLOAD_DREG], &e->dreg) ||
		       nfm_get_u32(tb[NFTA_PAYLOAD_BASE], &e->base) ||
		       nfm_get_u32(tb[NFTA_PAYLOAD_OFFSET], &e->offset) ||
		       nfm_get_u32(tb[NFTA_PAYLOAD_LEN], &e->len) ? -1 : 0;
	case NFM_X_META:
	case NFM_X_CT:
		/* same attribute numbers: KEY 2, DREG 1, SREG 3 (ct: 4 with DIRECTION 3) */
		if (e->kind == NFM_X_META) {
			if (nfm_get_u32(tb[NFTA_META_KEY], &e->key))
				return -1;
			e->set = tb[NFTA_META_SREG];
			return e->set ? nfm_get_u32(tb[NFTA_META_SREG], &e->sreg)
				      : nfm_get_u32(tb[NFTA_META_DREG], &e->dreg);
		}
		if (nfm_get_u32(tb[NFTA_CT_KEY], &e->key) || tb[NFTA_CT_DIRECTION])
			return -1;
		e->set = tb[NFTA_CT_SREG];
		return e->set ? nfm_get_u32(tb[NFTA_CT_SREG], &e->sreg)
			      : nfm_get_u32(tb[NFTA_CT_DREG], &e->dreg);
	case NFM_X_MPTCP:
		return nfm_get_u32(tb[NFTA_MPTCP_KEY], &e->key) ||
		       nfm_get_u32(tb[NFTA_MPTCP_DREG], &e->dreg) ? -1 : 0;
	case NFM_X_CMP:
		return nfm_get_u32(tb[NFTA_CMP_SREG], &e->sreg) || nfm_get_u32(tb[NFTA_CMP_OP], &e->op) ||
		       nfm_get_data(tb[NFTA_CMP_DATA], e->data, &e->dlen) ? -1 : 0;
	case NFM_X_BITWISE:
		if (tb[NFTA_BITWISE_OP] && (nfm_get_u32(tb[NFTA_BITWISE_OP], &op) || op != NFT_BITWISE_BOOL))
			return -1;
		if (nfm_get_u32(tb[NFTA_BITWISE_SREG], &e->sreg) ||
		    nfm_get_u32(tb[NFTA_BITWISE_DREG], &e->dreg) ||
		    nfm_get_data(tb[NFTA_BITWISE_MASK], e->data, &e->dlen) ||
		    nfm_get_data(tb[NFTA_BITWISE_XOR], x, &len2) || len2 != e->dlen)
			return -1;
		/* this tool only writes "& mask ^ 0" */
		while (len2--)
			if (x[len2])
				return -1;
		return 0;
	case NFM_X_BYTEORDER:
		return nfm_get_u32(tb[NFTA_BYTEORDER_SREG], &e->sreg) ||
		       nfm_get_u32(tb[NFTA_BYTEORDER_DREG], &e->dreg) ||
		       nfm_get_u32(tb[NFTA_BYTEORDER_OP], &e->op) ||
		       nfm_get_u32(tb[NFTA_BYTEORDER_LEN], &e->len) ||
		       nfm_get_u32(tb[NFTA_BYTEORDER_SIZE], &e->size) ? -1 : 0;
	case NFM_X_RANGE:
		return nfm_get_u32(tb[NFTA_RANGE_SREG], &e->sreg) || nfm_get_u32(tb[NFTA_RANGE_OP], &e->op) ||
		       nfm_get_data(tb[NFTA_RANGE_FROM_DATA], e->data, &e->dlen) ||
		       nfm_get_data(tb[NFTA_RANGE_TO_DATA], e->data2, &len2) || len2 != e->dlen ? -1 : 0;
	case NFM_X_IMMEDIATE: {
		const struct nlattr *d[NFM_TB_MAX], *v[NFM_TB_MAX];
		uint32_t code;

		if (nfm_get_u32(tb[NFTA_IMMEDIATE_DREG], &e->dreg) || !tb[NFTA_IMMEDIATE_DATA])
			return -1;
		if (e->dreg != NFT_REG_VERDICT)
			return nfm_get_data(tb[NFTA_IMMEDIATE_DATA], e->data, &e->dlen);
		if (nfm_nested(tb[NFTA_IMMEDIATE_DATA], d) || !d[NFTA_DATA_VERDICT] ||
		    nfm_nested(d[NFTA_DATA_VERDICT], v) || nfm_get_u32(v[NFTA_VERDICT_CODE], &code))
			return -1;
		e->verdict = (int32_t)code;
		if (e->verdict == NFT_JUMP || e->verdict == NFT_GOTO) {
			if (!v[NFTA_VERDICT_CHAIN] ||
			    mnl_attr_validate(v[NFTA_VERDICT_CHAIN], MNL_TYPE_NUL_STRING) ||
			    strlen(mnl_attr_get_str(v[NFTA_VERDICT_CHAIN])) >= sizeof(e->chain))
				return -1;
			snprintf(e->chain, sizeof(e->chain), "%s", mnl_attr_get_str(v[NFTA_VERDICT_CHAIN]));
		}
		return 0;
	}
	case NFM_X_COUNTER:
		if (!tb[NFTA_COUNTER_BYTES] || !tb[NFTA_COUNTER_PACKETS] ||
		    mnl_attr_get_payload_len(tb[NFTA_COUNTER_BYTES]) != 8 ||
		    mnl_attr_get_payload_len(tb[NFTA_COUNTER_PACKETS]) != 8)
			return -1;
		e->bytes = be64toh(mnl_attr_get_u64(tb[NFTA_COUNTER_BYTES]));
		e->packets = be64toh(mnl_attr_get_u64(tb[NFTA_COUNTER_PACKETS]));
		return 0;
	case NFM_X_LOG: {
		uint32_t v;

		/* the kernel reports its defaults (level warning, no flags): only those are ours */
		if (tb[NFTA_LOG_GROUP] || tb[NFTA_LOG_SNAPLEN] || tb[NFTA_LOG_QTHRESHOLD] ||
		    (tb[NFTA_LOG_LEVEL] && (nfm_get_u32(tb[NFTA_LOG_LEVEL], &v) || v != NFT_LOGLEVEL_WARNING)) ||
		    (tb[NFTA_LOG_FLAGS] && (nfm_get_u32(tb[NFTA_LOG_FLAGS], &v) || v != 0)))
			return -1;
		if (tb[NFTA_LOG_PREFIX]) {
			if (mnl_attr_validate(tb[NFTA_LOG_PREFIX], MNL_TYPE_NUL_STRING) ||
			    strlen(mnl_attr_get_str(tb[NFTA_LOG_PREFIX])) >= sizeof(e->prefix))
				return -1;
			e->has_prefix = true;
			snprintf(e->prefix, sizeof(e->prefix), "%s", mnl_attr_get_str(tb[NFTA_LOG_PREFIX]));
		}
		return 0;
	}
	case NFM_X_REJECT:
		if (nfm_get_u32(tb[NFTA_REJECT_TYPE], &e->rtype))
			return -1;
		/* a tcp reset has no code, and the kernel dumps none */
		if (!tb[NFTA_REJECT_ICMP_CODE])
			return e->rtype == NFT_REJECT_TCP_RST ? 0 : -1;
		if (mnl_attr_get_payload_len(tb[NFTA_REJECT_ICMP_CODE]) != 1)
			return -1;
		e->rcode = mnl_attr_get_u8(tb[NFTA_REJECT_ICMP_CODE]);
		return 0;
	case NFM_X_LOOKUP:
		/* a map (with a destination register) is not a form this tool writes */
		if (!tb[NFTA_LOOKUP_SET] || mnl_attr_validate(tb[NFTA_LOOKUP_SET], MNL_TYPE_NUL_STRING) ||
		    tb[NFTA_LOOKUP_DREG] || nfm_get_u32(tb[NFTA_LOOKUP_SREG], &e->sreg))
			return -1;
		if (tb[NFTA_LOOKUP_FLAGS]) {
			if (nfm_get_u32(tb[NFTA_LOOKUP_FLAGS], &op) || (op & ~NFT_LOOKUP_F_INV))
				return -1;
			e->op = op & NFT_LOOKUP_F_INV ? 1 : 0;
		}
		/* the set's name, until nfm_rule_from_nlmsg gives the rule a set of that name */
		snprintf(e->chain, sizeof(e->chain), "%s", mnl_attr_get_str(tb[NFTA_LOOKUP_SET]));
		return strlen(e->chain) < NFM_SET_NAME_MAX ? 0 : -1;
	case NFM_X_UNKNOWN:
		break;
	}
	return -1;
}

static int nfm_expr_from_attr(const struct nlattr *elem, struct nfm_expr *e)
{
	static const struct { const char *name; enum nfm_expr_kind kind; } kinds[] = {
		{ "payload", NFM_X_PAYLOAD }, { "meta", NFM_X_META }, { "ct", NFM_X_CT },
		{ NFT_MPTCP_EXPR_NAME, NFM_X_MPTCP }, { "cmp", NFM_X_CMP }, { "bitwise", NFM_X_BITWISE },
		{ "byteorder", NFM_X_BYTEORDER }, { "range", NFM_X_RANGE },
		{ "immediate", NFM_X_IMMEDIATE }, { "counter", NFM_X_COUNTER }, { "log", NFM_X_LOG },
		{ "reject", NFM_X_REJECT }, { "lookup", NFM_X_LOOKUP },
	};
	const struct nlattr *tb[NFM_TB_MAX], *dtb[NFM_TB_MAX];
	const char *name;
	size_t i;

	memset(e, 0, sizeof(*e));
	if (nfm_nested(elem, tb) || !tb[NFTA_EXPR_NAME] ||
	    mnl_attr_validate(tb[NFTA_EXPR_NAME], MNL_TYPE_NUL_STRING))
		return -1;
	name = mnl_attr_get_str(tb[NFTA_EXPR_NAME]);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->kind = NFM_X_UNKNOWN;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(name, kinds[i].name))
			e->kind = kinds[i].kind;
	if (e->kind == NFM_X_UNKNOWN)
		return 0;
	memset(dtb, 0, sizeof(dtb));
	if ((tb[NFTA_EXPR_DATA] && nfm_nested(tb[NFTA_EXPR_DATA], dtb)) || nfm_expr_parse(e, dtb)) {
		/* a form this tool does not write: keep only the name */
		char keep[sizeof(e->name)];

		memcpy(keep, e->name, sizeof(keep));
		memset(e, 0, sizeof(*e));
		memcpy(e->name, keep, sizeof(keep));
		e->kind = NFM_X_UNKNOWN;
	}
	return 0;
}

static int nfm_rule_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= NFTA_RULE_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

int nfm_rule_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_rule *r)
{
	const struct nlattr *tb[NFTA_RULE_MAX + 1] = { 0 };
	const struct nfgenmsg *nfg;
	const struct nlattr *elem;

	memset(r, 0, offsetof(struct nfm_rule, e));
	r->nsets = 0;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	r->family = nfg->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*nfg), nfm_rule_attr_cb, tb) != MNL_CB_OK)
		return -1;
	if (!tb[NFTA_RULE_TABLE] || !tb[NFTA_RULE_CHAIN] ||
	    mnl_attr_validate(tb[NFTA_RULE_TABLE], MNL_TYPE_NUL_STRING) ||
	    mnl_attr_validate(tb[NFTA_RULE_CHAIN], MNL_TYPE_NUL_STRING))
		return -1;
	snprintf(r->table, sizeof(r->table), "%s", mnl_attr_get_str(tb[NFTA_RULE_TABLE]));
	snprintf(r->chain, sizeof(r->chain), "%s", mnl_attr_get_str(tb[NFTA_RULE_CHAIN]));
	if (tb[NFTA_RULE_HANDLE] && mnl_attr_get_payload_len(tb[NFTA_RULE_HANDLE]) == 8)
		r->handle = be64toh(mnl_attr_get_u64(tb[NFTA_RULE_HANDLE]));
	if (!tb[NFTA_RULE_EXPRESSIONS])
		return 0;
	mnl_attr_for_each_nested(elem, tb[NFTA_RULE_EXPRESSIONS]) {
		if (r->n >= NFM_RULE_MAX_EXPRS)
			return -1;
		struct nfm_expr *e = &r->e[r->n];

		if (nfm_expr_from_attr(elem, e))
			return -1;
		if (e->kind == NFM_X_LOOKUP) {
			/* elements come later (nfm_rule_dump asks for them); a named set stays unknown */
			if (r->nsets >= NFM_RULE_MAX_SETS || strncmp(e->chain, "__set", 5) != 0) {
				memset(e, 0, sizeof(*e));
				snprintf(e->name, sizeof(e->name), "lookup");
			} else {
				struct nfm_set *s = &r->sets[r->nsets];

				memset(s, 0, sizeof(*s));
				memcpy(s->name, e->chain, strlen(e->chain) + 1);	/* < NFM_SET_NAME_MAX */
				e->chain[0] = '\0';
				e->setidx = r->nsets++;
			}
		}
		r->n++;
	}
	return 0;
}

int nfm_set_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_set *s)
{
	const struct nlattr *tb[NFM_TB_MAX] = { 0 };

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), nfm_tb_cb, tb) != MNL_CB_OK ||
	    nfm_get_u32(tb[NFTA_SET_FLAGS], &s->flags) || nfm_get_u32(tb[NFTA_SET_KEY_LEN], &s->key_len) ||
	    s->key_len == 0 || s->key_len > NFM_RULE_DATA_MAX)
		return -1;
	if (tb[NFTA_SET_KEY_TYPE])
		nfm_get_u32(tb[NFTA_SET_KEY_TYPE], &s->key_type);
	return 0;
}

int nfm_setelem_from_nlmsg(const struct nlmsghdr *nlh, struct nfm_set *s)
{
	const struct nlattr *tb[NFM_TB_MAX] = { 0 }, *et[NFM_TB_MAX], *kt[NFM_TB_MAX], *el;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), nfm_tb_cb, tb) != MNL_CB_OK)
		return -1;
	if (!tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		return 0;
	mnl_attr_for_each_nested(el, tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
		struct nfm_set_elem x = { 0 };
		uint32_t flags = 0;
		unsigned int i;

		if (nfm_nested(el, et) || !et[NFTA_SET_ELEM_KEY] || nfm_nested(et[NFTA_SET_ELEM_KEY], kt) ||
		    !kt[NFTA_DATA_VALUE] || mnl_attr_get_payload_len(kt[NFTA_DATA_VALUE]) != s->key_len ||
		    s->n >= NFM_SET_MAX_ELEMS)
			return -1;
		memcpy(x.key, mnl_attr_get_payload(kt[NFTA_DATA_VALUE]), s->key_len);
		if (et[NFTA_SET_ELEM_FLAGS] && nfm_get_u32(et[NFTA_SET_ELEM_FLAGS], &flags))
			return -1;
		x.end = flags & NFT_SET_ELEM_INTERVAL_END;
		x.open = et[NFTA_SET_ELEM_USERDATA] != NULL && !x.end;
		/* insertion sort: sets are small, and the kernel dumps them in its own order */
		for (i = s->n; i > 0 && memcmp(s->elem[i - 1].key, x.key, s->key_len) > 0; i--)
			s->elem[i] = s->elem[i - 1];
		s->elem[i] = x;
		s->n++;
	}
	return 0;
}

/* ---- the socket ---------------------------------------------------------------- */

int nfm_rule_nl_open(struct nfm_rule_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	return 0;
}

void nfm_rule_nl_close(struct nfm_rule_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int nfm_batch_reserve(struct nfm_rule_batch *b, size_t need)
{
	char *n;

	if (b->len + need <= b->cap)
		return 0;
	n = realloc(b->buf, b->cap * 2 + need);
	if (!n)
		return -1;
	b->buf = n;
	b->cap = b->cap * 2 + need;
	return 0;
}

/* NFNL_MSG_BATCH_BEGIN/END: res_id says which subsystem the batch is for */
static void nfm_batch_mark(struct nfm_rule_batch *b, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (nfm_batch_reserve(b, 64))
		return;
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	b->len += nlh->nlmsg_len;
}

void nfm_rule_batch_init(struct nfm_rule_batch *b, struct nfm_rule_nl *nl)
{
	memset(b, 0, sizeof(*b));
	nfm_batch_mark(b, NFNL_MSG_BATCH_BEGIN, nl->seq++);
	b->seq_first = nl->seq;
}

int nfm_rule_batch_add(struct nfm_rule_batch *b, struct nfm_rule_nl *nl, const struct nfm_rule *r,
		       bool del, bool insert)
{
	const size_t room = 16384;	/* the largest rule this tool writes is a few KiB */
	struct nlmsghdr *nlh;

	if (!b->buf || nfm_batch_reserve(b, room * (1 + 2 * r->nsets)))
		return -1;
	if (!del && r->nsets) {
		struct nfm_rule *c = malloc(sizeof(*c));
		unsigned int i;
		int rc = 0;

		if (!c)
			return -1;
		/* set ids are per batch; the rule's messages share its sequence number, so a
		 * refusal of its set still names the rule */
		memcpy(c, r, sizeof(*c));
		for (i = 0; i < c->nsets && !rc; i++) {
			c->sets[i].id = ++b->set_ids;
			snprintf(c->sets[i].name, sizeof(c->sets[i].name), "__set%%d");
			nlh = nfm_set_msg_new(b->buf + b->len, room, c, &c->sets[i], nl->seq);
			if (nlh) {
				b->len += nlh->nlmsg_len;
				nlh = nfm_setelem_msg_new(b->buf + b->len, room, c, &c->sets[i], nl->seq);
			}
			if (nlh)
				b->len += nlh->nlmsg_len;
			else
				rc = -1;
			b->nacks += 2;
		}
		nlh = rc ? NULL : nfm_rule_msg_new(b->buf + b->len, room, c, insert, nl->seq);
		free(c);
		if (!nlh)
			return -1;
		nl->seq++;
		b->len += nlh->nlmsg_len;
		b->nmsgs++;
		b->nacks++;
		return 0;
	}
	nlh = del ? nfm_rule_msg_del(b->buf + b->len, room, r, nl->seq)
		  : nfm_rule_msg_new(b->buf + b->len, room, r, insert, nl->seq);
	if (!nlh)
		return -1;
	nl->seq++;
	b->len += nlh->nlmsg_len;
	b->nmsgs++;
	b->nacks++;
	return 0;
}

void nfm_rule_batch_free(struct nfm_rule_batch *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

struct nfm_ack_state {
	struct nfm_rule_nl	*nl;
	uint32_t		seq_first;
	unsigned int		acks;
	int			err;
	unsigned int		failed;
	int			(*cb)(const struct nfm_rule *r, void *data);
	void			*data;
	int			cb_err;
};

static void nfm_read_extack(struct nfm_rule_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*me);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += me->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (mnl_nlmsg_size(off) > nlh->nlmsg_len)
		return;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(nl->extack, sizeof(nl->extack), "%s", mnl_attr_get_str(a));
	}
}

/* Every message of one datagram: acks, errors and dumped rules. */
static int nfm_handle_datagram(struct nfm_ack_state *st, const char *buf, size_t len, bool *done)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_type == NLMSG_DONE) {
			*done = true;
			continue;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*me)))
				return -EBADMSG;
			st->acks++;
			if (me->error && !st->err) {
				st->err = me->error;
				st->failed = nlh->nlmsg_seq - st->seq_first;
				nfm_read_extack(st->nl, nlh);
			}
			continue;
		}
		if (st->cb && (nlh->nlmsg_type & 0xff) == NFT_MSG_NEWRULE) {
			struct nfm_rule *r = malloc(sizeof(*r));

			if (!r)
				return -ENOMEM;
			if (nfm_rule_from_nlmsg(nlh, r)) {
				free(r);
				return -EBADMSG;
			}
			if (!st->cb_err)
				st->cb_err = st->cb(r, st->data);
			free(r);
		}
	}
	return 0;
}

/* The next datagram into @buf (its length), or -ETIMEDOUT after 5 s of silence, or -errno. */
static ssize_t nfm_recv_datagram(struct nfm_rule_nl *nl, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };
	ssize_t n;
	int rc;

	do
		rc = poll(&pfd, 1, 5000);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	if (rc < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl->sock, buf, size);
	return n < 0 ? -errno : n;
}

static int nfm_recv_until(struct nfm_ack_state *st, unsigned int want_acks, bool dump)
{
	static char buf[1 << 16] __attribute__((aligned(4)));
	bool done = false;

	while (dump ? !done && !st->err : st->acks < want_acks) {
		ssize_t n = nfm_recv_datagram(st->nl, buf, sizeof(buf));
		int rc;

		if (n < 0)
			return n;
		rc = nfm_handle_datagram(st, buf, n, &done);
		if (rc)
			return rc;
	}
	return st->err;
}

int nfm_rule_batch_commit(struct nfm_rule_batch *b, struct nfm_rule_nl *nl, unsigned int *failed)
{
	struct nfm_ack_state st = { .nl = nl, .seq_first = b->seq_first };
	int rc;

	nl->extack[0] = '\0';
	nfm_batch_mark(b, NFNL_MSG_BATCH_END, nl->seq++);
	if (!b->buf)
		return -ENOMEM;
	if (mnl_socket_sendto(nl->sock, b->buf, b->len) < 0)
		return -errno;
	rc = nfm_recv_until(&st, b->nacks, false);
	if (failed)
		*failed = st.failed;
	return rc;
}

/*
 * Send the request @nlh (sequence number @seq) and hand each reply to it to
 * @on_msg until the dump's NLMSG_DONE or the acknowledgement: 0, the error
 * the kernel or @on_msg returned, or -ETIMEDOUT.
 */
static int nfm_nft_request(struct nfm_rule_nl *nl, const struct nlmsghdr *nlh, uint32_t seq,
			   int (*on_msg)(const struct nlmsghdr *m, void *data), void *data)
{
	static char buf[1 << 16] __attribute__((aligned(4)));
	int cb_err = 0;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = nfm_recv_datagram(nl, buf, sizeof(buf));
		const struct nlmsghdr *m;
		int left;

		if (n < 0)
			return n;
		left = n;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				return cb_err;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *me = mnl_nlmsg_get_payload(m);

				if (m->nlmsg_len < mnl_nlmsg_size(sizeof(*me)))
					return -EBADMSG;
				return me->error ? me->error : cb_err;
			}
			if (!cb_err)
				cb_err = on_msg(m, data);
		}
	}
}

static int nfm_set_reply(const struct nlmsghdr *m, void *data)
{
	switch (m->nlmsg_type & 0xff) {
	case NFT_MSG_NEWSET:
		return nfm_set_from_nlmsg(m, data) ? -EBADMSG : 0;
	case NFT_MSG_NEWSETELEM:
		return nfm_setelem_from_nlmsg(m, data) ? -EBADMSG : 0;
	}
	return 0;
}

/* One GETSET or GETSETELEM request for set @s of @r, its replies into @s. */
static int nfm_set_query(struct nfm_rule_nl *nl, const struct nfm_rule *r, struct nfm_set *s, bool elems)
{
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	uint32_t seq = nl->seq++;

	nlh = nfm_nft_msg(buf, sizeof(buf), elems ? NFT_MSG_GETSETELEM : NFT_MSG_GETSET,
			  elems ? NLM_F_DUMP : NLM_F_ACK, r->family, seq);
	if (!nlh || !mnl_attr_put_strz_check(nlh, sizeof(buf),
					     elems ? NFTA_SET_ELEM_LIST_TABLE : NFTA_SET_TABLE, r->table) ||
	    !mnl_attr_put_strz_check(nlh, sizeof(buf), elems ? NFTA_SET_ELEM_LIST_SET : NFTA_SET_NAME,
				     s->name))
		return -EINVAL;
	return nfm_nft_request(nl, nlh, seq, nfm_set_reply, s);
}

struct nfm_dump_list {
	struct nfm_rule	**r;
	unsigned int	n, cap;
};

static int nfm_dump_keep(const struct nfm_rule *r, void *data)
{
	struct nfm_dump_list *l = data;
	struct nfm_rule *c;

	if (l->n == l->cap) {
		struct nfm_rule **n = realloc(l->r, (l->cap * 2 + 16) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->r = n;
		l->cap = l->cap * 2 + 16;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c, r, sizeof(*c));
	l->r[l->n++] = c;
	return 0;
}

static int nfm_rule_dump_rules(struct nfm_rule_nl *nl, uint8_t family, const char *table,
			       const char *chain, int (*cb)(const struct nfm_rule *r, void *data),
			       void *data);

/* Rules with their anonymous sets: the dump first, then each set's flags and elements. */
int nfm_rule_dump(struct nfm_rule_nl *nl, uint8_t family, const char *table, const char *chain,
		  int (*cb)(const struct nfm_rule *r, void *data), void *data)
{
	struct nfm_dump_list l = { 0 };
	unsigned int i, k;
	int rc;

	rc = nfm_rule_dump_rules(nl, family, table, chain, nfm_dump_keep, &l);
	for (i = 0; i < l.n && !rc; i++) {
		struct nfm_rule *r = l.r[i];

		for (k = 0; k < r->nsets && !rc; k++)
			rc = nfm_set_query(nl, r, &r->sets[k], false) ?:
			     nfm_set_query(nl, r, &r->sets[k], true);
		if (!rc)
			rc = cb(r, data);
	}
	for (i = 0; i < l.n; i++)
		free(l.r[i]);
	free(l.r);
	return rc;
}

static int nfm_rule_dump_rules(struct nfm_rule_nl *nl, uint8_t family, const char *table,
			       const char *chain, int (*cb)(const struct nfm_rule *r, void *data),
			       void *data)
{
	struct nfm_ack_state st = { .nl = nl, .cb = cb, .data = data };
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int rc;

	nl->extack[0] = '\0';
	nlh = nfm_nft_msg(buf, sizeof(buf), NFT_MSG_GETRULE, NLM_F_DUMP, family, nl->seq++);
	if (!nlh || (table && !mnl_attr_put_strz_check(nlh, sizeof(buf), NFTA_RULE_TABLE, table)) ||
	    (chain && !mnl_attr_put_strz_check(nlh, sizeof(buf), NFTA_RULE_CHAIN, chain)))
		return -EINVAL;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	rc = nfm_recv_until(&st, 0, true);
	return rc ? rc : st.cb_err;
}

struct nfm_chain_hook {
	uint32_t	*hooknum;
	int		found;
};

static int nfm_chain_reply(const struct nlmsghdr *m, void *data)
{
	const struct nlattr *tb[NFM_TB_MAX], *hk[NFM_TB_MAX];
	struct nfm_chain_hook *ch = data;

	if ((m->nlmsg_type & 0xff) != NFT_MSG_NEWCHAIN)
		return 0;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(m, sizeof(struct nfgenmsg), nfm_tb_cb, tb) != MNL_CB_OK)
		return -EBADMSG;
	ch->found = 0;
	if (tb[NFTA_CHAIN_HOOK] && !nfm_nested(tb[NFTA_CHAIN_HOOK], hk) &&
	    !nfm_get_u32(hk[NFTA_HOOK_HOOKNUM], ch->hooknum))
		ch->found = 1;
	return 0;
}

/* The hook of base chain @chain (GETCHAIN): 1 and *@hooknum, 0 for a regular chain, or -errno. */
int nfm_rule_chain_hook(struct nfm_rule_nl *nl, uint8_t family, const char *table,
			const char *chain, uint32_t *hooknum)
{
	struct nfm_chain_hook ch = { .hooknum = hooknum, .found = -ENOENT };
	char buf[1024] __attribute__((aligned(4)));
	uint32_t seq = nl->seq++;
	struct nlmsghdr *nlh;
	int rc;

	nlh = nfm_nft_msg(buf, sizeof(buf), NFT_MSG_GETCHAIN, NLM_F_ACK, family, seq);
	if (!nlh || !mnl_attr_put_strz_check(nlh, sizeof(buf), NFTA_CHAIN_TABLE, table) ||
	    !mnl_attr_put_strz_check(nlh, sizeof(buf), NFTA_CHAIN_NAME, chain))
		return -EINVAL;
	rc = nfm_nft_request(nl, nlh, seq, nfm_chain_reply, &ch);
	return rc ? rc : ch.found;
}
