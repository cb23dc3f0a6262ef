// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reassembly.c - libFuzzer target: `nfmptcp normalize`'s data path, the
 * ACK hold (ack_hold.c) feeding the DSS reassembly (dss_reassembly.c) under
 * the -m bound (nfm_hold_add_bounded), driven the way cmd_normalize.c drives it,
 * with arbitrary segments, mappings, ACKs, subflow ends, DATA_FINs and closes.
 *
 * Input: a 12-byte header, then operations (see fuzz_op()):
 *   0-1  -m bound: 1 + (big endian u16 % 32768) bytes
 *   2    comparison window: none if 0, else 2^(b % 17) bytes
 *   3    bit 0: the stream starts at the header's DSN (the IDSN + 1 is known);
 *        bit 1: subflow sequence numbers start just before the 2^32 wrap
 *   4-11 first DSN (little endian)
 * Two data directions, four subflows each. A payload byte is pattern(DSN) ^ tag,
 * the tag chosen per segment: copies with one tag agree, with two they conflict.
 *
 * Besides memory safety and leaks (ASan/UBSan), a model of what reached the
 * reassembly checks: each DSN written at most once, in order, holes only where a
 * gap was reported, never over data it was given; the bytes written are the
 * first copy given; each conflict is a real difference with the right copies,
 * and every difference with a copy still held or in the window is reported;
 * held plus out-of-order bytes stay within the bound; the hold gives back every
 * byte once and an ACK leaves nothing it covers; everything is written by the end.
 */
#include <stdlib.h>
#include <string.h>

#include "ack_hold.h"
#include "dss_reassembly.h"

#define FZ_ASSERT(c)	do { if (!(c)) __builtin_trap(); } while (0)
/* the model's per-byte loops: not instrumented (nor inlined into what is), or they take the time */
#define FZ_MODEL	__attribute__((no_sanitize("coverage", "address"), noinline))

#define FZ_NSF		4
#define FZ_MAX_OPS	1024
#define FZ_SPAN		(1u << 18)	/* DSNs the model follows, around the first */
#define FZ_MAX_LEN	4096

/* per DSN in the model */
#define FZ_GIVEN	0x01		/* a copy reached the reassembly (tag, origin: the first) */
#define FZ_WRITTEN	0x02
#define FZ_LATE		0x04		/* first given behind the stream: never written */
#define FZ_DROPPED	0x08		/* held when the stream was closed (nfm_dss_free) */

struct fz_sf {
	struct nfm_hold_queue	q;
	u32			tail;		/* relative sequence after the furthest byte sent */
	u64			delta;		/* current mapping: DSN = delta + rel */
};

/* fz_side_reset() zeroes everything before flags: the per-input state goes above it */
struct fz_side {
	struct nfm_dss_stream	s;
	struct nfm_hold_group	g;
	struct fz_sf		sf[FZ_NSF];
	u64			cursor;		/* next DSN the model expects written or skipped */
	u64			hist_floor;	/* the window holds nothing before this DSN */
	u64			front;		/* after the furthest DSN given to the hold */
	u64			held;		/* bytes in the hold: added - released */
	u64			written, gapped;
	bool			closed;
	bool			hist_on;	/* late copies are compared */
	bool			model_started;
	/* releases allowed now: acked ones during an ACK or a retransmission */
	bool			may_ack, may_unack;
	/* the copy being given to the reassembly */
	bool			in_add;
	u8			cur_tag;
	u32			cur_len, cur_origin;
	u64			cur_dsn;
	u8			conflict_seen[FZ_MAX_LEN];
	u8			flags[FZ_SPAN], tag[FZ_SPAN], origin[FZ_SPAN];
	u32			lo, hi;		/* entries given: cleared for the next input */
};

static struct fz_side fz_sides[2];
static u64 fz_base;			/* DSN of model entry 0 */
static size_t fz_max;
static u32 fz_hist_cap;
static u32 fz_rel0;

static inline __attribute__((always_inline)) u8 fz_pattern(u64 dsn)
{
	return (u8)(dsn * 0x9e3779b1u >> 13) | 1;
}

/* Model entry of @dsn, or -1 outside the followed span. */
static inline __attribute__((always_inline)) long fz_idx(u64 dsn)
{
	u64 i = dsn - fz_base;

	return i < FZ_SPAN ? (long)i : -1;
}

static struct fz_side *fz_side_of_stream(void *ctx)
{
	return ctx;
}

