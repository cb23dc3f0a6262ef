/* SPDX-License-Identifier: GPL-2.0 */
/* rule_print.h - rule_expr.h rules back to nft syntax (as `nft -a list` prints them) and to `nft -j`-shaped JSON. */
#ifndef _NFM_RULE_PRINT_H
#define _NFM_RULE_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "json_out.h"
#include "rule_expr.h"

/*
 * The rule's text into @buf (without handle). @counters: print counter
 * values ("counter packets N bytes M"). Returns true if the text parses back
 * into exactly these expressions (checked by parsing it), false if some part
 * is printed as "[expr NAME]" or otherwise cannot be re-created.
 */
bool nfm_rule_format(const struct nfm_rule *r, char *buf, size_t len, bool counters);

/* {"rule": {family, table, chain, handle, expr: [...], text, restorable}} */
void nfm_rule_json(struct nfm_json *j, const struct nfm_rule *r);

/* Can stock nft list this rule (no mptcp or unknown expression)? */
bool nfm_rule_nft_can_list(const struct nfm_rule *r);

#endif /* _NFM_RULE_PRINT_H */
