/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_engine.h - per-connection MPTCP state machine and per-subflow verdicts,
 * as seen by an on-path observer. No allocation, no locking, no lookups: the
 * caller (kernel tracking or userspace replay) owns storage and tables and
 * feeds one packet at a time with the connection and subflow it belongs to.
 */
#ifndef _NFMP_ENGINE_H
#define _NFMP_ENGINE_H

#include "nfmp_types.h"
#include "nfmp_options.h"
#include "nfmp_crypto.h"

/* Ends of a connection: the client sent the MP_CAPABLE SYN. */
#define NFMP_CLIENT	0
#define NFMP_SERVER	1

/* Direction of a packet relative to its subflow: from the subflow's opener or back. */
#define NFMP_DIR_ORIG	0
#define NFMP_DIR_REPLY	1

enum nfmp_conn_state {
	NFMP_CONN_SYN_SENT,	/* MP_CAPABLE SYN seen */
	NFMP_CONN_SYN_RCVD,	/* MP_CAPABLE SYN/ACK seen */
	NFMP_CONN_ESTABLISHED,	/* both keys known */
	NFMP_CONN_FALLBACK,	/* fell back to plain TCP (§3.7) */
	NFMP_CONN_CLOSING,	/* DATA_FIN seen in one direction */
	NFMP_CONN_CLOSED,	/* DATA_FIN both ways, MP_FASTCLOSE or MP_TCPRST */
};

/* How a connection ended or fell back. */
enum nfmp_end_reason {
	NFMP_END_NONE,
	NFMP_END_DATA_FIN,
	NFMP_END_FASTCLOSE,
	NFMP_END_TCPRST,
	NFMP_END_SUBFLOWS_GONE,		/* set by the caller */
	NFMP_END_FALLBACK_SYNACK,	/* SYN/ACK without MP_CAPABLE */
	NFMP_END_FALLBACK_NO_DSS,	/* data without a DSS mapping */
	NFMP_END_FALLBACK_MP_FAIL,
	NFMP_END_FALLBACK_INFINITE,	/* infinite mapping */
};

enum nfmp_verdict {
	NFMP_VERDICT_PENDING,		/* handshake not complete or keys not yet known */
	NFMP_VERDICT_VALID,
	NFMP_VERDICT_UNKNOWN_TOKEN,	/* MP_JOIN SYN whose token matches no connection */
	NFMP_VERDICT_BAD_HMAC,
	NFMP_VERDICT_FALLBACK,
	NFMP_VERDICT_INVALID,		/* protocol violation, e.g. malformed handshake option */
};

/* nfmp_conn.flags */
#define NFMP_CONN_F_KEY_CLIENT	0x01
#define NFMP_CONN_F_KEY_SERVER	0x02
#define NFMP_CONN_F_CSUM	0x04	/* DSS checksums negotiated */
#define NFMP_CONN_F_FIN_CLIENT	0x08	/* DATA_FIN sent by the client */
#define NFMP_CONN_F_FIN_SERVER	0x10
#define NFMP_CONN_F_DSS_SEEN	0x20	/* at least one DSS mapping seen */
#define NFMP_CONN_F_KEYS	(NFMP_CONN_F_KEY_CLIENT | NFMP_CONN_F_KEY_SERVER)

/* Protocol state of one MPTCP connection. Keep it small: it sits in every connection record. */
struct nfmp_conn {
	u64	key[2];		/* [NFMP_CLIENT], [NFMP_SERVER], valid per NFMP_CONN_F_KEY_* */
	u32	token[2];	/* token[s] = token derived from key[s] */
	u8	version;	/* NFMP_VERSION_0 / _1 (after the SYN/ACK: the negotiated one) */
	u8	state;		/* enum nfmp_conn_state */
	u8	flags;		/* NFMP_CONN_F_* */
	u8	end_reason;	/* enum nfmp_end_reason */
	u32	join_tat;	/* nfmp_join_rate_admit()'s clock, ms (nfmp_policy.h) */
	/*
	 * Optional precomputed HMAC states, hk[s] keyed with key[s] ‖ key[!s]
	 * (s = sender of an ADD_ADDR or opener of a join). NULL: computed on demand.
	 * The caller sets it after NFMP_EV_KEYS_LEARNED and nfmp_conn_prepare_hmac().
	 */
	struct nfmp_hmac_key	*hk;
};

/* nfmp_subflow.flags */
#define NFMP_SF_F_JOIN		0x01	/* opened by MP_JOIN, not the initial subflow */
#define NFMP_SF_F_BACKUP_ORIG	0x02	/* opener asked the responder to treat it as backup */
#define NFMP_SF_F_BACKUP_REPLY	0x04
#define NFMP_SF_F_ESTABLISHED	0x08	/* third ACK seen */
#define NFMP_SF_F_CLOSED	0x10	/* FIN or RST seen */
#define NFMP_SF_F_STEADY	0x80	/* internal: see nfmp_packet_is_plain() */
#define NFMP_SF_F_EXPORTED	0x1f	/* the flags netlink reports */

