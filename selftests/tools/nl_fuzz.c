// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz.c - random and mutated netlink messages to the nfmptcp generic
 * netlink family, or nf_tables batches carrying the mptcp expression with
 * random attributes, for the selftests (netlink_fuzz.sh).
 *
 *   nl_fuzz [-m nfmptcp|nft] [-n COUNT] [-T SECONDS] [-s SEED] [-u]
 *   nl_fuzz -m nft-key -k KEY -F FAMILY -t TABLE -c CHAIN
 *
 * nfmptcp: a mix of raw random messages and valid requests (CONN_GET doit
 * and dump, CONN_FLUSH, STATS_GET, CONFIG_GET, CONFIG_SET with a nest of
 * config attributes) with attribute-level mutations (type, length, value,
 * nesting, duplicates, unknown attributes, truncation, header fields).
 * Every reply is checked: lengths within the message, the genl header's
 * reserved field zero, attribute padding zero at every nesting level; and
 * every 500 messages a probe sends CONFIG_GET and STATS_GET twice and the
 * replies must be byte-identical (uninitialised bytes would differ; the
 * counters may move between two STATS_GETs while traffic is tracked, so
 * those are asked again, and only replies that never agree count).
 * The configuration is modelled: it starts as the first CONFIG_GET says,
 * and every CONFIG_SET the kernel acknowledged with success is applied to
 * the model as the kernel parses it (the last CONFIG nest, in it the last
 * value of each attribute); every probe's CONFIG_GET must match the model.
 * A change that no acknowledged request made is a violation.
 * -u: the caller is unprivileged: any request that changes state (CONFIG_SET,
 * CONN_FLUSH) or reads others' flows (CONN_GET) answered with success, and a
 * subscription to the events group that succeeds, are violations.
 *
 * nft: batches NEWTABLE inet nfmfuzz / NEWCHAIN / NEWRULE with a "mptcp"
 * expression whose data is mutated (key and register values in and out of
 * range, wrong lengths and types, missing and extra attributes), with a
 * cmp after it half of the time, into a regular chain and a forward base
 * chain; the rules are dumped (padding checked) and deleted every 64
 * batches, the table at the end. -u: every batch must be refused.
 *
 * nft-key: not fuzzing, one exact request for the selftests (nft_mptcp_rules.sh):
 * a NEWRULE [mptcp key KEY -> reg 1] in FAMILY TABLE CHAIN (-k KEY -F FAMILY
 * -t TABLE -c CHAIN), for keys `nfmptcp rule` cannot write. Prints "accepted"
 * (exit 0) or "refused: errno N (text)[: extack]" (exit 1).
 *
 * Output: one line "nl_fuzz MODE: sent N ok N errors N replies N
 * pad-violations N probe-mismatches N priv-violations N accepted-rules N
 * config-sets N config-mismatches N" (config-sets: CONFIG_SETs that
 * succeeded).
 * Exit 0 when no violation was seen, 1 otherwise, 2 on setup errors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <endian.h>

#define htonl(x)	htobe32(x)
#define htons(x)	htobe16(x)
#define NLA_OK(a, len)	((len) >= (int)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
			 (a)->nla_len <= (len))
#define NLA_NEXT(a, len) ((len) -= NLA_ALIGN((a)->nla_len), \
			  (const struct nlattr *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))
#define NLA_DATA(a)	((const void *)((const char *)(a) + NLA_HDRLEN))

#include "../../kmod/uapi/nfmptcp.h"
#include "../../nft-ext/uapi/nft_mptcp.h"

#define BUFSZ	8192

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static int unpriv;

static struct {
	unsigned long sent, ok, errors, replies, pad_bad, probe_bad, priv_bad, rules_ok;
	unsigned long cfg_sets, cfg_bad;
} st;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint32_t rndn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void rnd_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd();
}

/* ---- message building ------------------------------------------------------ */

struct msg {
	uint8_t buf[BUFSZ] __attribute__((aligned(4)));
	size_t len;
};

static void *put(struct msg *m, const void *data, size_t n)
{
	void *p = m->buf + m->len;

	if (m->len + NLMSG_ALIGN(n) > sizeof(m->buf))
		return NULL;
	if (data)
		memcpy(p, data, n);
	else
		memset(p, 0, n);
	memset(m->buf + m->len + n, 0, NLMSG_ALIGN(n) - n);
	m->len += NLMSG_ALIGN(n);
	return p;
}

static struct nlattr *attr(struct msg *m, uint16_t type, const void *data, uint16_t n)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + n, .nla_type = type };
	struct nlattr *p = put(m, &a, sizeof(a));

	if (p && n)
		put(m, data, n);
	return p;
}

static void attr_u32(struct msg *m, uint16_t type, uint32_t v)
{
	attr(m, type, &v, sizeof(v));
}

