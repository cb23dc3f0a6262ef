/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dss_reassembly.h - one direction of an MPTCP connection's data stream, rebuilt
 * in data-sequence (DSN) order from the pieces the subflows carry (RFC 8684 §3.3):
 * each byte delivered once, copies compared, bounded out-of-order store.
 */
#ifndef _NFM_DSS_REASSEMBLY_H
#define _NFM_DSS_REASSEMBLY_H

#include "nfmp_types.h"

struct nfm_dss_seg {
	struct nfm_dss_seg	*next;		/* ascending DSN, never overlapping */
	u64			dsn;
	u32			len;
	u32			origin;		/* as given to nfm_dss_add() */
	u8			data[];
};

/* The origin of bytes delivered too long ago to be known (see nfm_dss_stream.runs). */
#define NFM_DSS_ORIGIN_UNKNOWN	0xffffffffu
#define NFM_DSS_RUNS		16

/*
 * What the stream tells its owner. @deliver gets the bytes in DSN order, each
 * exactly once; @conflict a range whose later copy (from @other) differs from
 * the one kept (from @kept: the first copy added wins); @gap a range skipped
 * without data (capture loss, or the out-of-order store hit its bound).
 * Origins are the owner's names for where a copy came from.
 */
struct nfm_dss_ops {
	void (*deliver)(void *ctx, u64 dsn, const u8 *p, u32 len);
	void (*conflict)(void *ctx, u64 dsn, u32 len, u32 kept, u32 other);
	void (*gap)(void *ctx, u64 dsn, u64 len);
};

/* Delivered bytes from @dsn on (up to the next run) came from @origin. */
struct nfm_dss_run {
	u64	dsn;
	u32	origin;
};

struct nfm_dss_stream {
	const struct nfm_dss_ops *ops;
	void			*ctx;
	bool			started;
	u64			next;		/* next DSN to deliver */
	struct nfm_dss_seg	*ooo;		/* held beyond @next */
	size_t			ooo_bytes;
	size_t			max_ooo;	/* bound of @ooo_bytes */
	/* the last delivered bytes, to compare late copies against: DSN x at hist[x & hist_mask] */
	u8			*hist;
	u32			hist_cap;	/* 0: no history (none asked, or released) */
	u32			hist_mask;
	u32			hist_len;
	/* origins of the history's bytes: a ring of runs, the newest at runs[run_head] */
	struct nfm_dss_run	runs[NFM_DSS_RUNS];
	u32			run_head, nruns;
	/* counters */
	u64			delivered;
	u64			dup_bytes;	/* copies of bytes already held or delivered */
	u64			old_bytes;	/* copies too old to compare (beyond the history) */
	u64			conflicts;	/* conflict ranges reported */
	u64			conflict_bytes;
	u64			gaps;
	u64			gap_bytes;
	u64			forced;		/* gaps forced by the out-of-order bound */
	bool			oom;
};

/*
 * @max_ooo bounds the out-of-order bytes held; @hist_bytes (rounded up to a
 * power of two, 0 = no comparison of late copies) is how far back late copies
 * are compared. Returns -1 if the history cannot be allocated.
 */
int nfm_dss_init(struct nfm_dss_stream *s, const struct nfm_dss_ops *ops, void *ctx,
		 size_t max_ooo, u32 hist_bytes);
/* Frees the held data and the history; the counters stay, the stream stays usable. */
void nfm_dss_free(struct nfm_dss_stream *s);

/* The first DSN of the stream (IDSN + 1); without it the first piece added sets it. */
void nfm_dss_start(struct nfm_dss_stream *s, u64 first_dsn);

/* A 32-bit DSN (DSS without flag m) widened to the 64-bit value nearest @ref. */
u64 nfm_dss_expand32(u64 ref, u32 dsn32);

/*
 * @len bytes at DSN @dsn, from any subflow (named @origin in conflicts), in
 * any order. Delivers what became in order.
 */
void nfm_dss_add(struct nfm_dss_stream *s, u64 dsn, const u8 *p, u32 len, u32 origin);

/* End of input: deliver everything held, reporting the holes as gaps. */
void nfm_dss_flush(struct nfm_dss_stream *s);

/* Skip to @dsn (e.g. a DATA_FIN beyond the last byte seen), delivering held data, reporting holes. */
void nfm_dss_skip_to(struct nfm_dss_stream *s, u64 dsn);

/* a < b in sequence space (wrap-safe) */
static inline bool nfm_dsn_before(u64 a, u64 b)
{
	return (int64_t)(a - b) < 0;
}

#endif /* _NFM_DSS_REASSEMBLY_H */
