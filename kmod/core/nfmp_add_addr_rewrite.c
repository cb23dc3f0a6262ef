// SPDX-License-Identifier: GPL-2.0
/* nfmp_add_addr_rewrite.c - re-encode, re-sign and re-place ADD_ADDR options (RFC 8684 §3.4.1). */

#include "nfmp_add_addr_rewrite.h"

#define NFMP_TCPOPT_EOL		0
#define NFMP_TCPOPT_NOP		1

unsigned int nfmp_add_addr_len(const struct nfmp_add_addr *aa)
{
	unsigned int len = 4 + (aa->family == 6 ? 16 : 4);

	if (aa->has_port)
		len += 2;
	if (aa->version != NFMP_VERSION_0 && !aa->echo)
		len += 8;
	return len;
}

unsigned int nfmp_add_addr_encode(const struct nfmp_add_addr *aa, u8 out[NFMP_ADD_ADDR_MAXLEN])
{
	unsigned int alen = aa->family == 6 ? 16 : 4, len = 4;

	out[0] = NFMP_TCPOPT_MPTCP;
	/*
	 * Byte 2's low nibble: flags (E) in v1, IPVer in v0 (RFC 6824 §3.4.1,
	 * which has no HMAC and no echo).
	 */
	if (aa->version == NFMP_VERSION_0)
		out[2] = (NFMP_ADD_ADDR << 4) | (aa->family == 6 ? 6 : 4);
	else
		out[2] = (NFMP_ADD_ADDR << 4) | (aa->echo ? NFMP_ADD_ADDR_FLAG_ECHO : 0);
	out[3] = aa->addr_id;
	memcpy(out + len, aa->addr, alen);
	len += alen;
	if (aa->has_port) {
		nfmp_put_be16(out + len, aa->port);
		len += 2;
	}
	if (aa->version != NFMP_VERSION_0 && !aa->echo) {
		nfmp_put_be64(out + len, aa->hmac);
		len += 8;
	}
	out[1] = len;
	return len;
}

bool nfmp_add_addr_hmac_ok(const struct nfmp_add_addr *aa, const struct nfmp_hmac_key *hk)
{
	return nfmp_add_addr_hmac(hk, aa->addr_id, aa->family, aa->addr,
				  aa->has_port ? aa->port : 0) == aa->hmac;
}

void nfmp_add_addr_sign(struct nfmp_add_addr *aa, const struct nfmp_hmac_key *hk)
{
	/* §3.4.1: the port is part of the message, as zero when the option has none */
	aa->hmac = nfmp_add_addr_hmac(hk, aa->addr_id, aa->family, aa->addr,
				      aa->has_port ? aa->port : 0);
	aa->has_hmac = true;
}

/*
 * Rebuild @opts into @out without its NOPs, the @rlen bytes of @repl in place
 * of the option of @olen bytes at @off; at most @room bytes. Returns the
 * bytes written, or -1 when they would not fit or the list is malformed.
 */
static int nfmp_opts_rebuild(const u8 *opts, unsigned int len, unsigned int off,
			     unsigned int olen, const u8 *repl, unsigned int rlen,
			     u8 *out, unsigned int room)
{
	unsigned int i = 0, n = 0;
	bool placed = false;

	while (i < len) {
		unsigned int l;

		if (opts[i] == NFMP_TCPOPT_EOL)
			break;		/* the rest is padding */
		if (opts[i] == NFMP_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i == off) {
			l = olen;
			if (n + rlen > room)
				return -1;
			memcpy(out + n, repl, rlen);
			n += rlen;
			placed = true;
		} else {
			if (i + 1 >= len)
				return -1;
			l = opts[i + 1];
			if (l < 2 || l > len - i || (i < off && i + l > off))
				return -1;
			if (n + l > room)
				return -1;
			memcpy(out + n, opts + i, l);
			n += l;
		}
		i += l;
	}
	/* @off must be where an option of the walk starts, before any EOL */
	return placed ? (int)n : -1;
}

static bool nfmp_opts_args_ok(unsigned int len, unsigned int off, unsigned int olen,
			      unsigned int rlen)
{
	return len <= NFMP_OPT_SPACE && off < len && olen >= 2 && olen <= len - off &&
	       rlen <= NFMP_OPT_SPACE;
}

bool nfmp_opts_replace(u8 *opts, unsigned int len, unsigned int off, unsigned int olen,
		       const u8 *repl, unsigned int rlen)
{
	u8 out[NFMP_OPT_SPACE];
	int n;

	if (!nfmp_opts_args_ok(len, off, olen, rlen))
		return false;

	if (rlen <= olen) {
		if (rlen)
			memcpy(opts + off, repl, rlen);
		memset(opts + off + rlen, NFMP_TCPOPT_NOP, olen - rlen);
		return true;
	}

	/* Longer: rebuild the area without its NOPs, the new option in the old one's place. */
	n = nfmp_opts_rebuild(opts, len, off, olen, repl, rlen, out, len);
	if (n < 0)
		return false;
	memset(out + n, NFMP_TCPOPT_NOP, len - n);
	memcpy(opts, out, len);
	return true;
}

unsigned int nfmp_opts_replace_grow(const u8 *opts, unsigned int len, unsigned int off,
				    unsigned int olen, const u8 *repl, unsigned int rlen,
				    u8 out[NFMP_OPT_SPACE])
{
	unsigned int newlen;
	int n;

	if (!nfmp_opts_args_ok(len, off, olen, rlen) || len % 4)
		return 0;
	if (rlen <= olen) {
		memcpy(out, opts, len);
		nfmp_opts_replace(out, len, off, olen, repl, rlen);
		return len;
	}
	n = nfmp_opts_rebuild(opts, len, off, olen, repl, rlen, out, NFMP_OPT_SPACE);
	if (n < 0)
		return 0;
	/* the old length when the NOPs made room, else the next multiple of 4 */
	newlen = (unsigned int)n <= len ? len : ((unsigned int)n + 3) & ~3u;
	memset(out + n, NFMP_TCPOPT_NOP, newlen - n);
	return newlen;
}