static void fz_model_start(struct fz_side *sd, u64 dsn)
{
	sd->model_started = true;
	sd->cursor = dsn;
	sd->hist_floor = dsn;
}

static FZ_MODEL void fz_deliver(void *ctx, u64 dsn, const u8 *p, u32 len)
{
	struct fz_side *sd = fz_side_of_stream(ctx);
	u32 i;

	FZ_ASSERT(len && dsn == sd->s.next && dsn == sd->cursor);
	for (i = 0; i < len; i++) {
		long k = fz_idx(dsn + i);

		if (k < 0)
			continue;
		/* written once, never from nothing, the first copy's bytes */
		FZ_ASSERT(sd->flags[k] == FZ_GIVEN);
		FZ_ASSERT(p[i] == (fz_pattern(dsn + i) ^ sd->tag[k]));
		sd->flags[k] |= FZ_WRITTEN;
	}
	sd->cursor += len;
	sd->written += len;
}

static FZ_MODEL void fz_gap(void *ctx, u64 dsn, u64 len)
{
	struct fz_side *sd = fz_side_of_stream(ctx);
	u64 i, end;

	FZ_ASSERT(len && dsn == sd->s.next && dsn == sd->cursor);
	/* only where copies were given: a gap may be most of the 64-bit space */
	i = dsn - fz_base;
	if (i < FZ_SPAN) {
		end = len < FZ_SPAN - i ? i + len : FZ_SPAN;
	} else {
		u64 w = fz_base - dsn;	/* where the span starts in the gap */

		i = 0;
		end = w >= len ? 0 : len - w < FZ_SPAN ? len - w : FZ_SPAN;
	}
	if (i < sd->lo)
		i = sd->lo;
	if (end > sd->hi)
		end = sd->hi;
	for (; i < end; i++) {
		/* a hole only where no copy was given (or the close dropped it) */
		FZ_ASSERT(!(sd->flags[i] & FZ_WRITTEN));
		FZ_ASSERT(!(sd->flags[i] & FZ_GIVEN) || (sd->flags[i] & FZ_DROPPED));
	}
	sd->cursor += len;
	sd->hist_floor = sd->cursor;
	sd->gapped += len;
}

static FZ_MODEL void fz_conflict(void *ctx, u64 dsn, u32 len, u32 kept, u32 other)
{
	struct fz_side *sd = fz_side_of_stream(ctx);
	u64 off = dsn - sd->cur_dsn;
	u64 ends[2] = { dsn, dsn + len - 1 };
	unsigned int e;
	u32 i;

	/* within the copy being given, which is the other */
	FZ_ASSERT(sd->in_add && len && off < sd->cur_len && len <= sd->cur_len - off);
	FZ_ASSERT(other == sd->cur_origin);
	for (e = 0; e < 2; e++) {
		long k = fz_idx(ends[e]);

		if (k < 0)
			continue;
		/* the range starts and ends on a real difference from the kept copy */
		FZ_ASSERT(sd->flags[k] & FZ_GIVEN);
		FZ_ASSERT(sd->tag[k] != sd->cur_tag);
		if (e == 0) {
			/* a written byte's origin may be forgotten (runs of the window) */
			bool forgotten = kept == NFM_DSS_ORIGIN_UNKNOWN &&
					 (sd->flags[k] & FZ_WRITTEN);

			FZ_ASSERT(kept == sd->origin[k] || forgotten);
		}
	}
	for (i = 0; i < len; i++)
		sd->conflict_seen[off + i] = 1;
}

static const struct nfm_dss_ops fz_dss_ops = {
	.deliver	= fz_deliver,
	.conflict	= fz_conflict,
	.gap		= fz_gap,
};