static void attr_str(struct msg *m, uint16_t type, const char *s)
{
	attr(m, type, s, strlen(s) + 1);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	attr(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
}

static struct nlmsghdr *hdr(struct msg *m, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = put(m, NULL, sizeof(*nlh));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static void msg_end(struct msg *m, size_t start)
{
	((struct nlmsghdr *)(m->buf + start))->nlmsg_len = m->len - start;
}

/* ---- reply checks ------------------------------------------------------------ */

/* Attribute padding (and nested attributes' padding) must be zero. */
static int attrs_clean(const uint8_t *p, size_t len, int depth)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len, i;

		if (alen < NLA_HDRLEN || alen > len)
			return 0;
		for (i = alen; i < NLA_ALIGN(alen) && i < len; i++)
			if (p[i])
				return 0;
		if ((a->nla_type & NLA_F_NESTED) && depth < 8 &&
		    !attrs_clean(p + NLA_HDRLEN, alen - NLA_HDRLEN, depth + 1))
			return 0;
		if (NLA_ALIGN(alen) >= len)
			return 1;
		p += NLA_ALIGN(alen);
		len -= NLA_ALIGN(alen);
	}
	return len == 0;
}

struct sent {
	uint32_t seq;
	uint16_t type;
	uint8_t cmd;		/* genl cmd, or nft message type */
	int has_cmd;
};

/*
 * Read every reply queued for us (netlink answers in the sender's context;
 * a dump's next part is made by the read that drains the previous one).
 * @hdrlen: family header after nlmsghdr (genlmsghdr, nfgenmsg).
 * @keep: if not NULL, the data replies are copied there (probes).
 */
static void drain(int fd, uint16_t data_type, size_t hdrlen, const struct sent *s,
		  struct msg *keep, int nft)
{
	static uint8_t buf[65536] __attribute__((aligned(4)));

	if (keep)
		keep->len = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* a reply too many for the buffer: not ours to judge */
				continue;
			return;
		}
		left = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			st.replies++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					st.pad_bad++;
				else if (e->error)
					st.errors++;
				else if (s && nlh->nlmsg_seq == s->seq) {
					st.ok++;
					if (unpriv && s->has_cmd && !nft &&
					    (s->cmd == NFMPTCP_CMD_CONFIG_SET ||
					     s->cmd == NFMPTCP_CMD_CONN_FLUSH ||
					     s->cmd == NFMPTCP_CMD_CONN_GET)) {
						fprintf(stderr, "nl_fuzz: unprivileged cmd %u succeeded\n",
							s->cmd);
						st.priv_bad++;
					}
					if (nft && s->cmd == NFT_MSG_NEWRULE)
						st.rules_ok++;
					if (nft && unpriv) {
						fprintf(stderr, "nl_fuzz: unprivileged nft msg %u succeeded\n",
							s->cmd);
						st.priv_bad++;
					}
				}
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				continue;
			if (nlh->nlmsg_len < NLMSG_LENGTH(hdrlen)) {
				st.pad_bad++;
				continue;
			}
			if (!nft && nlh->nlmsg_type == data_type) {
				const struct genlmsghdr *g = NLMSG_DATA(nlh);

				if (g->reserved)
					st.pad_bad++;
				if (unpriv && g->cmd == NFMPTCP_CMD_CONN_GET) {
					fprintf(stderr, "nl_fuzz: unprivileged CONN_GET answered\n");
					st.priv_bad++;
				}
			}
			if (!attrs_clean((const uint8_t *)NLMSG_DATA(nlh) + NLMSG_ALIGN(hdrlen),
					 nlh->nlmsg_len - NLMSG_LENGTH(hdrlen), 0)) {
				fprintf(stderr, "nl_fuzz: reply type %u: non-zero padding or bad attribute\n",
					nlh->nlmsg_type);
				st.pad_bad++;
			}
			if (keep && keep->len + nlh->nlmsg_len <= sizeof(keep->buf)) {
				/* the sequence number differs between two probes */
				memcpy(keep->buf + keep->len, nlh, nlh->nlmsg_len);
				((struct nlmsghdr *)(keep->buf + keep->len))->nlmsg_seq = 0;
				keep->len += nlh->nlmsg_len;
			}
		}
	}
}

