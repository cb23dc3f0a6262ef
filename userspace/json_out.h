/* SPDX-License-Identifier: GPL-2.0 */
/* json_out.h - a tiny streaming JSON writer (objects, arrays, escaped strings) for nfmptcp -j output. */
#ifndef _NFM_JSON_OUT_H
#define _NFM_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define NFM_JSON_MAX_DEPTH	32

/*
 * Values are written as they come; the writer only tracks where a comma is
 * due. Each value call takes @key: the member name inside an object, NULL
 * inside an array or at the top level. Misuse (depth overflow, close without
 * open) sets @err instead of writing broken JSON silently.
 */
struct nfm_json {
	FILE	*f;
	bool	pretty;
	bool	err;
	int	depth;
	bool	need_comma[NFM_JSON_MAX_DEPTH + 1];
	char	closer[NFM_JSON_MAX_DEPTH + 1];
};

void nfm_json_init(struct nfm_json *j, FILE *f, bool pretty);
void nfm_json_obj_open(struct nfm_json *j, const char *key);
void nfm_json_obj_close(struct nfm_json *j);
void nfm_json_arr_open(struct nfm_json *j, const char *key);
void nfm_json_arr_close(struct nfm_json *j);
void nfm_json_str(struct nfm_json *j, const char *key, const char *s);
void nfm_json_strn(struct nfm_json *j, const char *key, const char *s, size_t len);
void nfm_json_u64(struct nfm_json *j, const char *key, uint64_t v);
void nfm_json_i64(struct nfm_json *j, const char *key, int64_t v);
void nfm_json_bool(struct nfm_json *j, const char *key, bool v);
void nfm_json_null(struct nfm_json *j, const char *key);
/* printf-formatted string value (escaped like any other string) */
void nfm_json_strf(struct nfm_json *j, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the document with a newline; returns -1 if anything went wrong. */
int nfm_json_finish(struct nfm_json *j);

#endif /* _NFM_JSON_OUT_H */
