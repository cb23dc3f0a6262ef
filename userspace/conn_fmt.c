// SPDX-License-Identifier: GPL-2.0
/* conn_fmt.c - print the connection, subflow and address nests of the nfmptcp family (text and JSON). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "conn_fmt.h"
#include "nl_client.h"
#include "nfmp_engine.h"
#include "../kmod/uapi/nfmptcp.h"

/*
 * Attribute accessors that tolerate absence: the kernel omits what it does not
 * know. An attribute of the wrong size counts as absent rather than being read
 * past its end or half-read.
 */
static bool nfm_has_len(const struct nlattr * const *tb, unsigned int t, uint16_t len)
{
	return tb[t] && mnl_attr_get_payload_len(tb[t]) == len;
}

static uint8_t nfm_u8(const struct nlattr * const *tb, unsigned int t)
{
	return nfm_has_len(tb, t, 1) ? mnl_attr_get_u8(tb[t]) : 0;
}

static uint32_t nfm_u32(const struct nlattr * const *tb, unsigned int t)
{
	return nfm_has_len(tb, t, 4) ? mnl_attr_get_u32(tb[t]) : 0;
}

static uint64_t nfm_u64(const struct nlattr * const *tb, unsigned int t)
{
	uint64_t v = 0;

	if (nfm_has_len(tb, t, 8))
		memcpy(&v, mnl_attr_get_payload(tb[t]), 8);
	return v;
}

static uint16_t nfm_be16(const struct nlattr * const *tb, unsigned int t)
{
	uint16_t v = 0;

	if (nfm_has_len(tb, t, 2))
		memcpy(&v, mnl_attr_get_payload(tb[t]), 2);
	return ntohs(v);
}

/* Address attribute (4 or 16 bytes, network order) as text; "?" if absent. */
static const char *nfm_addr_str(const struct nlattr *a, char *buf, size_t len)
{
	int af;

	if (!a)
		return "?";
	af = mnl_attr_get_payload_len(a) == 16 ? AF_INET6 : AF_INET;
	if (mnl_attr_get_payload_len(a) != 4 && af == AF_INET)
		return "?";
	if (!inet_ntop(af, mnl_attr_get_payload(a), buf, len))
		return "?";
	return buf;
}

static const char *nfm_family_name(uint8_t af)
{
	return af == AF_INET6 ? "ipv6" : af == AF_INET ? "ipv4" : "?";
}

static const char *nfm_side_name(uint8_t s)
{
	return s == NFMPTCP_END_CLIENT ? "client" : "server";
}

static void nfm_fmt_token(const struct nlattr * const *tb, unsigned int t, char *buf, size_t len)
{
	if (nfm_has_len(tb, t, 4))
		snprintf(buf, len, "%08" PRIx32, nfm_u32(tb, t));
	else
		snprintf(buf, len, "-");
}

static void nfm_fmt_age(uint64_t ms, char *buf, size_t len)
{
	if (ms < 60000)
		snprintf(buf, len, "%" PRIu64 ".%01" PRIu64 "s", ms / 1000, ms % 1000 / 100);
	else if (ms < 3600000)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", ms / 60000, ms / 1000 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", ms / 3600000, ms / 60000 % 60);
}

/* "addr:port", IPv6 in brackets as ss(8) prints it */
static void nfm_fmt_ep(const struct nlattr *a, uint16_t port, bool v6, char *buf, size_t len)
{
	char ab[INET6_ADDRSTRLEN];

	snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", nfm_addr_str(a, ab, sizeof(ab)), port);
}

/* ---- text ---------------------------------------------------------------- */

void nfm_fmt_conn_header(FILE *f)
{
	fprintf(f, "%-8s %-4s %-3s %-12s %-8s %-8s %3s %8s\n",
		"ID", "FAM", "VER", "STATE", "TOKEN-C", "TOKEN-S", "SF", "AGE");
}