static int xsend(int fd, const struct msg *m, size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	st.sent++;
	if (sendto(fd, m->buf, len, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		return -errno;
	return 0;
}

/* ---- generic netlink ------------------------------------------------------- */

static uint32_t events_grp;

/* The family's id, and the events group's id (CTRL_ATTR_MCAST_GROUPS). */
static int genl_family_id(int fd, const char *name, uint16_t *id)
{
	static uint8_t buf[8192] __attribute__((aligned(4)));
	struct genlmsghdr g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 };
	struct msg m = { .len = 0 };
	struct nlmsghdr *nlh;
	int found = 0;
	ssize_t n;
	size_t left;

	hdr(&m, GENL_ID_CTRL, NLM_F_ACK, 1);
	put(&m, &g, sizeof(g));
	attr_str(&m, CTRL_ATTR_FAMILY_NAME, name);
	msg_end(&m, 0);
	if (xsend(fd, &m, m.len))
		return -1;
	st.sent--;
	n = recv(fd, buf, sizeof(buf), 0);
	left = n > 0 ? n : 0;
	for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
		const struct nlattr *a;
		const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
		int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		if (nlh->nlmsg_type != GENL_ID_CTRL)
			continue;
		for (a = (const void *)p; NLA_OK(a, len); a = NLA_NEXT(a, len)) {
			const struct nlattr *grp, *ga;
			int glen, galen;

			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
				memcpy(id, NLA_DATA(a), 2);
				found = 1;
			}
			if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
				continue;
			glen = a->nla_len - NLA_HDRLEN;
			for (grp = NLA_DATA(a); NLA_OK(grp, glen); grp = NLA_NEXT(grp, glen)) {
				uint32_t gid = 0;
				int named = 0;

				galen = grp->nla_len - NLA_HDRLEN;
				for (ga = NLA_DATA(grp); NLA_OK(ga, galen); ga = NLA_NEXT(ga, galen)) {
					if ((ga->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
						memcpy(&gid, NLA_DATA(ga), 4);
					if ((ga->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME &&
					    !strcmp(NLA_DATA(ga), NFMPTCP_MCGRP_EVENTS))
						named = 1;
				}
				if (named)
					events_grp = gid;
			}
		}
	}
	return found ? 0 : -1;
}

/*
 * A nat-map nest: mostly a few pairs of either family, at times one past the
 * limit, a pair missing an address or mixing families, a special address.
 */
static void cfg_nat_map(struct msg *m)
{
	size_t nest = nest_start(m, NFMPTCP_CFG_A_NAT_MAP), pair;
	unsigned int n = rndn(16) ? rndn(4) : NFMPTCP_NAT_MAP_PAIRS_MAX + rndn(2);
	uint8_t in[16], out[16];

	while (n--) {
		int v6 = !rndn(3), kind = rndn(24);

		rnd_bytes(in, sizeof(in));
		rnd_bytes(out, sizeof(out));
		in[0] = v6 ? 0xfd : 10;		/* unicast, unless ... */
		out[0] = v6 ? 0x20 : 192;
		if (kind == 0)
			in[0] = v6 ? 0xff : 224;	/* multicast */
		pair = nest_start(m, NFMPTCP_NAT_MAP_A_PAIR);
		if (kind != 1)
			attr(m, v6 ? NFMPTCP_NAT_PAIR_A_INSIDE6 : NFMPTCP_NAT_PAIR_A_INSIDE4, in,
			     v6 ? 16 : 4);
		if (kind == 2)
			v6 = !v6;
		if (kind != 3)
			attr(m, v6 ? NFMPTCP_NAT_PAIR_A_OUTSIDE6 : NFMPTCP_NAT_PAIR_A_OUTSIDE4, out,
			     v6 ? 16 : 4);
		nest_end(m, pair);
	}
	nest_end(m, nest);
}

/* A valid config attribute (or one just out of its range). */
static void cfg_attr(struct msg *m)
{
	uint16_t t = 1 + rndn(NFMPTCP_CFG_A_MAX + 2);	/* one past the last: unknown */
	uint32_t v32;
	uint8_t v8;

	switch (t) {
	case NFMPTCP_CFG_A_MAX_CONNS:
		v32 = rndn(4) ? 1 + rndn(100000) : (uint32_t)rnd();
		attr_u32(m, t, v32);
		break;
	case NFMPTCP_CFG_A_MAX_SUBFLOWS:
		v32 = rndn(70);
		attr_u32(m, t, v32);
		break;
	case NFMPTCP_CFG_A_JOIN_RATE:
		v32 = rndn(1100);
		attr_u32(m, t, v32);
		break;
	case NFMPTCP_CFG_A_NAT_MAP:
		cfg_nat_map(m);
		break;
	default:
		v8 = rndn(8);
		if (t == NFMPTCP_CFG_A_AUTO_DETECT && rndn(4))
			v8 = 1;		/* keep the hooks mostly on */
		attr(m, t, &v8, 1);
		break;
	}
}

/* Mutate one attribute of the message body (after the headers, from @body). */
static void mutate(struct msg *m, size_t body)
{
	size_t offs[64], n = 0, off = body;
	struct nlattr *a;

	/* top-level and first-level nested attributes */
	while (off + NLA_HDRLEN <= m->len && n < 64) {
		a = (struct nlattr *)(m->buf + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > m->len)
			break;
		offs[n++] = off;
		if (a->nla_type & NLA_F_NESTED) {
			size_t in = off + NLA_HDRLEN;

			while (in + NLA_HDRLEN <= off + a->nla_len && n < 64) {
				struct nlattr *b = (struct nlattr *)(m->buf + in);

				if (b->nla_len < NLA_HDRLEN || in + b->nla_len > off + a->nla_len)
					break;
				offs[n++] = in;
				in += NLA_ALIGN(b->nla_len);
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}

	switch (rndn(10)) {
	case 0:	/* append an unknown or random attribute */
		attr(m, rndn(40), NULL, 0);
		{
			uint8_t junk[32];
			uint16_t l = rndn(sizeof(junk));

			rnd_bytes(junk, l);
			m->len -= NLA_HDRLEN;
			attr(m, rndn(40) | (rndn(2) ? NLA_F_NESTED : 0), junk, l);
		}
		return;
	case 1:	/* duplicate the last attribute */
		if (n) {
			size_t l = NLA_ALIGN(((struct nlattr *)(m->buf + offs[n - 1]))->nla_len);

			if (m->len + l <= sizeof(m->buf) && offs[n - 1] + l <= m->len) {
				memcpy(m->buf + m->len, m->buf + offs[n - 1], l);
				m->len += l;
			}
		}
		return;
	}
	if (!n)
		return;
	a = (struct nlattr *)(m->buf + offs[rndn(n)]);
	switch (rndn(8)) {
	case 0:
		a->nla_type = rndn(40);
		break;
	case 1:
		a->nla_type ^= rndn(2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
		break;
	case 2:
		a->nla_len = rndn(2) ? rndn(NLA_HDRLEN) : a->nla_len + 1 + rndn(64);
		break;
	case 3:
		if (a->nla_len > NLA_HDRLEN)
			a->nla_len -= 1 + rndn(a->nla_len - NLA_HDRLEN);
		break;
	case 4:
		a->nla_len = rnd();
		break;
	default: {
		/* the value, within what the message holds (its length may lie already) */
		size_t at = (uint8_t *)a - m->buf + NLA_HDRLEN, l = a->nla_len;

		l = l > NLA_HDRLEN ? l - NLA_HDRLEN : 0;
		if (at + l > m->len)
			l = at < m->len ? m->len - at : 0;
		rnd_bytes(m->buf + at, l);
		break;
	}
	}
}

/* ---- configuration model ---------------------------------------------------- */

/* A nat-map, canonical: per pair its family (4 or 6), inside, outside (16 bytes each). */
struct nat_map {
	size_t len;
	uint8_t b[NFMPTCP_NAT_MAP_PAIRS_MAX * 33];
};

static struct {
	int known;			/* initialised from the first CONFIG_GET */
	int has[NFMPTCP_CFG_A_MAX + 1];
	uint32_t val[NFMPTCP_CFG_A_MAX + 1];
	struct nat_map nat_map;		/* NFMPTCP_CFG_A_NAT_MAP's value */
} cfg_model;

/*
 * A NAT_MAP nest the kernel took (or sent) into @map, whatever the order of
 * a pair's two addresses; -1 if it is not a map the kernel would take.
 */
static int nat_map_canon(const struct nlattr *nest, struct nat_map *map)
{
	const struct nlattr *pa, *a;
	int plen = nest->nla_len - NLA_HDRLEN, alen;

	map->len = 0;
	for (pa = NLA_DATA(nest); NLA_OK(pa, plen); pa = NLA_NEXT(pa, plen)) {
		uint8_t *e = map->b + map->len;

		if (map->len == sizeof(map->b))
			return -1;
		memset(e, 0, 33);
		alen = pa->nla_len - NLA_HDRLEN;
		for (a = NLA_DATA(pa); NLA_OK(a, alen); a = NLA_NEXT(a, alen)) {
			uint16_t t = a->nla_type & NLA_TYPE_MASK;
			int v6 = t == NFMPTCP_NAT_PAIR_A_INSIDE6 || t == NFMPTCP_NAT_PAIR_A_OUTSIDE6;
			int inside = t == NFMPTCP_NAT_PAIR_A_INSIDE4 || t == NFMPTCP_NAT_PAIR_A_INSIDE6;

			if (a->nla_len != NLA_HDRLEN + (v6 ? 16 : 4))
				return -1;
			e[0] = v6 ? 6 : 4;
			memcpy(e + (inside ? 1 : 17), NLA_DATA(a), v6 ? 16 : 4);
		}
		map->len += 33;
	}
	return 0;
}

static int cfg_is_u32(uint16_t t)
{
	return t == NFMPTCP_CFG_A_MAX_CONNS || t == NFMPTCP_CFG_A_MAX_SUBFLOWS ||
	       t == NFMPTCP_CFG_A_JOIN_RATE;
}

static uint32_t cfg_value(const struct nlattr *a, uint16_t t)
{
	uint32_t v32 = 0;
	uint8_t v8 = 0;

	if (cfg_is_u32(t)) {
		if (a->nla_len >= NLA_HDRLEN + 4)
			memcpy(&v32, NLA_DATA(a), 4);
		return v32;
	}
	if (a->nla_len >= NLA_HDRLEN + 1)
		memcpy(&v8, NLA_DATA(a), 1);
	return v8;
}

/*
 * The last top-level @type attribute of a genl message of @len bytes (the
 * kernel's parse: a later duplicate replaces an earlier one), or NULL.
 */
static const struct nlattr *genl_last_attr(const uint8_t *buf, size_t len, uint16_t type)
{
	const struct nlattr *a, *found = NULL;
	int alen;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	alen = len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (a = (const void *)(buf + NLMSG_HDRLEN + GENL_HDRLEN); NLA_OK(a, alen);
	     a = NLA_NEXT(a, alen))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			found = a;
	return found;
}

/* A CONFIG_SET of @len bytes (as the kernel took it) succeeded: apply it. */
static void cfg_model_apply(const uint8_t *buf, size_t len)
{
	const struct nlattr *nest = genl_last_attr(buf, len, NFMPTCP_A_CONFIG), *a;
	int alen;

	st.cfg_sets++;
	if (!nest || !cfg_model.known)
		return;
	alen = nest->nla_len - NLA_HDRLEN;
	for (a = NLA_DATA(nest); NLA_OK(a, alen); a = NLA_NEXT(a, alen)) {
		uint16_t t = a->nla_type & NLA_TYPE_MASK;

		if (t < 1 || t > NFMPTCP_CFG_A_MAX)
			continue;
		cfg_model.has[t] = 1;
		if (t == NFMPTCP_CFG_A_NAT_MAP)
			nat_map_canon(a, &cfg_model.nat_map);
		else
			cfg_model.val[t] = cfg_value(a, t);
	}
}

/* A CONFIG_GET reply (@r: its messages) against the model; the model then follows it. */
static void cfg_model_check(const struct msg *r)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)r->buf;
	const struct nlattr *nest, *a;
	int alen;

	if (r->len < NLMSG_HDRLEN || nlh->nlmsg_len > r->len) {
		fprintf(stderr, "nl_fuzz: no CONFIG_GET reply to check the config against\n");
		st.cfg_bad++;
		return;
	}
	nest = genl_last_attr(r->buf, nlh->nlmsg_len, NFMPTCP_A_CONFIG);
	if (!nest) {
		fprintf(stderr, "nl_fuzz: CONFIG_GET reply without a config nest\n");
		st.cfg_bad++;
		return;
	}
	alen = nest->nla_len - NLA_HDRLEN;
	for (a = NLA_DATA(nest); NLA_OK(a, alen); a = NLA_NEXT(a, alen)) {
		uint16_t t = a->nla_type & NLA_TYPE_MASK;
		uint32_t v;

		if (t < 1 || t > NFMPTCP_CFG_A_MAX)
			continue;
		if (t == NFMPTCP_CFG_A_NAT_MAP) {
			static struct nat_map now;

			if (nat_map_canon(a, &now)) {
				fprintf(stderr, "nl_fuzz: CONFIG_GET: malformed nat-map\n");
				st.cfg_bad++;
			} else if (cfg_model.known && cfg_model.has[t] &&
				   (now.len != cfg_model.nat_map.len ||
				    memcmp(now.b, cfg_model.nat_map.b, now.len))) {
				fprintf(stderr, "nl_fuzz: nat-map of %zu pairs, no acknowledged request set it (expected %zu)\n",
					now.len / 33, cfg_model.nat_map.len / 33);
				st.cfg_bad++;
			}
			cfg_model.has[t] = 1;
			cfg_model.nat_map = now;
			continue;
		}
		v = cfg_value(a, t);
		if (cfg_model.known && cfg_model.has[t] && cfg_model.val[t] != v) {
			fprintf(stderr, "nl_fuzz: config attribute %u is %u, no acknowledged request set it (expected %u)\n",
				t, v, cfg_model.val[t]);
			st.cfg_bad++;
		}
		cfg_model.has[t] = 1;
		cfg_model.val[t] = v;
	}
	cfg_model.known = 1;
}

static void genl_probe(int fd, uint16_t fam, uint32_t *seq)
{
	static const uint8_t cmds[] = { NFMPTCP_CMD_CONFIG_GET, NFMPTCP_CMD_STATS_GET };
	static struct msg r1, r2;
	unsigned int i, tries;

	for (i = 0; i < sizeof(cmds); i++) {
		struct genlmsghdr g = { .cmd = cmds[i], .version = NFMPTCP_GENL_VERSION };
		struct sent s = { .cmd = cmds[i], .has_cmd = 1 };
		struct msg m = { .len = 0 };
		int same = 0;

		/* counters may move in between: a few chances for STATS_GET */
		for (tries = cmds[i] == NFMPTCP_CMD_STATS_GET ? 5 : 1; tries && !same; tries--) {
			m.len = 0;
			hdr(&m, fam, NLM_F_ACK, s.seq = ++*seq);
			put(&m, &g, sizeof(g));
			msg_end(&m, 0);
			xsend(fd, &m, m.len);
			drain(fd, fam, GENL_HDRLEN, &s, &r1, 0);
			m.len = 0;
			hdr(&m, fam, NLM_F_ACK, s.seq = ++*seq);
			put(&m, &g, sizeof(g));
			msg_end(&m, 0);
			xsend(fd, &m, m.len);
			drain(fd, fam, GENL_HDRLEN, &s, &r2, 0);
			same = r1.len == r2.len && !memcmp(r1.buf, r2.buf, r1.len);
		}
		if (!same) {
			fprintf(stderr, "nl_fuzz: cmd %u: two replies to the same request differ\n",
				cmds[i]);
			st.probe_bad++;
		}
		if (cmds[i] == NFMPTCP_CMD_CONFIG_GET)
			cfg_model_check(&r1);
	}
}

static void fuzz_genl(int fd, unsigned long count, time_t deadline)
{
	uint32_t seq = 1000;
	uint16_t fam;
	unsigned long i;

	if (genl_family_id(fd, NFMPTCP_GENL_NAME, &fam)) {
		fprintf(stderr, "nl_fuzz: no %s family (module not loaded?)\n", NFMPTCP_GENL_NAME);
		exit(2);
	}
	if (unpriv) {
		/* events carry others' flows: the group needs CAP_NET_ADMIN */
		if (!events_grp) {
			fprintf(stderr, "nl_fuzz: no events group\n");
			exit(2);
		}
		if (!setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_grp,
				sizeof(events_grp))) {
			fprintf(stderr, "nl_fuzz: unprivileged subscription to the events group succeeded\n");
			st.priv_bad++;
			setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &events_grp,
				   sizeof(events_grp));
		}
	}

	for (i = 0; i < count && time(NULL) < deadline; i++) {
		struct msg m = { .len = 0 };
		struct genlmsghdr g = { .version = NFMPTCP_GENL_VERSION };
		struct sent s = { .seq = ++seq, .has_cmd = 1 };
		struct nlmsghdr *nlh;
		size_t body, nest, len;
		unsigned long ok0;
		unsigned int k;

		if (i % 500 == 0)
			genl_probe(fd, fam, &seq);

		if (rndn(8) == 0) {
			/* raw: random header fields and body */
			uint8_t junk[512];
			uint16_t l = rndn(sizeof(junk));

			nlh = hdr(&m, rndn(16) ? fam : rndn(0x40),
				  NLM_F_ACK | (rndn(2) ? (uint16_t)rnd() : 0), s.seq);
			rnd_bytes(junk, l);
			put(&m, junk, l);
			if (l >= 1)
				s.cmd = junk[0];
			else
				s.has_cmd = 0;
			msg_end(&m, 0);
			if (nlh->nlmsg_type != fam)
				s.has_cmd = 0;
		} else {
			uint16_t flags = NLM_F_ACK;

			g.cmd = 1 + rndn(NFMPTCP_CMD_CONFIG_SET);
			if (rndn(32) == 0)
				g.cmd = rndn(64);
			if (g.cmd == NFMPTCP_CMD_CONN_GET && rndn(2))
				flags |= NLM_F_DUMP;
			if (rndn(16) == 0)
				flags |= (uint16_t)rnd() & ~NLM_F_REQUEST;
			if (rndn(32) == 0)
				g.version = rndn(256);
			if (rndn(64) == 0)
				g.reserved = rnd();
			s.cmd = g.cmd;
			hdr(&m, fam, flags, s.seq);
			put(&m, &g, sizeof(g));
			body = m.len;
			switch (g.cmd) {
			case NFMPTCP_CMD_CONN_GET:
				if (!(flags & NLM_F_DUMP) || rndn(4) == 0)
					attr_u32(&m, NFMPTCP_A_TOKEN, rndn(2) ? (uint32_t)rnd() : rndn(4));
				break;
			case NFMPTCP_CMD_CONFIG_SET:
				nest = nest_start(&m, NFMPTCP_A_CONFIG);
				for (k = 1 + rndn(5); k; k--)
					cfg_attr(&m);
				nest_end(&m, nest);
				break;
			default:
				if (rndn(4) == 0)
					attr_u32(&m, 1 + rndn(NFMPTCP_A_MAX), (uint32_t)rnd());
				break;
			}
			for (k = rndn(4); k; k--)
				mutate(&m, body);
			msg_end(&m, 0);
		}
		len = m.len;
		/* the header's length may lie, in both directions */
		if (rndn(32) == 0)
			((struct nlmsghdr *)m.buf)->nlmsg_len = rndn(len + 64);
		else if (rndn(32) == 0 && len > NLMSG_HDRLEN)
			len = NLMSG_HDRLEN + rndn(len - NLMSG_HDRLEN);
		ok0 = st.ok;
		xsend(fd, &m, len);
		drain(fd, fam, GENL_HDRLEN, &s, NULL, 0);
		/* the kernel took the first nlmsg_len bytes (more than were sent: nothing) */
		if (st.ok != ok0 && s.has_cmd && s.cmd == NFMPTCP_CMD_CONFIG_SET)
			cfg_model_apply(m.buf, ((struct nlmsghdr *)m.buf)->nlmsg_len < len ?
					((struct nlmsghdr *)m.buf)->nlmsg_len : len);
	}
	genl_probe(fd, fam, &seq);
}

/* ---- nf_tables ------------------------------------------------------------- */

#define FZ_TABLE "nfmfuzz"

static size_t nfnl_hdr(struct msg *m, uint16_t subsys_type, uint16_t flags, uint32_t seq,
		       uint8_t family, uint16_t res_id)
{
	struct nfgenmsg g = { .nfgen_family = family, .version = NFNETLINK_V0,
			      .res_id = htons(res_id) };
	size_t start = m->len;

	hdr(m, subsys_type, flags, seq);
	put(m, &g, sizeof(g));
	return start;
}

#define NFT_TYPE(t)	((NFNL_SUBSYS_NFTABLES << 8) | (t))

static void mptcp_expr(struct msg *m)
{
	size_t e = nest_start(m, NFTA_LIST_ELEM), d, body;
	unsigned int k;

	attr_str(m, NFTA_EXPR_NAME, rndn(32) ? NFT_MPTCP_EXPR_NAME : "mptcq");
	d = nest_start(m, NFTA_EXPR_DATA);
	body = m->len;
	if (rndn(8))
		attr_u32(m, NFTA_MPTCP_KEY,
			 htonl(rndn(4) ? rndn(NFT_MPTCP_KEY_MAX + 3) : (uint32_t)rnd()));
	if (rndn(8)) {
		uint32_t reg = rndn(4) ? NFT_REG_1 + rndn(4) : rndn(4) ? NFT_REG32_00 + rndn(20) :
			       (uint32_t)rnd();

		attr_u32(m, NFTA_MPTCP_DREG, htonl(reg));
	}
	for (k = rndn(3); k; k--)
		mutate(m, body);
	nest_end(m, d);
	nest_end(m, e);
	if (rndn(2)) {		/* a cmp reading the register */
		uint32_t v = rnd();

		e = nest_start(m, NFTA_LIST_ELEM);
		attr_str(m, NFTA_EXPR_NAME, "cmp");
		d = nest_start(m, NFTA_EXPR_DATA);
		attr_u32(m, NFTA_CMP_SREG, htonl(NFT_REG_1));
		attr_u32(m, NFTA_CMP_OP, htonl(NFT_CMP_EQ));
		{
			size_t dd = nest_start(m, NFTA_CMP_DATA);

			attr(m, NFTA_DATA_VALUE, &v, sizeof(v));
			nest_end(m, dd);
		}
		nest_end(m, d);
		nest_end(m, e);
	}
}

static void nft_batch(int fd, uint32_t *seq, int setup, int rule, int flush)
{
	struct msg m = { .len = 0 };
	struct sent s = { .has_cmd = 1 };
	size_t start, nest;

	start = nfnl_hdr(&m, NFNL_MSG_BATCH_BEGIN, 0, ++*seq, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&m, start);
	if (setup) {
		uint32_t hook = htonl(NF_INET_FORWARD), prio = 0;

		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_NEWTABLE), NLM_F_CREATE | NLM_F_ACK, ++*seq,
				 NFPROTO_INET, 0);
		attr_str(&m, NFTA_TABLE_NAME, FZ_TABLE);
		msg_end(&m, start);
		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_NEWCHAIN), NLM_F_CREATE | NLM_F_ACK, ++*seq,
				 NFPROTO_INET, 0);
		attr_str(&m, NFTA_CHAIN_TABLE, FZ_TABLE);
		attr_str(&m, NFTA_CHAIN_NAME, "c");
		msg_end(&m, start);
		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_NEWCHAIN), NLM_F_CREATE | NLM_F_ACK, ++*seq,
				 NFPROTO_INET, 0);
		attr_str(&m, NFTA_CHAIN_TABLE, FZ_TABLE);
		attr_str(&m, NFTA_CHAIN_NAME, "fwd");
		attr_str(&m, NFTA_CHAIN_TYPE, "filter");
		nest = nest_start(&m, NFTA_CHAIN_HOOK);
		attr(&m, NFTA_HOOK_HOOKNUM, &hook, 4);
		attr(&m, NFTA_HOOK_PRIORITY, &prio, 4);
		nest_end(&m, nest);
		msg_end(&m, start);
	}
	if (rule) {
		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK,
				 s.seq = ++*seq, NFPROTO_INET, 0);
		s.cmd = NFT_MSG_NEWRULE;
		attr_str(&m, NFTA_RULE_TABLE, FZ_TABLE);
		attr_str(&m, NFTA_RULE_CHAIN, rndn(2) ? "c" : "fwd");
		nest = nest_start(&m, NFTA_RULE_EXPRESSIONS);
		mptcp_expr(&m);
		if (rndn(8) == 0)
			mptcp_expr(&m);
		nest_end(&m, nest);
		msg_end(&m, start);
	}
	if (flush) {
		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_DELRULE), NLM_F_ACK, ++*seq, NFPROTO_INET, 0);
		attr_str(&m, NFTA_RULE_TABLE, FZ_TABLE);
		msg_end(&m, start);
	}
	start = nfnl_hdr(&m, NFNL_MSG_BATCH_END, 0, ++*seq, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&m, start);
	xsend(fd, &m, m.len);
	/* a refused rule is an error; only a NEWRULE ack counts an accepted one */
	drain(fd, 0, sizeof(struct nfgenmsg), rule ? &s : NULL, NULL, 1);
}

