// SPDX-License-Identifier: GPL-2.0
/*
 * rule_parse.c - nft syntax to nf_tables expressions, encoded as nft 1.0.6
 * encodes the same text (its `--debug=netlink` output is the reference:
 * dependencies, whole-byte prefixes, byteorder before ordered compares of
 * host-order keys, `a-b` as two compares and `!= a-b` as a range).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "rule_parse.h"
#include "rule_fields.h"
#include "../nft-ext/uapi/nft_mptcp.h"

struct nfm_pstate {
	struct nfm_rule	*r;
	int		ntok, i;
	char *const	*tok;
	char		*err;
	size_t		errlen;
};

static int nfm_perr(struct nfm_pstate *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int nfm_perr(struct nfm_pstate *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *nfm_peek(struct nfm_pstate *p)
{
	return p->i < p->ntok ? p->tok[p->i] : NULL;
}

/*
 * Strings as nft lists them keep their quotes when passed through a shell in
 * single quotes ('"eth0"'): drop one pair, as nft's own scanner does.
 */
static const char *nfm_unquote(struct nfm_pstate *p, const char *t)
{
	static char buf[NFM_RULE_NAME_MAX];
	size_t n = strlen(t);

	(void)p;
	if (n < 2 || t[0] != '"' || t[n - 1] != '"' || n - 2 >= sizeof(buf))
		return t;
	memcpy(buf, t + 1, n - 2);
	buf[n - 2] = '\0';
	return buf;
}

static const char *nfm_next(struct nfm_pstate *p, const char *what)
{
	if (p->i >= p->ntok) {
		nfm_perr(p, "rule ends where %s is expected (after '%s')", what,
			 p->ntok ? p->tok[p->ntok - 1] : "");
		return NULL;
	}
	return p->tok[p->i++];
}

/* A name that prints back as one token: no blanks, quotes, '#' or control characters. */
static bool nfm_printable_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '#' || *s == 0x7f)
			return false;
	return true;
}

static struct nfm_expr *nfm_emit(struct nfm_pstate *p, enum nfm_expr_kind kind)
{
	struct nfm_expr *e;

	if (p->r->n >= NFM_RULE_MAX_EXPRS) {
		nfm_perr(p, "rule too long at '%s' (at most %d expressions)",
			 p->tok[p->i ? p->i - 1 : 0], NFM_RULE_MAX_EXPRS);
		return NULL;
	}
	e = &p->r->e[p->r->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

/* ---- operators ---------------------------------------------------------------- */

static const struct { const char *s1, *s2; enum nft_cmp_ops op; } nfm_ops[] = {
	{ "==", "eq", NFT_CMP_EQ }, { "!=", "ne", NFT_CMP_NEQ },
	{ "<", "lt", NFT_CMP_LT }, { ">", "gt", NFT_CMP_GT },
	{ "<=", "le", NFT_CMP_LTE }, { ">=", "ge", NFT_CMP_GTE },
};

/* Optional operator; default ==. */
static enum nft_cmp_ops nfm_parse_op(struct nfm_pstate *p, bool *given)
{
	const char *t = nfm_peek(p);
	size_t i;

	*given = false;
	for (i = 0; t && i < sizeof(nfm_ops) / sizeof(nfm_ops[0]); i++) {
		if (!strcmp(t, nfm_ops[i].s1) || !strcmp(t, nfm_ops[i].s2)) {
			p->i++;
			*given = true;
			return nfm_ops[i].op;
		}
	}
	return NFT_CMP_EQ;
}

/* ---- values ------------------------------------------------------------------- */

static int nfm_parse_num(const char *s, uint64_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > max)
		return -1;
	*v = n;
	return 0;
}

/* A token value: hex (with or without 0x) for tokens, numbers or names otherwise. */
static int nfm_parse_scalar(const struct nfm_field *f, const char *s, uint32_t *v)
{
	uint64_t max = f->type == NFM_V_BE16 ? 0xffff : f->type == NFM_V_U8 ? 0xff : 0xffffffffu;

	if (f->syms && !nfm_sym_value(f->syms, s, v))
		return 0;
	if (f->kind == NFM_X_MPTCP && (f->key == NFT_MPTCP_CLIENT_TOKEN ||
				       f->key == NFT_MPTCP_SERVER_TOKEN)) {
		char buf[16];

		/* as ss -Mni and nfmptcp show print them: hex, 0x optional */
		if (strncmp(s, "0x", 2) != 0 && strlen(s) < sizeof(buf) - 2) {
			snprintf(buf, sizeof(buf), "0x%s", s);
			return nfm_parse_num(buf, max, v);
		}
	}
	return nfm_parse_num(s, max, v);
}

/* "a|b|c" or "a,b,c" (optionally in parentheses) of @f->syms, or a number. */
static int nfm_parse_flags(const struct nfm_field *f, const char *s, uint32_t *v)
{
	char buf[256], *save = NULL, *w;
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		memcpy(buf, s, n + 1);
	}
	*v = 0;
	for (w = strtok_r(buf, "|,", &save); w; w = strtok_r(NULL, "|,", &save)) {
		uint32_t bit;

		if (nfm_sym_value(f->syms, w, &bit) &&
		    nfm_parse_num(w, f->type == NFM_V_FLAGS8 ? 0xff : 0xffffffffu, &bit))
			return -1;
		*v |= bit;
	}
	return *v || !strcmp(buf, "0") ? 0 : -1;
}

