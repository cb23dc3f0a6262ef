// SPDX-License-Identifier: GPL-2.0
/* nfmp_engine.c - MPTCP connection and subflow state as an on-path observer sees it (RFC 8684). */

#include "nfmp_engine.h"

#define NFMP_HAS(opts, st)	((opts)->present & NFMP_SUBTYPE_BIT(st))
#define NFMP_BAD(opts, st)	((opts)->malformed & NFMP_SUBTYPE_BIT(st))

static const u8 nfmp_key_flag[2] = { NFMP_CONN_F_KEY_CLIENT, NFMP_CONN_F_KEY_SERVER };
static const u8 nfmp_fin_flag[2] = { NFMP_CONN_F_FIN_CLIENT, NFMP_CONN_F_FIN_SERVER };

/* Constant time: keeps the observer from becoming a timing oracle for HMACs. */
static bool nfmp_mem_equal(const u8 *a, const u8 *b, unsigned int len)
{
	u8 diff = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

/* We only decode v0 and v1: anything newer is treated as v1 (§3.1 negotiates down). */
static u8 nfmp_clamp_version(u8 version)
{
	return version == NFMP_VERSION_0 ? NFMP_VERSION_0 : NFMP_VERSION_1;
}

static bool nfmp_conn_dead(const struct nfmp_conn *conn)
{
	return conn->state == NFMP_CONN_FALLBACK || conn->state == NFMP_CONN_CLOSED;
}

/* HMAC state for (key[s] ‖ key[!s]): the caller's precomputed one, or @tmp. */
static const struct nfmp_hmac_key *nfmp_conn_hk(const struct nfmp_conn *conn, unsigned int s,
						struct nfmp_hmac_key *tmp)
{
	if (conn->hk)
		return &conn->hk[s];
	nfmp_hmac_key_init(tmp, conn->version, conn->key[s], conn->key[!s]);
	return tmp;
}

/*
 * Record @key as end @s's key. Returns false (and keeps the old key) if a
 * different key is already known: a retransmission must repeat the same key.
 */
static bool nfmp_conn_learn_key(struct nfmp_conn *conn, unsigned int s, u64 key,
				struct nfmp_result *res)
{
	if (conn->flags & nfmp_key_flag[s]) {
		if (conn->key[s] == key)
			return true;
		res->events |= NFMP_EV_PROTO_ERROR;
		return false;
	}
	conn->key[s] = key;
	nfmp_key_to_token(conn->version, key, &conn->token[s], NULL);
	conn->flags |= nfmp_key_flag[s];
	if ((conn->flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS) {
		res->events |= NFMP_EV_KEYS_LEARNED | NFMP_EV_CONN_ESTABLISHED;
		if (conn->state == NFMP_CONN_SYN_SENT || conn->state == NFMP_CONN_SYN_RCVD)
			conn->state = NFMP_CONN_ESTABLISHED;
	}
	return true;
}

static void nfmp_conn_fallback(struct nfmp_conn *conn, struct nfmp_subflow *sf, u8 reason,
			       struct nfmp_result *res)
{
	/* §3.7: from here on the connection is plain TCP on this subflow. */
	conn->state = NFMP_CONN_FALLBACK;
	conn->end_reason = reason;
	sf->verdict = NFMP_VERDICT_FALLBACK;
	res->events |= NFMP_EV_FALLBACK;
}

static void nfmp_conn_close(struct nfmp_conn *conn, u8 reason, struct nfmp_result *res)
{
	conn->state = NFMP_CONN_CLOSED;
	conn->end_reason = reason;
	res->events |= NFMP_EV_CONN_CLOSED;
}

bool nfmp_conn_start(struct nfmp_conn *conn, struct nfmp_subflow *sf,
		     const struct nfmp_pkt *syn, struct nfmp_result *res)
{
	const struct nfmp_opts *opts = syn->opts;
	const struct nfmp_mp_capable *mpc = &opts->mpc;

	if ((syn->tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK)) != NFMP_TCP_SYN ||
	    !NFMP_HAS(opts, NFMP_MP_CAPABLE))
		return false;

	memset(conn, 0, sizeof(*conn));
	memset(sf, 0, sizeof(*sf));
	res->events = NFMP_EV_CONN_CREATED;
	res->sender = NFMP_CLIENT;

	/* Provisional: the SYN/ACK's version is the negotiated one (§3.1). */
	conn->version = nfmp_clamp_version(mpc->version);
	conn->state = NFMP_CONN_SYN_SENT;
	conn->end_reason = NFMP_END_NONE;
	if (mpc->flags & NFMP_MPC_FLAG_A)
		conn->flags |= NFMP_CONN_F_CSUM;
	/* RFC 6824: the v0 SYN carries the client's key; the v1 SYN carries none. */
	if (mpc->version == NFMP_VERSION_0 && mpc->nkeys >= 1)
		nfmp_conn_learn_key(conn, NFMP_CLIENT, mpc->snd_key, res);

	sf->opener = NFMP_CLIENT;
	sf->verdict = NFMP_VERDICT_PENDING;
	return true;
}

int nfmp_conn_token_owner(const struct nfmp_conn *conn, u32 token)
{
	unsigned int s;

	for (s = NFMP_CLIENT; s <= NFMP_SERVER; s++)
		if ((conn->flags & nfmp_key_flag[s]) && conn->token[s] == token)
			return s;
	return -1;
}

void nfmp_join_start(const struct nfmp_conn *conn, struct nfmp_subflow *sf, int receiver,
		     const struct nfmp_pkt *syn, struct nfmp_result *res)
{
	const struct nfmp_mp_join *join = &syn->opts->join;

	memset(sf, 0, sizeof(*sf));
	res->events = 0;
	sf->flags = NFMP_SF_F_JOIN;
	sf->opener = receiver == NFMP_CLIENT ? NFMP_SERVER : NFMP_CLIENT;
	res->sender = sf->opener;

	if (!NFMP_HAS(syn->opts, NFMP_MP_JOIN) || join->form != NFMP_JOIN_SYN) {
		sf->verdict = NFMP_VERDICT_INVALID;
		res->events |= NFMP_EV_PROTO_ERROR;
		return;
	}
	sf->nonce[NFMP_DIR_ORIG] = join->nonce;
	sf->addr_id[NFMP_DIR_ORIG] = join->addr_id;
	if (join->backup)
		sf->flags |= NFMP_SF_F_BACKUP_ORIG;

	if (receiver < 0 || !conn)
		sf->verdict = NFMP_VERDICT_UNKNOWN_TOKEN;
	else if (nfmp_conn_dead(conn))
		/* §3.7: no new subflows after fallback; none after close either. */
		sf->verdict = NFMP_VERDICT_INVALID;
	else
		sf->verdict = NFMP_VERDICT_PENDING;
}

bool nfmp_join_synack_matches(const struct nfmp_conn *conn, const struct nfmp_subflow *sf,
			      const struct nfmp_mp_join *synack)
{
	const struct nfmp_hmac_key *hk;
	struct nfmp_hmac_key tmp;
	unsigned int b = !sf->opener;

	if ((conn->flags & NFMP_CONN_F_KEYS) != NFMP_CONN_F_KEYS)
		return false;
	/* §3.2: HMAC-B = HMAC(Key-B ‖ Key-A, R-B ‖ R-A), leftmost 64 bits on the wire. */
	hk = nfmp_conn_hk(conn, b, &tmp);
	return nfmp_join_hmac64(hk, synack->nonce, sf->nonce[NFMP_DIR_ORIG]) == synack->hmac64;
}

/* SYN/ACK and third ACK of the initial subflow (§3.1). */
static void nfmp_mpc_handshake(struct nfmp_conn *conn, struct nfmp_subflow *sf,
			       const struct nfmp_pkt *pkt, struct nfmp_result *res)
{
	const struct nfmp_opts *opts = pkt->opts;
	const struct nfmp_mp_capable *mpc = &opts->mpc;
	u8 syn_ack = pkt->tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK);
	bool ok;

	if (syn_ack == (NFMP_TCP_SYN | NFMP_TCP_ACK) && pkt->dir == NFMP_DIR_REPLY) {
		if (NFMP_BAD(opts, NFMP_MP_CAPABLE))
			res->events |= NFMP_EV_PROTO_ERROR;
		if (!NFMP_HAS(opts, NFMP_MP_CAPABLE)) {
			/* The server (or a middlebox) declined MPTCP: plain TCP from now on. */
			if (conn->state == NFMP_CONN_SYN_SENT)
				nfmp_conn_fallback(conn, sf, NFMP_END_FALLBACK_SYNACK, res);
			return;
		}
		if (conn->state == NFMP_CONN_SYN_SENT) {
			/* §3.1: the server answers with the version both will use. */
			conn->version = nfmp_clamp_version(mpc->version);
			/* Tokens hash with the negotiated version's function. */
			if (conn->flags & NFMP_CONN_F_KEY_CLIENT)
				nfmp_key_to_token(conn->version, conn->key[NFMP_CLIENT],
						  &conn->token[NFMP_CLIENT], NULL);
			if (mpc->flags & NFMP_MPC_FLAG_A)
				conn->flags |= NFMP_CONN_F_CSUM;
			conn->state = NFMP_CONN_SYN_RCVD;
		}
		nfmp_conn_learn_key(conn, NFMP_SERVER, mpc->snd_key, res);
		return;
	}

	if (syn_ack != NFMP_TCP_ACK || pkt->dir != NFMP_DIR_ORIG)
		return;
	if (NFMP_BAD(opts, NFMP_MP_CAPABLE))
		res->events |= NFMP_EV_PROTO_ERROR;
	if (!NFMP_HAS(opts, NFMP_MP_CAPABLE) || mpc->nkeys != 2)
		return;

	/*
	 * Third ACK (20) or, if that was lost, the first data packet (v1: 22/24):
	 * the client's key then the server's. A key that contradicts one already
	 * seen is a forgery or a confused peer: keep the first.
	 */
	ok = nfmp_conn_learn_key(conn, NFMP_CLIENT, mpc->snd_key, res);
	ok &= nfmp_conn_learn_key(conn, NFMP_SERVER, mpc->rcv_key, res);
	if (!ok || (sf->flags & NFMP_SF_F_ESTABLISHED))
		return;
	sf->flags |= NFMP_SF_F_ESTABLISHED;
	sf->verdict = NFMP_VERDICT_VALID;
	res->events |= NFMP_EV_SF_ESTABLISHED;
}

