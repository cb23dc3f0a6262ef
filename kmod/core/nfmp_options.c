// SPDX-License-Identifier: GPL-2.0
/* nfmp_options.c - decode every MPTCP option (RFC 8684 §3, RFC 6824 §3) in a TCP option area. */

#include "nfmp_options.h"

#define NFMP_TCPOPT_EOL		0
#define NFMP_TCPOPT_NOP		1

/* Lengths of the fixed-size forms (RFC 8684 §3.1-§3.6, RFC 6824 §3.1-§3.3). */
#define NFMP_LEN_MPC_SYN_V1	4
#define NFMP_LEN_MPC_KEY	12
#define NFMP_LEN_MPC_ACK	20
#define NFMP_LEN_MPC_DATA	22
#define NFMP_LEN_MPC_DATA_CSUM	24
#define NFMP_LEN_JOIN_SYN	12
#define NFMP_LEN_JOIN_SYNACK	16
#define NFMP_LEN_JOIN_ACK	24
#define NFMP_LEN_PRIO		3
#define NFMP_LEN_PRIO_V0	4
#define NFMP_LEN_FAIL		12
#define NFMP_LEN_FASTCLOSE	12
#define NFMP_LEN_TCPRST		4

/* ADD_ADDR: kind, len, subtype|flags, address id, then address, port, HMAC. */
#define NFMP_ADD_ADDR_HDR	4
#define NFMP_ADD_ADDR_PORT	2
#define NFMP_ADD_ADDR_HMAC	8

/*
 * Each decoder gets the whole option (@p[0] is the kind byte, @len >= 3 is its
 * length byte) and returns true if the option is well formed.
 */

static bool nfmp_parse_mp_capable(const u8 *p, unsigned int len, u8 tcp_flags,
				  struct nfmp_mp_capable *mpc)
{
	bool syn = tcp_flags & NFMP_TCP_SYN;
	bool ack = tcp_flags & NFMP_TCP_ACK;
	u8 version = p[2] & 0x0f;

	if (len < NFMP_LEN_MPC_SYN_V1)
		return false;

	/*
	 * The form follows the TCP flags, like Linux's mptcp_parse_option():
	 * SYN: 4 (v1, no key) or 12 (v0 sender key); SYN/ACK: 12; ACK: 20
	 * (both keys), v1 also 22/24 on the first data packet (§3.1).
	 * RFC 6824 has no keyless SYN and no data forms, so v0 allows 12/12/20 only.
	 */
	if (syn && !ack) {
		if (len != NFMP_LEN_MPC_KEY && (len != NFMP_LEN_MPC_SYN_V1 || version == 0))
			return false;
	} else if (syn && ack) {
		if (len != NFMP_LEN_MPC_KEY)
			return false;
	} else if (ack) {
		if (len != NFMP_LEN_MPC_ACK &&
		    ((len != NFMP_LEN_MPC_DATA && len != NFMP_LEN_MPC_DATA_CSUM) || version == 0))
			return false;
	} else {
		return false;
	}

	memset(mpc, 0, sizeof(*mpc));
	mpc->version = version;
	mpc->flags = p[3];
	mpc->len = len;
	if (len >= NFMP_LEN_MPC_KEY) {
		mpc->nkeys = 1;
		mpc->snd_key = nfmp_get_be64(p + 4);
	}
	if (len >= NFMP_LEN_MPC_ACK) {
		mpc->nkeys = 2;
		mpc->rcv_key = nfmp_get_be64(p + 12);
	}
	if (len >= NFMP_LEN_MPC_DATA) {
		mpc->has_data_len = true;
		mpc->data_len = nfmp_get_be16(p + 20);
	}
	if (len == NFMP_LEN_MPC_DATA_CSUM) {
		mpc->has_csum = true;
		mpc->csum = nfmp_get_be16(p + 22);
	}
	return true;
}

