// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_normalize.c - `nfmptcp normalize IN.pcap OUT.pcap`: rewrite a capture so
 * that each MPTCP connection is one ordinary TCP connection an IDS can follow.
 *
 * The replay tables (replay_table.c) place every segment in its subflow and
 * connection; this file maps each subflow's payload into the data sequence
 * space through its DSS mappings (RFC 8684 §3.3.1), holds it until the
 * receiver's subflow ACK covers it (ack_hold.c: of two differing copies, the
 * one acknowledged first is written), feeds one dss_reassembly stream per
 * direction in that order, and writes what comes out in order as a
 * TCP connection on the initial subflow's addresses whose sequence numbers are
 * the low 32 bits of the DSNs. Everything that is not MPTCP is copied as is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ack_hold.h"
#include "dss_reassembly.h"
#include "json_out.h"
#include "nfmptcp.h"
#include "pcap_normalize_writer.h"
#include "replay_table.h"

#define NFM_NZ_MAPS		8	/* DSS mappings remembered per subflow direction */
#define NFM_NZ_RANGES		16	/* conflict / gap ranges listed per connection */
#define NFM_NZ_HIST		(64 * 1024)
#define NFM_NZ_DEF_OOO		(4u << 20)
#define NFM_NZ_WINDOW		65535
#define NFM_NZ_ACK_EVERY	16384	/* a pure ACK at least this often keeps the window open */
#define NFM_NZ_LIVE_BUFFER	(32 << 20)	/* live capture ring */
#define NFM_NZ_LIVE_TIMEOUT_MS	50

struct nfm_nz_map {
	u64	dsn;
	u32	ssn;		/* relative subflow sequence number, 1 = first byte */
	u32	len;
};

/* Per subflow: what maps its bytes to DSNs. */
struct nfm_nz_sf {
	struct nfm_nz_sf	*hnext;
	const struct nfm_rp_sf	*sf;
	u32			isn[2];		/* [NFMP_DIR_*] */
	bool			isn_known[2];
	struct nfm_nz_map	map[2][NFM_NZ_MAPS];
	unsigned int		nmap[2], mapi[2];
	bool			infinite[2];	/* infinite mapping: dsn = delta + ssn */
	u64			delta[2];
	/* payload not yet acknowledged by the receiver, per direction */
	struct nfm_hold_queue	hold[2];
	bool			hold_ready[2];
	bool			fin[2];
	unsigned int		num;		/* in its connection, in order of appearance: 0 initial */
	bool			numbered;
	/*
	 * A join's SYN and SYN/ACK, held until its HMAC is checked on the third
	 * ACK: a join the endpoints refuse is written out unchanged, whole.
	 */
	u8			*held[2];
	struct pcap_pkthdr	held_hdr[2];
};

/*
 * Where a copy came from, in conflicts: subflow number << 1 | 1 if that
 * subflow's ACK released it (0: released unacknowledged), or
 * NFM_DSS_ORIGIN_UNKNOWN.
 */
#define NFM_NZ_ORIGIN(num, acked)	((u32)(num) << 1 | (u32)!!(acked))

struct nfm_nz_range {
	u64	dsn;
	u64	len;
	u32	kept, other;	/* conflicts: origin of the written copy, of the other */
};

struct nfm_nz_conn;

/* One direction of the normalized connection: data sent by end @end. */
struct nfm_nz_side {
	struct nfm_nz_conn	*nc;
	u8			end;
	struct nfm_dss_stream	s;
	struct nfm_hold_group	hold;		/* this end's unacknowledged payload */
	u64			held_end;	/* DSN after the furthest byte held */
	bool			fin_seen, fin_sent;
	u64			fin_dsn;
	u64			after_fin;	/* bytes mapped at or past the DATA_FIN: dropped */
	u64			unacked;	/* bytes written since the peer's last ACK */
	u64			unmapped;	/* payload bytes no mapping covered */
	struct nfm_nz_range	conflict[NFM_NZ_RANGES];
	unsigned int		nconflict;
	struct nfm_nz_range	gap[NFM_NZ_RANGES];
	unsigned int		ngap;
};

enum nfm_nz_mode {
	NFM_NZ_PENDING,		/* SYN seen, SYN/ACK not yet */
	NFM_NZ_MPTCP,		/* normalized */
	NFM_NZ_PASSTHRU,	/* fell back at the SYN/ACK: already an ordinary TCP connection */
};

struct nfm_nz_conn {
	struct nfm_nz_conn	*hnext, *next;
	const struct nfm_rp_conn *rc;
	struct nfm_nz_norm	*nz;
	u8			mode;
	bool			hs_written, closed;
	struct nfm_tuple	t;		/* initial subflow, client -> server */
	u8			l2[2][NFM_NW_MAX_L2];	/* [end] link header of that end's frames */
	u8			l2len[2];
	bool			l2ok[2];
	u8			*syn;		/* the original SYN, for a passthrough connection */
	struct pcap_pkthdr	syn_hdr;
	struct timeval		hs_ts[3];
	u16			ip_id[2];
	struct nfm_nz_side	side[2];	/* [NFMP_CLIENT], [NFMP_SERVER] */
	unsigned int		nsubflows;	/* numbered so far */
	u64			dss_csum, mp_fail, infinite, fastclose;
	u64			packets_in, packets_out;
};

struct nfm_nz_norm {
	struct nfm_rp_table	t;
	pcap_dumper_t		*out;
	int			dlt;
	size_t			max_ooo;
	struct nfm_nz_conn	**cb;		/* by nfm_rp_conn pointer */
	struct nfm_nz_sf	**sb;		/* by nfm_rp_sf pointer */
	u32			mask;
	struct nfm_nz_conn	*head, *tail;
	struct timeval		last_ts;
	struct timeval		now;		/* timestamp of the frame being handled */
	u64			in, passed, written, synthesized, consumed;
	u64			capture_dropped;	/* live: frames the kernel or NIC dropped */
	bool			live;
	bool			oom;
	u8			frame[NFM_NW_MAX_FRAME];
};

static u32 nfm_nz_ptrhash(const void *p, u32 mask)
{
	uintptr_t v = (uintptr_t)p;

	v ^= v >> 17;
	v *= 0x9e3779b97f4a7c15ull;
	return (u32)(v >> 32) & mask;
}

/* ---- output -------------------------------------------------------------- */

/* timercmp(a, b, <) spelled out: cppcheck cannot expand a macro whose argument is an operator */
static bool nfm_nz_ts_before(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_usec < b->tv_usec);
}

/* Timestamps must not go backwards in the output, even when a packet is written late. */
static void nfm_nz_write(struct nfm_nz_norm *nz, const struct pcap_pkthdr *h, const u8 *data)
{
	struct pcap_pkthdr oh = *h;

	if (nfm_nz_ts_before(&oh.ts, &nz->last_ts))
		oh.ts = nz->last_ts;
	nz->last_ts = oh.ts;
	pcap_dump((u_char *)nz->out, &oh, data);
	nz->written++;
}