static void nfm_be_or_host(const struct nfm_field *f, uint32_t v, uint8_t *out, uint32_t *len)
{
	if (f->type == NFM_V_BE16) {
		uint16_t be = htons(v);

		memcpy(out, &be, 2);
		*len = 2;
	} else if (f->type == NFM_V_U8 || f->type == NFM_V_FLAGS8) {
		out[0] = v;
		*len = 1;
	} else {
		memcpy(out, &v, 4);
		*len = 4;
	}
}

static int nfm_emit_cmp(struct nfm_pstate *p, enum nft_cmp_ops op, const void *data, uint32_t len)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_CMP);

	if (!e)
		return -1;
	e->sreg = NFT_REG_1;
	e->op = op;
	e->dlen = len;
	memcpy(e->data, data, len);
	return 0;
}

static int nfm_emit_byteorder(struct nfm_pstate *p)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_BYTEORDER);

	if (!e)
		return -1;
	e->sreg = e->dreg = NFT_REG_1;
	e->op = NFT_BYTEORDER_HTON;
	e->len = 4;
	e->size = 4;
	return 0;
}

static int nfm_emit_bitwise(struct nfm_pstate *p, const void *mask, uint32_t len)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_BITWISE);

	if (!e)
		return -1;
	e->sreg = e->dreg = NFT_REG_1;
	e->dlen = len;
	memcpy(e->data, mask, len);
	return 0;
}

static int nfm_emit_load(struct nfm_pstate *p, const struct nfm_field *f, uint32_t len)
{
	struct nfm_expr *e = nfm_emit(p, f->kind);

	if (!e)
		return -1;
	e->dreg = NFT_REG_1;
	e->key = f->key;
	if (f->kind == NFM_X_PAYLOAD) {
		e->base = f->base;
		e->offset = f->offset;
		e->len = len;
	}
	return 0;
}

/* The implicit "meta nfproto X" / "meta l4proto X" nft puts before a header field. */
static int nfm_emit_dep(struct nfm_pstate *p, const struct nfm_field *f)
{
	const struct nfm_field *df;
	struct nfm_rule *r = p->r;
	uint8_t v = f->dep;
	unsigned int i;

	if (!f->dep)
		return 0;
	if (f->dep_is_nfproto) {
		if (r->family != NFPROTO_INET) {
			if (r->family != f->dep)
				return nfm_perr(p, "'%s %s' cannot match in an %s table", f->proto,
						f->name, nfm_rule_family_name(r->family));
			return 0;	/* the table's family is the dependency */
		}
		df = nfm_field_find("meta", "nfproto");
	} else {
		df = nfm_field_find("meta", "l4proto");
	}
	/* already established earlier in the rule (by hand or for a previous match)? nft adds it once */
	for (i = 0; i + 1 < r->n; i++)
		if (r->e[i].kind == NFM_X_META && !r->e[i].set && r->e[i].key == df->key &&
		    r->e[i].dreg == NFT_REG_1 && r->e[i + 1].kind == NFM_X_CMP &&
		    r->e[i + 1].op == NFT_CMP_EQ && r->e[i + 1].dlen == 1 && r->e[i + 1].data[0] == v)
			return 0;
	if (nfm_emit_load(p, df, 0))
		return -1;
	return nfm_emit_cmp(p, NFT_CMP_EQ, &v, 1);
}

/* Split "a-b" into two values of @f; names with '-' in them are tried whole first. */
static int nfm_parse_range(const struct nfm_field *f, const char *s, uint32_t *lo, uint32_t *hi)
{
	char buf[128];
	size_t i, n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '-')
			continue;
		memcpy(buf, s, n + 1);
		buf[i] = '\0';
		if (!nfm_parse_scalar(f, buf, lo) && !nfm_parse_scalar(f, buf + i + 1, hi))
			return *lo <= *hi ? 0 : -1;
	}
	return -1;
}

static int nfm_value_error(struct nfm_pstate *p, const struct nfm_field *f, const char *v)
{
	char name[32], names[256] = "";
	const struct nfm_sym *s;

	nfm_field_spell(f, name, sizeof(name));
	for (s = f->syms; s && s->name; s++) {
		strncat(names, names[0] ? ", " : " (one of: ", sizeof(names) - strlen(names) - 1);
		strncat(names, s->name, sizeof(names) - strlen(names) - 1);
	}
	if (names[0])
		strncat(names, ")", sizeof(names) - strlen(names) - 1);
	return nfm_perr(p, "'%s' is not a value of %s%s", v, name, names);
}