static bool nfmp_parse_mp_join(const u8 *p, unsigned int len, u8 tcp_flags,
			       struct nfmp_mp_join *join)
{
	u8 syn_ack = tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_ACK);

	/* §3.2: the form is fixed by the handshake step; anything else is malformed. */
	if (syn_ack == NFMP_TCP_SYN && len == NFMP_LEN_JOIN_SYN) {
		join->form = NFMP_JOIN_SYN;
		join->backup = p[2] & 0x01;
		join->addr_id = p[3];
		join->token = nfmp_get_be32(p + 4);
		join->nonce = nfmp_get_be32(p + 8);
		join->hmac64 = 0;
	} else if (syn_ack == (NFMP_TCP_SYN | NFMP_TCP_ACK) && len == NFMP_LEN_JOIN_SYNACK) {
		join->form = NFMP_JOIN_SYNACK;
		join->backup = p[2] & 0x01;
		join->addr_id = p[3];
		join->token = 0;
		join->hmac64 = nfmp_get_be64(p + 4);
		join->nonce = nfmp_get_be32(p + 12);
	} else if (syn_ack == NFMP_TCP_ACK && len == NFMP_LEN_JOIN_ACK) {
		join->form = NFMP_JOIN_ACK;
		join->backup = false;
		join->addr_id = 0;
		join->token = 0;
		join->nonce = 0;
		join->hmac64 = 0;
		memcpy(join->hmac160, p + 4, sizeof(join->hmac160));
		return true;
	} else {
		return false;
	}
	memset(join->hmac160, 0, sizeof(join->hmac160));
	return true;
}

static bool nfmp_parse_dss(const u8 *p, unsigned int len, struct nfmp_dss *out)
{
	unsigned int expect = 4, off = 4;
	struct nfmp_dss d, *dss = &d;
	u8 flags;

	if (len < 4)
		return false;
	flags = p[3];

	/* §3.3: 4 + data ACK {0,4,8} + mapping {0, 4+4+2, 8+4+2} + checksum {0,2}. */
	if (flags & NFMP_DSS_ACK)
		expect += (flags & NFMP_DSS_ACK64) ? 8 : 4;
	if (flags & NFMP_DSS_MAP)
		expect += ((flags & NFMP_DSS_DSN64) ? 8 : 4) + 4 + 2;

	memset(dss, 0, sizeof(*dss));
	/* The checksum only exists as the tail of a mapping. */
	if (len == expect + 2 && (flags & NFMP_DSS_MAP))
		dss->has_csum = true;
	else if (len != expect)
		return false;

	dss->flags = flags;
	dss->len = len;
	if (flags & NFMP_DSS_ACK) {
		if (flags & NFMP_DSS_ACK64) {
			dss->data_ack = nfmp_get_be64(p + off);
			off += 8;
		} else {
			dss->data_ack = nfmp_get_be32(p + off);
			off += 4;
		}
	}
	if (flags & NFMP_DSS_MAP) {
		if (flags & NFMP_DSS_DSN64) {
			dss->dsn = nfmp_get_be64(p + off);
			off += 8;
		} else {
			dss->dsn = nfmp_get_be32(p + off);
			off += 4;
		}
		dss->ssn = nfmp_get_be32(p + off);
		dss->data_len = nfmp_get_be16(p + off + 4);
		off += 6;
		if (dss->has_csum)
			dss->csum = nfmp_get_be16(p + off);
	}
	/* Decoded aside so that a malformed DSS leaves an earlier good one intact. */
	*out = d;
	return true;
}

/*
 * ADD_ADDR length without the HMAC for a family, or 0. RFC 6824 lengths equal
 * the RFC 8684 echo lengths (no HMAC in either).
 */
static unsigned int nfmp_add_addr_family(unsigned int len_no_hmac)
{
	if (len_no_hmac == NFMP_ADD_ADDR_HDR + 4 ||
	    len_no_hmac == NFMP_ADD_ADDR_HDR + 4 + NFMP_ADD_ADDR_PORT)
		return 4;
	if (len_no_hmac == NFMP_ADD_ADDR_HDR + 16 ||
	    len_no_hmac == NFMP_ADD_ADDR_HDR + 16 + NFMP_ADD_ADDR_PORT)
		return 6;
	return 0;
}

static bool nfmp_parse_add_addr(const u8 *p, unsigned int len, u8 version, unsigned int offset,
				struct nfmp_add_addr *out)
{
	struct nfmp_add_addr a, *aa = &a;
	u8 nibble = p[2] & 0x0f;
	unsigned int body, alen;
	u8 family;

	if (len < NFMP_ADD_ADDR_HDR)
		return false;

	/*
	 * The option does not say its version. RFC 6824 puts IPVer (4 or 6) where
	 * RFC 8684 has flags (E = 0x01): without a known connection version, take
	 * v0 only when the nibble and the length agree on it.
	 */
	if (version == NFMP_VERSION_UNKNOWN)
		version = (nibble == 4 || nibble == 6) &&
			  nfmp_add_addr_family(len) == nibble ? NFMP_VERSION_0 : NFMP_VERSION_1;

