// SPDX-License-Identifier: GPL-2.0
/*
 * rule_print.c - expression lists back to nft syntax: the patterns
 * rule_parse.c writes (and nft writes for the same text) are recognised, each
 * becomes one match or statement; anything else is "[expr NAME]".
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "rule_print.h"
#include "rule_fields.h"
#include "rule_parse.h"

enum nfm_item_kind { NFM_I_MATCH, NFM_I_COUNTER, NFM_I_VERDICT, NFM_I_LOG, NFM_I_REJECT,
		     NFM_I_SET, NFM_I_RAW };

/* One match or statement of the printed rule. */
struct nfm_item {
	enum nfm_item_kind	kind;
	const struct nfm_field	*f;		/* MATCH; SET: the mptcp key loaded (or NULL) */
	const struct nfm_expr	*e;		/* COUNTER, VERDICT, LOG, REJECT, RAW; SET: the setter */
	char			text[160];	/* what follows the field's name: "!= 22", "has dss" */
	const char		*jop;		/* JSON "op" */
	char			jright[160];	/* JSON "right" */
	uint32_t		mark;		/* SET with an immediate */
	const struct nfm_set	*set;		/* MATCH against an anonymous set */
	bool			set_be;		/* its host-order keys are in network order */
};

/* One value of a set as printed: @lo, or the range @lo-@hi, or the prefix @lo/@plen. */
struct nfm_set_val {
	char	lo[64], hi[64];
	int	plen;		/* >= 0: a prefix */
	bool	range;
};

static const char *nfm_op_text(uint32_t op)
{
	switch (op) {
	case NFT_CMP_EQ: return "";
	case NFT_CMP_NEQ: return "!=";
	case NFT_CMP_LT: return "<";
	case NFT_CMP_LTE: return "<=";
	case NFT_CMP_GT: return ">";
	case NFT_CMP_GTE: return ">=";
	}
	return "?";
}

static const char *nfm_op_json(uint32_t op)
{
	return op == NFT_CMP_EQ ? "==" : nfm_op_text(op);
}

static bool nfm_is_load(const struct nfm_expr *e)
{
	return (e->kind == NFM_X_PAYLOAD || e->kind == NFM_X_META || e->kind == NFM_X_CT ||
		e->kind == NFM_X_MPTCP) && !e->set && e->dreg == NFT_REG_1;
}

static bool nfm_is_cmp(const struct nfm_expr *e, uint32_t len)
{
	return e->kind == NFM_X_CMP && e->sreg == NFT_REG_1 && e->dlen == len;
}

static uint32_t nfm_field_width(const struct nfm_field *f)
{
	switch (f->type) {
	case NFM_V_BE16: return 2;
	case NFM_V_U8:
	case NFM_V_FLAGS8: return 1;
	case NFM_V_IFNAME: return 16;
	case NFM_V_IPV4:
	case NFM_V_IPV6: return f->len;
	default: return 4;
	}
}

static uint32_t nfm_get_val(const struct nfm_field *f, const uint8_t *d, bool swapped)
{
	uint32_t v;
	uint16_t s;

	switch (f->type) {
	case NFM_V_BE16:
		memcpy(&s, d, 2);
		return ntohs(s);
	case NFM_V_U8:
	case NFM_V_FLAGS8:
		return d[0];
	default:
		memcpy(&v, d, 4);
		return swapped ? ntohl(v) : v;
	}
}

static void nfm_fmt_scalar(const struct nfm_field *f, uint32_t v, char *buf, size_t len)
{
	const char *s = nfm_sym_name(f->syms, v);

	if (s)
		snprintf(buf, len, "%s", s);
	else if (f->hex)
		snprintf(buf, len, "0x%08" PRIx32, v);
	else
		snprintf(buf, len, "%" PRIu32, v);
}

static void nfm_fmt_flags(const struct nfm_field *f, uint32_t v, char *buf, size_t len)
{
	const struct nfm_sym *s;
	size_t n = 0;

	buf[0] = '\0';
	for (s = f->syms; s && s->name && n < len; s++) {
		if (!(v & s->value))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", s->name);
		v &= ~s->value;
	}
	if (n < len && (v || !n))
		snprintf(buf + n, len - n, "%s0x%" PRIx32, n ? "," : "", v);
	if (!strcmp(buf, "0x0"))
		snprintf(buf, len, "0");
}