void nfm_fmt_conn_row(FILE *f, const struct nlattr *conn)
{
	const struct nlattr *tb[NFMPTCP_CONN_A_MAX + 1];
	char tc[12], ts[12], age[32];

	nfm_nl_parse_nested(conn, tb, NFMPTCP_CONN_A_MAX);
	nfm_fmt_token(tb, NFMPTCP_CONN_A_TOKEN_CLIENT, tc, sizeof(tc));
	nfm_fmt_token(tb, NFMPTCP_CONN_A_TOKEN_SERVER, ts, sizeof(ts));
	nfm_fmt_age(nfm_u64(tb, NFMPTCP_CONN_A_AGE_MS), age, sizeof(age));
	fprintf(f, "%-8" PRIu32 " %-4s %-3u %-12s %-8s %-8s %3u %8s",
		nfm_u32(tb, NFMPTCP_CONN_A_ID), nfm_family_name(nfm_u8(tb, NFMPTCP_CONN_A_FAMILY)),
		nfm_u8(tb, NFMPTCP_CONN_A_VERSION),
		nfmp_conn_state_name(nfm_u8(tb, NFMPTCP_CONN_A_STATE)), tc, ts,
		nfm_u8(tb, NFMPTCP_CONN_A_NSUBFLOWS), age);
	if (nfm_u8(tb, NFMPTCP_CONN_A_END_REASON) != NFMPTCP_END_NONE)
		fprintf(f, "  (%s)", nfmp_end_reason_name(nfm_u8(tb, NFMPTCP_CONN_A_END_REASON)));
	fputc('\n', f);
}

void nfm_fmt_conn_brief(FILE *f, const struct nlattr *conn)
{
	const struct nlattr *tb[NFMPTCP_CONN_A_MAX + 1];
	char tc[12], ts[12];

	nfm_nl_parse_nested(conn, tb, NFMPTCP_CONN_A_MAX);
	nfm_fmt_token(tb, NFMPTCP_CONN_A_TOKEN_CLIENT, tc, sizeof(tc));
	nfm_fmt_token(tb, NFMPTCP_CONN_A_TOKEN_SERVER, ts, sizeof(ts));
	fprintf(f, "id %" PRIu32 " v%u %s tokens %s/%s sf %u",
		nfm_u32(tb, NFMPTCP_CONN_A_ID), nfm_u8(tb, NFMPTCP_CONN_A_VERSION),
		nfmp_conn_state_name(nfm_u8(tb, NFMPTCP_CONN_A_STATE)), tc, ts,
		nfm_u8(tb, NFMPTCP_CONN_A_NSUBFLOWS));
	if (nfm_u8(tb, NFMPTCP_CONN_A_END_REASON) != NFMPTCP_END_NONE)
		fprintf(f, " end %s", nfmp_end_reason_name(nfm_u8(tb, NFMPTCP_CONN_A_END_REASON)));
}

void nfm_fmt_subflow(FILE *f, const struct nlattr *sf)
{
	const struct nlattr *tb[NFMPTCP_SF_A_MAX + 1];
	char src[64], dst[64];
	bool v6;
	uint8_t fl;

	nfm_nl_parse_nested(sf, tb, NFMPTCP_SF_A_MAX);
	v6 = nfm_u8(tb, NFMPTCP_SF_A_FAMILY) == AF_INET6;
	fl = nfm_u8(tb, NFMPTCP_SF_A_FLAGS);
	nfm_fmt_ep(tb[v6 ? NFMPTCP_SF_A_SADDR6 : NFMPTCP_SF_A_SADDR4],
		   nfm_be16(tb, NFMPTCP_SF_A_SPORT), v6, src, sizeof(src));
	nfm_fmt_ep(tb[v6 ? NFMPTCP_SF_A_DADDR6 : NFMPTCP_SF_A_DADDR4],
		   nfm_be16(tb, NFMPTCP_SF_A_DPORT), v6, dst, sizeof(dst));
	fprintf(f, "%s -> %s %s opener %s", src, dst, fl & NFMPTCP_SF_F_JOIN ? "join" : "initial",
		nfm_side_name(nfm_u8(tb, NFMPTCP_SF_A_OPENER)));
	if (fl & NFMPTCP_SF_F_JOIN)
		fprintf(f, " ids %u/%u", nfm_u8(tb, NFMPTCP_SF_A_ADDR_ID_ORIG),
			nfm_u8(tb, NFMPTCP_SF_A_ADDR_ID_REPLY));
	if (fl & (NFMPTCP_SF_F_BACKUP_ORIG | NFMPTCP_SF_F_BACKUP_REPLY))
		fprintf(f, " backup %s%s", fl & NFMPTCP_SF_F_BACKUP_ORIG ? "orig" : "",
			(fl & NFMPTCP_SF_F_BACKUP_ORIG) && (fl & NFMPTCP_SF_F_BACKUP_REPLY) ?
			",reply" : fl & NFMPTCP_SF_F_BACKUP_REPLY ? "reply" : "");
	if (nfm_has_len(tb, NFMPTCP_SF_A_TOKEN, 4))
		fprintf(f, " token %08" PRIx32, nfm_u32(tb, NFMPTCP_SF_A_TOKEN));
	fprintf(f, " verdict %s", nfmp_verdict_name(nfm_u8(tb, NFMPTCP_SF_A_VERDICT)));
	if (fl & NFMPTCP_SF_F_CLOSED)
		fputs(" closed", f);
	else if (fl & NFMPTCP_SF_F_ESTABLISHED)
		fputs(" established", f);
}