	memset(aa, 0, sizeof(*aa));
	if (version == NFMP_VERSION_0) {
		family = nfmp_add_addr_family(len);
		if (!family || family != nibble)
			return false;
		body = len;
	} else {
		version = NFMP_VERSION_1;
		aa->echo = nibble & NFMP_ADD_ADDR_FLAG_ECHO;
		/* §3.4.1: the truncated HMAC is present exactly when E = 0. */
		if (!aa->echo) {
			if (len < NFMP_ADD_ADDR_HMAC)
				return false;
			body = len - NFMP_ADD_ADDR_HMAC;
		} else {
			body = len;
		}
		family = nfmp_add_addr_family(body);
		if (!family)
			return false;
		if (!aa->echo) {
			aa->has_hmac = true;
			aa->hmac = nfmp_get_be64(p + body);
		}
	}

	alen = family == 4 ? 4 : 16;
	aa->version = version;
	aa->addr_id = p[3];
	aa->family = family;
	memcpy(aa->addr, p + NFMP_ADD_ADDR_HDR, alen);
	if (body == NFMP_ADD_ADDR_HDR + alen + NFMP_ADD_ADDR_PORT) {
		aa->has_port = true;
		aa->port = nfmp_get_be16(p + NFMP_ADD_ADDR_HDR + alen);
	}
	aa->offset = offset;
	aa->len = len;
	*out = a;
	return true;
}

static bool nfmp_parse_remove_addr(const u8 *p, unsigned int len, struct nfmp_remove_addr *rm)
{
	/* §3.4.2: at least one address id. */
	if (len < 4 || len - 3 > NFMP_MAX_RM_IDS)
		return false;
	rm->nids = len - 3;
	memcpy(rm->ids, p + 3, rm->nids);
	return true;
}

static bool nfmp_parse_mp_prio(const u8 *p, unsigned int len, u8 version, struct nfmp_mp_prio *prio)
{
	/*
	 * §3.3.8: 3 bytes in v1. RFC 6824 §3.3.8 allows an optional address id
	 * (length 4): accept it unless the connection is known to be v1.
	 */
	if (len == NFMP_LEN_PRIO) {
		prio->has_addr_id = false;
		prio->addr_id = 0;
	} else if (len == NFMP_LEN_PRIO_V0 && version != NFMP_VERSION_1) {
		prio->has_addr_id = true;
		prio->addr_id = p[3];
	} else {
		return false;
	}
	prio->backup = p[2] & 0x01;
	return true;
}

static bool nfmp_parse_one(const u8 *p, unsigned int len, unsigned int offset, u8 tcp_flags,
			   u8 version, struct nfmp_opts *out)
{
	switch (p[2] >> 4) {
	case NFMP_MP_CAPABLE:
		return nfmp_parse_mp_capable(p, len, tcp_flags, &out->mpc);
	case NFMP_MP_JOIN:
		return nfmp_parse_mp_join(p, len, tcp_flags, &out->join);
	case NFMP_DSS:
		return nfmp_parse_dss(p, len, &out->dss);
	case NFMP_ADD_ADDR:
		return nfmp_parse_add_addr(p, len, version, offset, &out->add_addr);
	case NFMP_REMOVE_ADDR:
		return nfmp_parse_remove_addr(p, len, &out->rm_addr);
	case NFMP_MP_PRIO:
		return nfmp_parse_mp_prio(p, len, version, &out->prio);
	case NFMP_MP_FAIL:
		/* §3.7: byte 2 low nibble and byte 3 reserved, 64-bit DSN. */
		if (len != NFMP_LEN_FAIL)
			return false;
		out->fail_dsn = nfmp_get_be64(p + 4);
		return true;
	case NFMP_MP_FASTCLOSE:
		/* §3.5: the key of the option's receiver. */
		if (len != NFMP_LEN_FASTCLOSE)
			return false;
		out->fastclose_key = nfmp_get_be64(p + 4);
		return true;
	case NFMP_MP_TCPRST:
		/* §3.6: flags U V W T, reason. */
		if (len != NFMP_LEN_TCPRST)
			return false;
		out->tcprst.flags = p[2] & 0x0f;
		out->tcprst.reason = p[3];
		return true;
	}
	return false;
}

/* Length of the TCP option at @p (of @left bytes), or 0 if the list is malformed there. */
static unsigned int nfmp_tcpopt_len(const u8 *p, unsigned int left)
{
	unsigned int olen;

	if (p[0] == NFMP_TCPOPT_NOP)
		return 1;
	if (left < 2)
		return 0;
	olen = p[1];
	if (olen < 2 || olen > left)
		return 0;
	return olen;
}

