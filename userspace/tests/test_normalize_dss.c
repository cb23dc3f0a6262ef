// SPDX-License-Identifier: GPL-2.0
/*
 * test_normalize_dss.c - data-level reassembly for `nfmptcp normalize`: in-order,
 * out-of-order, overlapping, reinjected and conflicting copies, gaps, the
 * out-of-order bound, 64-bit DSN wrap, 32-bit DSN widening, and random input
 * under ASan checked against a model.
 */
#include <stdlib.h>

#include "dss_reassembly.h"
#include "nfmp_tap.h"

#define OUT_MAX	(1 << 20)

struct sink {
	u8	out[OUT_MAX];
	u64	first;
	bool	have_first;
	u64	len;		/* bytes delivered, gap bytes included as 0xee */
	bool	order_err;
	u64	conflicts[16][4];	/* dsn, len, kept origin, other origin */
	unsigned int nconflicts;
	u64	gaps[16][2];
	unsigned int ngaps;
};

static void sink_put(struct sink *k, u64 dsn, const u8 *p, u64 len, bool gap)
{
	u64 i;

	if (!k->have_first) {
		k->have_first = true;
		k->first = dsn;
	}
	if (dsn != k->first + k->len)
		k->order_err = true;
	for (i = 0; i < len && k->len < OUT_MAX; i++)
		k->out[k->len++] = gap ? 0xee : p[i];
}

static void sink_deliver(void *ctx, u64 dsn, const u8 *p, u32 len)
{
	sink_put(ctx, dsn, p, len, false);
}

static void sink_conflict(void *ctx, u64 dsn, u32 len, u32 kept, u32 other)
{
	struct sink *k = ctx;

	if (k->nconflicts < 16) {
		k->conflicts[k->nconflicts][0] = dsn;
		k->conflicts[k->nconflicts][1] = len;
		k->conflicts[k->nconflicts][2] = kept;
		k->conflicts[k->nconflicts][3] = other;
	}
	k->nconflicts++;
}

static void sink_gap(void *ctx, u64 dsn, u64 len)
{
	struct sink *k = ctx;

	if (k->ngaps < 16) {
		k->gaps[k->ngaps][0] = dsn;
		k->gaps[k->ngaps][1] = len;
	}
	k->ngaps++;
	sink_put(k, dsn, NULL, len, true);
}

static const struct nfm_dss_ops ops = { sink_deliver, sink_conflict, sink_gap };

static u8 pat(u64 off)
{
	return (u8)(off * 131 + (off >> 9) * 7 + 3);
}

static u8 payload[OUT_MAX];

static void fill(void)
{
	for (u64 i = 0; i < OUT_MAX; i++)
		payload[i] = pat(i);
}

static struct sink *sink_new(void)
{
	return calloc(1, sizeof(struct sink));
}

/* add bytes [off, off+len) of the payload at DSN base + off */
static void add(struct nfm_dss_stream *s, u64 base, u64 off, u32 len)
{
	nfm_dss_add(s, base + off, payload + off, len, 0);
}

static void test_in_order(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = 1000;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1 << 16, 1 << 16));
	nfm_dss_start(&s, base);
	for (u64 off = 0; off < 10000; off += 100)
		add(&s, base, off, 100);
	NFMP_CHECK(k->len == 10000 && !memcmp(k->out, payload, 10000));
	NFMP_CHECK(!k->order_err && k->first == base);
	NFMP_CHECK(s.dup_bytes == 0 && s.gaps == 0 && s.conflicts == 0 && s.ooo_bytes == 0);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: in-order pieces delivered as they come");
}

static void test_out_of_order_and_reinjection(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = 77;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1 << 16, 1 << 16));
	nfm_dss_start(&s, base);
	/* subflow B carries 1000..2000 and 3000..4000 first, A the rest late */
	add(&s, base, 1000, 1000);
	add(&s, base, 3000, 1000);
	NFMP_CHECK(k->len == 0 && s.ooo_bytes == 2000);
	add(&s, base, 0, 1000);
	NFMP_CHECK(k->len == 2000);
	/* a reinjection overlapping both what was delivered and what is held */
	add(&s, base, 1500, 2000);
	NFMP_CHECK(k->len == 4000 && !memcmp(k->out, payload, 4000));
	/* a plain retransmission of delivered data */
	add(&s, base, 0, 4000);
	NFMP_CHECK(s.dup_bytes == 1000 + 4000);
	NFMP_CHECK(s.conflicts == 0 && s.gaps == 0 && !k->order_err && s.ooo_bytes == 0);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: out-of-order, overlapping and reinjected copies give each byte once");
}