void nfm_fmt_addr(FILE *f, const struct nlattr *addr)
{
	const struct nlattr *tb[NFMPTCP_ADDR_A_MAX + 1];
	char ab[INET6_ADDRSTRLEN];
	uint8_t fl;

	nfm_nl_parse_nested(addr, tb, NFMPTCP_ADDR_A_MAX);
	fl = nfm_u8(tb, NFMPTCP_ADDR_A_FLAGS);
	fprintf(f, "id %u", nfm_u8(tb, NFMPTCP_ADDR_A_ID));
	if (tb[NFMPTCP_ADDR_A_ADDR4] || tb[NFMPTCP_ADDR_A_ADDR6])
		fprintf(f, " %s", nfm_addr_str(tb[NFMPTCP_ADDR_A_ADDR4] ? tb[NFMPTCP_ADDR_A_ADDR4] :
					       tb[NFMPTCP_ADDR_A_ADDR6], ab, sizeof(ab)));
	if (nfm_has_len(tb, NFMPTCP_ADDR_A_PORT, 2))
		fprintf(f, " port %u", nfm_be16(tb, NFMPTCP_ADDR_A_PORT));
	fprintf(f, " from %s", nfm_side_name(nfm_u8(tb, NFMPTCP_ADDR_A_SENDER)));
	if (fl & NFMPTCP_ADDR_F_ECHOED)
		fputs(" echoed", f);
	if (fl & NFMPTCP_ADDR_F_REMOVED)
		fputs(" removed", f);
	if ((fl & NFMPTCP_ADDR_F_TRANSLATED) &&
	    (tb[NFMPTCP_ADDR_A_NAT_ADDR4] || tb[NFMPTCP_ADDR_A_NAT_ADDR6])) {
		fprintf(f, " translated %s", nfm_addr_str(tb[NFMPTCP_ADDR_A_NAT_ADDR4] ?
							  tb[NFMPTCP_ADDR_A_NAT_ADDR4] :
							  tb[NFMPTCP_ADDR_A_NAT_ADDR6], ab, sizeof(ab)));
		if (nfm_has_len(tb, NFMPTCP_ADDR_A_NAT_PORT, 2))
			fprintf(f, " port %u", nfm_be16(tb, NFMPTCP_ADDR_A_NAT_PORT));
	}
	if (fl & NFMPTCP_ADDR_F_DROPPED)
		fputs(" dropped", f);
}

void nfm_fmt_conn_details(FILE *f, const struct nlattr *conn, const char *indent)
{
	const struct nlattr *tb[NFMPTCP_CONN_A_MAX + 1];
	const struct nlattr *a;

	nfm_nl_parse_nested(conn, tb, NFMPTCP_CONN_A_MAX);
	if (nfm_has_len(tb, NFMPTCP_CONN_A_KEY_CLIENT, 8) ||
	    nfm_has_len(tb, NFMPTCP_CONN_A_KEY_SERVER, 8)) {
		fprintf(f, "%skeys", indent);
		if (nfm_has_len(tb, NFMPTCP_CONN_A_KEY_CLIENT, 8))
			fprintf(f, " client %016" PRIx64, nfm_u64(tb, NFMPTCP_CONN_A_KEY_CLIENT));
		if (nfm_has_len(tb, NFMPTCP_CONN_A_KEY_SERVER, 8))
			fprintf(f, " server %016" PRIx64, nfm_u64(tb, NFMPTCP_CONN_A_KEY_SERVER));
		fputc('\n', f);
	}
	/* repeated attributes: walk the nest rather than the last-wins table */
	mnl_attr_for_each_nested(a, conn) {
		if (mnl_attr_get_type(a) != NFMPTCP_CONN_A_SUBFLOWS)
			continue;
		fprintf(f, "%ssubflow ", indent);
		nfm_fmt_subflow(f, a);
		fputc('\n', f);
	}
	mnl_attr_for_each_nested(a, conn) {
		if (mnl_attr_get_type(a) != NFMPTCP_CONN_A_ADDRS)
			continue;
		fprintf(f, "%saddr ", indent);
		nfm_fmt_addr(f, a);
		fputc('\n', f);
	}
}

/* ---- JSON ---------------------------------------------------------------- */