/* SYN/ACK and third ACK of a join subflow (§3.2). */
static void nfmp_join_handshake(struct nfmp_conn *conn, struct nfmp_subflow *sf,
				const struct nfmp_pkt *pkt, struct nfmp_result *res)
{
	const struct nfmp_opts *opts = pkt->opts;
	const struct nfmp_mp_join *join = &opts->join;
	u8 syn_ack = pkt->tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK);
	const struct nfmp_hmac_key *hk;
	struct nfmp_hmac_key tmp;
	u8 mac[32];
	bool keys;

	if (sf->verdict != NFMP_VERDICT_PENDING)
		return;
	keys = (conn->flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS;

	if (syn_ack == (NFMP_TCP_SYN | NFMP_TCP_ACK) && pkt->dir == NFMP_DIR_REPLY) {
		if (!NFMP_HAS(opts, NFMP_MP_JOIN) || join->form != NFMP_JOIN_SYNACK) {
			/* A join cannot fall back: the opener must reset it (§3.2). */
			if (NFMP_BAD(opts, NFMP_MP_JOIN))
				res->events |= NFMP_EV_PROTO_ERROR;
			sf->verdict = NFMP_VERDICT_INVALID;
			return;
		}
		sf->nonce[NFMP_DIR_REPLY] = join->nonce;
		sf->addr_id[NFMP_DIR_REPLY] = join->addr_id;
		if (join->backup)
			sf->flags |= NFMP_SF_F_BACKUP_REPLY;
		if (keys && !nfmp_join_synack_matches(conn, sf, join)) {
			sf->verdict = NFMP_VERDICT_BAD_HMAC;
			res->events |= NFMP_EV_JOIN_BAD_HMAC;
		}
		return;
	}

	if (syn_ack != NFMP_TCP_ACK || pkt->dir != NFMP_DIR_ORIG ||
	    (sf->flags & NFMP_SF_F_ESTABLISHED))
		return;
	if (NFMP_BAD(opts, NFMP_MP_JOIN))
		res->events |= NFMP_EV_PROTO_ERROR;
	if (!NFMP_HAS(opts, NFMP_MP_JOIN) || join->form != NFMP_JOIN_ACK)
		return;

	sf->flags |= NFMP_SF_F_ESTABLISHED;
	res->events |= NFMP_EV_SF_ESTABLISHED;
	if (!keys)
		return;
	/* §3.2: HMAC-A = HMAC(Key-A ‖ Key-B, R-A ‖ R-B), all 160 leftmost bits sent. */
	hk = nfmp_conn_hk(conn, sf->opener, &tmp);
	nfmp_join_hmac(hk, sf->nonce[NFMP_DIR_ORIG], sf->nonce[NFMP_DIR_REPLY], mac);
	if (nfmp_mem_equal(mac, join->hmac160, sizeof(join->hmac160))) {
		sf->verdict = NFMP_VERDICT_VALID;
		res->events |= NFMP_EV_JOIN_VALID;
	} else {
		sf->verdict = NFMP_VERDICT_BAD_HMAC;
		res->events |= NFMP_EV_JOIN_BAD_HMAC;
	}
}