/* Scalars: ports, l4proto, marks, mptcp keys. */
static int nfm_parse_scalar_match(struct nfm_pstate *p, const struct nfm_field *f,
				  enum nft_cmp_ops op, bool op_given)
{
	const char *v = nfm_next(p, "a value");
	bool host = f->type == NFM_V_HOST32;
	uint8_t a[4], b[4];
	uint32_t lo, hi, len;

	if (!v)
		return -1;
	if (!nfm_parse_scalar(f, v, &lo)) {
		if (nfm_emit_load(p, f, f->len))
			return -1;
		if (op == NFT_CMP_EQ || op == NFT_CMP_NEQ || !host) {
			nfm_be_or_host(f, lo, a, &len);
			if (host && op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
				return -1;
			return nfm_emit_cmp(p, op, a, len);
		}
		/* ordered compares work on big-endian data: nft swaps host-order keys first */
		lo = htonl(lo);
		return nfm_emit_byteorder(p) ?: nfm_emit_cmp(p, op, &lo, 4);
	}
	if (!nfm_parse_range(f, v, &lo, &hi)) {
		struct nfm_expr *e;

		if (op_given && op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
			return nfm_perr(p, "range '%s' takes == or !=, not '%s'", v, p->tok[p->i - 2]);
		if (nfm_emit_load(p, f, f->len) || (host && nfm_emit_byteorder(p)))
			return -1;
		if (host) {
			lo = htonl(lo);
			hi = htonl(hi);
			memcpy(a, &lo, 4);
			memcpy(b, &hi, 4);
			len = 4;
		} else {
			nfm_be_or_host(f, lo, a, &len);
			nfm_be_or_host(f, hi, b, &len);
		}
		if (op == NFT_CMP_EQ)
			return nfm_emit_cmp(p, NFT_CMP_GTE, a, len) ?: nfm_emit_cmp(p, NFT_CMP_LTE, b, len);
		e = nfm_emit(p, NFM_X_RANGE);
		if (!e)
			return -1;
		e->sreg = NFT_REG_1;
		e->op = NFT_RANGE_NEQ;
		e->dlen = len;
		memcpy(e->data, a, len);
		memcpy(e->data2, b, len);
		return 0;
	}
	return nfm_value_error(p, f, v);
}

/*
 * Bit sets: ct state, tcp flags, mptcp subtypes.
 *   F [==] A        bit test (ct state, tcp flags) or exact (mptcp subtypes)
 *   F != A          not exactly A (as nft encodes it)
 *   F has A         any of A
 *   F A / M         (F & M) == A;  F & M OP V  likewise
 */
static int nfm_parse_flags_match(struct nfm_pstate *p, const struct nfm_field *f)
{
	uint32_t len = f->type == NFM_V_FLAGS8 ? 1 : 4;
	uint32_t val, mask, zero = 0;
	enum nft_cmp_ops op;
	const char *v, *t;
	bool given;
	uint8_t a[4], m[4];

	t = nfm_peek(p);
	if (t && (!strcmp(t, "has") || !strcmp(t, "&"))) {
		bool has = !strcmp(t, "has");

		p->i++;
		v = nfm_next(p, "flags");
		if (!v)
			return -1;
		if (nfm_parse_flags(f, v, &mask))
			return nfm_value_error(p, f, v);
		if (has) {
			op = NFT_CMP_NEQ;
			val = 0;
		} else {
			op = nfm_parse_op(p, &given);
			if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
				return nfm_perr(p, "'%s': a masked compare takes == or !=", p->tok[p->i - 1]);
			v = nfm_next(p, "a value");
			if (!v)
				return -1;
			if (nfm_parse_flags(f, v, &val))
				return nfm_value_error(p, f, v);
		}
		goto masked;
	}
	op = nfm_parse_op(p, &given);
	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nfm_perr(p, "'%s': flags take ==, != or has", p->tok[p->i - 1]);
	v = nfm_next(p, "flags");
	if (!v)
		return -1;
	if (nfm_parse_flags(f, v, &val))
		return nfm_value_error(p, f, v);
	t = nfm_peek(p);
	if (t && !strcmp(t, "/")) {
		p->i++;
		v = nfm_next(p, "a mask");
		if (!v)
			return -1;
		if (nfm_parse_flags(f, v, &mask))
			return nfm_value_error(p, f, v);
		goto masked;
	}
	if (f->flags_exact) {
		nfm_be_or_host(f, val, a, &len);
		return nfm_emit_load(p, f, 0) ?: nfm_emit_cmp(p, op, a, len);
	}
	/* as nft: "F A" is the bit test (F & A) != 0, "F != A" a plain compare */
	if (op == NFT_CMP_NEQ) {
		nfm_be_or_host(f, val, a, &len);
		return nfm_emit_dep(p, f) ?: nfm_emit_load(p, f, len) ?: nfm_emit_cmp(p, op, a, len);
	}
	mask = val;
	val = 0;
	op = NFT_CMP_NEQ;
masked:
	nfm_be_or_host(f, mask, m, &len);
	nfm_be_or_host(f, val, a, &len);
	if (nfm_emit_dep(p, f) || nfm_emit_load(p, f, len) || nfm_emit_bitwise(p, m, len))
		return -1;
	(void)zero;
	return nfm_emit_cmp(p, op, a, len);
}

/* 10.0.0.0/8, fd00::/16: nft loads only the whole bytes of a prefix, masks a partial one. */
static int nfm_parse_addr_match(struct nfm_pstate *p, const struct nfm_field *f, enum nft_cmp_ops op)
{
	const char *v = nfm_next(p, "an address");
	uint8_t addr[16] = { 0 }, mask[16] = { 0 };
	unsigned int alen = f->len, plen = alen * 8, i;
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint32_t nbytes;

	if (!v)
		return -1;
	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nfm_perr(p, "addresses take == or !=, not '%s'", p->tok[p->i - 2]);
	if (strlen(v) >= sizeof(buf))
		return nfm_value_error(p, f, v);
	snprintf(buf, sizeof(buf), "%s", v);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (nfm_parse_num(slash + 1, alen * 8, &plen) || !slash[1])
			return nfm_perr(p, "'%s': bad prefix length", v);
	}
	if (inet_pton(f->type == NFM_V_IPV4 ? AF_INET : AF_INET6, buf, addr) != 1)
		return nfm_perr(p, "'%s' is not an %s address", v, f->type == NFM_V_IPV4 ? "IPv4" : "IPv6");
	if (plen == 0)
		return nfm_perr(p, "'%s': a /0 prefix matches everything; leave the match out", v);
	for (i = 0; i < alen; i++) {
		unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;

		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		addr[i] &= mask[i];
	}
	nbytes = plen % 8 ? alen : plen / 8;
	if (nfm_emit_dep(p, f) || nfm_emit_load(p, f, nbytes))
		return -1;
	if (plen % 8 && nfm_emit_bitwise(p, mask, nbytes))
		return -1;
	return nfm_emit_cmp(p, op, addr, nbytes);
}

static int nfm_parse_ifname_match(struct nfm_pstate *p, const struct nfm_field *f, enum nft_cmp_ops op)
{
	const char *v = nfm_next(p, "an interface name");
	uint8_t name[16] = { 0 };
	size_t n;

	if (!v)
		return -1;
	v = nfm_unquote(p, v);
	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nfm_perr(p, "interface names take == or !=, not '%s'", p->tok[p->i - 2]);
	n = strlen(v);
	if (n == 0 || n >= 16 || (n == 1 && v[0] == '*') || !nfm_printable_word(v) ||
	    strchr(v, '/') || strchr(v, '*') != strrchr(v, '*') || (strchr(v, '*') && v[n - 1] != '*'))
		return nfm_perr(p, "'%s' is not an interface name", v);
	memcpy(name, v, n);
	if (nfm_emit_load(p, f, 0))
		return -1;
	/* "eth*": compare the prefix only, without the terminating NUL */
	if (v[n - 1] == '*')
		return nfm_emit_cmp(p, op, name, n - 1);
	return nfm_emit_cmp(p, op, name, 16);
}

/* ---- anonymous sets: F [!=] { a, b-c, 10.0.0.0/8 } ---------------------------------- */

/* nft's datatype ids: the kernel stores them, nft lists the set's values by them */
static uint32_t nfm_set_key_type(const struct nfm_field *f)
{
	switch (f->type) {
	case NFM_V_IPV4: return 7;			/* ipv4_addr */
	case NFM_V_IPV6: return 8;			/* ipv6_addr */
	case NFM_V_BE16: return 13;			/* inet_service */
	case NFM_V_IFNAME: return 41;			/* ifname */
	case NFM_V_FLAGS8: return 15;			/* tcp_flag */
	case NFM_V_U8: return f->key == NFT_META_NFPROTO ? 2 : 12;	/* nfproto, inet_proto */
	case NFM_V_FLAGS32: return f->kind == NFM_X_CT ? 26 : 4;	/* ct_state, integer */
	case NFM_V_HOST32: return f->kind == NFM_X_MPTCP ? 4 : 19;	/* integer, mark */
	}
	return 4;
}

struct nfm_span {
	uint8_t	lo[NFM_RULE_DATA_MAX], hi[NFM_RULE_DATA_MAX];
};

static void nfm_put_be(uint32_t v, uint8_t *out, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		out[len - 1 - i] = v >> (8 * i);
}

/* One element of a set into a span in register layout (@be: host keys in network order). */
static int nfm_parse_set_item(struct nfm_pstate *p, const struct nfm_field *f, const char *v,
			      uint32_t klen, bool be, struct nfm_span *sp, bool *range)
{
	uint32_t lo, hi, len, i;

	*range = false;
	memset(sp, 0, sizeof(*sp));
	if (f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6) {
		int af = f->type == NFM_V_IPV4 ? AF_INET : AF_INET6;
		char buf[2 * INET6_ADDRSTRLEN + 8], *sep;
		uint32_t plen = klen * 8;

		if (strlen(v) >= sizeof(buf))
			return nfm_value_error(p, f, v);
		snprintf(buf, sizeof(buf), "%s", v);
		sep = strchr(buf, '/');
		if (sep) {
			*sep = '\0';
			if (!sep[1] || nfm_parse_num(sep + 1, klen * 8, &plen) || plen == 0)
				return nfm_perr(p, "'%s': bad prefix length", v);
		} else if ((sep = strchr(buf, '-'))) {
			*sep = '\0';
			if (inet_pton(af, buf, sp->lo) != 1 || inet_pton(af, sep + 1, sp->hi) != 1 ||
			    memcmp(sp->lo, sp->hi, klen) > 0)
				return nfm_perr(p, "'%s' is not an address range", v);
			*range = true;
			return 0;
		}
		if (inet_pton(af, buf, sp->lo) != 1)
			return nfm_perr(p, "'%s' is not an %s address", v, af == AF_INET ? "IPv4" : "IPv6");
		for (i = 0; i < klen; i++) {
			unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;
			uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

			sp->lo[i] &= m;
			sp->hi[i] = sp->lo[i] | (uint8_t)~m;
		}
		*range = plen != klen * 8;
		return 0;
	}
	if (f->type == NFM_V_IFNAME) {
		v = nfm_unquote(p, v);
		if (!*v || strlen(v) >= 16 || !nfm_printable_word(v) || strchr(v, '*') || strchr(v, '/'))
			return nfm_perr(p, "'%s' is not an interface name (no wildcards in a set)", v);
		memcpy(sp->lo, v, strlen(v));
		memcpy(sp->hi, sp->lo, klen);
		return 0;
	}
	if (f->type == NFM_V_FLAGS8 || f->type == NFM_V_FLAGS32) {
		if (nfm_parse_flags(f, v, &lo))
			return nfm_value_error(p, f, v);
		hi = lo;
	} else if (nfm_parse_scalar(f, v, &lo)) {
		if (nfm_parse_range(f, v, &lo, &hi))
			return nfm_value_error(p, f, v);
		*range = true;
	} else {
		hi = lo;
	}
	if (be || f->type == NFM_V_BE16) {
		nfm_put_be(lo, sp->lo, klen);
		nfm_put_be(hi, sp->hi, klen);
	} else {
		nfm_be_or_host(f, lo, sp->lo, &len);
		nfm_be_or_host(f, hi, sp->hi, &len);
	}
	return 0;
}

static int nfm_span_cmp(const void *a, const void *b)
{
	return memcmp(((const struct nfm_span *)a)->lo, ((const struct nfm_span *)b)->lo, NFM_RULE_DATA_MAX);
}

/* key + 1 in network order; false if it wraps (the key is the maximum). */
static bool nfm_key_inc(const uint8_t *k, uint8_t *out, uint32_t len)
{
	int i;

	if (len > NFM_RULE_DATA_MAX)
		return false;
	memcpy(out, k, len);
	for (i = len - 1; i >= 0; i--)
		if (++out[i])
			return true;
	return false;
}

static int nfm_set_add_elem(struct nfm_pstate *p, struct nfm_set *s, const uint8_t *key, bool end,
			    bool open)
{
	if (s->n >= NFM_SET_MAX_ELEMS)
		return nfm_perr(p, "set too large (at most %d elements)", NFM_SET_MAX_ELEMS / 2 - 1);
	memset(&s->elem[s->n], 0, sizeof(s->elem[0]));
	memcpy(s->elem[s->n].key, key, s->key_len);
	s->elem[s->n].end = end;
	s->elem[s->n].open = open;
	s->n++;
	return 0;
}

/* The tokens from '{' to '}' as nft writes them ("{ 80, 443 }", "{80,443}"). */
static int nfm_collect_set(struct nfm_pstate *p, char *buf, size_t len)
{
	size_t n = 0;
	const char *t;

	buf[0] = '\0';
	for (;;) {
		size_t tl;

		t = nfm_next(p, "'}' closing the set");
		if (!t)
			return -1;
		tl = strlen(t);
		if (n + tl + 2 >= len)
			return nfm_perr(p, "set too long at '%s'", t);
		buf[n++] = ' ';
		memcpy(buf + n, t, tl + 1);
		n += tl;
		if (tl && t[tl - 1] == '}')
			break;
	}
	buf[n - 1] = ' ';	/* the '}' */
	memmove(buf, buf + 2, n - 1);	/* the ' {' */
	return 0;
}

static int nfm_parse_match(struct nfm_pstate *p, const struct nfm_field *f);

static int nfm_parse_set_match(struct nfm_pstate *p, const struct nfm_field *f, enum nft_cmp_ops op)
{
	static struct nfm_span spans[NFM_SET_MAX_ELEMS];
	bool interval = false, host = f->type == NFM_V_HOST32 || f->type == NFM_V_FLAGS32;
	uint32_t klen = f->type == NFM_V_IPV4 || f->type == NFM_V_IPV6 ? f->len : 0;
	char buf[4096], first[256], *save = NULL, *w;
	unsigned int nspans = 0, i;
	struct nfm_rule *r = p->r;
	struct nfm_expr *e;
	struct nfm_set *s;
	uint8_t zero[NFM_RULE_DATA_MAX] = { 0 };

	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nfm_perr(p, "a set takes == or !=, not '%s'", p->tok[p->i - 1]);
	if (r->nsets >= NFM_RULE_MAX_SETS)
		return nfm_perr(p, "at most %d sets in a rule", NFM_RULE_MAX_SETS);
	if (nfm_collect_set(p, buf, sizeof(buf)))
		return -1;
	if (!klen) {
		uint8_t tmp[4];

		nfm_be_or_host(f, 0, tmp, &klen);
		if (f->type == NFM_V_IFNAME)
			klen = 16;
	}
	/* a range anywhere makes it an interval set; host-order keys go in network order then */
	for (w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		bool range;

		if (nspans >= NFM_SET_MAX_ELEMS / 2 - 1)
			return nfm_perr(p, "set too large (at most %d elements)", NFM_SET_MAX_ELEMS / 2 - 1);
		if (nfm_parse_set_item(p, f, w, klen, false, &spans[nspans], &range))
			return -1;
		if (!nspans)
			snprintf(first, sizeof(first), "%s", w);
		interval |= range;
		nspans++;
	}
	if (!nspans)
		return nfm_perr(p, "empty set '{ }'");
	if (nspans == 1) {
		/* as nft: a one-element set is that element ("F != { a-b }" is "F != a-b") */
		char *tok[2] = { op == NFT_CMP_NEQ ? "!=" : "==", first };
		struct nfm_pstate q = { .r = r, .ntok = 2, .tok = tok, .err = p->err, .errlen = p->errlen };

		return nfm_parse_match(&q, f);
	}
	if (interval && host) {
		for (i = 0; i < nspans; i++) {
			uint32_t lo, hi;

			memcpy(&lo, spans[i].lo, 4);
			memcpy(&hi, spans[i].hi, 4);
			nfm_put_be(lo, spans[i].lo, 4);
			nfm_put_be(hi, spans[i].hi, 4);
		}
	}
	qsort(spans, nspans, sizeof(spans[0]), nfm_span_cmp);
	s = &r->sets[r->nsets];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "__set%%d");
	s->id = r->nsets + 1;
	s->flags = NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | (interval ? NFT_SET_INTERVAL : 0);
	s->key_type = nfm_set_key_type(f);
	s->key_len = klen;
	s->host_order = !interval && (host || f->type == NFM_V_IFNAME);
	for (i = 0; i < nspans; i++) {
		struct nfm_span *sp = &spans[i];
		uint8_t next[NFM_RULE_DATA_MAX] = { 0 };
		bool more;

		if (!interval) {
			if (i && !memcmp(sp->lo, spans[i - 1].lo, klen))
				return nfm_perr(p, "set element given twice");
			if (nfm_set_add_elem(p, s, sp->lo, false, false))
				return -1;
			continue;
		}
		if (i == 0 && memcmp(sp->lo, zero, klen) != 0 && nfm_set_add_elem(p, s, zero, true, false))
			return -1;
		/* adjacent or overlapping ranges merge, as nft merges them */
		while (i + 1 < nspans && (memcmp(spans[i + 1].lo, sp->hi, klen) <= 0 ||
					  (nfm_key_inc(sp->hi, next, klen) &&
					   !memcmp(next, spans[i + 1].lo, klen)))) {
			if (memcmp(spans[i + 1].hi, sp->hi, klen) > 0)
				memcpy(sp->hi, spans[i + 1].hi, klen);
			memmove(&spans[i + 1], &spans[i + 2], (nspans - i - 2) * sizeof(spans[0]));
			nspans--;
		}
		more = nfm_key_inc(sp->hi, next, klen);
		if (nfm_set_add_elem(p, s, sp->lo, false, !more) ||
		    (more && nfm_set_add_elem(p, s, next, true, false)))
			return -1;
	}
	r->nsets++;
	if (nfm_emit_dep(p, f) || nfm_emit_load(p, f, klen) || (interval && host && nfm_emit_byteorder(p)))
		return -1;
	e = nfm_emit(p, NFM_X_LOOKUP);
	if (!e)
		return -1;
	e->sreg = NFT_REG_1;
	e->op = op == NFT_CMP_NEQ;
	e->setidx = r->nsets - 1;
	return 0;
}

