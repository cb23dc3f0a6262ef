// SPDX-License-Identifier: GPL-2.0
/*
 * ack_hold.c - payload held until the receiver's subflow ACK covers it.
 *
 * Two copies of one data-sequence range with different bytes: the receiver
 * keeps the one that reaches it first, which need not be the one captured
 * first (the capture point may sit before a loss or a slower path). Its
 * cumulative subflow ACK says when it had a copy, so pieces are released to
 * the reassembly in the order of the ACKs that covered them.
 */
#include <stdlib.h>
#include <string.h>

#include "ack_hold.h"

/* a before b in 32-bit sequence space */
static bool nfm_hold_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

void nfm_hold_group_init(struct nfm_hold_group *g,
			 void (*release)(void *ctx, u32 origin, bool acked, u64 dsn,
					 const u8 *p, u32 len),
			 void *ctx)
{
	memset(g, 0, sizeof(*g));
	g->release = release;
	g->ctx = ctx;
}

void nfm_hold_queue_init(struct nfm_hold_queue *q, struct nfm_hold_group *g, u32 origin)
{
	memset(q, 0, sizeof(*q));
	q->g = g;
	q->origin = origin;
	q->tail = &q->head;
	q->ascending = true;
	q->gnext = g->queues;
	g->queues = q;
}

static void nfm_hold_emit(struct nfm_hold_queue *q, bool acked, u64 dsn, const u8 *p, u32 len)
{
	if (!acked)
		q->g->unacked_bytes += len;
	q->g->release(q->g->ctx, q->origin, acked, dsn, p, len);
}

/* Unlinks @pp's piece from @q. */
static void nfm_hold_unlink(struct nfm_hold_queue *q, struct nfm_hold_piece **pp)
{
	struct nfm_hold_piece *x = *pp;

	*pp = x->next;
	if (q->tail == &x->next)
		q->tail = pp;
	if (!q->head) {
		q->tail = &q->head;
		q->ascending = true;
	}
	q->g->bytes -= x->len;
	free(x);
}

/* What the receiver already acknowledged of a new piece goes on at once: returns its length. */
static u32 nfm_hold_pass_acked(struct nfm_hold_queue *q, u32 rel, u64 dsn, const u8 *p, u32 len)
{
	u32 n;

	if (!q->ack_known || !nfm_hold_before(rel, q->acked))
		return 0;
	/* the receiver already had these bytes: this copy comes after theirs */
	n = q->acked - rel < len ? q->acked - rel : len;
	nfm_hold_emit(q, true, dsn, p, n);
	return n;
}

void nfm_hold_add(struct nfm_hold_queue *q, u32 rel, u64 dsn, const u8 *p, u32 len)
{
	struct nfm_hold_piece *x;
	u32 n = nfm_hold_pass_acked(q, rel, dsn, p, len);

	rel += n;
	dsn += n;
	p += n;
	len -= n;
	if (!len)
		return;
	x = malloc(sizeof(*x) + len);
	if (!x) {
		q->g->oom = true;
		nfm_hold_emit(q, false, dsn, p, len);
		return;
	}
	x->next = NULL;
	x->order = q->g->next_order++;
	x->dsn = dsn;
	x->rel = rel;
	x->len = len;
	x->off = 0;
	memcpy(x->data, p, len);
	if (q->head && nfm_hold_before(rel, q->tail_end))
		q->ascending = false;
	if (!q->head || !nfm_hold_before(rel + len, q->tail_end))
		q->tail_end = rel + len;
	*q->tail = x;
	q->tail = &x->next;
	q->g->bytes += len;
}

void nfm_hold_ack(struct nfm_hold_queue *q, u32 ack)
{
	struct nfm_hold_piece **pp = &q->head, *x;

	if (q->ack_known && !nfm_hold_before(q->acked, ack))
		return;		/* old or repeated ACK */
	q->ack_known = true;
	q->acked = ack;
	while ((x = *pp)) {
		u32 n;

		if (!nfm_hold_before(x->rel, ack)) {
			if (q->ascending)
				break;	/* so do all later pieces */
			pp = &x->next;
			continue;
		}
		n = ack - x->rel < x->len ? ack - x->rel : x->len;
		nfm_hold_emit(q, true, x->dsn, x->data + x->off, n);
		if (n == x->len) {
			nfm_hold_unlink(q, pp);
			continue;
		}
		/* partly acknowledged: the rest stays, in its place */
		x->rel += n;
		x->dsn += n;
		x->off += n;
		x->len -= n;
		q->g->bytes -= n;
		if (q->ascending)
			break;
		pp = &x->next;
	}
}

void nfm_hold_release_queue(struct nfm_hold_queue *q)
{
	struct nfm_hold_piece *x;

	while ((x = q->head)) {
		nfm_hold_emit(q, false, x->dsn, x->data + x->off, x->len);
		nfm_hold_unlink(q, &q->head);
	}
}

bool nfm_hold_release_oldest(struct nfm_hold_group *g)
{
	struct nfm_hold_queue *q, *oldest = NULL;
	struct nfm_hold_piece *x;

	/* each queue's head is its oldest piece */
	for (q = g->queues; q; q = q->gnext)
		if (q->head && (!oldest || q->head->order < oldest->head->order))
			oldest = q;
	if (!oldest)
		return false;
	x = oldest->head;
	nfm_hold_emit(oldest, false, x->dsn, x->data + x->off, x->len);
	nfm_hold_unlink(oldest, &oldest->head);
	return true;
}

void nfm_hold_add_bounded(struct nfm_hold_queue *q, u32 rel, u64 dsn, const u8 *p, u32 len,
			  const size_t *other, size_t max)
{
	struct nfm_hold_group *g = q->g;
	u32 n;

	while (g->bytes && g->bytes + *other + len > max && nfm_hold_release_oldest(g))
		g->forced_releases++;
	if (g->bytes + *other + len <= max) {
		nfm_hold_add(q, rel, dsn, p, len);
		return;
	}
	/* holding it would break the bound whatever else goes */
	n = nfm_hold_pass_acked(q, rel, dsn, p, len);
	if (n < len) {
		g->forced_releases++;
		nfm_hold_emit(q, false, dsn + n, p + n, len - n);
	}
}

void nfm_hold_release_all(struct nfm_hold_group *g)
{
	while (nfm_hold_release_oldest(g))
		;
}

void nfm_hold_queue_free(struct nfm_hold_queue *q)
{
	while (q->head)
		nfm_hold_unlink(q, &q->head);
}