static void nfmp_add_addr(struct nfmp_conn *conn, const struct nfmp_add_addr *aa, u8 sender,
			  struct nfmp_result *res)
{
	const struct nfmp_hmac_key *hk;
	struct nfmp_hmac_key tmp;

	if (aa->echo) {
		res->events |= NFMP_EV_ADDR_ECHOED;
		return;
	}
	/*
	 * §3.4.1: the v1 HMAC is keyed with the sender's key first. An announcement
	 * that fails it is an injection (RFC 7430): report it, never as announced.
	 */
	if (aa->has_hmac && conn->version == NFMP_VERSION_1 &&
	    (conn->flags & NFMP_CONN_F_KEYS) == NFMP_CONN_F_KEYS) {
		hk = nfmp_conn_hk(conn, sender, &tmp);
		if (nfmp_add_addr_hmac(hk, aa->addr_id, aa->family, aa->addr,
				       aa->has_port ? aa->port : 0) != aa->hmac) {
			res->events |= NFMP_EV_ADD_ADDR_BAD_HMAC;
			return;
		}
	}
	res->events |= NFMP_EV_ADDR_ANNOUNCED;
}

static void nfmp_dss(struct nfmp_conn *conn, struct nfmp_subflow *sf, const struct nfmp_dss *dss,
		     u8 sender, struct nfmp_result *res)
{
	if (!(dss->flags & NFMP_DSS_MAP))
		return;
	conn->flags |= NFMP_CONN_F_DSS_SEEN;

	/* §3.3.1: data-level length 0 without DATA_FIN is the infinite mapping (§3.7). */
	if (!dss->data_len && !(dss->flags & NFMP_DSS_DATA_FIN)) {
		nfmp_conn_fallback(conn, sf, NFMP_END_FALLBACK_INFINITE, res);
		return;
	}
	/* §3.3.3: DATA_FIN rides on a mapping; Linux ignores F without M as well. */
	if (!(dss->flags & NFMP_DSS_DATA_FIN) || (conn->flags & nfmp_fin_flag[sender]))
		return;
	conn->flags |= nfmp_fin_flag[sender];
	res->events |= NFMP_EV_DATA_FIN;
	if ((conn->flags & (NFMP_CONN_F_FIN_CLIENT | NFMP_CONN_F_FIN_SERVER)) ==
	    (NFMP_CONN_F_FIN_CLIENT | NFMP_CONN_F_FIN_SERVER))
		nfmp_conn_close(conn, NFMP_END_DATA_FIN, res);
	else
		conn->state = NFMP_CONN_CLOSING;
}