/* Protocol state of one subflow (one TCP connection). */
struct nfmp_subflow {
	u32	nonce[2];	/* [NFMP_DIR_ORIG] = R-A, [NFMP_DIR_REPLY] = R-B */
	u8	opener:1;	/* NFMP_CLIENT or NFMP_SERVER: which end sent the SYN */
	u8	verdict:7;	/* enum nfmp_verdict */
	u8	flags;		/* NFMP_SF_F_* */
	u8	addr_id[2];	/* [NFMP_DIR_ORIG], [NFMP_DIR_REPLY] */
};	/* 12 bytes: the kernel keeps it in the conntrack helper's 32-byte private area */

/* Events reported for one packet (bitmask in nfmp_result.events). */
#define NFMP_EV_CONN_CREATED		0x0001
#define NFMP_EV_KEYS_LEARNED		0x0002	/* both keys now known: tokens valid */
#define NFMP_EV_CONN_ESTABLISHED	0x0004
#define NFMP_EV_SF_ESTABLISHED		0x0008
#define NFMP_EV_JOIN_VALID		0x0010
#define NFMP_EV_JOIN_BAD_HMAC		0x0020
#define NFMP_EV_ADDR_ANNOUNCED		0x0040	/* opts->add_addr, not an echo */
#define NFMP_EV_ADDR_ECHOED		0x0080
#define NFMP_EV_ADDR_REMOVED		0x0100	/* opts->rm_addr */
#define NFMP_EV_ADD_ADDR_BAD_HMAC	0x0200
#define NFMP_EV_FALLBACK		0x0400
#define NFMP_EV_DATA_FIN		0x0800
#define NFMP_EV_CONN_CLOSED		0x1000
#define NFMP_EV_PRIO_CHANGED		0x2000
#define NFMP_EV_SF_CLOSED		0x4000
#define NFMP_EV_PROTO_ERROR		0x8000	/* malformed MPTCP option in a handshake */

struct nfmp_pkt {
	u8	tcp_flags;	/* NFMP_TCP_* */
	u8	dir;		/* NFMP_DIR_ORIG or NFMP_DIR_REPLY, relative to the subflow */
	u32	payload_len;	/* TCP payload bytes */
	const struct nfmp_opts *opts;
};

struct nfmp_result {
	u16	events;		/* NFMP_EV_* */
	u8	sender;		/* NFMP_CLIENT or NFMP_SERVER: end that sent this packet */
};

/*
 * Start a connection from an MP_CAPABLE SYN (opts->present has MP_CAPABLE).
 * Returns false if the option cannot start a connection (no MP_CAPABLE, ACK set).
 * The subflow becomes the initial subflow, opened by the client.
 */
bool nfmp_conn_start(struct nfmp_conn *conn, struct nfmp_subflow *sf,
		     const struct nfmp_pkt *syn, struct nfmp_result *res);

/*
 * Which end of @conn owns @token (the receiver of an MP_JOIN SYN)? Returns
 * NFMP_CLIENT, NFMP_SERVER or -1. Only ends whose key is known can match.
 */
int nfmp_conn_token_owner(const struct nfmp_conn *conn, u32 token);

/*
 * Start a join subflow from an MP_JOIN SYN. @receiver is what
 * nfmp_conn_token_owner() returned, or -1 for an unknown token: the subflow
 * then gets NFMP_VERDICT_UNKNOWN_TOKEN and @conn may be NULL.
 */
void nfmp_join_start(const struct nfmp_conn *conn, struct nfmp_subflow *sf, int receiver,
		     const struct nfmp_pkt *syn, struct nfmp_result *res);

/*
 * Check an MP_JOIN SYN/ACK against @conn without changing anything: used to
 * pick the right connection when several share the SYN's token (a CGN sees
 * token collisions: RFC 8684 §3.2). True if HMAC-B verifies.
 */
bool nfmp_join_synack_matches(const struct nfmp_conn *conn, const struct nfmp_subflow *sf,
			      const struct nfmp_mp_join *synack);

/*
 * Feed every later packet of a subflow (the SYN was consumed by *_start).
 * Updates @conn and @sf, reports what happened in @res.
 */
void nfmp_engine_packet(struct nfmp_conn *conn, struct nfmp_subflow *sf,
			const struct nfmp_pkt *pkt, struct nfmp_result *res);

/*
 * The common case of a forwarding box, decided without the connection's lock.
 * nfmp_engine_packet() sets NFMP_SF_F_STEADY on an open subflow that is
 * verified and past every handshake of a connection whose keys are known and
 * whose data is mapped (DSS seen), or of one that fell back or closed (not a
 * bad-HMAC subflow: its packets stay refused). On such a subflow a packet that
 * nfmp_packet_is_plain() accepts (no SYN/FIN/RST; no MPTCP option but a
 * well-formed DSS that neither carries a DATA_FIN nor starts an infinite
 * mapping) changes no state and raises no event, whatever other subflows did
 * to the connection since: the engine need not see it.
 */
bool nfmp_packet_is_plain(const struct nfmp_pkt *pkt);

/* Fill hk[2] from conn's keys (both must be known). */
void nfmp_conn_prepare_hmac(const struct nfmp_conn *conn, struct nfmp_hmac_key hk[2]);

const char *nfmp_verdict_name(unsigned int verdict);
const char *nfmp_conn_state_name(unsigned int state);
const char *nfmp_end_reason_name(unsigned int reason);

#endif /* _NFMP_ENGINE_H */