/*
 * Where the data written for @sd ends: the stream's next less the bytes
 * dropped past the DATA_FIN (always its tail).
 */
static u64 nfm_nz_written_end(const struct nfm_nz_side *sd)
{
	return sd->s.next - sd->after_fin;
}

static u32 nfm_nz_ack_of(const struct nfm_nz_side *peer)
{
	return (u32)(nfm_nz_written_end(peer) + (peer->fin_sent ? 1 : 0));
}

/* One synthetic segment from end @end. */
static void nfm_nz_emit(struct nfm_nz_conn *nc, u8 end, u32 seq, u8 flags, const u8 *p, u32 len,
			struct timeval ts)
{
	struct nfm_nz_norm *nz = nc->nz;
	struct nfm_nw_seg s = { 0 };
	struct pcap_pkthdr h;
	bool c = end == NFMP_CLIENT;

	s.family = nc->t.family;
	s.src = c ? nc->t.saddr : nc->t.daddr;
	s.dst = c ? nc->t.daddr : nc->t.saddr;
	s.sport = c ? nc->t.sport : nc->t.dport;
	s.dport = c ? nc->t.dport : nc->t.sport;
	s.seq = seq;
	s.flags = flags;
	if (flags & 0x10)
		s.ack = nfm_nz_ack_of(&nc->side[!end]);
	s.window = NFM_NZ_WINDOW;
	s.ip_id = nc->ip_id[end]++;
	s.payload = p;
	s.len = len;
	h.ts = ts;
	h.caplen = h.len = nfm_nw_build(nz->frame, nc->l2[end], nc->l2len[end], &s);
	nfm_nz_write(nz, &h, nz->frame);
	nz->synthesized++;
	nc->packets_out++;
}

/* The first DSN of @end's data: IDSN + 1 once its key is known (RFC 8684 §3.1). */
static void nfm_nz_side_start(struct nfm_nz_conn *nc, u8 end, u64 fallback_dsn)
{
	const struct nfmp_conn *c = &nc->rc->c;
	u32 token;
	u64 idsn;

	if (nc->side[end].s.started)
		return;
	if (c->flags & (end == NFMP_CLIENT ? NFMP_CONN_F_KEY_CLIENT : NFMP_CONN_F_KEY_SERVER)) {
		nfmp_key_to_token(c->version, c->key[end], &token, &idsn);
		nfm_dss_start(&nc->side[end].s, idsn + 1);
	} else {
		nfm_dss_start(&nc->side[end].s, fallback_dsn);
	}
}

/* SYN, SYN/ACK, ACK of the normalized connection, written before its first data or FIN. */
static void nfm_nz_handshake(struct nfm_nz_conn *nc)
{
	u64 isn_c, isn_s;

	if (nc->hs_written)
		return;
	nc->hs_written = true;
	nfm_nz_side_start(nc, NFMP_CLIENT, 1);
	nfm_nz_side_start(nc, NFMP_SERVER, 1);
	/* the peers' link headers: the client's for the server's frames if the server sent none */
	if (!nc->l2ok[NFMP_SERVER]) {
		memcpy(nc->l2[NFMP_SERVER], nc->l2[NFMP_CLIENT], nc->l2len[NFMP_CLIENT]);
		nc->l2len[NFMP_SERVER] = nc->l2len[NFMP_CLIENT];
	}
	isn_c = nc->side[NFMP_CLIENT].s.next - 1;
	isn_s = nc->side[NFMP_SERVER].s.next - 1;
	/* no data delivered yet: each ACK is the peer's ISN + 1 */
	nfm_nz_emit(nc, NFMP_CLIENT, (u32)isn_c, 0x02, NULL, 0, nc->hs_ts[0]);
	nfm_nz_emit(nc, NFMP_SERVER, (u32)isn_s, 0x12, NULL, 0, nc->hs_ts[1]);
	nfm_nz_emit(nc, NFMP_CLIENT, (u32)(isn_c + 1), 0x10, NULL, 0, nc->hs_ts[2]);
}

static void nfm_nz_pure_ack(struct nfm_nz_conn *nc, u8 end)
{
	struct nfm_nz_side *me = &nc->side[end];

	nfm_nz_emit(nc, end, nfm_nz_ack_of(me), 0x10, NULL, 0, nc->nz->now);
	nc->side[!end].unacked = 0;
}

static void nfm_nz_deliver(void *ctx, u64 dsn, const u8 *p, u32 len)
{
	struct nfm_nz_side *sd = ctx;
	struct nfm_nz_conn *nc = sd->nc;
	u32 n, drop = 0;

	/*
	 * The receiver takes nothing past the DATA_FIN: bytes mapped there (sent
	 * for the IDS alone) are dropped and counted, never written.
	 */
	if (sd->fin_seen && !nfm_dsn_before(dsn, sd->fin_dsn))
		drop = len;
	else if (sd->fin_seen && nfm_dsn_before(sd->fin_dsn, dsn + len))
		drop = (u32)(dsn + len - sd->fin_dsn);
	len -= drop;
	if (len)
		nfm_nz_handshake(nc);
	while (len) {
		n = len > NFM_NW_MSS ? NFM_NW_MSS : len;
		nfm_nz_emit(nc, sd->end, (u32)dsn, 0x18, p, n, nc->nz->now);
		/* the stream's next moves after the callback: account here for the ACK value */
		dsn += n;
		p += n;
		len -= n;
		sd->unacked += n;
		if (sd->unacked >= NFM_NZ_ACK_EVERY) {
			/* the peer acknowledges up to dsn: stream next is not yet updated */
			u64 save = sd->s.next;

			sd->s.next = dsn;
			nfm_nz_pure_ack(nc, !sd->end);
			sd->s.next = save;
		}
	}
	sd->after_fin += drop;
}

static void nfm_nz_range_add(struct nfm_nz_range *r, unsigned int *n, u64 dsn, u64 len,
			     u32 kept, u32 other)
{
	struct nfm_nz_range *l = *n ? &r[*n - 1] : NULL;

	if (l && l->dsn + l->len == dsn && l->kept == kept && l->other == other) {
		l->len += len;		/* adjacent, same copies: one range */
		return;
	}
	if (*n < NFM_NZ_RANGES)
		r[(*n)++] = (struct nfm_nz_range){ dsn, len, kept, other };
}

static void nfm_nz_conflict(void *ctx, u64 dsn, u32 len, u32 kept, u32 other)
{
	struct nfm_nz_side *sd = ctx;

	nfm_nz_range_add(sd->conflict, &sd->nconflict, dsn, len, kept, other);
}

static void nfm_nz_gap(void *ctx, u64 dsn, u64 len)
{
	struct nfm_nz_side *sd = ctx;

	nfm_nz_range_add(sd->gap, &sd->ngap, dsn, len, 0, 0);
}