/* Options that may appear on any established subflow. */
static void nfmp_conn_options(struct nfmp_conn *conn, struct nfmp_subflow *sf,
			      const struct nfmp_pkt *pkt, u8 sender, struct nfmp_result *res)
{
	const struct nfmp_opts *opts = pkt->opts;
	bool mapped = false;

	if (NFMP_HAS(opts, NFMP_MP_CAPABLE) && opts->mpc.has_data_len &&
	    !(sf->flags & NFMP_SF_F_JOIN) && sender == NFMP_CLIENT) {
		/* §3.1: the 22/24-byte MP_CAPABLE maps the first data itself. */
		conn->flags |= NFMP_CONN_F_DSS_SEEN;
		mapped = true;
	}
	if (NFMP_HAS(opts, NFMP_DSS)) {
		mapped |= !!(opts->dss.flags & NFMP_DSS_MAP);
		nfmp_dss(conn, sf, &opts->dss, sender, res);
		if (nfmp_conn_dead(conn))
			return;
	}

	/*
	 * §3.7: data on the initial subflow before any mapping was ever seen
	 * means a middlebox stripped the options: the peers fall back.
	 */
	if (pkt->payload_len && !mapped && !(conn->flags & NFMP_CONN_F_DSS_SEEN) &&
	    !(sf->flags & NFMP_SF_F_JOIN) && conn->state != NFMP_CONN_SYN_SENT) {
		nfmp_conn_fallback(conn, sf, NFMP_END_FALLBACK_NO_DSS, res);
		return;
	}

	if (NFMP_HAS(opts, NFMP_ADD_ADDR))
		nfmp_add_addr(conn, &opts->add_addr, sender, res);
	if (NFMP_HAS(opts, NFMP_REMOVE_ADDR))
		res->events |= NFMP_EV_ADDR_REMOVED;
	if (NFMP_HAS(opts, NFMP_MP_PRIO)) {
		/* §3.3.8: the sender changes the priority it asks the peer to give it. */
		u8 bit = pkt->dir == NFMP_DIR_ORIG ? NFMP_SF_F_BACKUP_ORIG : NFMP_SF_F_BACKUP_REPLY;

		if (opts->prio.backup)
			sf->flags |= bit;
		else
			sf->flags &= ~bit;
		res->events |= NFMP_EV_PRIO_CHANGED;
	}
	/*
	 * §3.7: MP_FAIL on a plain ACK means the only subflow falls back to an
	 * infinite mapping; with RST it just kills this subflow (others remain).
	 */
	if (NFMP_HAS(opts, NFMP_MP_FAIL) && !(pkt->tcp_flags & NFMP_TCP_RST)) {
		nfmp_conn_fallback(conn, sf, NFMP_END_FALLBACK_MP_FAIL, res);
		return;
	}
	/*
	 * §3.5: MP_FASTCLOSE carries the receiver's key; one that does not match
	 * is a hijack attempt on close (RFC 7430) and is not believed.
	 */
	if (NFMP_HAS(opts, NFMP_MP_FASTCLOSE)) {
		if ((conn->flags & nfmp_key_flag[!sender]) &&
		    conn->key[!sender] != opts->fastclose_key)
			res->events |= NFMP_EV_PROTO_ERROR;
		else
			nfmp_conn_close(conn, NFMP_END_FASTCLOSE, res);
	}
}