static void test_conflict(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u8 evil[100];
	u64 base = 5000;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1 << 16, 1 << 16));
	nfm_dss_start(&s, base);
	/* held copy vs. later different copy */
	add(&s, base, 200, 100);
	memcpy(evil, payload + 200, 100);
	evil[10] ^= 0xff;
	evil[19] ^= 0x01;
	nfm_dss_add(&s, base + 200, evil, 100, 7);
	NFMP_CHECK(s.conflicts == 1 && k->nconflicts == 1);
	NFMP_CHECK(k->conflicts[0][0] == base + 210 && k->conflicts[0][1] == 10);
	/* the kept copy's origin (add() gives 0) and the other's */
	NFMP_CHECK(k->conflicts[0][2] == 0 && k->conflicts[0][3] == 7);
	nfm_dss_add(&s, base, payload, 40, 3);
	add(&s, base, 40, 160);
	/* delivered copy vs. later different copy (compared through the history) */
	memcpy(evil, payload + 50, 100);
	evil[0] ^= 0x55;
	nfm_dss_add(&s, base + 50, evil, 100, 9);
	NFMP_CHECK(s.conflicts == 2 && k->conflicts[1][0] == base + 50 && k->conflicts[1][1] == 1);
	/* the delivered byte came from origin 0 (base + 40 on), the one before from 3 */
	NFMP_CHECK(k->conflicts[1][2] == 0 && k->conflicts[1][3] == 9);
	evil[0] = payload[30] ^ 0x11;
	nfm_dss_add(&s, base + 30, evil, 1, 9);
	NFMP_CHECK(s.conflicts == 3 && k->conflicts[2][0] == base + 30 && k->conflicts[2][2] == 3);
	/* the first copy is the one written */
	NFMP_CHECK(k->len == 300 && !memcmp(k->out, payload, 300));
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: a different copy of a DSN range is reported with its range, first copy kept");
}

static void test_gaps_and_bound(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = 1;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 4000, 1 << 12));
	nfm_dss_start(&s, base);
	add(&s, base, 0, 100);
	/* 100..200 never comes; 3000 bytes after it fit the bound */
	for (u64 off = 200; off < 3200; off += 1000)
		add(&s, base, off, 1000);
	NFMP_CHECK(k->len == 100 && s.ooo_bytes == 3000);
	/* more than the bound holds: the hole is skipped and reported */
	add(&s, base, 3200, 1500);
	NFMP_CHECK(s.forced >= 1 && k->ngaps == 1);
	NFMP_CHECK(k->gaps[0][0] == base + 100 && k->gaps[0][1] == 100);
	NFMP_CHECK(s.ooo_bytes <= 4000);
	/* a hole at the end: flush reports it */
	add(&s, base, 6000, 100);
	nfm_dss_flush(&s);
	NFMP_CHECK(k->ngaps == 2 && k->gaps[1][0] == base + 4700 && k->gaps[1][1] == 1300);
	NFMP_CHECK(k->len == 6100 && !k->order_err && s.ooo_bytes == 0);
	NFMP_CHECK(!memcmp(k->out + 200, payload + 200, 4500));
	/* late bytes of a skipped range: counted as old copies, never delivered */
	add(&s, base, 120, 10);
	NFMP_CHECK(k->len == 6100);
	/* DATA_FIN beyond the data: skip_to */
	nfm_dss_skip_to(&s, base + 6200);
	NFMP_CHECK(s.next == base + 6200 && k->ngaps == 3);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: gaps reported, out-of-order store stays within its bound");
}

/*
 * The bound gives up a hole, never bytes in hand: a piece that starts before
 * the first held one (or at the next DSN) while the store is full is written,
 * only the hole before it a gap (found by fuzz_reassembly: the forced skip
 * went to the held piece, over the new one's first bytes).
 */
static void test_bound_keeps_new_piece(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = 1;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 150, 1 << 12));
	nfm_dss_start(&s, base);
	add(&s, base, 100, 100);		/* held: [100, 200) */
	add(&s, base, 50, 100);			/* 100 + 100 > 150: [0, 50) given up */
	NFMP_CHECK(k->ngaps == 1 && k->gaps[0][0] == base && k->gaps[0][1] == 50);
	NFMP_CHECK(k->len == 200 && !k->order_err && s.ooo_bytes == 0);
	NFMP_CHECK(!memcmp(k->out + 50, payload + 50, 150));
	/* control: starting at the next DSN, overlapping the held piece, no gap at all */
	add(&s, base, 300, 100);		/* held: [300, 400) */
	add(&s, base, 200, 120);
	NFMP_CHECK(k->ngaps == 1 && k->len == 400 && !k->order_err && s.ooo_bytes == 0);
	NFMP_CHECK(!memcmp(k->out + 200, payload + 200, 200));
	NFMP_CHECK(s.delivered == 350 && s.gap_bytes == 50);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: the out-of-order bound gives up holes, never the piece that overflows it");
}

/*
 * A skip that ends where a held piece starts delivers it: nothing stays held
 * at the next DSN (found by fuzz_reassembly: a DATA_FIN at a held piece's DSN
 * left it waiting for the next add or the end).
 */
static void test_skip_to_held(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = 1;

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1000, 1 << 12));
	nfm_dss_start(&s, base);
	add(&s, base, 0, 10);
	add(&s, base, 100, 50);
	add(&s, base, 300, 50);
	/* control: a skip short of the first held piece delivers nothing */
	nfm_dss_skip_to(&s, base + 90);
	NFMP_CHECK(s.next == base + 90 && k->len == 90 && s.ooo_bytes == 100);
	nfm_dss_skip_to(&s, base + 100);
	NFMP_CHECK(s.next == base + 150 && k->len == 150 && s.ooo_bytes == 50);
	NFMP_CHECK(s.ooo && s.ooo->dsn == base + 300);
	NFMP_CHECK(k->ngaps == 2 && !k->order_err);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: a skip to a held piece's DSN delivers it");
}