/* Held payload goes into the data stream: acknowledged, or given up waiting. */
static void nfm_nz_release(void *ctx, u32 num, bool acked, u64 dsn, const u8 *p, u32 len)
{
	struct nfm_nz_side *sd = ctx;

	nfm_dss_add(&sd->s, dsn, p, len, NFM_NZ_ORIGIN(num, acked));
}

static const struct nfm_dss_ops nfm_nz_dss_ops = {
	.deliver	= nfm_nz_deliver,
	.conflict	= nfm_nz_conflict,
	.gap		= nfm_nz_gap,
};

/* After data or a DATA_FIN: ACK what arrived, FIN where the DATA_FIN was. */
static void nfm_nz_settle(struct nfm_nz_conn *nc)
{
	unsigned int e;

	for (e = 0; e < 2; e++) {
		struct nfm_nz_side *sd = &nc->side[e];

		if (sd->fin_seen && !sd->fin_sent && sd->s.started &&
		    !nfm_dsn_before(sd->s.next, sd->fin_dsn)) {
			nfm_nz_handshake(nc);
			nfm_nz_emit(nc, e, (u32)nfm_nz_written_end(sd), 0x11, NULL, 0, nc->nz->now);
			sd->fin_sent = true;
			sd->unacked = 1;
		}
	}
	for (e = 0; e < 2; e++)
		if (nc->side[e].unacked)
			nfm_nz_pure_ack(nc, !e);
	if (nc->side[0].fin_sent && nc->side[1].fin_sent && !nc->closed) {
		/* both directions complete: memory goes back, late copies are only counted */
		nc->closed = true;
		nfm_hold_release_all(&nc->side[0].hold);
		nfm_hold_release_all(&nc->side[1].hold);
		nfm_dss_free(&nc->side[0].s);
		nfm_dss_free(&nc->side[1].s);
	}
}

/* ---- tables -------------------------------------------------------------- */

static struct nfm_nz_sf *nfm_nz_sf_get(struct nfm_nz_norm *nz, const struct nfm_rp_sf *sf)
{
	u32 b = nfm_nz_ptrhash(sf, nz->mask);
	struct nfm_nz_sf *s;

	for (s = nz->sb[b]; s; s = s->hnext)
		if (s->sf == sf)
			return s;
	s = calloc(1, sizeof(*s));
	if (!s) {
		nz->oom = true;
		return NULL;
	}
	s->sf = sf;
	s->isn[NFMP_DIR_ORIG] = sf->isn;
	s->isn_known[NFMP_DIR_ORIG] = true;
	s->hnext = nz->sb[b];
	nz->sb[b] = s;
	return s;
}

static struct nfm_nz_conn *nfm_nz_conn_find(struct nfm_nz_norm *nz, const struct nfm_rp_conn *rc)
{
	struct nfm_nz_conn *nc;

	for (nc = nz->cb[nfm_nz_ptrhash(rc, nz->mask)]; nc; nc = nc->hnext)
		if (nc->rc == rc)
			return nc;
	return NULL;
}

static struct nfm_nz_conn *nfm_nz_conn_new(struct nfm_nz_norm *nz, const struct nfm_rp_conn *rc,
					   const struct nfm_rp_sf *sf)
{
	u32 b = nfm_nz_ptrhash(rc, nz->mask);
	struct nfm_nz_conn *nc;
	unsigned int e;

	nc = calloc(1, sizeof(*nc));
	if (!nc) {
		nz->oom = true;
		return NULL;
	}
	nc->rc = rc;
	nc->nz = nz;
	nc->t = sf->t;
	for (e = 0; e < 2; e++) {
		nc->side[e].nc = nc;
		nc->side[e].end = e;
		if (nfm_dss_init(&nc->side[e].s, &nfm_nz_dss_ops, &nc->side[e], nz->max_ooo,
				 NFM_NZ_HIST))
			nz->oom = true;
		nfm_hold_group_init(&nc->side[e].hold, nfm_nz_release, &nc->side[e]);
	}
	nc->hnext = nz->cb[b];
	nz->cb[b] = nc;
	if (nz->tail)
		nz->tail->next = nc;
	else
		nz->head = nc;
	nz->tail = nc;
	return nc;
}

/* ---- mapping ------------------------------------------------------------- */

static void nfm_nz_add_map(struct nfm_nz_sf *s, u8 dir, u64 dsn, u32 ssn, u32 len)
{
	unsigned int i;

	for (i = 0; i < s->nmap[dir]; i++) {
		struct nfm_nz_map *m = &s->map[dir][i];

		if (m->dsn == dsn && m->ssn == ssn && m->len == len)
			return;		/* the same mapping on every segment of it */
	}
	s->map[dir][s->mapi[dir]] = (struct nfm_nz_map){ dsn, ssn, len };
	s->mapi[dir] = (s->mapi[dir] + 1) % NFM_NZ_MAPS;
	if (s->nmap[dir] < NFM_NZ_MAPS)
		s->nmap[dir]++;
}

/* The mapping covering relative subflow sequence @rel: DSN in @dsn, bytes it still covers. */
static u32 nfm_nz_lookup(const struct nfm_nz_sf *s, u8 dir, u32 rel, u64 *dsn)
{
	unsigned int i;

	for (i = 0; i < s->nmap[dir]; i++) {
		const struct nfm_nz_map *m = &s->map[dir][i];
		u32 off = rel - m->ssn;

		if (off < m->len) {
			*dsn = m->dsn + off;
			return m->len - off;
		}
	}
	if (s->infinite[dir]) {
		*dsn = s->delta[dir] + rel;
		return 0xffffffffu;
	}
	return 0;
}

/* Where @end's data stream has got to, counting what is held: DSN of the next new byte. */
static u64 nfm_nz_front(const struct nfm_nz_side *sd)
{
	if (sd->hold.bytes && nfm_dsn_before(sd->s.next, sd->held_end))
		return sd->held_end;
	return sd->s.next;
}

/*
 * @len bytes at relative subflow sequence @rel, DSN @dsn: held until the
 * receiver acknowledges them. Held and out-of-order data of one direction
 * together stay within -m: beyond it the oldest held pieces go on unacked.
 */
static void nfm_nz_hold(struct nfm_nz_conn *nc, struct nfm_nz_sf *s, u8 dir, u8 end, u32 rel,
			u64 dsn, const u8 *p, u32 len)
{
	struct nfm_nz_side *sd = &nc->side[end];

	if (nc->closed) {
		/* both directions written: a late copy is only counted */
		nfm_dss_add(&sd->s, dsn, p, len, NFM_NZ_ORIGIN(s->num, false));
		return;
	}
	if (!s->hold_ready[dir]) {
		nfm_hold_queue_init(&s->hold[dir], &sd->hold, s->num);
		s->hold_ready[dir] = true;
	}
	if (!sd->hold.bytes || nfm_dsn_before(sd->held_end, dsn + len))
		sd->held_end = dsn + len;
	nfm_hold_add_bounded(&s->hold[dir], rel, dsn, p, len, &sd->s.ooo_bytes, nc->nz->max_ooo);
	if (sd->hold.oom)
		nc->nz->oom = true;
}