static int nfm_parse_match(struct nfm_pstate *p, const struct nfm_field *f)
{
	enum nft_cmp_ops op;
	bool given;
	int save = p->i;
	const char *t;

	op = nfm_parse_op(p, &given);
	t = nfm_peek(p);
	if (t && t[0] == '{')
		return nfm_parse_set_match(p, f, op);
	p->i = save;
	if (f->type == NFM_V_FLAGS8 || f->type == NFM_V_FLAGS32)
		return nfm_parse_flags_match(p, f);
	op = nfm_parse_op(p, &given);
	switch (f->type) {
	case NFM_V_IPV4:
	case NFM_V_IPV6:
		return nfm_parse_addr_match(p, f, op);
	case NFM_V_IFNAME:
		return nfm_parse_ifname_match(p, f, op);
	default:
		if (nfm_emit_dep(p, f))
			return -1;
		return nfm_parse_scalar_match(p, f, op, given);
	}
}

/* ---- statements ---------------------------------------------------------------- */

static int nfm_parse_verdict(struct nfm_pstate *p, const char *t)
{
	static const struct { const char *s; int v; } vs[] = {
		{ "accept", NF_ACCEPT }, { "drop", NF_DROP }, { "return", NFT_RETURN },
		{ "jump", NFT_JUMP }, { "goto", NFT_GOTO },
	};
	struct nfm_expr *e;
	size_t i;

	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		if (strcmp(t, vs[i].s) != 0)
			continue;
		e = nfm_emit(p, NFM_X_IMMEDIATE);
		if (!e)
			return -1;
		e->dreg = NFT_REG_VERDICT;
		e->verdict = vs[i].v;
		if (vs[i].v == NFT_JUMP || vs[i].v == NFT_GOTO) {
			const char *c = nfm_next(p, "a chain name");

			if (!c)
				return -1;
			if (!*c || strlen(c) >= NFT_CHAIN_MAXNAMELEN || !nfm_printable_word(c))
				return nfm_perr(p, "'%s' is not a chain name", c);
			snprintf(e->chain, sizeof(e->chain), "%s", c);
		}
		if (p->i < p->ntok)
			return nfm_perr(p, "'%s' after the verdict '%s': a verdict ends the rule",
					p->tok[p->i], t);
		return 1;
	}
	return 0;
}