/* A copy into the reassembly, the model following. */
static FZ_MODEL void fz_dss_add(struct fz_side *sd, u64 dsn, const u8 *p, u32 len, u32 origin)
{
	bool compare[FZ_MAX_LEN];
	u64 forced = sd->s.forced, next = sd->s.next;
	bool started = sd->s.started;
	u32 i;

	FZ_ASSERT(len <= FZ_MAX_LEN);
	if (!started) {
		/* the first copy starts the stream */
		fz_model_start(sd, dsn);
		next = dsn;
	}
	/* which bytes differ from a copy the reassembly still has */
	for (i = 0; i < len; i++) {
		u64 d = dsn + i;
		long k = fz_idx(d);
		u8 f = k < 0 ? 0 : sd->flags[k];
		bool late = nfm_dsn_before(d, next);

		compare[i] = false;
		if (k < 0 || !(f & FZ_GIVEN) || sd->tag[k] == (p[i] ^ fz_pattern(d)))
			continue;
		if (!late && !(f & (FZ_WRITTEN | FZ_DROPPED)))
			compare[i] = true;	/* held out of order */
		else if (late && (f & FZ_WRITTEN) && sd->hist_on && !sd->s.oom &&
			 !nfm_dsn_before(d, sd->hist_floor) && next - d <= fz_hist_cap)
			compare[i] = true;	/* in the window */
	}
	sd->in_add = true;
	sd->cur_dsn = dsn;
	sd->cur_len = len;
	sd->cur_origin = origin;
	sd->cur_tag = p[0] ^ fz_pattern(dsn);
	memset(sd->conflict_seen, 0, len);
	/*
	 * The bytes this copy is the first of (it may write them during the add),
	 * the stream's copy dropped by a close included.
	 */
	for (i = 0; i < len; i++) {
		long k = fz_idx(dsn + i);
		bool late = nfm_dsn_before(dsn + i, next);

		if (k >= 0 && (!(sd->flags[k] & FZ_GIVEN) ||
			       ((sd->flags[k] & FZ_DROPPED) && !late))) {
			sd->flags[k] = FZ_GIVEN | (late ? FZ_LATE : 0);
			sd->tag[k] = sd->cur_tag;
			sd->origin[k] = (u8)origin;
			if ((u32)k < sd->lo)
				sd->lo = k;
			if ((u32)k + 1 > sd->hi)
				sd->hi = k + 1;
		}
	}
	nfm_dss_add(&sd->s, dsn, p, len, origin);
	sd->in_add = false;
	/* unless the bound forced data out meanwhile, every difference was seen */
	if (sd->s.forced == forced && !sd->s.oom)
		for (i = 0; i < len; i++)
			FZ_ASSERT(!compare[i] || sd->conflict_seen[i]);
}

/* The hold's release: origin is the subflow, as cmd_normalize.c's NFM_NZ_ORIGIN. */
static FZ_MODEL void fz_release(void *ctx, u32 num, bool acked, u64 dsn, const u8 *p, u32 len)
{
	struct fz_side *sd = ctx;
	u8 tag = p[0] ^ fz_pattern(dsn);
	u32 i;

	FZ_ASSERT(len && len <= sd->held);
	FZ_ASSERT(acked ? sd->may_ack : sd->may_unack);
	/* one piece of one segment, its bytes unchanged */
	for (i = 0; i < len; i++)
		FZ_ASSERT(p[i] == (fz_pattern(dsn + i) ^ tag));
	sd->held -= len;
	fz_dss_add(sd, dsn, p, len, num << 1 | acked);
}

static FZ_MODEL void fz_check(struct fz_side *sd)
{
	const struct nfm_dss_seg *g;
	size_t ooo = 0, held = 0;
	unsigned int k;

	for (g = sd->s.ooo; g; g = g->next) {
		/* ascending, after what was written, not overlapping, the first copy */
		FZ_ASSERT(g->len && nfm_dsn_before(sd->s.next, g->dsn));
		FZ_ASSERT(!g->next || !nfm_dsn_before(g->next->dsn, g->dsn + g->len));
		ooo += g->len;
	}
	FZ_ASSERT(ooo == sd->s.ooo_bytes && ooo <= fz_max);
	for (k = 0; k < FZ_NSF; k++) {
		const struct nfm_hold_piece *x;

		for (x = sd->sf[k].q.head; x; x = x->next)
			held += x->len;
	}
	FZ_ASSERT(held == sd->g.bytes && held == sd->held);
	/* the -m bound: held and out of order together */
	FZ_ASSERT(sd->g.bytes + sd->s.ooo_bytes <= fz_max);
	FZ_ASSERT(sd->s.next == sd->cursor || !sd->model_started);
}

/* After an ACK, nothing it covers is still held. */
static void fz_check_acked(const struct nfm_hold_queue *q)
{
	const struct nfm_hold_piece *x;

	for (x = q->head; x && q->ack_known; x = x->next)
		FZ_ASSERT((s32)(x->rel - q->acked) >= 0);
}

struct fz_in {
	const u8	*p;
	size_t		n;
};

static u8 fz_byte(struct fz_in *in)
{
	u8 b = 0;

	if (in->n) {
		b = *in->p++;
		in->n--;
	}
	return b;
}