/* The payload of one segment into the data stream of its sender. */
static void nfm_nz_payload(struct nfm_nz_conn *nc, struct nfm_nz_sf *s, u8 dir, u8 end,
			   u32 seq, const u8 *p, u32 len)
{
	struct nfm_nz_side *sd = &nc->side[end];
	bool fallback = nc->rc->c.state == NFMP_CONN_FALLBACK;
	u32 rel, n, cov;
	u64 dsn;

	if (!s->isn_known[dir])
		return;
	rel = seq - s->isn[dir];
	while (len) {
		cov = nfm_nz_lookup(s, dir, rel, &dsn);
		if (!cov && fallback && !(s->sf->sf.flags & NFMP_SF_F_JOIN)) {
			/*
			 * Fallback without an infinite mapping (§3.7): the initial
			 * subflow's bytes continue the data stream one for one.
			 */
			nfm_nz_side_start(nc, end, 1);
			s->infinite[dir] = true;
			s->delta[dir] = nfm_nz_front(sd) - rel;
			continue;
		}
		if (!cov) {
			sd->unmapped += len;
			return;
		}
		n = cov < len ? cov : len;
		nfm_nz_side_start(nc, end, dsn);
		nfm_nz_hold(nc, s, dir, end, rel, dsn, p, n);
		rel += n;
		p += n;
		len -= n;
	}
}

static void nfm_nz_mptcp_segment(struct nfm_nz_norm *nz, struct nfm_nz_conn *nc,
				 const struct nfm_rp_sf *rsf, u8 dir, const struct nfm_frame *f,
				 const u8 *data, unsigned int caplen)
{
	const struct nfmp_conn *c = &nc->rc->c;
	u8 end = dir == NFMP_DIR_ORIG ? rsf->sf.opener : !rsf->sf.opener;
	struct nfm_nz_side *sd = &nc->side[end];
	const u8 *payload = f->opts - 20 + f->tcp_hlen;
	u32 plen = f->payload_len, cap;
	struct nfm_nz_sf *s;
	struct nfmp_opts o;
	unsigned int k;
	int l2;

	s = nfm_nz_sf_get(nz, rsf);
	if (!s)
		return;
	if (!s->numbered) {
		s->numbered = true;
		s->num = nc->nsubflows++;
	}
	if (!(rsf->sf.flags & NFMP_SF_F_JOIN) && !nc->l2ok[end]) {
		l2 = nfm_nw_link_len(nz->dlt, data, caplen);
		if (l2 >= 0) {
			memcpy(nc->l2[end], data, l2);
			nc->l2len[end] = l2;
			nc->l2ok[end] = true;
		}
	}
	if (dir == NFMP_DIR_REPLY && (f->tcp_flags & NFMP_TCP_SYN)) {
		s->isn[dir] = f->seq;
		s->isn_known[dir] = true;
	}
	/* the receiver's subflow ACK: what it acknowledges of the other direction goes on */
	if ((f->tcp_flags & NFMP_TCP_ACK) && s->hold_ready[!dir])
		nfm_hold_ack(&s->hold[!dir], f->ack - s->isn[!dir]);
	nfmp_parse_options(f->opts, f->opts_len, f->tcp_flags, c->version, &o);
	if (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_FAIL))
		nc->mp_fail++;
	if (o.present & NFMP_SUBTYPE_BIT(NFMP_MP_FASTCLOSE))
		nc->fastclose++;
	if ((o.present & NFMP_SUBTYPE_BIT(NFMP_DSS)) && (o.dss.flags & NFMP_DSS_MAP)) {
		const struct nfmp_dss *d = &o.dss;
		u64 dsn = d->dsn;

		if (d->has_csum)
			nc->dss_csum++;
		if (!(d->flags & NFMP_DSS_DSN64)) {
			nfm_nz_side_start(nc, end, d->dsn);
			dsn = nfm_dss_expand32(nfm_nz_front(sd), (u32)d->dsn);
		}
		if (!d->data_len && !(d->flags & NFMP_DSS_DATA_FIN)) {
			/* infinite mapping (§3.7): from here on DSN = delta + SSN */
			nc->infinite++;
			s->infinite[dir] = true;
			s->delta[dir] = dsn - d->ssn;
		} else {
			u32 dlen = d->data_len;

			if (d->flags & NFMP_DSS_DATA_FIN) {
				/* the DATA_FIN takes the mapping's last DSN */
				if (!sd->fin_seen) {
					sd->fin_seen = true;
					sd->fin_dsn = dsn + (dlen ? dlen - 1 : 0);
				}
				if (dlen)
					dlen--;
			}
			if (dlen)
				nfm_nz_add_map(s, dir, dsn, d->ssn, dlen);
		}
	}
	if ((o.present & NFMP_SUBTYPE_BIT(NFMP_MP_CAPABLE)) && o.mpc.has_data_len &&
	    o.mpc.data_len && !(f->tcp_flags & NFMP_TCP_SYN)) {
		/*
		 * v1 first data with MP_CAPABLE (third ACK lost, §3.1): an implicit
		 * mapping of the client's first bytes, DSN = IDSN + 1 at SSN 1.
		 */
		nfm_nz_side_start(nc, end, 0);
		if (!sd->s.delivered && !sd->s.ooo)
			nfm_nz_add_map(s, dir, sd->s.next, 1, o.mpc.data_len);
	}
	if (f->tcp_flags & NFMP_TCP_SYN) {
		/* data on a SYN (TFO) is not mapped by a DSS: its first byte follows the SYN */
		plen = 0;
	}
	cap = caplen - (unsigned int)(payload - data);
	if (payload > data + caplen)
		cap = 0;
	if (plen > cap) {
		/* cut by the snaplen: what is missing becomes a gap */
		plen = cap;
	}
	if (plen)
		nfm_nz_payload(nc, s, dir, end, f->seq, payload, plen);
	if (f->tcp_flags & NFMP_TCP_FIN)
		s->fin[dir] = true;
	if ((f->tcp_flags & NFMP_TCP_RST) || (s->fin[0] && s->fin[1])) {
		/* the subflow is over: no ACK will come for what it still holds */
		for (k = 0; k < 2; k++)
			if (s->hold_ready[k])
				nfm_hold_release_queue(&s->hold[k]);
	}
	if (sd->fin_seen && sd->s.started && nfm_dsn_before(sd->s.next, sd->fin_dsn) &&
	    c->state == NFMP_CONN_CLOSED) {
		/* both DATA_FINs seen: what is held goes on; bytes never seen are a gap */
		nfm_hold_release_all(&sd->hold);
		if (nfm_dsn_before(sd->s.next, sd->fin_dsn))
			nfm_dss_skip_to(&sd->s, sd->fin_dsn);
	}
	nfm_nz_settle(nc);
}

/* ---- per frame ----------------------------------------------------------- */