static void nft_dump_rules(int fd, uint32_t *seq)
{
	struct msg m = { .len = 0 };
	size_t start;

	start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_GETRULE), NLM_F_DUMP, ++*seq, NFPROTO_INET, 0);
	attr_str(&m, NFTA_RULE_TABLE, FZ_TABLE);
	msg_end(&m, start);
	xsend(fd, &m, m.len);
	drain(fd, 0, sizeof(struct nfgenmsg), NULL, NULL, 1);
}

static void fuzz_nft(int fd, unsigned long count, time_t deadline)
{
	uint32_t seq = (uint32_t)time(NULL);
	unsigned long i;

	nft_batch(fd, &seq, 1, 0, 0);
	for (i = 0; i < count && time(NULL) < deadline; i++) {
		nft_batch(fd, &seq, 0, 1, 0);
		if (i % 64 == 63) {
			nft_dump_rules(fd, &seq);
			nft_batch(fd, &seq, 0, 0, 1);
		}
	}
	nft_dump_rules(fd, &seq);
	{
		struct msg m = { .len = 0 };
		size_t start;

		start = nfnl_hdr(&m, NFNL_MSG_BATCH_BEGIN, 0, ++seq, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
		msg_end(&m, start);
		start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_DELTABLE), NLM_F_ACK, ++seq, NFPROTO_INET, 0);
		attr_str(&m, NFTA_TABLE_NAME, FZ_TABLE);
		msg_end(&m, start);
		start = nfnl_hdr(&m, NFNL_MSG_BATCH_END, 0, ++seq, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
		msg_end(&m, start);
		xsend(fd, &m, m.len);
		drain(fd, 0, sizeof(struct nfgenmsg), NULL, NULL, 1);
	}
}