static void nfm_item_set(struct nfm_item *it, const char *op_text, const char *jop, const char *val)
{
	snprintf(it->text, sizeof(it->text), "%s%s%s", op_text, *op_text ? " " : "", val);
	it->jop = jop;
	snprintf(it->jright, sizeof(it->jright), "%s", val);
}

/* A prefix mask of @n bytes: its length in bits, or -1 if not contiguous. */
static int nfm_prefix_len(const uint8_t *m, uint32_t n)
{
	int bits = 0;
	uint32_t i;
	bool end = false;

	for (i = 0; i < n * 8; i++) {
		bool set = m[i / 8] & (0x80 >> (i % 8));

		if (set && end)
			return -1;
		if (set)
			bits++;
		else
			end = true;
	}
	return bits;
}

/*
 * A match starting with the load @e[0] (of @avail expressions): fills @it and
 * returns how many expressions it used, 0 if not a form this tool knows.
 */
static unsigned int nfm_decode_match(const struct nfm_expr *e, unsigned int avail, struct nfm_item *it)
{
	const struct nfm_field *f = nfm_field_of_load(&e[0]);
	char val[128], v2[64];
	bool swapped = false;
	unsigned int k = 1;
	uint32_t w;

	if (!f || avail < 2)
		return 0;
	it->kind = NFM_I_MATCH;
	it->f = f;
	w = nfm_field_width(f);

	if (f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6) {
		uint8_t addr[16] = { 0 };
		int plen = e[0].len * 8;
		int af = f->type == NFM_V_IPV4 ? AF_INET : AF_INET6;

		if (e[1].kind == NFM_X_BITWISE && e[1].sreg == NFT_REG_1 && e[1].dreg == NFT_REG_1 &&
		    e[1].dlen == e[0].len && e[0].len == f->len) {
			plen = nfm_prefix_len(e[1].data, e[1].dlen);
			if (plen <= 0 || plen % 8 == 0)
				return 0;	/* nft loads whole-byte prefixes shorter instead */
			k = 2;
		}
		if (avail <= k || !nfm_is_cmp(&e[k], e[0].len) ||
		    (e[k].op != NFT_CMP_EQ && e[k].op != NFT_CMP_NEQ))
			return 0;
		memcpy(addr, e[k].data, e[k].dlen);
		if (!inet_ntop(af, addr, v2, sizeof(v2)))
			return 0;
		if (plen != (int)f->len * 8)
			snprintf(val, sizeof(val), "%s/%d", v2, plen);
		else
			snprintf(val, sizeof(val), "%s", v2);
		nfm_item_set(it, nfm_op_text(e[k].op), nfm_op_json(e[k].op), val);
		return k + 1;
	}
	if (f->type == NFM_V_IFNAME) {
		if (!nfm_is_cmp(&e[1], e[1].dlen) || e[1].dlen == 0 || e[1].dlen > 16 ||
		    (e[1].op != NFT_CMP_EQ && e[1].op != NFT_CMP_NEQ))
			return 0;
		memcpy(v2, e[1].data, e[1].dlen);
		v2[e[1].dlen] = '\0';
		if (strlen(v2) == 0 || (e[1].dlen == 16 && strlen(v2) == 16) ||
		    (e[1].dlen < 16 && strlen(v2) != e[1].dlen) || strchr(v2, '"'))
			return 0;
		snprintf(val, sizeof(val), "\"%s%s\"", v2, e[1].dlen < 16 ? "*" : "");
		nfm_item_set(it, nfm_op_text(e[1].op), nfm_op_json(e[1].op), val);
		return 2;
	}
	if (f->type == NFM_V_FLAGS8 || f->type == NFM_V_FLAGS32) {
		uint32_t mask, v;

		if (nfm_is_cmp(&e[1], w)) {	/* exact compare */
			if (e[1].op != NFT_CMP_NEQ && (!f->flags_exact || e[1].op != NFT_CMP_EQ))
				return 0;
			nfm_fmt_flags(f, nfm_get_val(f, e[1].data, false), val, sizeof(val));
			nfm_item_set(it, nfm_op_text(e[1].op), nfm_op_json(e[1].op), val);
			return 2;
		}
		if (avail < 3 || e[1].kind != NFM_X_BITWISE || e[1].dlen != w || e[1].sreg != NFT_REG_1 ||
		    e[1].dreg != NFT_REG_1 || !nfm_is_cmp(&e[2], w) ||
		    (e[2].op != NFT_CMP_EQ && e[2].op != NFT_CMP_NEQ))
			return 0;
		mask = nfm_get_val(f, e[1].data, false);
		v = nfm_get_val(f, e[2].data, false);
		nfm_fmt_flags(f, mask, v2, sizeof(v2));
		if (v == 0 && e[2].op == NFT_CMP_NEQ) {
			if (f->flags_exact) {
				nfm_item_set(it, "has", "in", v2);
			} else {
				nfm_item_set(it, "", "in", v2);
			}
		} else {
			char vs[64];

			nfm_fmt_flags(f, v, vs, sizeof(vs));
			/* nft's "V / M" spelling: no shell metacharacters */
			snprintf(it->text, sizeof(it->text), "%s%s%s / %s", nfm_op_text(e[2].op),
				 e[2].op == NFT_CMP_NEQ ? " " : "", vs, v2);
			it->jop = nfm_op_json(e[2].op);
			snprintf(it->jright, sizeof(it->jright), "%s", it->text);
		}
		return 3;
	}
	/* scalars */
	if (e[1].kind == NFM_X_BYTEORDER) {
		if (f->type != NFM_V_HOST32 || e[1].op != NFT_BYTEORDER_HTON || e[1].len != 4 ||
		    e[1].size != 4 || e[1].sreg != NFT_REG_1 || e[1].dreg != NFT_REG_1)
			return 0;
		swapped = true;
		k = 2;
	}
	if (avail <= k)
		return 0;
	if (avail > k + 1 && nfm_is_cmp(&e[k], w) && e[k].op == NFT_CMP_GTE &&
	    nfm_is_cmp(&e[k + 1], w) && e[k + 1].op == NFT_CMP_LTE &&
	    (swapped || f->type != NFM_V_HOST32)) {
		nfm_fmt_scalar(f, nfm_get_val(f, e[k].data, swapped), v2, sizeof(v2));
		snprintf(val, sizeof(val), "%s-", v2);
		nfm_fmt_scalar(f, nfm_get_val(f, e[k + 1].data, swapped), v2, sizeof(v2));
		strncat(val, v2, sizeof(val) - strlen(val) - 1);
		nfm_item_set(it, "", "==", val);
		return k + 2;
	}
	if (e[k].kind == NFM_X_RANGE && e[k].sreg == NFT_REG_1 && e[k].dlen == w &&
	    e[k].op == NFT_RANGE_NEQ && (swapped || f->type != NFM_V_HOST32)) {
		nfm_fmt_scalar(f, nfm_get_val(f, e[k].data, swapped), v2, sizeof(v2));
		snprintf(val, sizeof(val), "%s-", v2);
		nfm_fmt_scalar(f, nfm_get_val(f, e[k].data2, swapped), v2, sizeof(v2));
		strncat(val, v2, sizeof(val) - strlen(val) - 1);
		nfm_item_set(it, "!=", "!=", val);
		return k + 1;
	}
	if (!nfm_is_cmp(&e[k], w))
		return 0;
	/* host-order keys: ordered compares only after the swap, equality only without */
	if (f->type == NFM_V_HOST32 &&
	    swapped != (e[k].op != NFT_CMP_EQ && e[k].op != NFT_CMP_NEQ))
		return 0;
	nfm_fmt_scalar(f, nfm_get_val(f, e[k].data, swapped), val, sizeof(val));
	nfm_item_set(it, nfm_op_text(e[k].op), nfm_op_json(e[k].op), val);
	return k + 1;
}