static void nfm_nz_frame(struct nfm_nz_norm *nz, const struct pcap_pkthdr *h, const u8 *data)
{
	struct nfm_rp_sf *rsf;
	struct nfm_nz_conn *nc;
	struct nfm_frame f;
	int st;
	u8 dir;

	nz->in++;
	nz->now = h->ts;
	st = nfm_decode_frame(nz->dlt, data, h->caplen, &f);
	nfm_rp_feed(&nz->t, st, &f);
	if (st != NFM_DEC_TCP)
		goto pass;
	rsf = nfm_rp_sf_lookup(&nz->t, &f, &dir);
	if (!rsf || !rsf->conn || rsf->kind != NFM_RP_SF_MPTCP)
		goto pass;
	/* a join the endpoints would refuse (bad HMAC) carries no data of the connection */
	if (rsf->sf.verdict == NFMP_VERDICT_BAD_HMAC || rsf->sf.verdict == NFMP_VERDICT_INVALID ||
	    rsf->sf.verdict == NFMP_VERDICT_UNKNOWN_TOKEN) {
		struct nfm_nz_sf *s = nfm_nz_sf_get(nz, rsf);
		unsigned int k;

		for (k = 0; s && k < 2; k++) {
			if (s->held[k]) {
				nfm_nz_write(nz, &s->held_hdr[k], s->held[k]);
				free(s->held[k]);
				s->held[k] = NULL;
			}
		}
		goto pass;
	}
	if ((rsf->sf.flags & NFMP_SF_F_JOIN) && (f.tcp_flags & NFMP_TCP_SYN)) {
		struct nfm_nz_sf *s = nfm_nz_sf_get(nz, rsf);
		unsigned int k = !!(f.tcp_flags & NFMP_TCP_ACK);

		if (s && !s->held[k]) {
			s->held[k] = malloc(h->caplen ? h->caplen : 1);
			if (s->held[k]) {
				memcpy(s->held[k], data, h->caplen);
				s->held_hdr[k] = *h;
			}
		}
	}
	nc = nfm_nz_conn_find(nz, rsf->conn);
	/* a connection is normalized only from its initial subflow's SYN on */
	if (!nc && !(rsf->sf.flags & NFMP_SF_F_JOIN) && (f.tcp_flags & NFMP_TCP_SYN) &&
	    !(f.tcp_flags & NFMP_TCP_ACK))
		nc = nfm_nz_conn_new(nz, rsf->conn, rsf);
	if (!nc)
		goto pass;
	nc->packets_in++;
	if (nc->mode == NFM_NZ_PASSTHRU)
		goto pass;
	if (!(rsf->sf.flags & NFMP_SF_F_JOIN) && (f.tcp_flags & NFMP_TCP_SYN)) {
		if (!(f.tcp_flags & NFMP_TCP_ACK)) {
			if (!nc->syn) {
				nc->syn = malloc(h->caplen ? h->caplen : 1);
				if (nc->syn) {
					memcpy(nc->syn, data, h->caplen);
					nc->syn_hdr = *h;
				}
				nc->hs_ts[0] = nc->hs_ts[1] = nc->hs_ts[2] = h->ts;
			}
		} else {
			nc->hs_ts[1] = nc->hs_ts[2] = h->ts;
			if (nc->rc->c.end_reason == NFMP_END_FALLBACK_SYNACK) {
				/* the server refused MPTCP: the original packets are a plain TCP connection */
				nc->mode = NFM_NZ_PASSTHRU;
				if (nc->syn)
					nfm_nz_write(nz, &nc->syn_hdr, nc->syn);
				goto pass;
			}
			nc->mode = NFM_NZ_MPTCP;
		}
	} else if (!(rsf->sf.flags & NFMP_SF_F_JOIN) && !nc->hs_written &&
		   (f.tcp_flags & NFMP_TCP_ACK) && dir == NFMP_DIR_ORIG) {
		nc->hs_ts[2] = h->ts;		/* the third ACK */
	}
	nz->consumed++;
	nfm_nz_mptcp_segment(nz, nc, rsf, dir, &f, data, h->caplen);
	return;
pass:
	nz->passed++;
	nfm_nz_write(nz, h, data);
}

static void nfm_nz_finish(struct nfm_nz_norm *nz)
{
	struct nfm_nz_conn *nc;
	unsigned int e;

	for (nc = nz->head; nc; nc = nc->next) {
		if (nc->mode == NFM_NZ_PASSTHRU)
			continue;
		/* never acknowledged (lost after the capture point, or ACKs not captured): last */
		for (e = 0; e < 2; e++)
			nfm_hold_release_all(&nc->side[e].hold);
		for (e = 0; e < 2; e++)
			nfm_dss_flush(&nc->side[e].s);
		for (e = 0; e < 2; e++) {
			struct nfm_nz_side *sd = &nc->side[e];

			if (sd->fin_seen && sd->s.started && nfm_dsn_before(sd->s.next, sd->fin_dsn))
				nfm_dss_skip_to(&sd->s, sd->fin_dsn);
		}
		if (nc->hs_written)
			nfm_nz_settle(nc);
	}
}

static void nfm_nz_free(struct nfm_nz_norm *nz)
{
	struct nfm_nz_conn *nc, *nn;
	struct nfm_nz_sf *s, *sn;
	unsigned int k;
	u32 i;

	/* subflows first: their held payload is accounted in their connection */
	if (nz->sb) {
		for (i = 0; i <= nz->mask; i++) {
			for (s = nz->sb[i]; s; s = sn) {
				sn = s->hnext;
				for (k = 0; k < 2; k++) {
					if (s->hold_ready[k])
						nfm_hold_queue_free(&s->hold[k]);
					free(s->held[k]);
				}
				free(s);
			}
		}
	}
	for (nc = nz->head; nc; nc = nn) {
		nn = nc->next;
		nfm_dss_free(&nc->side[0].s);
		nfm_dss_free(&nc->side[1].s);
		free(nc->syn);
		free(nc);
	}
	free(nz->sb);
	free(nz->cb);
	nfm_rp_free(&nz->t);
}

/* ---- summary ------------------------------------------------------------- */

static void nfm_nz_fmt_ep(u8 family, const u8 *addr, u16 port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", a, port);
}

static const char *nfm_nz_end_name(unsigned int e)
{
	return e == NFMP_CLIENT ? "client" : "server";
}

/* A copy's origin: {"subflow": N, "acked": bool}, null if no longer known. */
static void nfm_nz_json_origin(struct nfm_json *j, const char *key, u32 origin)
{
	if (origin == NFM_DSS_ORIGIN_UNKNOWN) {
		nfm_json_null(j, key);
		return;
	}
	nfm_json_obj_open(j, key);
	nfm_json_u64(j, "subflow", origin >> 1);
	nfm_json_bool(j, "acked", origin & 1);
	nfm_json_obj_close(j);
}