static int nfm_parse_counter(struct nfm_pstate *p)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_COUNTER);
	const char *t;

	if (!e)
		return -1;
	/* "counter packets N bytes M", as listings print it, restores the values */
	t = nfm_peek(p);
	if (t && !strcmp(t, "packets")) {
		const char *pk, *kw, *by;
		char *end;

		p->i++;
		pk = nfm_next(p, "a packet count");
		kw = pk ? nfm_next(p, "'bytes'") : NULL;
		by = kw ? nfm_next(p, "a byte count") : NULL;
		if (!by)
			return -1;
		if (strcmp(kw, "bytes") != 0)
			return nfm_perr(p, "'%s': expected 'bytes'", kw);
		errno = 0;
		e->packets = strtoull(pk, &end, 10);
		if (errno || *end || !*pk || *pk == '-')
			return nfm_perr(p, "'%s' is not a packet count", pk);
		e->bytes = strtoull(by, &end, 10);
		if (errno || *end || !*by || *by == '-')
			return nfm_perr(p, "'%s' is not a byte count", by);
	}
	return 0;
}

static int nfm_parse_log(struct nfm_pstate *p)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_LOG);
	const char *t;

	if (!e)
		return -1;
	t = nfm_peek(p);
	if (t && !strcmp(t, "prefix")) {
		p->i++;
		t = nfm_next(p, "a log prefix");
		if (!t)
			return -1;
		t = nfm_unquote(p, t);
		if (strlen(t) >= NFM_RULE_PREFIX_MAX)
			return nfm_perr(p, "log prefix '%.20s...' is longer than %d bytes", t,
					NFM_RULE_PREFIX_MAX - 1);
		for (const char *c = t; *c; c++)
			if ((unsigned char)*c < ' ' || *c == '"' || *c == 0x7f)
				return nfm_perr(p, "log prefix: quotes and control characters cannot be written back");
		e->has_prefix = true;
		snprintf(e->prefix, sizeof(e->prefix), "%s", t);
	}
	return 0;
}

