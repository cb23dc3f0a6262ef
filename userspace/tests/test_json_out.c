// SPDX-License-Identifier: GPL-2.0
/* test_json_out.c - unit tests for the JSON writer: escaping, commas, nesting, misuse. */
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "nfmp_tap.h"

/* Run @fn against a memory stream and compare what it wrote with @want. */
static char *capture(void (*fn)(struct nfm_json *j), bool pretty, int *rc)
{
	struct nfm_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	nfm_json_init(&j, f, pretty);
	fn(&j);
	*rc = nfm_json_finish(&j);
	fclose(f);
	return buf;
}

static void doc_basic(struct nfm_json *j)
{
	nfm_json_obj_open(j, NULL);
	nfm_json_arr_open(j, "a");
	nfm_json_u64(j, NULL, 18446744073709551615ull);
	nfm_json_i64(j, NULL, -5);
	nfm_json_bool(j, NULL, true);
	nfm_json_null(j, NULL);
	nfm_json_obj_open(j, NULL);
	nfm_json_obj_close(j);
	nfm_json_arr_close(j);
	nfm_json_strf(j, "t", "%08x", 0xabcu);
	nfm_json_str(j, "n", NULL);
	nfm_json_obj_close(j);
}

static void doc_escape(struct nfm_json *j)
{
	static const char raw[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f é \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80";

	nfm_json_arr_open(j, NULL);
	nfm_json_strn(j, NULL, raw, sizeof(raw) - 1);
	nfm_json_strn(j, NULL, "a\0b", 3);
	nfm_json_arr_close(j);
}

static void doc_misuse_key(struct nfm_json *j)
{
	nfm_json_obj_open(j, NULL);
	nfm_json_u64(j, NULL, 1);	/* no key inside an object */
	nfm_json_obj_close(j);
}

static void doc_misuse_close(struct nfm_json *j)
{
	nfm_json_arr_open(j, NULL);
	nfm_json_obj_close(j);
}

static void doc_unclosed(struct nfm_json *j)
{
	nfm_json_arr_open(j, NULL);
}

static void doc_deep(struct nfm_json *j)
{
	int i;

	for (i = 0; i < NFM_JSON_MAX_DEPTH + 2; i++)
		nfm_json_arr_open(j, NULL);
	for (i = 0; i < NFM_JSON_MAX_DEPTH + 2; i++)
		nfm_json_arr_close(j);
}

static void doc_long(struct nfm_json *j)
{
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	nfm_json_strf(j, NULL, "%s!", big);
}

int main(void)
{
	char *out;
	int rc;

	out = capture(doc_basic, false, &rc);
	NFMP_CHECK(rc == 0);
	NFMP_CHECK(!strcmp(out, "{\"a\":[18446744073709551615,-5,true,null,{}],\"t\":\"00000abc\","
				"\"n\":null}\n"));
	free(out);
	out = capture(doc_basic, true, &rc);
	NFMP_CHECK(rc == 0 && strstr(out, "{\n  \"a\": [\n    18446744073709551615,\n"));
	free(out);
	nfmp_tap_group("json: values, commas, nesting, pretty printing");

	out = capture(doc_escape, false, &rc);
	NFMP_CHECK(rc == 0);
	NFMP_CHECKF(!strcmp(out, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é \\ufffd "
				 "\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\","
				 "\"a\\u0000b\"]\n"), "got %s", out);
	free(out);
	nfmp_tap_group("json: escapes, control characters, invalid UTF-8 replaced, NUL kept");

	out = capture(doc_misuse_key, false, &rc);
	NFMP_CHECK(rc == -1);
	free(out);
	out = capture(doc_misuse_close, false, &rc);
	NFMP_CHECK(rc == -1);
	free(out);
	out = capture(doc_unclosed, false, &rc);
	NFMP_CHECK(rc == -1);
	free(out);
	out = capture(doc_deep, false, &rc);
	NFMP_CHECK(rc == -1);
	free(out);
	out = capture(doc_long, false, &rc);
	NFMP_CHECK(rc == 0 && strlen(out) == 999 + 4);
	free(out);
	nfmp_tap_group("json: misuse reported, depth bounded, long formatted strings");
	return nfmp_tap_done();
}