static void nfm_nz_json_ranges(struct nfm_json *j, const char *key, const struct nfm_nz_range *r,
			       unsigned int n, bool origins)
{
	unsigned int i;

	nfm_json_arr_open(j, key);
	for (i = 0; i < n; i++) {
		nfm_json_obj_open(j, NULL);
		nfm_json_u64(j, "dsn", r[i].dsn);
		nfm_json_u64(j, "len", r[i].len);
		if (origins) {
			nfm_nz_json_origin(j, "written", r[i].kept);
			nfm_nz_json_origin(j, "other", r[i].other);
		}
		nfm_json_obj_close(j);
	}
	nfm_json_arr_close(j);
}

static int nfm_nz_json(FILE *o, const struct nfm_nz_norm *nz, const struct nfm_global *g,
		       bool cut)
{
	const struct nfm_nz_conn *nc;
	struct nfm_json j;
	char s[INET6_ADDRSTRLEN + 10], d[INET6_ADDRSTRLEN + 10];
	unsigned int e;

	nfm_json_init(&j, o, g->pretty);
	nfm_json_obj_open(&j, NULL);
	nfm_json_arr_open(&j, "connections");
	for (nc = nz->head; nc; nc = nc->next) {
		nfm_nz_fmt_ep(nc->t.family, nc->t.saddr, nc->t.sport, s, sizeof(s));
		nfm_nz_fmt_ep(nc->t.family, nc->t.daddr, nc->t.dport, d, sizeof(d));
		nfm_json_obj_open(&j, NULL);
		nfm_json_u64(&j, "index", nc->rc->index);
		nfm_json_str(&j, "client", s);
		nfm_json_str(&j, "server", d);
		nfm_json_str(&j, "mode", nc->mode == NFM_NZ_PASSTHRU ? "passthrough" :
			     nc->mode == NFM_NZ_MPTCP ? "normalized" : "incomplete");
		nfm_json_bool(&j, "fallback", nc->rc->c.state == NFMP_CONN_FALLBACK);
		nfm_json_str(&j, "end_reason", nfmp_end_reason_name(nc->rc->c.end_reason));
		nfm_json_u64(&j, "subflows", nc->rc->nsf);
		nfm_json_u64(&j, "packets_in", nc->packets_in);
		nfm_json_u64(&j, "packets_out", nc->packets_out);
		nfm_json_u64(&j, "dss_checksums", nc->dss_csum);
		nfm_json_u64(&j, "mp_fail", nc->mp_fail);
		nfm_json_u64(&j, "infinite_mappings", nc->infinite);
		nfm_json_u64(&j, "fastclose", nc->fastclose);
		for (e = 0; e < 2; e++) {
			const struct nfm_nz_side *sd = &nc->side[e];

			nfm_json_obj_open(&j, nfm_nz_end_name(e));
			nfm_json_u64(&j, "bytes", sd->s.delivered - sd->after_fin);
			nfm_json_u64(&j, "after_data_fin_bytes", sd->after_fin);
			nfm_json_u64(&j, "duplicate_bytes", sd->s.dup_bytes);
			nfm_json_u64(&j, "unmapped_bytes", sd->unmapped);
			nfm_json_bool(&j, "data_fin", sd->fin_seen);
			nfm_json_u64(&j, "conflicts", sd->s.conflicts);
			nfm_json_u64(&j, "conflict_bytes", sd->s.conflict_bytes);
			nfm_nz_json_ranges(&j, "conflict_ranges", sd->conflict, sd->nconflict, true);
			nfm_json_u64(&j, "gaps", sd->s.gaps);
			nfm_json_u64(&j, "gap_bytes", sd->s.gap_bytes);
			nfm_json_u64(&j, "forced_flushes", sd->s.forced);
			nfm_nz_json_ranges(&j, "gap_ranges", sd->gap, sd->ngap, false);
			nfm_json_u64(&j, "unacked_bytes", sd->hold.unacked_bytes);
			nfm_json_u64(&j, "forced_releases", sd->hold.forced_releases);
			nfm_json_obj_close(&j);
		}
		nfm_json_obj_close(&j);
	}
	nfm_json_arr_close(&j);
	nfm_json_obj_open(&j, "stats");
	nfm_json_u64(&j, "packets_in", nz->in);
	nfm_json_u64(&j, "packets_out", nz->written);
	nfm_json_u64(&j, "passed_through", nz->passed);
	nfm_json_u64(&j, "mptcp_consumed", nz->consumed);
	nfm_json_u64(&j, "synthesized", nz->synthesized);
	nfm_json_bool(&j, "file_truncated", cut);
	if (nz->live)
		nfm_json_u64(&j, "capture_dropped", nz->capture_dropped);
	nfm_json_obj_close(&j);
	nfm_json_obj_close(&j);
	return nfm_json_finish(&j);
}

static void nfm_nz_text_ranges(FILE *o, const char *what, const struct nfm_nz_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fprintf(o, "    %s dsn %" PRIu64 "..%" PRIu64 " (%" PRIu64 " bytes)\n", what, r[i].dsn,
		       r[i].dsn + r[i].len - 1, r[i].len);
}

static void nfm_nz_text_origin(char *buf, size_t len, u32 origin)
{
	if (origin == NFM_DSS_ORIGIN_UNKNOWN)
		snprintf(buf, len, "unknown subflow");
	else
		snprintf(buf, len, "subflow %u (%s)", origin >> 1,
			 origin & 1 ? "acknowledged" : "not acknowledged");
}

static void nfm_nz_text_conflicts(FILE *o, const struct nfm_nz_range *r, unsigned int n)
{
	char kept[48], other[48];
	unsigned int i;

	for (i = 0; i < n; i++) {
		nfm_nz_text_origin(kept, sizeof(kept), r[i].kept);
		nfm_nz_text_origin(other, sizeof(other), r[i].other);
		fprintf(o, "    CONFLICT dsn %" PRIu64 "..%" PRIu64 " (%" PRIu64
			" bytes): written from %s, other copy from %s\n", r[i].dsn,
			r[i].dsn + r[i].len - 1, r[i].len, kept, other);
	}
}

