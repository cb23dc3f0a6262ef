/* SPDX-License-Identifier: GPL-2.0 */
/* conn_fmt.h - print the connection, subflow and address nests of the nfmptcp family (text and JSON). */
#ifndef _NFM_CONN_FMT_H
#define _NFM_CONN_FMT_H

#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

#include "json_out.h"

/* Column titles matching nfm_fmt_conn_row() */
void nfm_fmt_conn_header(FILE *f);
/* One table row for a NFMPTCP_A_CONN nest */
void nfm_fmt_conn_row(FILE *f, const struct nlattr *conn);
/* Compact one-line summary (for monitor): "id 3 v1 established tokens a/b sf 2" */
void nfm_fmt_conn_brief(FILE *f, const struct nlattr *conn);
/* Detail lines of a dumped connection: keys, subflows, addresses, each starting with @indent */
void nfm_fmt_conn_details(FILE *f, const struct nlattr *conn, const char *indent);
/* One subflow / address without a newline */
void nfm_fmt_subflow(FILE *f, const struct nlattr *sf);
void nfm_fmt_addr(FILE *f, const struct nlattr *addr);

/*
 * JSON objects; @key is the member name or NULL inside an array. @full: also
 * the "subflows" and "addrs" arrays (dumps carry them, events do not).
 */
void nfm_json_conn(struct nfm_json *j, const char *key, const struct nlattr *conn, bool full);
void nfm_json_subflow(struct nfm_json *j, const char *key, const struct nlattr *sf);
void nfm_json_addr(struct nfm_json *j, const char *key, const struct nlattr *addr);

#endif /* _NFM_CONN_FMT_H */