bool nfmp_has_mptcp_option(const u8 *opts, unsigned int len)
{
	unsigned int i = 0, olen;

	while (i < len && opts[i] != NFMP_TCPOPT_EOL) {
		olen = nfmp_tcpopt_len(opts + i, len - i);
		if (!olen)
			return false;
		if (opts[i] == NFMP_TCPOPT_MPTCP)
			return true;
		i += olen;
	}
	return false;
}

unsigned int nfmp_opts_strip(u8 *opts, unsigned int len, u32 subtypes)
{
	unsigned int i = 0, olen, n = 0;

	while (i < len && opts[i] != NFMP_TCPOPT_EOL) {
		olen = nfmp_tcpopt_len(opts + i, len - i);
		if (!olen)
			break;
		/* a 2-byte MPTCP option has no subtype: only "all" takes it */
		if (opts[i] == NFMP_TCPOPT_MPTCP &&
		    (subtypes == NFMP_STRIP_ALL ||
		     (olen > 2 && (subtypes & NFMP_SUBTYPE_BIT(opts[i + 2] >> 4))))) {
			memset(opts + i, NFMP_TCPOPT_NOP, olen);
			n++;
		}
		i += olen;
	}
	return n;
}

bool nfmp_options_plain(const u8 *opts, unsigned int len, u8 tcp_flags)
{
	unsigned int i = 0, olen;
	bool dss_seen = false;
	struct nfmp_dss dss;

	if (tcp_flags & (NFMP_TCP_SYN | NFMP_TCP_FIN | NFMP_TCP_RST))
		return false;
	while (i < len && opts[i] != NFMP_TCPOPT_EOL) {
		olen = nfmp_tcpopt_len(opts + i, len - i);
		if (!olen)
			return false;
		if (opts[i] == NFMP_TCPOPT_MPTCP) {
			if (dss_seen || olen < 3 || opts[i + 2] >> 4 != NFMP_DSS ||
			    !nfmp_parse_dss(opts + i, olen, &dss))
				return false;
			if ((dss.flags & NFMP_DSS_MAP) &&
			    (!dss.data_len || (dss.flags & NFMP_DSS_DATA_FIN)))
				return false;
			dss_seen = true;
		}
		i += olen;
	}
	return true;
}

int nfmp_parse_options(const u8 *opts, unsigned int len, u8 tcp_flags, u8 version,
		       struct nfmp_opts *out)
{
	unsigned int i = 0, olen, st;

	memset(out, 0, sizeof(*out));
	while (i < len && opts[i] != NFMP_TCPOPT_EOL) {
		olen = nfmp_tcpopt_len(opts + i, len - i);
		if (!olen) {
			out->bad_tcp_opts = true;
			break;
		}
		if (opts[i] != NFMP_TCPOPT_MPTCP) {
			i += olen;
			continue;
		}
		if (out->n_mptcp < 0xff)
			out->n_mptcp++;
		/* A 2-byte kind 30 has no subtype: count it, nothing more can be said. */
		if (olen < 3) {
			i += olen;
			continue;
		}
		st = opts[i + 2] >> 4;
		if (st > NFMP_MP_TCPRST) {
			/* Experimental or unassigned: accept what we don't understand. */
			if (out->n_unknown < 0xff)
				out->n_unknown++;
		} else if (nfmp_parse_one(opts + i, olen, i, tcp_flags, version, out)) {
			out->present |= NFMP_SUBTYPE_BIT(st);
		} else {
			out->malformed |= NFMP_SUBTYPE_BIT(st);
		}
		i += olen;
	}
	return out->n_mptcp;
}

const char *nfmp_subtype_name(unsigned int subtype)
{
	/* Spelled as nft's `tcp option mptcp subtype` symbols. */
	static const char * const names[] = {
		[NFMP_MP_CAPABLE]	= "mp-capable",
		[NFMP_MP_JOIN]		= "mp-join",
		[NFMP_DSS]		= "dss",
		[NFMP_ADD_ADDR]		= "add-addr",
		[NFMP_REMOVE_ADDR]	= "remove-addr",
		[NFMP_MP_PRIO]		= "mp-prio",
		[NFMP_MP_FAIL]		= "mp-fail",
		[NFMP_MP_FASTCLOSE]	= "mp-fastclose",
		[NFMP_MP_TCPRST]	= "mp-tcprst",
	};

	if (subtype < ARRAY_SIZE(names))
		return names[subtype];
	if (subtype == NFMP_MP_EXPERIMENTAL)
		return "experimental";
	return "unknown";
}
