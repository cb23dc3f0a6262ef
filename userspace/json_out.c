// SPDX-License-Identifier: GPL-2.0
/* json_out.c - a tiny streaming JSON writer (objects, arrays, escaped strings) for nfmptcp -j output. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

void nfm_json_init(struct nfm_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

static void nfm_json_indent(struct nfm_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Length of the valid UTF-8 sequence at @s (at most @len bytes), 0 if invalid. */
static size_t nfm_utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Strings come from captures and user input: escape everything JSON requires, replace invalid UTF-8. */
static void nfm_json_write_string(struct nfm_json *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	fputc('"', j->f);
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  fputs("\\\"", j->f); i++; continue;
		case '\\': fputs("\\\\", j->f); i++; continue;
		case '\b': fputs("\\b", j->f); i++; continue;
		case '\f': fputs("\\f", j->f); i++; continue;
		case '\n': fputs("\\n", j->f); i++; continue;
		case '\r': fputs("\\r", j->f); i++; continue;
		case '\t': fputs("\\t", j->f); i++; continue;
		}
		if (c < 0x20) {
			fprintf(j->f, "\\u%04x", c);
			i++;
			continue;
		}
		n = nfm_utf8_len(s + i, len - i);
		if (!n) {
			fputs("\\ufffd", j->f);
			i++;
			continue;
		}
		fwrite(s + i, 1, n, j->f);
		i += n;
	}
	fputc('"', j->f);
}

/* Comma, indentation and "key": before a value. */
static bool nfm_json_begin_value(struct nfm_json *j, const char *key)
{
	bool in_obj = j->depth > 0 && j->closer[j->depth] == '}';

	if (j->err)
		return false;
	/* a key is required inside objects and forbidden elsewhere */
	if (in_obj != (key != NULL)) {
		j->err = true;
		return false;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		nfm_json_indent(j);
	j->need_comma[j->depth] = true;
	if (key) {
		nfm_json_write_string(j, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->f);
	}
	return true;
}

static void nfm_json_open(struct nfm_json *j, const char *key, char open, char close)
{
	if (!nfm_json_begin_value(j, key))
		return;
	if (j->depth >= NFM_JSON_MAX_DEPTH) {
		j->err = true;
		return;
	}
	fputc(open, j->f);
	j->depth++;
	j->need_comma[j->depth] = false;
	j->closer[j->depth] = close;
}

static void nfm_json_close(struct nfm_json *j, char close)
{
	bool had_members;

	if (j->err)
		return;
	if (j->depth == 0 || j->closer[j->depth] != close) {
		j->err = true;
		return;
	}
	had_members = j->need_comma[j->depth];
	j->depth--;
	if (had_members)
		nfm_json_indent(j);
	fputc(close, j->f);
}

void nfm_json_obj_open(struct nfm_json *j, const char *key)
{
	nfm_json_open(j, key, '{', '}');
}

void nfm_json_obj_close(struct nfm_json *j)
{
	nfm_json_close(j, '}');
}

void nfm_json_arr_open(struct nfm_json *j, const char *key)
{
	nfm_json_open(j, key, '[', ']');
}

void nfm_json_arr_close(struct nfm_json *j)
{
	nfm_json_close(j, ']');
}

void nfm_json_strn(struct nfm_json *j, const char *key, const char *s, size_t len)
{
	if (nfm_json_begin_value(j, key))
		nfm_json_write_string(j, s, len);
}

void nfm_json_str(struct nfm_json *j, const char *key, const char *s)
{
	if (!s) {
		nfm_json_null(j, key);
		return;
	}
	nfm_json_strn(j, key, s, strlen(s));
}

void nfm_json_strf(struct nfm_json *j, const char *key, const char *fmt, ...)
{
	char buf[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		j->err = true;
		return;
	}
	if ((size_t)n >= sizeof(buf)) {
		big = malloc((size_t)n + 1);
		if (!big) {
			j->err = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	nfm_json_strn(j, key, big ? big : buf, (size_t)n);
	free(big);
}

void nfm_json_u64(struct nfm_json *j, const char *key, uint64_t v)
{
	if (nfm_json_begin_value(j, key))
		fprintf(j->f, "%" PRIu64, v);
}

void nfm_json_i64(struct nfm_json *j, const char *key, int64_t v)
{
	if (nfm_json_begin_value(j, key))
		fprintf(j->f, "%" PRId64, v);
}

void nfm_json_bool(struct nfm_json *j, const char *key, bool v)
{
	if (nfm_json_begin_value(j, key))
		fputs(v ? "true" : "false", j->f);
}

void nfm_json_null(struct nfm_json *j, const char *key)
{
	if (nfm_json_begin_value(j, key))
		fputs("null", j->f);
}

int nfm_json_finish(struct nfm_json *j)
{
	if (j->depth != 0)
		j->err = true;
	fputc('\n', j->f);
	if (ferror(j->f))
		j->err = true;
	return j->err ? -1 : 0;
}