static void nfm_fmt_key(const struct nfm_field *f, const uint8_t *k, bool be, char *buf, size_t len)
{
	uint32_t v = 0, i;

	if (f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6) {
		if (!inet_ntop(f->type == NFM_V_IPV4 ? AF_INET : AF_INET6, k, buf, len))
			snprintf(buf, len, "?");
		return;
	}
	if (f->type == NFM_V_IFNAME) {
		snprintf(buf, len, "\"%.16s\"", (const char *)k);
		return;
	}
	if (be) {
		for (i = 0; i < 4; i++)
			v = v << 8 | k[i];
	} else {
		v = nfm_get_val(f, k, false);
	}
	if (f->type == NFM_V_FLAGS8 || f->type == NFM_V_FLAGS32)
		nfm_fmt_flags(f, v, buf, len);
	else
		nfm_fmt_scalar(f, v, buf, len);
}

/* A-B as an address prefix length, or -1. */
static int nfm_span_prefix(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint8_t m[NFM_RULE_DATA_MAX];
	uint32_t i;
	int plen;

	for (i = 0; i < n; i++)
		m[i] = ~(a[i] ^ b[i]);
	plen = nfm_prefix_len(m, n);
	if (plen < 0)
		return -1;
	for (i = 0; i < n; i++)
		if ((a[i] & ~m[i]) || (b[i] | m[i]) != 0xff)
			return -1;
	return plen;
}

