// SPDX-License-Identifier: GPL-2.0
/*
 * test_ack_hold.c - payload held until its subflow ACK: released in ACK order
 * across subflows, partial ACKs, retransmissions of acked data, the oldest
 * first and everything in arrival order when no ACK comes.
 */
#include <stdlib.h>
#include <string.h>

#include "ack_hold.h"
#include "nfmp_tap.h"

struct rel_log {
	u32	origin[16];
	bool	acked[16];
	u64	dsn[16];
	u32	len[16];
	unsigned int n;
};

static void log_release(void *ctx, u32 origin, bool acked, u64 dsn, const u8 *p, u32 len)
{
	struct rel_log *l = ctx;

	(void)p;
	if (l->n < 16) {
		l->origin[l->n] = origin;
		l->acked[l->n] = acked;
		l->dsn[l->n] = dsn;
		l->len[l->n] = len;
	}
	l->n++;
}

static void test_ack_order(void)
{
	struct nfm_hold_group g;
	struct nfm_hold_queue a, b;
	struct rel_log l = { 0 };
	u8 d[100] = { 0 };

	nfm_hold_group_init(&g, log_release, &l);
	nfm_hold_queue_init(&a, &g, 0);
	nfm_hold_queue_init(&b, &g, 1);
	nfm_hold_add(&a, 1, 1000, d, 50);	/* captured first */
	nfm_hold_add(&b, 1, 1000, d, 50);	/* same range, captured later */
	NFMP_CHECK(l.n == 0 && g.bytes == 100);
	nfm_hold_ack(&b, 51);			/* b acknowledged first */
	NFMP_CHECK(l.n == 1 && l.origin[0] == 1 && l.acked[0] && l.len[0] == 50);
	nfm_hold_ack(&a, 21);			/* partial: 20 bytes */
	NFMP_CHECK(l.n == 2 && l.origin[1] == 0 && l.dsn[1] == 1000 && l.len[1] == 20);
	NFMP_CHECK(g.bytes == 30);
	nfm_hold_ack(&a, 11);			/* old ACK: nothing */
	NFMP_CHECK(l.n == 2);
	/* a retransmission of acknowledged bytes goes on at once, the rest is held */
	nfm_hold_add(&a, 11, 1010, d, 20);
	NFMP_CHECK(l.n == 3 && l.dsn[2] == 1010 && l.len[2] == 10 && g.bytes == 40);
	nfm_hold_ack(&a, 51);
	NFMP_CHECK(l.n == 5 && l.dsn[3] == 1020 && l.len[3] == 30 && l.dsn[4] == 1020 &&
		   l.len[4] == 10 && g.bytes == 0 && g.unacked_bytes == 0);
	nfmp_tap_group("hold: released in the order of the ACKs that cover them, partial ACKs split");
}

static void test_unacked(void)
{
	struct nfm_hold_group g;
	struct nfm_hold_queue a, b;
	struct rel_log l = { 0 };
	u8 d[10] = { 0 };

	nfm_hold_group_init(&g, log_release, &l);
	nfm_hold_queue_init(&a, &g, 0);
	nfm_hold_queue_init(&b, &g, 1);
	nfm_hold_add(&b, 1, 500, d, 10);
	nfm_hold_add(&a, 1, 510, d, 10);
	nfm_hold_add(&b, 11, 520, d, 10);
	NFMP_CHECK(nfm_hold_release_oldest(&g));
	NFMP_CHECK(l.n == 1 && l.dsn[0] == 500 && !l.acked[0]);
	nfm_hold_release_all(&g);
	NFMP_CHECK(l.n == 3 && l.dsn[1] == 510 && l.dsn[2] == 520 && g.bytes == 0);
	NFMP_CHECK(g.unacked_bytes == 30 && !nfm_hold_release_oldest(&g));
	/* out of subflow order: an ACK releases the covered piece behind an uncovered one */
	nfm_hold_add(&a, 31, 600, d, 10);
	nfm_hold_add(&a, 21, 590, d, 10);
	nfm_hold_ack(&a, 31);
	NFMP_CHECK(l.n == 4 && l.dsn[3] == 590 && l.acked[3] && g.bytes == 10);
	nfm_hold_release_queue(&a);
	NFMP_CHECK(l.n == 5 && l.dsn[4] == 600 && g.bytes == 0);
	nfm_hold_add(&b, 100, 700, d, 10);
	nfm_hold_queue_free(&b);
	NFMP_CHECK(l.n == 5 && g.bytes == 0);
	nfmp_tap_group("hold: without an ACK, oldest first and in arrival order");
}

/*
 * The -m bound counts held and out-of-order bytes together: a piece that does
 * not fit even once everything else went on is not held either (found by
 * fuzz_reassembly: one segment larger than -m was held whole).
 */
static void test_bounded(void)
{
	struct nfm_hold_group g;
	struct nfm_hold_queue a, b;
	struct rel_log l = { 0 };
	size_t ooo = 0;
	u8 d[200] = { 0 };

	nfm_hold_group_init(&g, log_release, &l);
	nfm_hold_queue_init(&a, &g, 0);
	nfm_hold_queue_init(&b, &g, 1);
	nfm_hold_add_bounded(&a, 1, 1000, d, 60, &ooo, 100);
	NFMP_CHECK(l.n == 0 && g.bytes == 60);
	/* control: room left for 40, not for 41 */
	nfm_hold_add_bounded(&b, 1, 1060, d, 40, &ooo, 100);
	NFMP_CHECK(l.n == 0 && g.bytes == 100 && g.forced_releases == 0);
	nfm_hold_add_bounded(&b, 41, 1100, d, 1, &ooo, 100);
	NFMP_CHECK(l.n == 1 && l.dsn[0] == 1000 && !l.acked[0] && g.bytes == 41);
	NFMP_CHECK(g.forced_releases == 1);
	/* larger than the bound: released at once, nothing else needlessly */
	nfm_hold_release_all(&g);
	l.n = 0;
	nfm_hold_add_bounded(&a, 61, 2000, d, 150, &ooo, 100);
	NFMP_CHECK(l.n == 1 && l.len[0] == 150 && !l.acked[0] && g.bytes == 0);
	/* what is held elsewhere counts: 70 out of order leave room for 30 */
	ooo = 70;
	nfm_hold_add_bounded(&a, 211, 2150, d, 30, &ooo, 100);
	NFMP_CHECK(l.n == 1 && g.bytes == 30);
	nfm_hold_add_bounded(&b, 42, 2180, d, 10, &ooo, 100);
	NFMP_CHECK(l.n == 2 && l.dsn[1] == 2150 && g.bytes == 10);
	/* a retransmission of acknowledged bytes still goes on acknowledged, the rest unacked */
	nfm_hold_ack(&a, 241);
	nfm_hold_add_bounded(&a, 231, 2170, d, 40, &ooo, 100);
	NFMP_CHECK(l.n == 5 && l.dsn[2] == 2180 && l.acked[3] && l.len[3] == 10 &&
		   !l.acked[4] && l.len[4] == 30 && l.dsn[4] == 2180);
	NFMP_CHECK(g.bytes + ooo <= 100);
	nfmp_tap_group("hold: held and out-of-order bytes within the bound, a piece too large not held");
}

int main(void)
{
	test_ack_order();
	test_unacked();
	test_bounded();
	return nfmp_tap_done();
}