static void nfm_nz_text(FILE *o, const struct nfm_nz_norm *nz, bool cut)
{
	const struct nfm_nz_conn *nc;
	char s[INET6_ADDRSTRLEN + 10], d[INET6_ADDRSTRLEN + 10];
	unsigned int e;

	for (nc = nz->head; nc; nc = nc->next) {
		nfm_nz_fmt_ep(nc->t.family, nc->t.saddr, nc->t.sport, s, sizeof(s));
		nfm_nz_fmt_ep(nc->t.family, nc->t.daddr, nc->t.dport, d, sizeof(d));
		fprintf(o, "connection %u: %s -> %s, %s, %u subflows, end %s%s\n", nc->rc->index, s, d,
		       nc->mode == NFM_NZ_PASSTHRU ? "passed through (fallback at SYN/ACK)" :
		       nc->mode == NFM_NZ_MPTCP ? "normalized" : "incomplete handshake",
		       nc->rc->nsf, nfmp_end_reason_name(nc->rc->c.end_reason),
		       nc->rc->c.state == NFMP_CONN_FALLBACK ? ", fallback" : "");
		if (nc->dss_csum || nc->mp_fail || nc->infinite || nc->fastclose)
			fprintf(o, "  %" PRIu64 " DSS checksums (not verified), %" PRIu64 " MP_FAIL, %" PRIu64
			       " infinite mappings, %" PRIu64 " MP_FASTCLOSE\n", nc->dss_csum,
			       nc->mp_fail, nc->infinite, nc->fastclose);
		for (e = 0; e < 2; e++) {
			const struct nfm_nz_side *sd = &nc->side[e];

			fprintf(o, "  %s: %" PRIu64 " bytes, %" PRIu64 " duplicate, %" PRIu64
			       " unmapped, %" PRIu64 " conflicts, %" PRIu64 " gaps (%" PRIu64
			       " bytes)%s\n", nfm_nz_end_name(e), sd->s.delivered - sd->after_fin,
			       sd->s.dup_bytes, sd->unmapped, sd->s.conflicts, sd->s.gaps,
			       sd->s.gap_bytes, sd->fin_seen ? ", DATA_FIN" : "");
			if (sd->after_fin)
				fprintf(o, "    %" PRIu64 " bytes mapped past the DATA_FIN, dropped\n",
					sd->after_fin);
			nfm_nz_text_conflicts(o, sd->conflict, sd->nconflict);
			if (sd->hold.unacked_bytes)
				fprintf(o, "    %" PRIu64 " bytes released without their subflow ACK (%"
					PRIu64 " by the -m bound)\n", sd->hold.unacked_bytes,
					sd->hold.forced_releases);
			nfm_nz_text_ranges(o, "gap", sd->gap, sd->ngap);
		}
	}
	fprintf(o, "%" PRIu64 " packets in, %" PRIu64 " out: %" PRIu64 " passed through, %" PRIu64
	       " MPTCP segments rewritten as %" PRIu64 " segments%s\n", nz->in, nz->written,
	       nz->passed, nz->consumed, nz->synthesized, cut ? "; input cut short" : "");
	if (nz->live)
		fprintf(o, "%" PRIu64 " frames dropped by the capture (kernel or interface)%s\n",
			nz->capture_dropped, nz->capture_dropped ? ": gaps above may be ours" : "");
}

/* ---- command ------------------------------------------------------------- */

static void nfm_nz_usage(FILE *f)
{
	fprintf(f, "Usage: nfmptcp [-j [-p]] normalize [-m BYTES] [-c COUNT] IN.pcap OUT.pcap\n"
		   "       nfmptcp [-j [-p]] normalize [-m BYTES] [-c COUNT] -i IFACE [-w OUT.pcap]\n\n"
		   "Write OUT.pcap with each MPTCP connection of IN.pcap (or of the traffic on\n"
		   "IFACE, until SIGINT/SIGTERM or COUNT packets) rewritten as one ordinary TCP\n"
		   "connection (initial subflow's addresses, data in data-sequence order from\n"
		   "all subflows), for IDSs that do not understand MPTCP.\n"
		   "Other packets are copied unchanged. Prints a summary: conflicting copies\n"
		   "of a DSN range, gaps, fallback. OUT.pcap '-' (the default with -i) writes\n"
		   "to stdout, flushed packet batch by batch; the summary then goes to stderr.\n"
		   "  -m BYTES  data held per connection direction (default %u): payload not\n"
		   "            yet acknowledged by its subflow ACK, and out-of-order data; beyond\n"
		   "            it the oldest unacknowledged pieces go on, then the oldest hole\n"
		   "            is given up and reported as a gap\n"
		   "  -c COUNT  stop after COUNT packets\n"
		   "  -i IFACE  capture live on IFACE ('any': every interface)\n",
		NFM_NZ_DEF_OOO);
}

/* Live capture: stopped by SIGINT/SIGTERM through pcap_breakloop(), which is signal-safe. */
static pcap_t *nfm_nz_live;
static volatile sig_atomic_t nfm_nz_stopped;

static void nfm_nz_on_signal(int sig)
{
	(void)sig;
	nfm_nz_stopped = 1;
	if (nfm_nz_live)
		pcap_breakloop(nfm_nz_live);
}

static pcap_t *nfm_nz_open_live(const char *iface, char *errbuf)
{
	pcap_t *pc = pcap_create(iface, errbuf);
	int rc;

	if (!pc)
		return NULL;
	/*
	 * Whole frames (GRO/GSO ones too), packed into the ring's blocks: not
	 * immediate mode, whose fixed snaplen-sized slots hold only a few dozen
	 * such frames and drop bursts. A block is handed over when full or after
	 * the timeout, so an IDS downstream lags by at most that.
	 */
	pcap_set_snaplen(pc, 262144);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, NFM_NZ_LIVE_TIMEOUT_MS);
	pcap_set_buffer_size(pc, NFM_NZ_LIVE_BUFFER);
	rc = pcap_activate(pc);
	if (rc < 0) {
		/* pcap_geterr() says it all when set, with the system's reason */
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s",
			 *pcap_geterr(pc) ? pcap_geterr(pc) : pcap_statustostr(rc));
		pcap_close(pc);
		return NULL;
	}
	if (rc > 0)
		nfm_err("normalize: %s: %s", iface, pcap_statustostr(rc));
	return pc;
}

static void nfm_nz_on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	nfm_nz_frame((struct nfm_nz_norm *)user, h, data);
}

/* Reads @pc to its end, @count packets, or a signal. Returns -1 on a write error. */
static int nfm_nz_run(struct nfm_nz_norm *nz, pcap_t *pc, bool live, unsigned long long count,
		      const char *in, bool *cut)
{
	struct sigaction sa = { .sa_handler = nfm_nz_on_signal }, old_int, old_term;
	bool werr = false;
	int rc, batch;

	if (live) {
		/* no SA_RESTART: the capture's poll() returns on the signal */
		sigemptyset(&sa.sa_mask);
		nfm_nz_live = pc;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		/* the file header now: a reader of the pipe sees the capture start */
		werr = pcap_dump_flush(nz->out) != 0;
	}
	while (!werr && !nfm_nz_stopped && (!count || nz->in < count)) {
		batch = count && count - nz->in < 4096 ? (int)(count - nz->in) : 4096;
		rc = pcap_dispatch(pc, batch, nfm_nz_on_frame, (u_char *)nz);
		if (rc == PCAP_ERROR_BREAK || (!live && rc == 0))
			break;
		if (rc == PCAP_ERROR) {
			nfm_err("normalize: %s: %s (normalized up to there)", in, pcap_geterr(pc));
			*cut = true;
			break;
		}
		if (live && rc > 0)
			werr = pcap_dump_flush(nz->out) != 0;
	}
	if (live) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		nfm_nz_live = NULL;
		nfm_nz_stopped = 0;
	}
	if (werr)
		nfm_err("normalize: output: write error, stopped");
	return werr ? -1 : 0;
}