static unsigned int nfm_order[NFM_SET_MAX_ELEMS];

/* Compare keys as host-order (little-endian) numbers. */
static int nfm_host_cmp(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	while (len--)
		if (a[len] != b[len])
			return a[len] < b[len] ? -1 : 1;
	return 0;
}

/* The values of @s as nft lists them; returns how many were written to @v. */
static unsigned int nfm_set_values(const struct nfm_item *it, struct nfm_set_val *v, unsigned int max)
{
	const struct nfm_set *s = it->set;
	const struct nfm_field *f = it->f;
	bool addr = f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6;
	unsigned int i, n = 0;

	for (i = 0; i < s->n && n < max; i++) {
		const struct nfm_set_elem *el = &s->elem[i];
		struct nfm_set_val *x = &v[n];
		uint8_t hi[NFM_RULE_DATA_MAX];
		int j;

		memset(x, 0, sizeof(*x));
		x->plen = -1;
		if (el->end)
			continue;
		nfm_order[n] = i;
		nfm_fmt_key(f, el->key, it->set_be, x->lo, sizeof(x->lo));
		n++;
		if (!(s->flags & NFT_SET_INTERVAL))
			continue;
		/* the range ends before the next (end) element, or at the maximum */
		if (i + 1 < s->n && s->elem[i + 1].end) {
			memcpy(hi, s->elem[i + 1].key, s->key_len);
			for (j = s->key_len - 1; j >= 0 && hi[j]-- == 0; j--)
				;
		} else {
			memset(hi, 0xff, s->key_len);
		}
		if (!memcmp(hi, el->key, s->key_len))
			continue;
		if (addr && (x->plen = nfm_span_prefix(el->key, hi, s->key_len)) >= 0)
			continue;
		x->range = true;
		nfm_fmt_key(f, hi, it->set_be, x->hi, sizeof(x->hi));
	}
	/* nft lists a host-order key's values by number: sort by their last byte first */
	if (!(s->flags & NFT_SET_INTERVAL) && !addr && f->type != NFM_V_BE16 && n == s->n) {
		unsigned int a, b;

		for (a = 1; a < n; a++) {
			for (b = a; b > 0 && nfm_host_cmp(s->elem[nfm_order[b - 1]].key,
							s->elem[nfm_order[b]].key, s->key_len) > 0; b--) {
				unsigned int t = nfm_order[b];

				nfm_order[b] = nfm_order[b - 1];
				nfm_order[b - 1] = t;
			}
		}
		for (a = 0; a < n; a++)
			nfm_fmt_key(f, s->elem[nfm_order[a]].key, false, v[a].lo, sizeof(v[a].lo));
	}
	return n;
}

/* Is e[0..1] the "meta nfproto/l4proto X" nft adds before the header field loaded by e[2]? */
static bool nfm_is_dependency(const struct nfm_rule *r, unsigned int i)
{
	const struct nfm_expr *e = &r->e[i];
	const struct nfm_field *f;

	if (i + 2 >= r->n || e[0].kind != NFM_X_META || e[0].set || e[0].dreg != NFT_REG_1 ||
	    (e[0].key != NFT_META_NFPROTO && e[0].key != NFT_META_L4PROTO) ||
	    !nfm_is_cmp(&e[1], 1) || e[1].op != NFT_CMP_EQ || !nfm_is_load(&e[2]))
		return false;
	f = nfm_field_of_load(&e[2]);
	if (!f || !f->dep || f->dep != e[1].data[0])
		return false;
	if (e[0].key == NFT_META_NFPROTO)
		return f->dep_is_nfproto && r->family == NFPROTO_INET;
	return !f->dep_is_nfproto;
}