static u16 fz_u16(struct fz_in *in)
{
	u16 v = fz_byte(in);

	return v | (u16)fz_byte(in) << 8;
}

/* A segment of subflow @k: held until its ACK, within the bound, as nfm_nz_hold() does. */
static FZ_MODEL void fz_segment(struct fz_side *sd, unsigned int k, u32 rel, u32 len, u8 tag)
{
	static u8 buf[FZ_MAX_LEN];
	struct fz_sf *sf = &sd->sf[k];
	u64 dsn = sf->delta + rel;
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = fz_pattern(dsn + i) ^ tag;
	if (nfm_dsn_before(sd->front, dsn + len))
		sd->front = dsn + len;
	if ((s32)(rel + len - sf->tail) > 0)
		sf->tail = rel + len;
	if (sd->closed) {
		/* both directions written: a late copy is only counted */
		fz_dss_add(sd, dsn, buf, len, (u32)k << 1);
		return;
	}
	/* room made by releasing unacked; a retransmission of acknowledged bytes goes acked */
	sd->may_unack = true;
	sd->may_ack = true;
	sd->held += len;
	nfm_hold_add_bounded(&sf->q, rel, dsn, buf, len, &sd->s.ooo_bytes, fz_max);
	sd->may_unack = false;
	sd->may_ack = false;
	FZ_ASSERT(!sd->g.oom);
}

static void fz_release_all(struct fz_side *sd)
{
	sd->may_unack = true;
	nfm_hold_release_all(&sd->g);
	sd->may_unack = false;
}

/* Both DATA_FINs written (nfm_nz_settle): what is held goes, the stream's memory too. */
static FZ_MODEL void fz_close(struct fz_side *sd)
{
	const struct nfm_dss_seg *g;
	u32 i;

	fz_release_all(sd);
	for (g = sd->s.ooo; g; g = g->next) {
		for (i = 0; i < g->len; i++) {
			long k = fz_idx(g->dsn + i);

			if (k >= 0)
				sd->flags[k] |= FZ_DROPPED;
		}
	}
	nfm_dss_free(&sd->s);
	sd->closed = true;
	sd->hist_on = false;
}

/*
 * The stream's next DSN, or before it has one the first DSN of the input:
 * next is 0 until then, which may be 2^63 from every DSN in play, where the
 * order of DSNs means nothing.
 */
static u64 fz_next(const struct fz_side *sd)
{
	return sd->s.started ? sd->s.next : sd->front;
}

static void fz_skip_to(struct fz_side *sd, u64 dsn)
{
	if (!sd->s.started)
		fz_model_start(sd, dsn);
	nfm_dss_skip_to(&sd->s, dsn);
}

/*
 * One operation: [op][arguments]; op bits 0-2 kind, 3 direction, 4-5 subflow,
 * 6-7 variant.
 */
static void fz_op(struct fz_in *in)
{
	u8 op = fz_byte(in), kind = op & 7, v = op >> 6;
	struct fz_side *sd = &fz_sides[(op >> 3) & 1];
	unsigned int k = (op >> 4) & 3;
	struct fz_sf *sf = &sd->sf[k];
	u32 rel, len;
	u8 a, b, c;

	switch (kind) {
	case 0:		/* [ctl][len][tag] a segment */
	case 1:
		a = fz_byte(in);
		b = fz_byte(in);
		c = fz_byte(in);
		len = (a & 1) ? 1 + b * 16u : 1 + b;
		switch ((a >> 1) & 3) {
		case 0:				/* new data */
			rel = sf->tail;
			break;
		case 1:				/* a retransmission */
			rel = sf->tail - 1 - (a >> 3) * 32u;
			break;
		case 2:				/* anywhere */
			rel = fz_rel0 + (a >> 3) * 256u;
			break;
		default:			/* after a hole in the subflow */
			rel = sf->tail + (a >> 3) * 64u;
			break;
		}
		fz_segment(sd, k, rel, len, v == 3 ? c : c & 1);
		break;
	case 2:		/* [lo][hi] a DSS mapping for the subflow's next bytes */
		sf->delta = (v & 1 ? fz_next(sd) : sd->front) + (int16_t)fz_u16(in) - sf->tail;
		break;
	case 3:		/* [n] the receiver's subflow ACK */
		a = fz_byte(in);
		if (sd->closed)
			break;
		rel = v == 0 ? sf->tail : v == 1 ? sf->tail - a : v == 2 ? fz_rel0 + a * 64u :
			sf->tail + a;
		sd->may_ack = true;
		nfm_hold_ack(&sf->q, rel);
		sd->may_ack = false;
		fz_check_acked(&sf->q);
		break;
	case 4:		/* FIN or RST: the subflow's held data goes on unacked */
		sd->may_unack = true;
		nfm_hold_release_queue(&sf->q);
		sd->may_unack = false;
		break;
	case 5:		/* [lo][hi] DATA_FIN: everything held goes on, holes before it are gaps */
		if (v & 1)
			fz_release_all(sd);
		if (v & 2)		/* near the furthest byte sent, either side */
			fz_skip_to(sd, sd->front + (int16_t)fz_u16(in));
		else
			fz_skip_to(sd, fz_next(sd) + fz_u16(in));
		break;
	case 6:		/* the bound released the oldest piece, or everything */
		sd->may_unack = true;
		if (v & 1)
			nfm_hold_release_all(&sd->g);
		else
			nfm_hold_release_oldest(&sd->g);
		sd->may_unack = false;
		break;
	default:
		if (v == 0)
			fz_close(sd);
		else
			nfm_dss_flush(&sd->s);
		break;
	}
}