static void test_wrap_and_32bit(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	u64 base = ~0ull - 1500;	/* crosses 2^64 */

	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1 << 16, 1 << 16));
	nfm_dss_start(&s, base);
	add(&s, base, 2000, 1000);
	add(&s, base, 1000, 1000);
	add(&s, base, 0, 1000);
	add(&s, base, 1400, 200);	/* copy straddling the wrap */
	NFMP_CHECK(k->len == 3000 && !memcmp(k->out, payload, 3000) && !k->order_err);
	NFMP_CHECK(s.next == base + 3000 && s.dup_bytes == 200 && s.conflicts == 0);
	nfm_dss_free(&s);
	free(k);

	NFMP_CHECK(nfm_dss_expand32(0x100000010ull, 0x20) == 0x100000020ull);
	NFMP_CHECK(nfm_dss_expand32(0x1fffffff0ull, 0x10) == 0x200000010ull);
	NFMP_CHECK(nfm_dss_expand32(0x200000010ull, 0xfffffff0u) == 0x1fffffff0ull);
	NFMP_CHECK(nfm_dss_expand32(5, 0xfffffffbu) == ~0ull - 4);
	NFMP_CHECK(nfm_dss_expand32(~0ull - 4, 5) == 5);
	nfmp_tap_group("dss: 64-bit DSN wrap, 32-bit DSNs widened to the nearest 64-bit value");
}

/* Random pieces, some corrupted, against a model: each byte delivered once, in order, first copy. */
static void test_random(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	static u8 model[1 << 16], have[1 << 16], buf[4096];
	unsigned int round, i;
	u64 base;

	srand(12);
	for (round = 0; round < 200; round++) {
		u32 total = 1 + rand() % (1 << 15), bound = 1 + rand() % (1 << 16);
		bool forced;

		memset(k, 0, sizeof(*k));
		memset(have, 0, sizeof(have));
		base = ((u64)rand() << 33) ^ ((u64)rand() << 2) ^ (round & 1 ? ~0ull - 9000 : 0);
		NFMP_CHECK(!nfm_dss_init(&s, &ops, k, bound, rand() % 3 ? 1u << 14 : 0));
		nfm_dss_start(&s, base);
		for (i = 0; i < 400; i++) {
			u32 off = rand() % total, len = 1 + rand() % 3000, b;

			if (off + len > total)
				len = total - off;
			memcpy(buf, payload + off, len);
			if (rand() % 10 == 0)
				buf[rand() % len] ^= 1 + rand() % 255;
			for (b = 0; b < len; b++) {
				if (!have[off + b]) {
					have[off + b] = 1;
					model[off + b] = buf[b];
				}
			}
			nfm_dss_add(&s, base + off, buf, len, 0);
			NFMP_CHECK(s.ooo_bytes <= bound + 3000u);
		}
		nfm_dss_flush(&s);
		forced = s.forced != 0;
		NFMP_CHECKF(!k->order_err, "round %u", round);
		NFMP_CHECKF(k->len == (u64)(s.next - base), "round %u", round);
		/* without forced skips, everything delivered equals the model's first copies */
		for (i = 0; !forced && i < k->len; i++) {
			if (have[i] && k->out[i] != model[i]) {
				NFMP_CHECKF(0, "round %u byte %u", round, i);
				break;
			}
		}
		nfm_dss_free(&s);
	}
	free(k);
	nfmp_tap_group("dss: 200 rounds of random pieces and corrupted copies match a first-copy model");
}

static void test_garbage(void)
{
	struct sink *k = sink_new();
	struct nfm_dss_stream s;
	static u8 buf[70000];
	unsigned int i;

	srand(99);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = rand();
	NFMP_CHECK(!nfm_dss_init(&s, &ops, k, 1 << 18, 1 << 12));
	for (i = 0; i < 20000; i++) {
		u64 dsn = ((u64)rand() << 32) | rand();
		u32 len = rand() % 70000;

		if (rand() % 2)
			dsn = s.next + (rand() % 200000) - 100000;
		k->len = 0;
		k->have_first = false;
		nfm_dss_add(&s, dsn, buf, len, 0);
		NFMP_CHECK(s.ooo_bytes <= (1 << 18) + 70000);
	}
	nfm_dss_flush(&s);
	NFMP_CHECK(s.ooo == NULL && s.ooo_bytes == 0);
	nfm_dss_free(&s);
	free(k);
	nfmp_tap_group("dss: 20000 random pieces anywhere in the 64-bit space: no crash, store bounded");
}

int main(void)
{
	fill();
	test_in_order();
	test_out_of_order_and_reinjection();
	test_conflict();
	test_gaps_and_bound();
	test_bound_keeps_new_piece();
	test_skip_to_held();
	test_wrap_and_32bit();
	test_random();
	test_garbage();
	return nfmp_tap_done();
}