/* Split the rule into items; returns their number. */
static unsigned int nfm_decode(const struct nfm_rule *r, struct nfm_item *items)
{
	unsigned int i = 0, n = 0, used;

	while (i < r->n) {
		const struct nfm_expr *e = &r->e[i];
		struct nfm_item *it = &items[n++];

		memset(it, 0, sizeof(*it));
		if (nfm_is_dependency(r, i)) {
			n--;
			i += 2;
			continue;
		}
		/* "meta/ct mark set": from an immediate or an mptcp key */
		if (i + 1 < r->n && (e[1].kind == NFM_X_META || e[1].kind == NFM_X_CT) && e[1].set &&
		    e[1].sreg == NFT_REG_1 &&
		    (e[1].key == NFT_META_MARK || (e[1].kind == NFM_X_CT && e[1].key == NFT_CT_MARK))) {
			if (e[0].kind == NFM_X_IMMEDIATE && e[0].dreg == NFT_REG_1 && e[0].dlen == 4) {
				it->kind = NFM_I_SET;
				it->e = &e[1];
				memcpy(&it->mark, e[0].data, 4);
				i += 2;
				continue;
			}
			if (e[0].kind == NFM_X_MPTCP && e[0].dreg == NFT_REG_1 &&
			    (it->f = nfm_field_of_load(&e[0]))) {
				it->kind = NFM_I_SET;
				it->e = &e[1];
				i += 2;
				continue;
			}
		}
		if (nfm_is_load(e)) {
			unsigned int k = 1;

			if (i + 1 < r->n && e[1].kind == NFM_X_BYTEORDER)
				k = 2;
			if (i + k < r->n && e[k].kind == NFM_X_LOOKUP && e[k].sreg == NFT_REG_1 &&
			    e[k].setidx < r->nsets && (it->f = nfm_field_of_load(e)) &&
			    r->sets[e[k].setidx].key_len == nfm_field_width(it->f) &&
			    (k == 1 || (e[1].sreg == NFT_REG_1 && e[1].dreg == NFT_REG_1 &&
					e[1].op == NFT_BYTEORDER_HTON && e[1].len == 4 && e[1].size == 4))) {
				it->kind = NFM_I_MATCH;
				it->set = &r->sets[e[k].setidx];
				it->set_be = k == 2;
				it->jop = e[k].op ? "!=" : "==";
				snprintf(it->text, sizeof(it->text), "%s", e[k].op ? "!= " : "");
				i += k + 1;
				continue;
			}
			it->f = NULL;
			used = nfm_decode_match(e, r->n - i, it);
			if (used) {
				i += used;
				continue;
			}
			memset(it, 0, sizeof(*it));
		}
		it->e = e;
		switch (e->kind) {
		case NFM_X_COUNTER:
			it->kind = NFM_I_COUNTER;
			break;
		case NFM_X_LOG:
			it->kind = NFM_I_LOG;
			break;
		case NFM_X_REJECT:
			it->kind = NFM_I_REJECT;
			break;
		case NFM_X_IMMEDIATE:
			it->kind = e->dreg == NFT_REG_VERDICT ? NFM_I_VERDICT : NFM_I_RAW;
			break;
		default:
			it->kind = NFM_I_RAW;
		}
		i++;
	}
	return n;
}

/* The kernel's name of an expression printed raw. */
static const char *nfm_kind_name(const struct nfm_expr *e)
{
	static const char * const kn[] = {
		[NFM_X_PAYLOAD] = "payload", [NFM_X_META] = "meta", [NFM_X_CT] = "ct",
		[NFM_X_MPTCP] = "mptcp", [NFM_X_CMP] = "cmp", [NFM_X_BITWISE] = "bitwise",
		[NFM_X_BYTEORDER] = "byteorder", [NFM_X_RANGE] = "range",
		[NFM_X_IMMEDIATE] = "immediate", [NFM_X_COUNTER] = "counter", [NFM_X_LOG] = "log",
		[NFM_X_REJECT] = "reject", [NFM_X_LOOKUP] = "lookup",
	};

	if (e->kind == NFM_X_UNKNOWN || e->kind >= sizeof(kn) / sizeof(kn[0]))
		return e->name[0] ? e->name : "?";
	return kn[e->kind];
}

