// SPDX-License-Identifier: GPL-2.0
/*
 * dss_reassembly.c - one direction of an MPTCP connection's data stream, rebuilt
 * in data-sequence order from the pieces the subflows carry.
 *
 * Ambiguity is where evasion lives: two subflows (or a reinjection) may carry
 * different bytes for one DSN range. The first copy added is kept (the owner
 * adds copies in the order the receiver acknowledged them) and every later
 * differing copy is reported with where both came from, both against held
 * out-of-order data and against a window of recently delivered bytes.
 */
#include <stdlib.h>

#include "dss_reassembly.h"

int nfm_dss_init(struct nfm_dss_stream *s, const struct nfm_dss_ops *ops, void *ctx,
		 size_t max_ooo, u32 hist_bytes)
{
	u32 cap = 1;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	s->max_ooo = max_ooo;
	if (hist_bytes) {
		while (cap < hist_bytes && cap < (1u << 30))
			cap <<= 1;
		/* allocated with the first delivery: a connection without data costs nothing */
		s->hist_cap = cap;
		s->hist_mask = cap - 1;
	}
	return 0;
}

void nfm_dss_free(struct nfm_dss_stream *s)
{
	struct nfm_dss_seg *g, *n;

	for (g = s->ooo; g; g = n) {
		n = g->next;
		free(g);
	}
	free(s->hist);
	s->ooo = NULL;
	s->hist = NULL;
	s->ooo_bytes = 0;
	/* late copies are no longer compared: counted as old */
	s->hist_cap = 0;
	s->hist_len = 0;
	s->nruns = 0;
}

void nfm_dss_start(struct nfm_dss_stream *s, u64 first_dsn)
{
	if (s->started)
		return;
	s->started = true;
	s->next = first_dsn;
}

u64 nfm_dss_expand32(u64 ref, u32 dsn32)
{
	u64 v = (ref & ~0xffffffffull) | dsn32;

	/* pick among v - 2^32, v, v + 2^32 the one nearest ref */
	if ((int64_t)(v - ref) > (int64_t)0x80000000ll)
		v -= 0x100000000ull;
	else if ((int64_t)(ref - v) > (int64_t)0x80000000ll)
		v += 0x100000000ull;
	return v;
}

static void nfm_dss_report_conflict(struct nfm_dss_stream *s, u64 dsn, u32 len, u32 kept,
				    u32 other)
{
	s->conflicts++;
	s->conflict_bytes += len;
	if (s->ops->conflict)
		s->ops->conflict(s->ctx, dsn, len, kept, other);
}

/* The span from the first to the last byte where @p and @kept differ; false if none. */
static bool nfm_dss_differ(const u8 *p, const u8 *kept, u32 len, u32 *first, u32 *last)
{
	u32 i;

	*first = len;
	*last = 0;
	for (i = 0; i < len; i++) {
		if (p[i] != kept[i]) {
			if (*first == len)
				*first = i;
			*last = i;
		}
	}
	return *first < len;
}

/* Where the delivered byte at @dsn (in the history) came from. */
static u32 nfm_dss_origin_of(const struct nfm_dss_stream *s, u64 dsn)
{
	u32 i, k;

	for (i = 0, k = s->run_head; i < s->nruns; i++, k = (k + NFM_DSS_RUNS - 1) % NFM_DSS_RUNS)
		if (!nfm_dsn_before(dsn, s->runs[k].dsn))
			return s->runs[k].origin;
	return NFM_DSS_ORIGIN_UNKNOWN;
}

static void nfm_dss_emit(struct nfm_dss_stream *s, const u8 *p, u32 len, u32 origin)
{
	u32 i, hcap = s->hist_mask + 1;

	if (!s->hist && s->hist_cap) {
		s->hist = malloc(s->hist_cap);
		if (!s->hist) {
			s->oom = true;
			s->hist_cap = 0;
		}
	}
	if (s->hist) {
		/* only the tail that fits the ring matters */
		i = len > hcap ? len - hcap : 0;
		for (; i < len; i++)
			s->hist[(s->next + i) & s->hist_mask] = p[i];
		s->hist_len = (u64)s->hist_len + len > hcap ? hcap : s->hist_len + len;
		if (!s->nruns || s->runs[s->run_head].origin != origin) {
			/* a full ring forgets the oldest run: its bytes' origin becomes unknown */
			s->run_head = (s->run_head + 1) % NFM_DSS_RUNS;
			s->runs[s->run_head] = (struct nfm_dss_run){ s->next, origin };
			if (s->nruns < NFM_DSS_RUNS)
				s->nruns++;
		}
	}
	if (s->ops->deliver)
		s->ops->deliver(s->ctx, s->next, p, len);
	s->next += len;
	s->delivered += len;
}

/* Bytes before s->next: a copy of delivered data. Compared while still in the history. */
static void nfm_dss_late_copy(struct nfm_dss_stream *s, u64 dsn, const u8 *p, u32 len,
			      u32 origin)
{
	u64 hist_start = s->next - s->hist_len;
	u32 skip = 0, i, n, first, last;
	u8 kept[256];

	s->dup_bytes += len;
	if (nfm_dsn_before(dsn, hist_start)) {
		u64 d = hist_start - dsn;

		skip = d >= len ? len : (u32)d;
		s->old_bytes += skip;
	}
	for (i = skip; i < len; i += n) {
		u32 k;

		n = len - i < sizeof(kept) ? len - i : sizeof(kept);
		for (k = 0; k < n; k++)
			kept[k] = s->hist[(dsn + i + k) & s->hist_mask];
		if (nfm_dss_differ(p + i, kept, n, &first, &last))
			nfm_dss_report_conflict(s, dsn + i + first, last - first + 1,
						nfm_dss_origin_of(s, dsn + i + first), origin);
	}
}