bool nfmp_packet_is_plain(const struct nfmp_pkt *pkt)
{
	const struct nfmp_opts *opts = pkt->opts;

	if (pkt->tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_FIN | NFMP_TCP_RST))
		return false;
	if (opts->malformed || opts->n_unknown || opts->bad_tcp_opts ||
	    (opts->present & ~NFMP_SUBTYPE_BIT(NFMP_DSS)))
		return false;
	if (!NFMP_HAS(opts, NFMP_DSS) || !(opts->dss.flags & NFMP_DSS_MAP))
		return true;
	return opts->dss.data_len && !(opts->dss.flags & NFMP_DSS_DATA_FIN);
}

/*
 * Everything nfmp_packet_is_plain() relies on. A connection that fell back
 * or closed takes nothing from a packet but its FIN or RST; a live one
 * needs its keys, a mapping seen and this subflow verified. Once true it
 * stays true until this subflow closes (nothing else undoes it), and a
 * bad-HMAC subflow never is: the tracker keeps dropping its packets.
 */
static bool nfmp_subflow_steady(const struct nfmp_conn *conn, const struct nfmp_subflow *sf)
{
	if (sf->flags & NFMP_SF_F_CLOSED || sf->verdict == NFMP_VERDICT_BAD_HMAC)
		return false;
	if (nfmp_conn_dead(conn))
		return true;
	return (conn->flags & (NFMP_CONN_F_KEYS | NFMP_CONN_F_DSS_SEEN)) ==
	       (NFMP_CONN_F_KEYS | NFMP_CONN_F_DSS_SEEN) &&
	       (sf->flags & NFMP_SF_F_ESTABLISHED) && sf->verdict == NFMP_VERDICT_VALID;
}