static int nfm_parse_reject(struct nfm_pstate *p)
{
	struct nfm_expr *e = nfm_emit(p, NFM_X_REJECT);
	const char *t;

	if (!e)
		return -1;
	t = nfm_peek(p);
	if (t && !strcmp(t, "with")) {
		const char *a, *b;

		p->i++;
		a = nfm_next(p, "'tcp'");
		b = a ? nfm_next(p, "'reset'") : NULL;
		if (!b)
			return -1;
		if (strcmp(a, "tcp") != 0 || strcmp(b, "reset") != 0)
			return nfm_perr(p, "'reject with %s %s': only 'reject with tcp reset' is supported", a, b);
		e->rtype = NFT_REJECT_TCP_RST;
		e->rcode = 0;
		return 0;
	}
	/* nft's default: port unreachable of the packet's family */
	switch (p->r->family) {
	case NFPROTO_IPV4:
		e->rtype = NFT_REJECT_ICMP_UNREACH;
		e->rcode = 3;		/* ICMP_PORT_UNREACH */
		break;
	case NFPROTO_IPV6:
		e->rtype = NFT_REJECT_ICMP_UNREACH;
		e->rcode = 4;		/* ICMPV6_PORT_UNREACH */
		break;
	default:
		e->rtype = NFT_REJECT_ICMPX_UNREACH;
		e->rcode = NFT_REJECT_ICMPX_PORT_UNREACH;
	}
	return 0;
}