static const char *nfm_verdict_name(int32_t v)
{
	switch (v) {
	case NF_ACCEPT: return "accept";
	case NF_DROP: return "drop";
	case NFT_RETURN: return "return";
	case NFT_JUMP: return "jump";
	case NFT_GOTO: return "goto";
	case NFT_CONTINUE: return "continue";
	case NFT_BREAK: return "break";
	}
	return NULL;
}

static const char *nfm_reject_text(const struct nfm_expr *e, uint8_t family)
{
	if (e->rtype == NFT_REJECT_TCP_RST)
		return "reject with tcp reset";
	if ((e->rtype == NFT_REJECT_ICMPX_UNREACH && e->rcode == NFT_REJECT_ICMPX_PORT_UNREACH &&
	     family == NFPROTO_INET) ||
	    (e->rtype == NFT_REJECT_ICMP_UNREACH && e->rcode == 3 && family == NFPROTO_IPV4) ||
	    (e->rtype == NFT_REJECT_ICMP_UNREACH && e->rcode == 4 && family == NFPROTO_IPV6))
		return "reject";
	return NULL;
}

struct nfm_out {
	char	*buf;
	size_t	len, n;
};

static void nfm_put(struct nfm_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void nfm_put(struct nfm_out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->n >= o->len)
		return;
	if (o->n)
		o->buf[o->n++] = ' ';
	if (o->n >= o->len) {
		o->n = o->len;
		return;
	}
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->n, o->len - o->n, fmt, ap);
	va_end(ap);
	o->n = w < 0 ? o->len : o->n + (size_t)w;
	if (o->n > o->len)
		o->n = o->len;
}

static bool nfm_format_items(const struct nfm_rule *r, char *buf, size_t len, bool counters)
{
	struct nfm_out o = { .buf = buf, .len = len ? len - 1 : 0 };
	struct nfm_item *items;
	bool ok = true;
	unsigned int i, n;
	char name[32];

	if (!len)
		return false;
	buf[0] = '\0';
	items = calloc(NFM_RULE_MAX_EXPRS, sizeof(*items));
	if (!items)
		return false;
	n = nfm_decode(r, items);
	for (i = 0; i < n; i++) {
		const struct nfm_item *it = &items[i];
		const char *s;

		switch (it->kind) {
		case NFM_I_MATCH:
			nfm_field_spell(it->f, name, sizeof(name));
			if (it->set) {
				struct nfm_set_val *v = calloc(NFM_SET_MAX_ELEMS, sizeof(*v));
				unsigned int k, nv = v ? nfm_set_values(it, v, NFM_SET_MAX_ELEMS) : 0;
				char sb[4096];
				size_t sn = 0;

				sb[0] = '\0';
				for (k = 0; k < nv && sn < sizeof(sb); k++) {
					sn += snprintf(sb + sn, sizeof(sb) - sn, "%s%s", k ? ", " : "", v[k].lo);
					if (sn >= sizeof(sb))
						break;
					if (v[k].plen >= 0)
						sn += snprintf(sb + sn, sizeof(sb) - sn, "/%d", v[k].plen);
					else if (v[k].range)
						sn += snprintf(sb + sn, sizeof(sb) - sn, "-%s", v[k].hi);
				}
				nfm_put(&o, "%s %s{ %s }", name, it->text, sb);
				free(v);
				if (!nv || sn >= sizeof(sb))
					ok = false;
				break;
			}
			nfm_put(&o, "%s %s", name, it->text);
			break;
		case NFM_I_COUNTER:
			if (counters)
				nfm_put(&o, "counter packets %" PRIu64 " bytes %" PRIu64,
					it->e->packets, it->e->bytes);
			else
				nfm_put(&o, "counter");
			break;
		case NFM_I_VERDICT:
			s = nfm_verdict_name(it->e->verdict);
			if (!s || it->e->verdict == NFT_CONTINUE || it->e->verdict == NFT_BREAK)
				ok = false;
			if (it->e->verdict == NFT_JUMP || it->e->verdict == NFT_GOTO)
				nfm_put(&o, "%s %s", s, it->e->chain);
			else if (s)
				nfm_put(&o, "%s", s);
			else
				nfm_put(&o, "[verdict %d]", it->e->verdict);
			break;
		case NFM_I_LOG:
			if (it->e->has_prefix)
				nfm_put(&o, "log prefix \"%s\"", it->e->prefix);
			else
				nfm_put(&o, "log");
			if (strchr(it->e->prefix, '"'))
				ok = false;
			break;
		case NFM_I_REJECT:
			s = nfm_reject_text(it->e, r->family);
			if (s) {
				nfm_put(&o, "%s", s);
			} else {
				nfm_put(&o, "[reject type %u code %u]", it->e->rtype, it->e->rcode);
				ok = false;
			}
			break;
		case NFM_I_SET:
			s = it->e->kind == NFM_X_META ? "meta" : "ct";
			if (it->f)
				nfm_put(&o, "%s mark set mptcp %s", s, it->f->name);
			else
				nfm_put(&o, "%s mark set 0x%08" PRIx32, s, it->mark);
			break;
		case NFM_I_RAW:
			nfm_put(&o, "[expr %s]", nfm_kind_name(it->e));
			ok = false;
			break;
		}
	}
	o.buf[o.n < o.len ? o.n : o.len] = '\0';
	if (o.n >= o.len)
		ok = false;
	free(items);
	return ok;
}