static void nfm_json_token(struct nfm_json *j, const char *key, const struct nlattr * const *tb,
			   unsigned int t)
{
	if (nfm_has_len(tb, t, 4))
		nfm_json_strf(j, key, "%08" PRIx32, nfm_u32(tb, t));
	else
		nfm_json_null(j, key);
}

void nfm_json_conn(struct nfm_json *j, const char *key, const struct nlattr *conn, bool full)
{
	const struct nlattr *tb[NFMPTCP_CONN_A_MAX + 1];
	const struct nlattr *a;
	uint32_t fl;

	nfm_nl_parse_nested(conn, tb, NFMPTCP_CONN_A_MAX);
	fl = nfm_u32(tb, NFMPTCP_CONN_A_FLAGS);
	nfm_json_obj_open(j, key);
	nfm_json_u64(j, "id", nfm_u32(tb, NFMPTCP_CONN_A_ID));
	nfm_json_str(j, "family", nfm_family_name(nfm_u8(tb, NFMPTCP_CONN_A_FAMILY)));
	nfm_json_u64(j, "version", nfm_u8(tb, NFMPTCP_CONN_A_VERSION));
	nfm_json_str(j, "state", nfmp_conn_state_name(nfm_u8(tb, NFMPTCP_CONN_A_STATE)));
	nfm_json_str(j, "end_reason", nfmp_end_reason_name(nfm_u8(tb, NFMPTCP_CONN_A_END_REASON)));
	nfm_json_token(j, "token_client", tb, NFMPTCP_CONN_A_TOKEN_CLIENT);
	nfm_json_token(j, "token_server", tb, NFMPTCP_CONN_A_TOKEN_SERVER);
	if (nfm_has_len(tb, NFMPTCP_CONN_A_KEY_CLIENT, 8))
		nfm_json_strf(j, "key_client", "%016" PRIx64, nfm_u64(tb, NFMPTCP_CONN_A_KEY_CLIENT));
	if (nfm_has_len(tb, NFMPTCP_CONN_A_KEY_SERVER, 8))
		nfm_json_strf(j, "key_server", "%016" PRIx64, nfm_u64(tb, NFMPTCP_CONN_A_KEY_SERVER));
	nfm_json_bool(j, "csum", fl & NFMPTCP_CONN_F_CSUM);
	nfm_json_bool(j, "dss_seen", fl & NFMPTCP_CONN_F_DSS_SEEN);
	nfm_json_bool(j, "fin_client", fl & NFMPTCP_CONN_F_FIN_CLIENT);
	nfm_json_bool(j, "fin_server", fl & NFMPTCP_CONN_F_FIN_SERVER);
	nfm_json_u64(j, "nsubflows", nfm_u8(tb, NFMPTCP_CONN_A_NSUBFLOWS));
	nfm_json_u64(j, "age_ms", nfm_u64(tb, NFMPTCP_CONN_A_AGE_MS));
	if (full) {
		nfm_json_arr_open(j, "subflows");
		mnl_attr_for_each_nested(a, conn)
			if (mnl_attr_get_type(a) == NFMPTCP_CONN_A_SUBFLOWS)
				nfm_json_subflow(j, NULL, a);
		nfm_json_arr_close(j);
		nfm_json_arr_open(j, "addrs");
		mnl_attr_for_each_nested(a, conn)
			if (mnl_attr_get_type(a) == NFMPTCP_CONN_A_ADDRS)
				nfm_json_addr(j, NULL, a);
		nfm_json_arr_close(j);
	}
	nfm_json_obj_close(j);
}

