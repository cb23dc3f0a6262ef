/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfmp_add_addr_rewrite.h - re-encode, re-sign and re-place an ADD_ADDR option
 * (RFC 8684 §3.4.1) inside a TCP option area of fixed length, for a NAT that
 * translates the announced address.
 */
#ifndef _NFMP_ADD_ADDR_REWRITE_H
#define _NFMP_ADD_ADDR_REWRITE_H

#include "nfmp_types.h"
#include "nfmp_options.h"
#include "nfmp_crypto.h"

/* Longest ADD_ADDR: IPv6, port and HMAC. */
#define NFMP_ADD_ADDR_MAXLEN	30

/* Wire length of @aa as nfmp_add_addr_encode() would write it. */
unsigned int nfmp_add_addr_len(const struct nfmp_add_addr *aa);

/*
 * Write @aa (version, echo, id, family, address, port, HMAC as given) to @out;
 * returns its length. The HMAC is written when v1 and not an echo.
 */
unsigned int nfmp_add_addr_encode(const struct nfmp_add_addr *aa, u8 out[NFMP_ADD_ADDR_MAXLEN]);

/*
 * v1 announcement (E = 0) sent by the owner of @hk (keyed sender ‖ receiver):
 * does its HMAC verify / set it for the address and port it now carries.
 */
bool nfmp_add_addr_hmac_ok(const struct nfmp_add_addr *aa, const struct nfmp_hmac_key *hk);
void nfmp_add_addr_sign(struct nfmp_add_addr *aa, const struct nfmp_hmac_key *hk);

/*
 * Replace the option of @olen bytes at @off in the option area @opts (@len
 * bytes, the TCP header's options) by @rlen bytes of @repl (0: remove it),
 * keeping the area's length so that no TCP or IP length changes. A shorter
 * replacement is padded with NOPs in place; a longer one takes the room of
 * NOP padding elsewhere in the area (options need no alignment: RFC 9293
 * §3.1), and the area's tail is padded with NOPs. Returns false, leaving
 * @opts untouched, when the result would not fit or the option list is
 * malformed.
 */
bool nfmp_opts_replace(u8 *opts, unsigned int len, unsigned int off, unsigned int olen,
		       const u8 *repl, unsigned int rlen);

/* TCP's option space: a data offset of 15 words (RFC 9293 §3.1). */
#define NFMP_OPT_SPACE		40

/*
 * As nfmp_opts_replace(), but into @out and the area may grow when its NOP
 * padding does not make room: every other option kept byte-exact and in
 * order, NOPs dropped, the result NOP-padded to a multiple of 4 and at most
 * NFMP_OPT_SPACE bytes. Returns the new length (@len unless it had to grow),
 * or 0 when it cannot fit, the list is malformed or @len is not a multiple
 * of 4; @opts is never written.
 */
unsigned int nfmp_opts_replace_grow(const u8 *opts, unsigned int len, unsigned int off,
				    unsigned int olen, const u8 *repl, unsigned int rlen,
				    u8 out[NFMP_OPT_SPACE]);

#endif /* _NFMP_ADD_ADDR_REWRITE_H */