/* meta mark set N, ct mark set N, ct mark set mptcp conn-id (or any mptcp key) */
static int nfm_parse_mark_set(struct nfm_pstate *p, enum nfm_expr_kind kind, uint32_t key)
{
	const char *v = nfm_next(p, "a mark");
	struct nfm_expr *e;
	uint32_t n;

	if (!v)
		return -1;
	if (!strcmp(v, "mptcp")) {
		const struct nfm_field *f;
		const char *k = nfm_next(p, "an mptcp key");

		if (!k)
			return -1;
		f = nfm_field_find("mptcp", k);
		if (!f)
			return nfm_perr(p, "'%s' is not an mptcp key", k);
		if (nfm_emit_load(p, f, 0))
			return -1;
	} else {
		if (nfm_parse_num(v, 0xffffffffu, &n))
			return nfm_perr(p, "'%s' is not a mark (a number up to 0xffffffff)", v);
		e = nfm_emit(p, NFM_X_IMMEDIATE);
		if (!e)
			return -1;
		e->dreg = NFT_REG_1;
		e->dlen = 4;
		memcpy(e->data, &n, 4);
	}
	e = nfm_emit(p, kind);
	if (!e)
		return -1;
	e->set = true;
	e->sreg = NFT_REG_1;
	e->key = key;
	return 0;
}