void nfm_json_subflow(struct nfm_json *j, const char *key, const struct nlattr *sf)
{
	const struct nlattr *tb[NFMPTCP_SF_A_MAX + 1];
	char ab[INET6_ADDRSTRLEN];
	bool v6;
	uint8_t fl;

	nfm_nl_parse_nested(sf, tb, NFMPTCP_SF_A_MAX);
	v6 = nfm_u8(tb, NFMPTCP_SF_A_FAMILY) == AF_INET6;
	fl = nfm_u8(tb, NFMPTCP_SF_A_FLAGS);
	nfm_json_obj_open(j, key);
	nfm_json_str(j, "family", nfm_family_name(nfm_u8(tb, NFMPTCP_SF_A_FAMILY)));
	nfm_json_str(j, "saddr", nfm_addr_str(tb[v6 ? NFMPTCP_SF_A_SADDR6 : NFMPTCP_SF_A_SADDR4],
					      ab, sizeof(ab)));
	nfm_json_u64(j, "sport", nfm_be16(tb, NFMPTCP_SF_A_SPORT));
	nfm_json_str(j, "daddr", nfm_addr_str(tb[v6 ? NFMPTCP_SF_A_DADDR6 : NFMPTCP_SF_A_DADDR4],
					      ab, sizeof(ab)));
	nfm_json_u64(j, "dport", nfm_be16(tb, NFMPTCP_SF_A_DPORT));
	nfm_json_str(j, "opener", nfm_side_name(nfm_u8(tb, NFMPTCP_SF_A_OPENER)));
	nfm_json_bool(j, "join", fl & NFMPTCP_SF_F_JOIN);
	if (fl & NFMPTCP_SF_F_JOIN) {
		nfm_json_u64(j, "addr_id_orig", nfm_u8(tb, NFMPTCP_SF_A_ADDR_ID_ORIG));
		nfm_json_u64(j, "addr_id_reply", nfm_u8(tb, NFMPTCP_SF_A_ADDR_ID_REPLY));
	}
	if (nfm_has_len(tb, NFMPTCP_SF_A_TOKEN, 4))
		nfm_json_strf(j, "token", "%08" PRIx32, nfm_u32(tb, NFMPTCP_SF_A_TOKEN));
	nfm_json_bool(j, "backup_orig", fl & NFMPTCP_SF_F_BACKUP_ORIG);
	nfm_json_bool(j, "backup_reply", fl & NFMPTCP_SF_F_BACKUP_REPLY);
	nfm_json_str(j, "verdict", nfmp_verdict_name(nfm_u8(tb, NFMPTCP_SF_A_VERDICT)));
	nfm_json_bool(j, "established", fl & NFMPTCP_SF_F_ESTABLISHED);
	nfm_json_bool(j, "closed", fl & NFMPTCP_SF_F_CLOSED);
	nfm_json_obj_close(j);
}

void nfm_json_addr(struct nfm_json *j, const char *key, const struct nlattr *addr)
{
	const struct nlattr *tb[NFMPTCP_ADDR_A_MAX + 1];
	char ab[INET6_ADDRSTRLEN];
	uint8_t fl;

	nfm_nl_parse_nested(addr, tb, NFMPTCP_ADDR_A_MAX);
	fl = nfm_u8(tb, NFMPTCP_ADDR_A_FLAGS);
	nfm_json_obj_open(j, key);
	nfm_json_u64(j, "id", nfm_u8(tb, NFMPTCP_ADDR_A_ID));
	if (tb[NFMPTCP_ADDR_A_ADDR4] || tb[NFMPTCP_ADDR_A_ADDR6]) {
		nfm_json_str(j, "family", nfm_family_name(nfm_u8(tb, NFMPTCP_ADDR_A_FAMILY)));
		nfm_json_str(j, "addr", nfm_addr_str(tb[NFMPTCP_ADDR_A_ADDR4] ?
						     tb[NFMPTCP_ADDR_A_ADDR4] :
						     tb[NFMPTCP_ADDR_A_ADDR6], ab, sizeof(ab)));
	}
	if (nfm_has_len(tb, NFMPTCP_ADDR_A_PORT, 2))
		nfm_json_u64(j, "port", nfm_be16(tb, NFMPTCP_ADDR_A_PORT));
	nfm_json_str(j, "sender", nfm_side_name(nfm_u8(tb, NFMPTCP_ADDR_A_SENDER)));
	nfm_json_bool(j, "echoed", fl & NFMPTCP_ADDR_F_ECHOED);
	nfm_json_bool(j, "removed", fl & NFMPTCP_ADDR_F_REMOVED);
	nfm_json_bool(j, "dropped", fl & NFMPTCP_ADDR_F_DROPPED);
	if ((fl & NFMPTCP_ADDR_F_TRANSLATED) &&
	    (tb[NFMPTCP_ADDR_A_NAT_ADDR4] || tb[NFMPTCP_ADDR_A_NAT_ADDR6])) {
		nfm_json_str(j, "nat_addr", nfm_addr_str(tb[NFMPTCP_ADDR_A_NAT_ADDR4] ?
							 tb[NFMPTCP_ADDR_A_NAT_ADDR4] :
							 tb[NFMPTCP_ADDR_A_NAT_ADDR6], ab, sizeof(ab)));
		if (nfm_has_len(tb, NFMPTCP_ADDR_A_NAT_PORT, 2))
			nfm_json_u64(j, "nat_port", nfm_be16(tb, NFMPTCP_ADDR_A_NAT_PORT));
	}
	nfm_json_obj_close(j);
}