void nfmp_engine_packet(struct nfmp_conn *conn, struct nfmp_subflow *sf,
			const struct nfmp_pkt *pkt, struct nfmp_result *res)
{
	const struct nfmp_opts *opts = pkt->opts;
	u8 sender;

	sender = pkt->dir == NFMP_DIR_ORIG ? sf->opener : !sf->opener;
	res->events = 0;
	res->sender = sender;

	if (conn && !nfmp_conn_dead(conn)) {
		if (sf->flags & NFMP_SF_F_JOIN)
			nfmp_join_handshake(conn, sf, pkt, res);
		else if (!(sf->flags & NFMP_SF_F_ESTABLISHED) || NFMP_HAS(opts, NFMP_MP_CAPABLE))
			nfmp_mpc_handshake(conn, sf, pkt, res);

		if (!nfmp_conn_dead(conn) && !(pkt->tcp_flags & NFMP_TCP_SYN) &&
		    (sf->verdict == NFMP_VERDICT_PENDING || sf->verdict == NFMP_VERDICT_VALID))
			nfmp_conn_options(conn, sf, pkt, sender, res);
	}

	/* §3.6: MP_TCPRST explains a reset; either way this subflow is gone. */
	if ((pkt->tcp_flags & (NFMP_TCP_FIN | NFMP_TCP_RST)) || NFMP_HAS(opts, NFMP_MP_TCPRST)) {
		if (!(sf->flags & NFMP_SF_F_CLOSED)) {
			sf->flags |= NFMP_SF_F_CLOSED;
			res->events |= NFMP_EV_SF_CLOSED;
		}
	}

	if (conn && nfmp_subflow_steady(conn, sf))
		sf->flags |= NFMP_SF_F_STEADY;
	else
		sf->flags &= ~NFMP_SF_F_STEADY;
}

void nfmp_conn_prepare_hmac(const struct nfmp_conn *conn, struct nfmp_hmac_key hk[2])
{
	nfmp_hmac_key_init(&hk[NFMP_CLIENT], conn->version, conn->key[NFMP_CLIENT],
			   conn->key[NFMP_SERVER]);
	nfmp_hmac_key_init(&hk[NFMP_SERVER], conn->version, conn->key[NFMP_SERVER],
			   conn->key[NFMP_CLIENT]);
}

const char *nfmp_verdict_name(unsigned int verdict)
{
	static const char * const names[] = {
		[NFMP_VERDICT_PENDING]		= "pending",
		[NFMP_VERDICT_VALID]		= "valid",
		[NFMP_VERDICT_UNKNOWN_TOKEN]	= "unknown-token",
		[NFMP_VERDICT_BAD_HMAC]		= "bad-hmac",
		[NFMP_VERDICT_FALLBACK]		= "fallback",
		[NFMP_VERDICT_INVALID]		= "invalid",
	};

	return verdict < ARRAY_SIZE(names) ? names[verdict] : "?";
}

const char *nfmp_conn_state_name(unsigned int state)
{
	static const char * const names[] = {
		[NFMP_CONN_SYN_SENT]	= "syn-sent",
		[NFMP_CONN_SYN_RCVD]	= "syn-rcvd",
		[NFMP_CONN_ESTABLISHED]	= "established",
		[NFMP_CONN_FALLBACK]	= "fallback",
		[NFMP_CONN_CLOSING]	= "closing",
		[NFMP_CONN_CLOSED]	= "closed",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

const char *nfmp_end_reason_name(unsigned int reason)
{
	static const char * const names[] = {
		[NFMP_END_NONE]			= "none",
		[NFMP_END_DATA_FIN]		= "data-fin",
		[NFMP_END_FASTCLOSE]		= "fastclose",
		[NFMP_END_TCPRST]		= "tcprst",
		[NFMP_END_SUBFLOWS_GONE]	= "subflows-gone",
		[NFMP_END_FALLBACK_SYNACK]	= "fallback-synack",
		[NFMP_END_FALLBACK_NO_DSS]	= "fallback-no-dss",
		[NFMP_END_FALLBACK_MP_FAIL]	= "fallback-mp-fail",
		[NFMP_END_FALLBACK_INFINITE]	= "fallback-infinite-map",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : "?";
}