/* After the end of the capture: nothing held, everything given accounted for. */
static FZ_MODEL void fz_check_end(struct fz_side *sd)
{
	u32 i;

	fz_check(sd);
	FZ_ASSERT(!sd->g.bytes && !sd->s.ooo && !sd->s.ooo_bytes);
	FZ_ASSERT(sd->s.delivered == sd->written && sd->s.gap_bytes == sd->gapped);
	/* every byte given was written, unless it came late or a close dropped it */
	for (i = sd->lo; i < sd->hi && !sd->s.oom; i++)
		if (sd->flags[i] & FZ_GIVEN)
			FZ_ASSERT(sd->flags[i] & (FZ_WRITTEN | FZ_LATE | FZ_DROPPED));
}

/* The model's entries of the last input back to zero: cheaper than the whole span. */
static FZ_MODEL void fz_side_reset(struct fz_side *sd)
{
	if (sd->hi > sd->lo) {
		memset(sd->flags + sd->lo, 0, sd->hi - sd->lo);
		memset(sd->tag + sd->lo, 0, sd->hi - sd->lo);
		memset(sd->origin + sd->lo, 0, sd->hi - sd->lo);
	}
	memset(sd, 0, offsetof(struct fz_side, flags));
	sd->lo = FZ_SPAN;
	sd->hi = 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int e, k, ops;
	u8 hb, fl;
	u64 first = 0;

	if (size < 12)
		return 0;
	fz_max = 1 + ((size_t)fz_byte(&in) << 8 | fz_byte(&in)) % 32768;
	hb = fz_byte(&in);
	fz_hist_cap = 1u << (hb % 17);
	fl = fz_byte(&in);
	for (k = 0; k < 8; k++)
		first |= (u64)fz_byte(&in) << (8 * k);
	fz_base = first - FZ_SPAN / 2;
	fz_rel0 = fl & 2 ? 0xffffff00u : 1;
	for (e = 0; e < 2; e++) {
		struct fz_side *sd = &fz_sides[e];

		fz_side_reset(sd);
		nfm_dss_init(&sd->s, &fz_dss_ops, sd, fz_max, hb ? fz_hist_cap : 0);
		sd->hist_on = hb != 0;
		nfm_hold_group_init(&sd->g, fz_release, sd);
		sd->front = first;
		for (k = 0; k < FZ_NSF; k++) {
			nfm_hold_queue_init(&sd->sf[k].q, &sd->g, k);
			sd->sf[k].tail = fz_rel0;
			sd->sf[k].delta = first - fz_rel0;
		}
		if (fl & 1) {
			nfm_dss_start(&sd->s, first);
			fz_model_start(sd, first);
		}
	}
	for (ops = 0; in.n && ops < FZ_MAX_OPS; ops++) {
		fz_op(&in);
		fz_check(&fz_sides[0]);
		fz_check(&fz_sides[1]);
	}
	/* end of the capture (nfm_nz_finish): everything held goes, then what is out of order */
	for (e = 0; e < 2; e++) {
		struct fz_side *sd = &fz_sides[e];

		fz_release_all(sd);
		nfm_dss_flush(&sd->s);
		fz_check_end(sd);
		for (k = 0; k < FZ_NSF; k++)
			nfm_hold_queue_free(&sd->sf[k].q);
		nfm_dss_free(&sd->s);
	}
	return 0;
}