/* -m nft-key: one rule [mptcp key @key -> reg 1]; 0 accepted, 1 refused, 2 error */
static int nft_one_key(int fd, uint32_t key, const char *family, const char *table,
		       const char *chain)
{
	static uint8_t buf[65536] __attribute__((aligned(4)));
	uint8_t fam = !strcmp(family, "ip") ? NFPROTO_IPV4 : !strcmp(family, "ip6") ? NFPROTO_IPV6 :
		      !strcmp(family, "inet") ? NFPROTO_INET : NFPROTO_UNSPEC;
	uint32_t seq = (uint32_t)time(NULL), rseq;
	struct msg m = { .len = 0 };
	size_t start, list, e, d;

	if (fam == NFPROTO_UNSPEC || !table || !chain) {
		fprintf(stderr, "nl_fuzz: -m nft-key needs -k KEY -F ip|ip6|inet -t TABLE -c CHAIN\n");
		return 2;
	}
	start = nfnl_hdr(&m, NFNL_MSG_BATCH_BEGIN, 0, seq++, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&m, start);
	rseq = seq++;
	start = nfnl_hdr(&m, NFT_TYPE(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK,
			 rseq, fam, 0);
	attr_str(&m, NFTA_RULE_TABLE, table);
	attr_str(&m, NFTA_RULE_CHAIN, chain);
	list = nest_start(&m, NFTA_RULE_EXPRESSIONS);
	e = nest_start(&m, NFTA_LIST_ELEM);
	attr_str(&m, NFTA_EXPR_NAME, NFT_MPTCP_EXPR_NAME);
	d = nest_start(&m, NFTA_EXPR_DATA);
	attr_u32(&m, NFTA_MPTCP_KEY, htonl(key));
	attr_u32(&m, NFTA_MPTCP_DREG, htonl(NFT_REG_1));
	nest_end(&m, d);
	nest_end(&m, e);
	nest_end(&m, list);
	msg_end(&m, start);
	start = nfnl_hdr(&m, NFNL_MSG_BATCH_END, 0, seq++, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&m, start);
	if (xsend(fd, &m, m.len)) {
		perror("nl_fuzz: send");
		return 2;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("nl_fuzz: recv");
			return 2;
		}
		left = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			const struct nlmsgerr *err = NLMSG_DATA(nlh);
			const char *extack = NULL;

			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != rseq)
				continue;
			if (!err->error) {
				printf("accepted\n");
				return 0;
			}
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
				/* NETLINK_CAP_ACK: the request is not echoed, the TLVs follow */
				const struct nlattr *a = (const struct nlattr *)(err + 1);
				int alen = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*err));

				for (; NLA_OK(a, alen); a = NLA_NEXT(a, alen))
					if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
						extack = NLA_DATA(a);
			}
			printf("refused: errno %d (%s)%s%s\n", -err->error, strerror(-err->error),
			       extack ? ": " : "", extack ? extack : "");
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	const char *family = NULL, *table = NULL, *chain = NULL;
	uint32_t key = 0;
	const char *mode = "nfmptcp";
	unsigned long count = 100000;
	int o, fd, one = 1, bufsz = 1 << 20;
	time_t limit = 600;
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };

	while ((o = getopt(argc, argv, "m:n:T:s:uk:F:t:c:")) != -1) {
		switch (o) {
		case 'k': key = strtoul(optarg, NULL, 0); break;
		case 'F': family = optarg; break;
		case 't': table = optarg; break;
		case 'c': chain = optarg; break;
		case 'm': mode = optarg; break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'T': limit = strtol(optarg, NULL, 0); break;
		case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
		case 'u': unpriv = 1; break;
		default:
			fprintf(stderr, "usage: nl_fuzz [-m nfmptcp|nft] [-n COUNT] [-T SECONDS] [-s SEED] [-u]\n"
				"       nl_fuzz -m nft-key -k KEY -F FAMILY -t TABLE -c CHAIN\n");
			return 2;
		}
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
		    strncmp(mode, "nft", 3) ? NETLINK_GENERIC : NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		perror("nl_fuzz: netlink socket");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	/* extended acks: the kernel's extack path is part of what replies carry */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	if (!strcmp(mode, "nft-key"))
		return nft_one_key(fd, key, family, table, chain);
	if (!strcmp(mode, "nft"))
		fuzz_nft(fd, count, time(NULL) + limit);
	else
		fuzz_genl(fd, count, time(NULL) + limit);

	printf("nl_fuzz %s: sent %lu ok %lu errors %lu replies %lu pad-violations %lu "
	       "probe-mismatches %lu priv-violations %lu accepted-rules %lu config-sets %lu "
	       "config-mismatches %lu\n",
	       mode, st.sent, st.ok, st.errors, st.replies, st.pad_bad, st.probe_bad,
	       st.priv_bad, st.rules_ok, st.cfg_sets, st.cfg_bad);
	return st.pad_bad || st.probe_bad || st.priv_bad || st.cfg_bad ? 1 : 0;
}