int nfm_rule_parse(struct nfm_rule *r, int ntok, char *const *tok, char *err, size_t errlen)
{
	struct nfm_pstate p = { .r = r, .ntok = ntok, .tok = tok, .err = err, .errlen = errlen };

	r->n = 0;
	r->nsets = 0;
	if (errlen)
		err[0] = '\0';
	if (ntok == 0)
		return nfm_perr(&p, "empty rule");
	while (p.i < p.ntok) {
		const char *t = p.tok[p.i++], *n;
		const struct nfm_field *f;
		int rc;

		rc = nfm_parse_verdict(&p, t);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (!strcmp(t, "counter")) {
			rc = nfm_parse_counter(&p);
		} else if (!strcmp(t, "log")) {
			rc = nfm_parse_log(&p);
		} else if (!strcmp(t, "reject")) {
			rc = nfm_parse_reject(&p);
		} else if (!strcmp(t, "iifname") || !strcmp(t, "oifname")) {
			rc = nfm_parse_match(&p, nfm_field_find("", t));
		} else if (!strcmp(t, "ip") || !strcmp(t, "ip6") || !strcmp(t, "tcp") ||
			   !strcmp(t, "meta") || !strcmp(t, "ct") || !strcmp(t, "mptcp")) {
			n = nfm_next(&p, "a field name");
			if (!n)
				return -1;
			if (!strcmp(n, "mark") && p.i < p.ntok && !strcmp(p.tok[p.i], "set") &&
			    (!strcmp(t, "meta") || !strcmp(t, "ct"))) {
				p.i++;
				rc = nfm_parse_mark_set(&p, t[0] == 'm' ? NFM_X_META : NFM_X_CT,
							t[0] == 'm' ? NFT_META_MARK : NFT_CT_MARK);
			} else {
				f = nfm_field_find(t, n);
				if (!f)
					return nfm_perr(&p, "'%s' is not a field of '%s' that nfmptcp rule knows",
							n, t);
				rc = nfm_parse_match(&p, f);
			}
		} else {
			return nfm_perr(&p, "unexpected '%s': not a match or statement that nfmptcp rule knows", t);
		}
		if (rc)
			return -1;
	}
	return 0;
}

int nfm_rule_tokenize(char *line, char **tok, int max, char *err, size_t errlen)
{
	char *s = line, *w;
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			return n;
		if (n >= max) {
			snprintf(err, errlen, "more than %d words", max);
			return -1;
		}
		if (*s == '"') {
			w = ++s;
			while (*s && *s != '"')
				s++;
			if (!*s) {
				snprintf(err, errlen, "unterminated quote at '\"%.20s'", w);
				return -1;
			}
		} else {
			w = s;
			while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '"')
				s++;
		}
		tok[n++] = w;
		if (*s)
			*s++ = '\0';
	}
}
