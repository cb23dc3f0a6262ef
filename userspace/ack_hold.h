/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ack_hold.h - payload held per subflow direction until the receiver's
 * cumulative subflow ACK covers it, then released in ACK order: of two copies
 * of one data-sequence range, the one the receiver acknowledged first reaches
 * the reassembly first and is the one written.
 */
#ifndef _NFM_ACK_HOLD_H
#define _NFM_ACK_HOLD_H

#include "nfmp_types.h"

struct nfm_hold_piece {
	struct nfm_hold_piece	*next;		/* arrival order */
	u64			order;		/* arrival number in the group */
	u64			dsn;
	u32			rel;		/* relative subflow sequence of data[off] */
	u32			len;		/* bytes left, from data[off] */
	u32			off;
	u8			data[];
};

struct nfm_hold_group;

/* One subflow direction: its pieces in arrival order. */
struct nfm_hold_queue {
	struct nfm_hold_group	*g;
	struct nfm_hold_queue	*gnext;		/* the group's queues */
	struct nfm_hold_piece	*head, **tail;
	u32			origin;		/* given to @release with this queue's pieces */
	u32			tail_end;	/* rel just after the last piece appended */
	bool			ascending;	/* each piece starts at or after the previous one's end */
	bool			ack_known;
	u32			acked;		/* the receiver's cumulative ACK, relative */
};

/*
 * One data stream direction: the queues of all its subflows. @release gets
 * each piece (or the part of it that an ACK covers) once, with @acked true if
 * its subflow ACK released it, false if it was released without one (bound,
 * end of the subflow or of the capture).
 */
struct nfm_hold_group {
	void			(*release)(void *ctx, u32 origin, bool acked, u64 dsn,
					   const u8 *p, u32 len);
	void			*ctx;
	struct nfm_hold_queue	*queues;
	u64			next_order;
	size_t			bytes;		/* held now */
	u64			unacked_bytes;	/* released without an ACK */
	u64			forced_releases; /* by nfm_hold_add_bounded() */
	bool			oom;
};

void nfm_hold_group_init(struct nfm_hold_group *g,
			 void (*release)(void *ctx, u32 origin, bool acked, u64 dsn,
					 const u8 *p, u32 len),
			 void *ctx);
/* @q joins @g; @origin names the subflow direction in @release. */
void nfm_hold_queue_init(struct nfm_hold_queue *q, struct nfm_hold_group *g, u32 origin);

/*
 * @len bytes at relative subflow sequence @rel, DSN @dsn. What the receiver
 * already acknowledged is released at once (a retransmission), the rest held.
 * Without memory the piece is released at once, unacked.
 */
void nfm_hold_add(struct nfm_hold_queue *q, u32 rel, u64 dsn, const u8 *p, u32 len);

/* The receiver's cumulative ACK @ack (relative): releases what it covers, in arrival order. */
void nfm_hold_ack(struct nfm_hold_queue *q, u32 ack);

/* Releases @q's pieces in arrival order, unacked (the subflow ended). */
void nfm_hold_release_queue(struct nfm_hold_queue *q);

/* Releases the group's oldest piece, unacked. Returns false if nothing was held. */
bool nfm_hold_release_oldest(struct nfm_hold_group *g);

/*
 * nfm_hold_add() within a bound: while the group's held bytes, *@other (held
 * elsewhere, e.g. the reassembly's out-of-order bytes, which each release may
 * change) and @len exceed @max, the oldest piece is released, unacked. A piece
 * that does not fit even so is not held: released at once, unacked.
 */
void nfm_hold_add_bounded(struct nfm_hold_queue *q, u32 rel, u64 dsn, const u8 *p, u32 len,
			  const size_t *other, size_t max);

/* Releases everything held in the group, in arrival order, unacked. */
void nfm_hold_release_all(struct nfm_hold_group *g);

/* Frees @q's pieces without releasing them. */
void nfm_hold_queue_free(struct nfm_hold_queue *q);

#endif /* _NFM_ACK_HOLD_H */