bool nfm_rule_format(const struct nfm_rule *r, char *buf, size_t len, bool counters)
{
	char *copy, *tok[NFM_RULE_MAX_TOKENS], err[256];
	struct nfm_rule *back;
	bool ok;
	int n;

	ok = nfm_format_items(r, buf, len, counters);
	if (!ok)
		return false;
	/* the proof of "restorable": the text parses back into the same expressions */
	copy = strdup(buf);
	back = malloc(sizeof(*back));
	ok = false;
	if (copy && back) {
		back->family = r->family;
		n = nfm_rule_tokenize(copy, tok, NFM_RULE_MAX_TOKENS, err, sizeof(err));
		ok = n > 0 && !nfm_rule_parse(back, n, tok, err, sizeof(err)) &&
		     nfm_rule_same_exprs(r, back);
	}
	free(copy);
	free(back);
	return ok;
}

bool nfm_rule_nft_can_list(const struct nfm_rule *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].kind == NFM_X_MPTCP)
			return false;
	/* an expression this tool does not know is stock nft's own: nft lists it */
	return true;
}

/* JSON number if the text is a plain decimal, else string: nft -j prints ports as numbers. */
static void nfm_json_value(struct nfm_json *j, const char *key, const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (*s && !*p && strlen(s) < 10)
		nfm_json_u64(j, key, strtoull(s, NULL, 10));
	else if (s[0] == '"' && s[strlen(s) - 1] == '"' && strlen(s) >= 2)
		nfm_json_strn(j, key, s + 1, strlen(s) - 2);
	else
		nfm_json_str(j, key, s);
}

static void nfm_json_left(struct nfm_json *j, const struct nfm_field *f)
{
	nfm_json_obj_open(j, "left");
	if (f->kind == NFM_X_PAYLOAD) {
		nfm_json_obj_open(j, "payload");
		nfm_json_str(j, "protocol", f->proto);
		nfm_json_str(j, "field", f->name);
	} else {
		nfm_json_obj_open(j, f->kind == NFM_X_META ? "meta" : f->kind == NFM_X_CT ? "ct" : "mptcp");
		nfm_json_str(j, "key", f->name);
	}
	nfm_json_obj_close(j);
	nfm_json_obj_close(j);
}

/* "right": {"set": [80, {"range": [1000, 2000]}, {"prefix": {"addr": A, "len": N}}]} as nft -j */
static void nfm_json_set(struct nfm_json *j, const struct nfm_item *it)
{
	struct nfm_set_val *v = calloc(NFM_SET_MAX_ELEMS, sizeof(*v));
	unsigned int k, n = v ? nfm_set_values(it, v, NFM_SET_MAX_ELEMS) : 0;

	nfm_json_obj_open(j, "right");
	nfm_json_arr_open(j, "set");
	for (k = 0; k < n; k++) {
		if (v[k].plen >= 0) {
			nfm_json_obj_open(j, NULL);
			nfm_json_obj_open(j, "prefix");
			nfm_json_str(j, "addr", v[k].lo);
			nfm_json_u64(j, "len", v[k].plen);
			nfm_json_obj_close(j);
			nfm_json_obj_close(j);
		} else if (v[k].range) {
			nfm_json_obj_open(j, NULL);
			nfm_json_arr_open(j, "range");
			nfm_json_value(j, NULL, v[k].lo);
			nfm_json_value(j, NULL, v[k].hi);
			nfm_json_arr_close(j);
			nfm_json_obj_close(j);
		} else {
			nfm_json_value(j, NULL, v[k].lo);
		}
	}
	nfm_json_arr_close(j);
	nfm_json_obj_close(j);
	free(v);
}

