/* SPDX-License-Identifier: GPL-2.0 */
/* rule_parse.h - nft rule syntax (the subset `nfmptcp rule` speaks) to the expression list of rule_expr.h. */
#ifndef _NFM_RULE_PARSE_H
#define _NFM_RULE_PARSE_H

#include <stddef.h>

#include "rule_expr.h"

#define NFM_RULE_MAX_TOKENS	256

/*
 * Parse the rule @tok[0..@ntok) into @r->e, appending to nothing: @r->n is
 * reset. @r->family must be set (dependencies and reject depend on it).
 * Returns 0, or -1 with a message naming the offending token in @err.
 */
int nfm_rule_parse(struct nfm_rule *r, int ntok, char *const *tok, char *err, size_t errlen);

/*
 * Split @line in place into tokens: blanks separate, "double quotes" group
 * (quotes removed), '#' outside quotes starts a comment. Returns the number of
 * tokens, or -1 with @err (unterminated quote, too many tokens).
 */
int nfm_rule_tokenize(char *line, char **tok, int max, char *err, size_t errlen);

#endif /* _NFM_RULE_PARSE_H */