static struct nfm_dss_seg *nfm_dss_seg_new(struct nfm_dss_stream *s, u64 dsn, const u8 *p, u32 len,
					   u32 origin)
{
	struct nfm_dss_seg *g = malloc(sizeof(*g) + len);

	if (!g) {
		s->oom = true;
		return NULL;
	}
	g->next = NULL;
	g->dsn = dsn;
	g->len = len;
	g->origin = origin;
	memcpy(g->data, p, len);
	return g;
}

static void nfm_dss_gap(struct nfm_dss_stream *s, u64 len)
{
	s->gaps++;
	s->gap_bytes += len;
	if (s->ops->gap)
		s->ops->gap(s->ctx, s->next, len);
	/* the history must not pretend to hold the skipped bytes */
	s->hist_len = 0;
	s->nruns = 0;
	s->next += len;
}

/* Deliver held segments that are now in order. */
static void nfm_dss_drain(struct nfm_dss_stream *s)
{
	struct nfm_dss_seg *g;

	while ((g = s->ooo) && g->dsn == s->next) {
		s->ooo = g->next;
		s->ooo_bytes -= g->len;
		nfm_dss_emit(s, g->data, g->len, g->origin);
		free(g);
	}
}

/* Deliver the first held segment even though a hole precedes it: the hole becomes a gap. */
static void nfm_dss_force_one(struct nfm_dss_stream *s)
{
	if (!s->ooo)
		return;
	if (nfm_dsn_before(s->next, s->ooo->dsn))
		nfm_dss_gap(s, s->ooo->dsn - s->next);
	nfm_dss_drain(s);
}

/*
 * Hold [dsn, dsn+len) (all beyond s->next): pieces already held are compared,
 * only the holes between them are stored.
 */
static void nfm_dss_hold(struct nfm_dss_stream *s, u64 dsn, const u8 *p, u32 len, u32 origin)
{
	struct nfm_dss_seg **pp = &s->ooo, *g, *n;
	u64 end = dsn + len;
	u32 first, last;

	while (len) {
		g = *pp;
		if (g && !nfm_dsn_before(dsn, g->dsn + g->len)) {
			pp = &g->next;		/* entirely after g */
			continue;
		}
		if (g && !nfm_dsn_before(dsn, g->dsn)) {
			/* starts inside g: the part overlapping g is a copy */
			u32 off = dsn - g->dsn, n2 = g->len - off;

			if (n2 > len)
				n2 = len;
			s->dup_bytes += n2;
			if (nfm_dss_differ(p, g->data + off, n2, &first, &last))
				nfm_dss_report_conflict(s, dsn + first, last - first + 1,
							g->origin, origin);
			dsn += n2;
			p += n2;
			len -= n2;
			pp = &g->next;
			continue;
		}
		/* starts before g (or no g): store up to g's start */
		{
			u32 take = len;

			if (g && nfm_dsn_before(g->dsn, end) && g->dsn - dsn < take)
				take = g->dsn - dsn;
			n = nfm_dss_seg_new(s, dsn, p, take, origin);
			if (!n)
				return;
			n->next = g;
			*pp = n;
			pp = &n->next;
			s->ooo_bytes += take;
			dsn += take;
			p += take;
			len -= take;
		}
	}
}

void nfm_dss_add(struct nfm_dss_stream *s, u64 dsn, const u8 *p, u32 len, u32 origin)
{
	if (!len)
		return;
	if (!s->started)
		nfm_dss_start(s, dsn);
	if (nfm_dsn_before(dsn, s->next)) {
		u64 d = s->next - dsn;
		u32 n = d >= len ? len : (u32)d;

		nfm_dss_late_copy(s, dsn, p, n, origin);
		dsn += n;
		p += n;
		len -= n;
		if (!len)
			return;
	}
	if (dsn == s->next && (!s->ooo || nfm_dsn_before(dsn + len, s->ooo->dsn) ||
			       dsn + len == s->ooo->dsn)) {
		/* the common case: in order, nothing held overlaps */
		nfm_dss_emit(s, p, len, origin);
		nfm_dss_drain(s);
		return;
	}
	/* bound the store: a capture that lost a segment must not make us hold everything after it */
	while (s->ooo && s->ooo_bytes + len > s->max_ooo) {
		s->forced++;
		if (!nfm_dsn_before(s->ooo->dsn, dsn)) {
			/*
			 * This piece comes first: give up only the hole before it. Once
			 * at s->next it fills every hole up to its end, so the store
			 * shrinks to what lies beyond that.
			 */
			if (dsn != s->next)
				nfm_dss_gap(s, dsn - s->next);
			break;
		}
		nfm_dss_force_one(s);
		if (nfm_dsn_before(dsn, s->next)) {
			nfm_dss_add(s, dsn, p, len, origin);
			return;
		}
	}
	if (dsn != s->next && len > s->max_ooo) {
		/* alone larger than the bound: skip to it */
		s->forced++;
		nfm_dss_gap(s, dsn - s->next);
	}
	nfm_dss_hold(s, dsn, p, len, origin);
	nfm_dss_drain(s);
}

void nfm_dss_skip_to(struct nfm_dss_stream *s, u64 dsn)
{
	if (!s->started) {
		nfm_dss_start(s, dsn);
		return;
	}
	while (s->ooo && nfm_dsn_before(s->ooo->dsn, dsn))
		nfm_dss_force_one(s);
	if (nfm_dsn_before(s->next, dsn)) {
		nfm_dss_gap(s, dsn - s->next);
		/* a piece held right at @dsn is in order now */
		nfm_dss_drain(s);
	}
}

void nfm_dss_flush(struct nfm_dss_stream *s)
{
	while (s->ooo)
		nfm_dss_force_one(s);
}
