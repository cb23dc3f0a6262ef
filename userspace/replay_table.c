// SPDX-License-Identifier: GPL-2.0
/*
 * replay_table.c - connection and subflow tables for `nfmptcp replay`: subflows
 * hashed by 5-tuple (either direction), connections by token, and the glue that
 * feeds each decoded TCP segment to the protocol engine.
 *
 * The engine (kmod/core/nfmp_engine.c) owns the protocol; this file owns what
 * the kernel gets from conntrack: finding a segment's subflow, and finding an
 * MP_JOIN's connection by token.
 */
#include <stdlib.h>

#include "replay_table.h"

#define NFM_RP_INIT_BUCKETS	1024

static u32 nfm_rp_mix32(u32 h)
{
	/* murmur3 finalizer: cheap and good enough against clustered ports */
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static u32 nfm_rp_hash_ep(u8 family, const u8 *addr, u16 port)
{
	u32 h = port * 0x9e3779b1u;

	h ^= nfmp_get_be32(addr);
	if (family == 6) {
		h = nfm_rp_mix32(h) ^ nfmp_get_be32(addr + 4);
		h = nfm_rp_mix32(h) ^ nfmp_get_be32(addr + 8);
		h = nfm_rp_mix32(h) ^ nfmp_get_be32(addr + 12);
	}
	return nfm_rp_mix32(h);
}

/* Same value for both directions of a flow: the sum of the endpoint hashes is symmetric. */
static u32 nfm_rp_hash_frame(const struct nfm_frame *f)
{
	return nfm_rp_mix32(nfm_rp_hash_ep(f->family, f->src, f->sport) +
			    nfm_rp_hash_ep(f->family, f->dst, f->dport) + f->family);
}

static u32 nfm_rp_hash_token(u32 token)
{
	return nfm_rp_mix32(token);
}

int nfm_rp_init(struct nfm_rp_table *t)
{
	memset(t, 0, sizeof(*t));
	t->sf_buckets = calloc(NFM_RP_INIT_BUCKETS, sizeof(*t->sf_buckets));
	t->tok_buckets = calloc(NFM_RP_INIT_BUCKETS, sizeof(*t->tok_buckets));
	if (!t->sf_buckets || !t->tok_buckets) {
		free(t->sf_buckets);
		free(t->tok_buckets);
		return -1;
	}
	t->sf_mask = NFM_RP_INIT_BUCKETS - 1;
	t->tok_mask = NFM_RP_INIT_BUCKETS - 1;
	return 0;
}

void nfm_rp_free(struct nfm_rp_table *t)
{
	struct nfm_rp_conn *c, *cn;
	struct nfm_rp_sf *sf, *sn;

	for (sf = t->all; sf; sf = sn) {
		sn = sf->anext;
		free(sf->pend);
		free(sf->seen);
		free(sf);
	}
	for (c = t->conn_head; c; c = cn) {
		cn = c->next;
		free(c->addrs);
		free(c->rms);
		free(c);
	}
	for (c = t->merged; c; c = cn) {
		cn = c->next;
		free(c->addrs);
		free(c->rms);
		free(c);
	}
	free(t->sf_buckets);
	free(t->tok_buckets);
	memset(t, 0, sizeof(*t));
}

/* Double the subflow hash; on allocation failure keep the old one (longer chains, still correct). */
static void nfm_rp_sf_grow(struct nfm_rp_table *t)
{
	u32 nmask = t->sf_mask * 2 + 1, i;
	struct nfm_rp_sf **nb, *sf, *next;

	nb = calloc((size_t)nmask + 1, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i <= t->sf_mask; i++) {
		for (sf = t->sf_buckets[i]; sf; sf = next) {
			next = sf->hnext;
			sf->hnext = nb[sf->hash & nmask];
			nb[sf->hash & nmask] = sf;
		}
	}
	free(t->sf_buckets);
	t->sf_buckets = nb;
	t->sf_mask = nmask;
}

static void nfm_rp_tok_grow(struct nfm_rp_table *t)
{
	u32 nmask = t->tok_mask * 2 + 1, i, tail;
	struct nfm_rp_toknode **nb, **last, *n, *next;

	nb = calloc((size_t)nmask + 1, sizeof(*nb));
	last = calloc((size_t)nmask + 1, sizeof(*last));
	if (!nb || !last) {
		free(nb);
		free(last);
		return;
	}
	/* append at the tail so that chains stay newest first */
	for (i = 0; i <= t->tok_mask; i++) {
		for (n = t->tok_buckets[i]; n; n = next) {
			next = n->next;
			tail = nfm_rp_hash_token(n->token) & nmask;
			n->next = NULL;
			if (last[tail])
				last[tail]->next = n;
			else
				nb[tail] = n;
			last[tail] = n;
		}
	}
	free(last);
	free(t->tok_buckets);
	t->tok_buckets = nb;
	t->tok_mask = nmask;
}

static bool nfm_rp_ep_eq(const u8 *a, u16 pa, const u8 *b, u16 pb)
{
	return pa == pb && !memcmp(a, b, 16);
}

struct nfm_rp_sf *nfm_rp_sf_lookup(struct nfm_rp_table *t, const struct nfm_frame *f, u8 *dir)
{
	u32 h = nfm_rp_hash_frame(f);
	struct nfm_rp_sf *sf;

	for (sf = t->sf_buckets[h & t->sf_mask]; sf; sf = sf->hnext) {
		if (sf->hash != h || sf->t.family != f->family)
			continue;
		if (nfm_rp_ep_eq(sf->t.saddr, sf->t.sport, f->src, f->sport) &&
		    nfm_rp_ep_eq(sf->t.daddr, sf->t.dport, f->dst, f->dport)) {
			*dir = NFMP_DIR_ORIG;
			return sf;
		}
		if (nfm_rp_ep_eq(sf->t.saddr, sf->t.sport, f->dst, f->dport) &&
		    nfm_rp_ep_eq(sf->t.daddr, sf->t.dport, f->src, f->sport)) {
			*dir = NFMP_DIR_REPLY;
			return sf;
		}
	}
	return NULL;
}

/* A new subflow oriented as @f (its sender is the opener), hashed and on the all-list. */
struct nfm_rp_sf *nfm_rp_sf_add(struct nfm_rp_table *t, const struct nfm_frame *f)
{
	struct nfm_rp_sf *sf;
	u32 b;

	sf = calloc(1, sizeof(*sf));
	if (!sf) {
		t->oom = true;
		return NULL;
	}
	sf->t.family = f->family;
	memcpy(sf->t.saddr, f->src, 16);
	memcpy(sf->t.daddr, f->dst, 16);
	sf->t.sport = f->sport;
	sf->t.dport = f->dport;
	sf->hash = nfm_rp_hash_frame(f);
	sf->isn = f->seq;
	if (t->nsf > t->sf_mask)
		nfm_rp_sf_grow(t);
	b = sf->hash & t->sf_mask;
	sf->hnext = t->sf_buckets[b];
	t->sf_buckets[b] = sf;
	sf->hashed = true;
	t->nsf++;
	sf->anext = t->all;
	t->all = sf;
	return sf;
}

/* The 5-tuple was reused by a new connection: the old subflow stays in its connection's list. */
void nfm_rp_sf_unhash(struct nfm_rp_table *t, struct nfm_rp_sf *sf)
{
	struct nfm_rp_sf **pp;

	if (!sf->hashed)
		return;
	for (pp = &t->sf_buckets[sf->hash & t->sf_mask]; *pp; pp = &(*pp)->hnext) {
		if (*pp == sf) {
			*pp = sf->hnext;
			break;
		}
	}
	sf->hnext = NULL;
	sf->hashed = false;
	t->nsf--;
}

struct nfm_rp_conn *nfm_rp_conn_new(struct nfm_rp_table *t)
{
	struct nfm_rp_conn *c;

	c = calloc(1, sizeof(*c));
	if (!c) {
		t->oom = true;
		return NULL;
	}
	c->index = t->nconns++;
	c->tok[0].conn = c;
	c->tok[0].end = NFMP_CLIENT;
	c->tok[1].conn = c;
	c->tok[1].end = NFMP_SERVER;
	if (t->conn_tail)
		t->conn_tail->next = c;
	else
		t->conn_head = c;
	t->conn_tail = c;
	return c;
}

static void nfm_rp_conn_attach(struct nfm_rp_conn *c, struct nfm_rp_sf *sf)
{
	sf->conn = c;
	sf->cnext = NULL;
	if (c->sf_tail)
		c->sf_tail->cnext = sf;
	else
		c->sf_head = sf;
	c->sf_tail = sf;
	c->nsf++;
}

static void nfm_rp_orphan_add(struct nfm_rp_table *t, struct nfm_rp_sf *sf)
{
	sf->cnext = NULL;
	if (t->orphan_tail)
		t->orphan_tail->cnext = sf;
	else
		t->orphan_head = sf;
	t->orphan_tail = sf;
}

static void nfm_rp_orphan_del(struct nfm_rp_table *t, struct nfm_rp_sf *sf)
{
	struct nfm_rp_sf **pp, *prev = NULL;

	for (pp = &t->orphan_head; *pp; prev = *pp, pp = &(*pp)->cnext) {
		if (*pp == sf) {
			*pp = sf->cnext;
			if (t->orphan_tail == sf)
				t->orphan_tail = prev;
			sf->cnext = NULL;
			return;
		}
	}
}

void nfm_rp_token_add(struct nfm_rp_table *t, struct nfm_rp_conn *c, u8 end)
{
	struct nfm_rp_toknode *n = &c->tok[end];
	u32 b;

	if (n->hashed)
		return;
	if (t->ntok > t->tok_mask)
		nfm_rp_tok_grow(t);
	n->token = c->c.token[end];
	b = nfm_rp_hash_token(n->token) & t->tok_mask;
	n->next = t->tok_buckets[b];
	t->tok_buckets[b] = n;
	n->hashed = true;
	t->ntok++;
}

void nfm_rp_token_del(struct nfm_rp_table *t, struct nfm_rp_conn *c, u8 end)
{
	struct nfm_rp_toknode *n = &c->tok[end], **pp;

	if (!n->hashed)
		return;
	/* the bucket of the token it was hashed under, which may not be the current one */
	for (pp = &t->tok_buckets[nfm_rp_hash_token(n->token) & t->tok_mask]; *pp;
	     pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	n->next = NULL;
	n->hashed = false;
	t->ntok--;
}

unsigned int nfm_rp_token_find(struct nfm_rp_table *t, u32 token, struct nfm_rp_conn **out,
			       unsigned int max)
{
	struct nfm_rp_toknode *n;
	unsigned int cnt = 0, i;

	for (n = t->tok_buckets[nfm_rp_hash_token(token) & t->tok_mask]; n && cnt < max;
	     n = n->next) {
		if (n->conn->c.token[n->end] != token)
			continue;
		if (nfmp_conn_token_owner(&n->conn->c, token) < 0)
			continue;
		/* both ends of one connection may share a token: list it once */
		for (i = 0; i < cnt; i++)
			if (out[i] == n->conn)
				break;
		if (i == cnt)
			out[cnt++] = n->conn;
	}
	return cnt;
}

/* @twin is @primary seen on the NAT's other side: its segments are copies of @primary's. */
static void nfm_rp_pair(struct nfm_rp_table *t, struct nfm_rp_sf *primary, struct nfm_rp_sf *twin)
{
	if (!primary->seen) {
		primary->seen = calloc(NFM_RP_SEEN_RING, sizeof(*primary->seen));
		if (!primary->seen) {
			t->oom = true;
			return;
		}
	}
	primary->twin = twin;
	twin->primary = primary;
}

/* The subflow of @c that @sf is a copy of: same opener ISN (and nonce for a join). */
static struct nfm_rp_sf *nfm_rp_partner(struct nfm_rp_conn *c, const struct nfm_rp_sf *sf)
{
	struct nfm_rp_sf *p;

	for (p = c->sf_head; p; p = p->cnext) {
		if (p == sf || p->twin || p->isn != sf->isn ||
		    (p->sf.flags & NFMP_SF_F_JOIN) != (sf->sf.flags & NFMP_SF_F_JOIN))
			continue;
		if ((sf->sf.flags & NFMP_SF_F_JOIN) &&
		    p->sf.nonce[NFMP_DIR_ORIG] != sf->sf.nonce[NFMP_DIR_ORIG])
			continue;
		return p;
	}
	return NULL;
}

/*
 * @gone has the same keys as @keep: it is @keep seen on the NAT's other side
 * (a capture on the NAT box). Its subflows become twins of @keep's; the rest
 * of @gone is kept only for freeing.
 */
static void nfm_rp_merge(struct nfm_rp_table *t, struct nfm_rp_conn *keep, struct nfm_rp_conn *gone)
{
	struct nfm_rp_sf *sf, *next, *p;

	nfm_rp_token_del(t, gone, NFMP_CLIENT);
	nfm_rp_token_del(t, gone, NFMP_SERVER);
	gone->merged_into = keep;
	for (sf = gone->sf_head; sf; sf = next) {
		next = sf->cnext;
		p = nfm_rp_partner(keep, sf);
		if (p) {
			nfm_rp_pair(t, p, sf);
		} else {
			/* seen on this side only (the other copy was not captured) */
			keep->packets += sf->packets;
			nfm_rp_conn_attach(keep, sf);
		}
	}
	gone->sf_head = NULL;
	gone->sf_tail = NULL;
	t->nconns--;
	t->st.nat_merged++;
}

static bool nfm_rp_same_keys(const struct nfm_rp_conn *a, const struct nfm_rp_conn *b)
{
	return (b->c.flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS &&
	       a->c.version == b->c.version && a->c.key[0] == b->c.key[0] &&
	       a->c.key[1] == b->c.key[1];
}

/* Both keys just learned: another live connection with them is this one across a NAT. */
static void nfm_rp_find_nat_twin(struct nfm_rp_table *t, struct nfm_rp_conn *c)
{
	struct nfm_rp_conn *cand[NFM_RP_MAX_CANDIDATES];
	unsigned int n, i;

	n = nfm_rp_token_find(t, c->c.token[NFMP_SERVER], cand, NFM_RP_MAX_CANDIDATES);
	for (i = 0; i < n; i++) {
		if (cand[i] == c || cand[i]->merged_into || !nfm_rp_same_keys(c, cand[i]))
			continue;
		/* the older one stays: its index is the one the output shows */
		if (cand[i]->index < c->index)
			nfm_rp_merge(t, cand[i], c);
		else
			nfm_rp_merge(t, c, cand[i]);
		return;
	}
}

/* Hash each end's token as soon as its key is known: joins towards it can come from then on. */
static void nfm_rp_sync_tokens(struct nfm_rp_table *t, struct nfm_rp_conn *c)
{
	if (c->merged_into)
		return;
	if (c->c.state == NFMP_CONN_CLOSED) {
		/* RFC 8684 §3.2: a closed connection's token may be reused; joins no longer reach it */
		nfm_rp_token_del(t, c, NFMP_CLIENT);
		nfm_rp_token_del(t, c, NFMP_SERVER);
		return;
	}
	/*
	 * A v1 SYN/ACK answering a v0 SYN makes the engine rehash the client's
	 * token with the negotiated version: move the node to its new bucket.
	 */
	if (c->tok[NFMP_CLIENT].hashed && c->tok[NFMP_CLIENT].token != c->c.token[NFMP_CLIENT])
		nfm_rp_token_del(t, c, NFMP_CLIENT);
	if (c->tok[NFMP_SERVER].hashed && c->tok[NFMP_SERVER].token != c->c.token[NFMP_SERVER])
		nfm_rp_token_del(t, c, NFMP_SERVER);
	if ((c->c.flags & NFMP_CONN_F_KEY_CLIENT) && !c->tok[NFMP_CLIENT].hashed)
		nfm_rp_token_add(t, c, NFMP_CLIENT);
	if ((c->c.flags & NFMP_CONN_F_KEY_SERVER) && !c->tok[NFMP_SERVER].hashed)
		nfm_rp_token_add(t, c, NFMP_SERVER);
	if ((c->c.flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS && !c->c.hk) {
		nfmp_conn_prepare_hmac(&c->c, c->hk);
		c->c.hk = c->hk;
		nfm_rp_find_nat_twin(t, c);
	}
}

static void *nfm_rp_grow_array(void *arr, unsigned int *cap, size_t elem)
{
	unsigned int ncap = *cap ? *cap * 2 : 4;
	void *n = realloc(arr, (size_t)ncap * elem);

	if (n)
		*cap = ncap;
	return n;
}

static void nfm_rp_note_add_addr(struct nfm_rp_table *t, struct nfm_rp_conn *c,
				 const struct nfmp_add_addr *aa, u8 by, bool bad_hmac)
{
	unsigned int alen = aa->family == 6 ? 16 : 4, i;
	struct nfm_rp_addr *a, *arr;

	for (i = 0; i < c->naddrs; i++) {
		a = &c->addrs[i];
		if (a->by == by && a->id == aa->addr_id && a->family == aa->family &&
		    a->has_port == aa->has_port && a->port == aa->port &&
		    !memcmp(a->addr, aa->addr, alen)) {
			a->count++;
			a->bad_hmac |= bad_hmac;
			return;
		}
	}
	if (c->naddrs == c->addrs_cap) {
		arr = nfm_rp_grow_array(c->addrs, &c->addrs_cap, sizeof(*arr));
		if (!arr) {
			t->oom = true;
			return;
		}
		c->addrs = arr;
	}
	a = &c->addrs[c->naddrs++];
	memset(a, 0, sizeof(*a));
	a->id = aa->addr_id;
	a->family = aa->family;
	a->by = by;
	a->has_port = aa->has_port;
	a->port = aa->port;
	memcpy(a->addr, aa->addr, alen);
	a->bad_hmac = bad_hmac;
	a->count = 1;
}

/* Linux matches an echo to its announcement by address (and id): do the same. */
static void nfm_rp_note_echo(struct nfm_rp_conn *c, const struct nfmp_add_addr *aa, u8 by)
{
	unsigned int alen = aa->family == 6 ? 16 : 4, i;
	struct nfm_rp_addr *a;

	for (i = 0; i < c->naddrs; i++) {
		a = &c->addrs[i];
		if (a->by == by || a->id != aa->addr_id || a->family != aa->family)
			continue;
		/* behind a NAT the echo carries the translated address on one side */
		if (!memcmp(a->addr, aa->addr, alen) ||
		    (a->translated && !memcmp(a->nat_addr, aa->addr, alen)))
			a->echoed = true;
	}
}

/*
 * The copy of an announcement seen on the NAT's other side. A capture on the
 * NAT box sees a forwarded segment on its way in before its way out: the first
 * copy is the one sent, this one the NAT's rewrite. Its HMAC covers the
 * rewritten address, signed by the NAT with the same keys: check it too.
 */
static void nfm_rp_note_translation(struct nfm_rp_table *t, struct nfm_rp_conn *c,
				    const struct nfmp_add_addr *aa, u8 by)
{
	unsigned int alen = aa->family == 6 ? 16 : 4, i;
	struct nfmp_hmac_key tmp;
	struct nfm_rp_addr *a;
	bool bad = false;

	if (aa->has_hmac && c->c.version == NFMP_VERSION_1 &&
	    (c->c.flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS) {
		if (!c->c.hk)
			nfmp_hmac_key_init(&tmp, c->c.version, c->c.key[by], c->c.key[!by]);
		bad = nfmp_add_addr_hmac(c->c.hk ? &c->c.hk[by] : &tmp, aa->addr_id, aa->family,
					 aa->addr, aa->has_port ? aa->port : 0) != aa->hmac;
	}
	for (i = 0; i < c->naddrs; i++) {
		a = &c->addrs[i];
		if (a->by != by || a->id != aa->addr_id)
			continue;
		if (a->family == aa->family && a->has_port == aa->has_port &&
		    a->port == aa->port && !memcmp(a->addr, aa->addr, alen))
			return;		/* not rewritten */
		if (a->translated && a->nat_has_port == aa->has_port && a->nat_port == aa->port &&
		    !memcmp(a->nat_addr, aa->addr, alen)) {
			a->nat_bad_hmac |= bad;
			return;		/* a retransmission's copy */
		}
		if (a->translated || a->family != aa->family)
			continue;
		a->translated = true;
		a->nat_has_port = aa->has_port;
		a->nat_port = aa->port;
		memcpy(a->nat_addr, aa->addr, alen);
		a->nat_bad_hmac = bad;
		return;
	}
	/* the first copy was not recorded (bad HMAC there, or not captured) */
	nfm_rp_note_add_addr(t, c, aa, by, bad);
}

static void nfm_rp_note_rm(struct nfm_rp_table *t, struct nfm_rp_conn *c,
			   const struct nfmp_remove_addr *rm, u8 by)
{
	struct nfm_rp_rm *arr;
	unsigned int i, k;

	for (i = 0; i < rm->nids; i++) {
		for (k = 0; k < c->nrms; k++)
			if (c->rms[k].id == rm->ids[i] && c->rms[k].by == by)
				break;
		if (k < c->nrms)
			continue;	/* retransmission */
		if (c->nrms == c->rms_cap) {
			arr = nfm_rp_grow_array(c->rms, &c->rms_cap, sizeof(*arr));
			if (!arr) {
				t->oom = true;
				return;
			}
			c->rms = arr;
		}
		c->rms[c->nrms].id = rm->ids[i];
		c->rms[c->nrms].by = by;
		c->nrms++;
	}
}

static void nfm_rp_events(struct nfm_rp_table *t, struct nfm_rp_conn *c,
			  const struct nfmp_opts *o, const struct nfmp_result *res)
{
	if (res->events & NFMP_EV_ADDR_ANNOUNCED)
		nfm_rp_note_add_addr(t, c, &o->add_addr, res->sender,
				     res->events & NFMP_EV_ADD_ADDR_BAD_HMAC);
	else if (res->events & NFMP_EV_ADD_ADDR_BAD_HMAC)
		nfm_rp_note_add_addr(t, c, &o->add_addr, res->sender, true);
	if (res->events & NFMP_EV_ADDR_ECHOED)
		nfm_rp_note_echo(c, &o->add_addr, res->sender);
	if (res->events & NFMP_EV_ADDR_REMOVED)
		nfm_rp_note_rm(t, c, &o->rm_addr, res->sender);
	if (res->events & NFMP_EV_PROTO_ERROR)
		t->st.proto_errors++;
	nfm_rp_sync_tokens(t, c);
}

/* MP_CAPABLE SYN: a new connection whose client is this SYN's sender. */
static void nfm_rp_start_conn(struct nfm_rp_table *t, struct nfm_rp_sf *sf,
			      const struct nfmp_pkt *pkt)
{
	struct nfmp_result res = { 0 };
	struct nfm_rp_conn *c;

	c = nfm_rp_conn_new(t);
	if (!c)
		return;
	if (!nfmp_conn_start(&c->c, &sf->sf, pkt, &res)) {
		/*
		 * The engine would not start on it (malformed option): keep the
		 * connection so that the operator sees the attempt, marked invalid.
		 */
		sf->sf.verdict = NFMP_VERDICT_INVALID;
	}
	sf->kind = NFM_RP_SF_MPTCP;
	nfm_rp_conn_attach(c, sf);
	c->packets++;
	nfm_rp_events(t, c, pkt->opts, &res);
}

/* MP_JOIN SYN: find the connection by the receiver's token (RFC 8684 §3.2). */
static void nfm_rp_start_join(struct nfm_rp_table *t, struct nfm_rp_sf *sf,
			      const struct nfmp_pkt *pkt)
{
	struct nfm_rp_conn *cand[NFM_RP_MAX_CANDIDATES];
	struct nfmp_result res = { 0 };
	u32 token = pkt->opts->join.token;
	struct nfm_rp_sf *twin;
	unsigned int n;

	sf->kind = NFM_RP_SF_MPTCP;
	n = nfm_rp_token_find(t, token, cand, NFM_RP_MAX_CANDIDATES);
	if (n == 0) {
		t->st.joins_unknown_token++;
		nfmp_join_start(NULL, &sf->sf, -1, pkt, &res);
		nfm_rp_orphan_add(t, sf);
		return;
	}
	if (n == 1) {
		nfmp_join_start(&cand[0]->c, &sf->sf,
				nfmp_conn_token_owner(&cand[0]->c, token), pkt, &res);
		twin = nfm_rp_partner(cand[0], sf);
		if (twin) {
			/* the same join seen on the NAT's other side: one join, judged once */
			nfm_rp_pair(t, twin, sf);
			t->st.nat_duplicates++;
			return;
		}
		nfm_rp_conn_attach(cand[0], sf);
		cand[0]->packets++;
		nfm_rp_events(t, cand[0], pkt->opts, &res);
		return;
	}

	/* Token collision: only HMAC-B on the SYN/ACK can tell which one it is. */
	t->st.token_collisions++;
	sf->pend = calloc(1, sizeof(*sf->pend));
	if (!sf->pend) {
		t->oom = true;
		nfm_rp_orphan_add(t, sf);
		return;
	}
	memcpy(sf->pend->cand, cand, n * sizeof(cand[0]));
	sf->pend->ncand = n;
	sf->pend->syn_opts = *pkt->opts;
	sf->pend->syn_flags = pkt->tcp_flags;
	/* provisional state from the newest candidate, so that output has nonce and id */
	nfmp_join_start(&cand[0]->c, &sf->sf, nfmp_conn_token_owner(&cand[0]->c, token), pkt,
			&res);
	sf->sf.verdict = NFMP_VERDICT_PENDING;
	nfm_rp_orphan_add(t, sf);
}

/* Decide a colliding join with its SYN/ACK; newest candidate if none verifies. */
static void nfm_rp_resolve_join(struct nfm_rp_table *t, struct nfm_rp_sf *sf,
				const struct nfmp_opts *synack)
{
	struct nfm_rp_pending *p = sf->pend;
	struct nfmp_pkt syn = {
		.tcp_flags = p->syn_flags,
		.dir = NFMP_DIR_ORIG,
		.opts = &p->syn_opts,
	};
	struct nfm_rp_conn *pick = p->cand[0], *c;
	struct nfmp_subflow tmp;
	struct nfmp_result res;
	u32 token = p->syn_opts.join.token;
	unsigned int i;

	for (i = 0; i < p->ncand; i++) {
		c = p->cand[i];
		memset(&tmp, 0, sizeof(tmp));
		memset(&res, 0, sizeof(res));
		nfmp_join_start(&c->c, &tmp, nfmp_conn_token_owner(&c->c, token), &syn, &res);
		if (nfmp_join_synack_matches(&c->c, &tmp, &synack->join)) {
			pick = c;
			break;
		}
	}
	memset(&sf->sf, 0, sizeof(sf->sf));
	memset(&res, 0, sizeof(res));
	nfmp_join_start(&pick->c, &sf->sf, nfmp_conn_token_owner(&pick->c, token), &syn, &res);
	free(sf->pend);
	sf->pend = NULL;
	nfm_rp_orphan_del(t, sf);
	nfm_rp_conn_attach(pick, sf);
	/* the SYN and its retransmissions were counted on the subflow, not yet on a connection */
	pick->packets += sf->packets;
}

static bool nfm_rp_same_tuple_new_syn(const struct nfm_rp_sf *sf, const struct nfm_frame *f,
				      u8 dir)
{
	return dir == NFMP_DIR_ORIG && (f->tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK)) == NFMP_TCP_SYN &&
	       f->seq != sf->isn;
}

/*
 * Is @f the copy of a segment already seen on the other side of @p's NAT?
 * Each copy pairs with one from the other side, so that a retransmission
 * (seen twice on each side) is still counted once per retransmission.
 */
static bool nfm_rp_nat_copy(struct nfm_rp_sf *p, const struct nfm_frame *f, u8 dir, u8 side)
{
	struct nfm_rp_seen *e;
	unsigned int i;

	if (!p->seen)
		return false;
	for (i = 0; i < NFM_RP_SEEN_RING; i++) {
		e = &p->seen[i];
		if (e->used && e->side != side && e->dir == dir && e->seq == f->seq &&
		    e->ack == f->ack && e->len == f->payload_len && e->flags == f->tcp_flags) {
			e->used = false;
			return true;
		}
	}
	e = &p->seen[p->seen_next];
	p->seen_next = (p->seen_next + 1) % NFM_RP_SEEN_RING;
	e->seq = f->seq;
	e->ack = f->ack;
	e->len = f->payload_len;
	e->flags = f->tcp_flags;
	e->dir = dir;
	e->side = side;
	e->used = true;
	return false;
}

/* A copy is not fed to the engine; only its rewritten announcement is of interest. */
static void nfm_rp_nat_copy_opts(struct nfm_rp_table *t, struct nfm_rp_sf *p,
				 const struct nfm_frame *f, u8 dir)
{
	struct nfm_rp_conn *c = p->conn;
	struct nfmp_opts o;
	u8 sender;

	if (!c || !(f->opts_len))
		return;
	nfmp_parse_options(f->opts, f->opts_len, f->tcp_flags, c->c.version, &o);
	if (!(o.present & NFMP_SUBTYPE_BIT(NFMP_ADD_ADDR)))
		return;
	sender = dir == NFMP_DIR_ORIG ? p->sf.opener : !p->sf.opener;
	if (o.add_addr.echo)
		nfm_rp_note_echo(c, &o.add_addr, sender);
	else
		nfm_rp_note_translation(t, c, &o.add_addr, sender);
}

void nfm_rp_feed(struct nfm_rp_table *t, int status, const struct nfm_frame *f)
{
	struct nfmp_result res = { 0 };
	struct nfmp_opts o;
	struct nfmp_pkt pkt;
	struct nfm_rp_sf *sf;
	struct nfm_rp_conn *c;
	u8 dir = NFMP_DIR_ORIG, flags = f->tcp_flags;
	bool syn_only = (flags & (NFMP_TCP_SYN | NFMP_TCP_ACK)) == NFMP_TCP_SYN;

	t->st.packets++;
	switch (status) {
	case NFM_DEC_TCP:
		break;
	case NFM_DEC_NOT_IP:
		t->st.not_ip++;
		return;
	case NFM_DEC_NOT_TCP:
		t->st.not_tcp++;
		return;
	case NFM_DEC_FRAGMENT:
		t->st.fragments++;
		return;
	case NFM_DEC_TRUNCATED:
		t->st.truncated++;
		return;
	default:
		t->st.malformed++;
		return;
	}
	t->st.tcp++;
	if (f->opts_truncated)
		t->st.opts_truncated++;

	sf = nfm_rp_sf_lookup(t, f, &dir);
	if (sf && (sf->primary || sf->twin) && syn_only && dir == NFMP_DIR_ORIG &&
	    nfm_rp_same_tuple_new_syn(sf, f, dir)) {
		/* port reuse on one side of a NAT pair: a new flow on that tuple only */
		nfm_rp_sf_unhash(t, sf);
		sf = NULL;
	}
	if (sf && (sf->primary || sf->twin)) {
		u8 side = sf->primary ? 1 : 0;

		if (sf->primary)
			sf = sf->primary;
		if (nfm_rp_nat_copy(sf, f, dir, side)) {
			t->st.nat_duplicates++;
			nfm_rp_nat_copy_opts(t, sf, f, dir);
			return;
		}
	}
	if (sf && syn_only && dir == NFMP_DIR_ORIG) {
		if (!nfm_rp_same_tuple_new_syn(sf, f, dir)) {
			/* same ISN: a retransmitted SYN, already consumed by *_start */
			sf->packets++;
			sf->syn_retrans++;
			t->st.syn_retrans++;
			if (sf->conn)
				sf->conn->packets++;
			if (sf->kind == NFM_RP_SF_PLAIN)
				t->st.plain_tcp++;
			return;
		}
		/* new ISN on a known 5-tuple: port reuse, a new connection starts */
		nfm_rp_sf_unhash(t, sf);
		sf = NULL;
	}
	if (sf && sf->kind == NFM_RP_SF_PLAIN) {
		/* the hot path for non-MPTCP traffic: no option parsing at all */
		sf->packets++;
		t->st.plain_tcp++;
		return;
	}

	c = sf ? sf->conn : NULL;
	nfmp_parse_options(f->opts, f->opts_len, flags, c ? c->c.version : NFMP_VERSION_UNKNOWN, &o);
	if (o.n_mptcp) {
		t->st.mptcp_packets++;
		t->st.mptcp_options += o.n_mptcp;
		t->st.mptcp_malformed += __builtin_popcount(o.malformed);
	}
	pkt.tcp_flags = flags;
	pkt.dir = dir;
	pkt.payload_len = f->payload_len;
	pkt.opts = &o;

	if (!sf) {
		sf = nfm_rp_sf_add(t, f);
		if (!sf)
			return;
		sf->packets = 1;
		if (syn_only && (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE))) {
			nfm_rp_start_conn(t, sf, &pkt);
		} else if (syn_only && (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN))) {
			nfm_rp_start_join(t, sf, &pkt);
		} else if (syn_only || !o.n_mptcp) {
			sf->kind = NFM_RP_SF_PLAIN;
			t->st.plain_tcp++;
		} else {
			/* MPTCP options but no SYN captured: we cannot tell its connection */
			sf->kind = NFM_RP_SF_MIDSTREAM;
			t->st.midstream++;
		}
		return;
	}

	sf->packets++;
	if (sf->kind == NFM_RP_SF_MIDSTREAM) {
		t->st.midstream++;
		return;
	}
	if (sf->pend) {
		if (dir == NFMP_DIR_REPLY && (flags & NFMP_TCP_SYN) &&
		    (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_JOIN)))
			nfm_rp_resolve_join(t, sf, &o);
		else
			return;
		c = sf->conn;
		/* the SYN/ACK was counted by resolve: feed it below without counting twice */
		c->packets--;
	}
	if (!c)
		return;		/* join with an unknown token: nothing to track it against */
	c->packets++;
	nfmp_engine_packet(&c->c, &sf->sf, &pkt, &res);
	nfm_rp_events(t, c, &o, &res);
}

void nfm_rp_finish(struct nfm_rp_table *t)
{
	struct nfm_rp_conn *c;
	struct nfm_rp_sf *sf;
	unsigned int index = 0;
	bool all_closed;

	for (c = t->conn_head; c; c = c->next) {
		if (c->merged_into)
			continue;
		/* connections merged away leave no gaps in the numbering */
		c->index = index++;
		if (c->c.end_reason != NFMP_END_NONE || c->c.state == NFMP_CONN_CLOSED)
			continue;
		all_closed = c->sf_head != NULL;
		for (sf = c->sf_head; sf; sf = sf->cnext)
			if (!(sf->sf.flags & NFMP_SF_F_CLOSED))
				all_closed = false;
		if (all_closed)
			c->c.end_reason = NFMP_END_SUBFLOWS_GONE;
	}
}