static int nfm_nz_parse_count(const char *opt, const char *arg, unsigned long long max,
			      unsigned long long *v)
{
	char *e;

	if (!arg || arg[0] < '0' || arg[0] > '9') {
		nfm_err("normalize: %s needs a number", opt);
		return -1;
	}
	errno = 0;
	*v = strtoull(arg, &e, 10);
	if (*e || errno || *v > max) {
		nfm_err("normalize: %s '%s': a decimal number up to %llu", opt, arg, max);
		return -1;
	}
	return 0;
}

/* The capture writer on @out ("-": a duplicate of stdout, which pcap_dump_close() may fclose). */
static pcap_dumper_t *nfm_nz_open_out(pcap_t *dead, const char *out)
{
	pcap_dumper_t *d;
	FILE *fo;
	int fd;

	if (strcmp(out, "-") != 0)
		return pcap_dump_open(dead, out);
	fd = dup(STDOUT_FILENO);
	fo = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fo && fd >= 0)
		close(fd);
	d = fo ? pcap_dump_fopen(dead, fo) : NULL;
	if (fo && !d)
		fclose(fo);
	return d;
}

int nfm_cmd_normalize(int argc, char **argv, const struct nfm_global *g)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *in = NULL, *out = NULL, *iface = NULL;
	unsigned long long m = NFM_NZ_DEF_OOO, count = 0;
	struct pcap_stat ps;
	struct nfm_nz_norm *nz;
	pcap_t *pc, *dead;
	bool cut = false, dashdash = false, have_stats = false;
	int i, ret = NFM_EXIT_OK;
	FILE *sum = stdout;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && nfm_is_help(a)) {
			nfm_nz_usage(stdout);
			return NFM_EXIT_OK;
		}
		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && (!strcmp(a, "-m") || !strcmp(a, "-c"))) {
			if (nfm_nz_parse_count(a, i + 1 < argc ? argv[i + 1] : NULL,
					       a[1] == 'm' ? 1ull << 32 : ~0ull, a[1] == 'm' ? &m : &count))
				return NFM_EXIT_USAGE;
			i++;
			continue;
		}
		if (!dashdash && (!strcmp(a, "-i") || !strcmp(a, "-w"))) {
			if (++i == argc || !argv[i][0]) {
				nfm_err("normalize: %s needs %s", a, a[1] == 'i' ? "an interface" :
					"a file ('-': stdout)");
				return NFM_EXIT_USAGE;
			}
			if (a[1] == 'i' ? iface != NULL : out != NULL) {
				nfm_err("normalize: %s %s: %s already given", a, argv[i],
					a[1] == 'i' ? "an input" : "an output");
				return NFM_EXIT_USAGE;
			}
			*(a[1] == 'i' ? &iface : &out) = argv[i];
			continue;
		}
		if (!dashdash && a[0] == '-' && a[1]) {
			nfm_err("normalize: unknown option '%s'", a);
			nfm_nz_usage(stderr);
			return NFM_EXIT_USAGE;
		}
		if (!in && !iface) {
			in = a;
		} else if (!out) {
			out = a;
		} else {
			nfm_err("normalize: one input (IN.pcap or -i IFACE) and one output");
			return NFM_EXIT_USAGE;
		}
	}
	if (iface && in) {
		nfm_err("normalize: -i %s and %s: one input, a capture file or an interface",
			iface, in);
		return NFM_EXIT_USAGE;
	}
	if (iface && !out)
		out = "-";
	if ((!in && !iface) || !out) {
		nfm_nz_usage(stderr);
		return NFM_EXIT_USAGE;
	}
	if (!strcmp(out, "-") && isatty(STDOUT_FILENO)) {
		nfm_err("normalize: not writing a capture to a terminal: -w FILE, or a pipe");
		return NFM_EXIT_USAGE;
	}

	if (iface)
		pc = nfm_nz_open_live(iface, errbuf);
	else
		pc = pcap_open_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc) {
		nfm_err("normalize: %s: %s", iface ? iface : in, errbuf);
		return NFM_EXIT_ERR;
	}
	if (!in)
		in = iface;
	nz = calloc(1, sizeof(*nz));
	if (!nz || nfm_rp_init(&nz->t)) {
		nfm_err("normalize: out of memory");
		free(nz);
		pcap_close(pc);
		return NFM_EXIT_ERR;
	}
	nz->dlt = pcap_datalink(pc);
	nz->max_ooo = m;
	nz->mask = 4095;
	nz->cb = calloc(nz->mask + 1, sizeof(*nz->cb));
	nz->sb = calloc(nz->mask + 1, sizeof(*nz->sb));
	if (!nz->cb || !nz->sb) {
		nfm_err("normalize: out of memory");
		ret = NFM_EXIT_ERR;
		goto out_free;
	}
	dead = pcap_open_dead(nz->dlt, pcap_snapshot(pc) > 0 ? pcap_snapshot(pc) : 262144);
	if (!dead) {
		nfm_err("normalize: out of memory");
		ret = NFM_EXIT_ERR;
		goto out_free;
	}
	/* the capture may take stdout ("-"): the summary goes to stderr then */
	if (!strcmp(out, "-"))
		sum = stderr;
	nz->out = nfm_nz_open_out(dead, out);
	if (!nz->out) {
		nfm_err("normalize: %s: %s", out, pcap_geterr(dead));
		pcap_close(dead);
		ret = NFM_EXIT_ERR;
		goto out_free;
	}
	if (!nfm_dlt_supported(nz->dlt))
		nfm_err("normalize: %s: link type %d not decoded, copying every frame", in,
			nz->dlt);
	/* a reader of '-' that goes away is a write error, not a signal that kills the summary */
	if (sum == stderr)
		signal(SIGPIPE, SIG_IGN);

	if (nfm_nz_run(nz, pc, iface != NULL, count, in, &cut))
		ret = NFM_EXIT_ERR;
	if (iface && !pcap_stats(pc, &ps))
		have_stats = true;
	nfm_rp_finish(&nz->t);
	nfm_nz_finish(nz);
	if (pcap_dump_flush(nz->out)) {
		nfm_err("normalize: %s: write error", out);
		ret = NFM_EXIT_ERR;
	}
	pcap_dump_close(nz->out);
	pcap_close(dead);
	if (nz->oom || nz->t.oom) {
		nfm_err("normalize: out of memory, output incomplete");
		ret = NFM_EXIT_ERR;
	}
	if (have_stats) {
		nz->capture_dropped = (u64)ps.ps_drop + ps.ps_ifdrop;
		nz->live = true;
	}
	if (g->json) {
		if (nfm_nz_json(sum, nz, g, cut))
			ret = NFM_EXIT_ERR;
	} else {
		nfm_nz_text(sum, nz, cut);
	}
out_free:
	nfm_nz_free(nz);
	free(nz);
	pcap_close(pc);
	return ret;
}