void nfm_rule_json(struct nfm_json *j, const struct nfm_rule *r)
{
	struct nfm_item *items = calloc(NFM_RULE_MAX_EXPRS, sizeof(*items));
	char text[4096];
	unsigned int i, n;
	bool ok;

	ok = nfm_rule_format(r, text, sizeof(text), false);
	nfm_json_obj_open(j, NULL);
	nfm_json_obj_open(j, "rule");
	nfm_json_str(j, "family", nfm_rule_family_name(r->family) ?: "unknown");
	nfm_json_str(j, "table", r->table);
	nfm_json_str(j, "chain", r->chain);
	nfm_json_u64(j, "handle", r->handle);
	nfm_json_arr_open(j, "expr");
	n = items ? nfm_decode(r, items) : 0;
	for (i = 0; i < n; i++) {
		const struct nfm_item *it = &items[i];
		const char *s;

		nfm_json_obj_open(j, NULL);
		switch (it->kind) {
		case NFM_I_MATCH:
			nfm_json_obj_open(j, "match");
			nfm_json_str(j, "op", it->jop);
			nfm_json_left(j, it->f);
			if (it->set)
				nfm_json_set(j, it);
			else
				nfm_json_value(j, "right", it->jright);
			nfm_json_obj_close(j);
			break;
		case NFM_I_COUNTER:
			nfm_json_obj_open(j, "counter");
			nfm_json_u64(j, "packets", it->e->packets);
			nfm_json_u64(j, "bytes", it->e->bytes);
			nfm_json_obj_close(j);
			break;
		case NFM_I_VERDICT:
			s = nfm_verdict_name(it->e->verdict) ?: "unknown";
			if (it->e->verdict == NFT_JUMP || it->e->verdict == NFT_GOTO) {
				nfm_json_obj_open(j, s);
				nfm_json_str(j, "target", it->e->chain);
				nfm_json_obj_close(j);
			} else {
				nfm_json_null(j, s);
			}
			break;
		case NFM_I_LOG:
			nfm_json_obj_open(j, "log");
			if (it->e->has_prefix)
				nfm_json_str(j, "prefix", it->e->prefix);
			nfm_json_obj_close(j);
			break;
		case NFM_I_REJECT:
			nfm_json_obj_open(j, "reject");
			if (it->e->rtype == NFT_REJECT_TCP_RST)
				nfm_json_str(j, "type", "tcp reset");
			nfm_json_obj_close(j);
			break;
		case NFM_I_SET:
			nfm_json_obj_open(j, "mangle");
			nfm_json_obj_open(j, "key");
			nfm_json_obj_open(j, it->e->kind == NFM_X_META ? "meta" : "ct");
			nfm_json_str(j, "key", "mark");
			nfm_json_obj_close(j);
			nfm_json_obj_close(j);
			if (it->f) {
				nfm_json_obj_open(j, "value");
				nfm_json_obj_open(j, "mptcp");
				nfm_json_str(j, "key", it->f->name);
				nfm_json_obj_close(j);
				nfm_json_obj_close(j);
			} else {
				nfm_json_u64(j, "value", it->mark);
			}
			nfm_json_obj_close(j);
			break;
		case NFM_I_RAW:
			nfm_json_obj_open(j, "unknown");
			nfm_json_str(j, "name", nfm_kind_name(it->e));
			nfm_json_obj_close(j);
			break;
		}
		nfm_json_obj_close(j);
	}
	nfm_json_arr_close(j);
	nfm_json_str(j, "text", text);
	nfm_json_bool(j, "restorable", ok);
	nfm_json_obj_close(j);
	nfm_json_obj_close(j);
	free(items);
}
