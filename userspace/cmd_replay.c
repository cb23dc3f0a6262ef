// SPDX-License-Identifier: GPL-2.0
/* cmd_replay.c - `nfmptcp replay FILE.pcap`: run the protocol engine over a capture, print each MPTCP connection. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "nfmptcp.h"
#include "replay_table.h"

static const char *nfm_end_name(u8 end)
{
	return end == NFMP_CLIENT ? "client" : "server";
}

static void nfm_fmt_addr(u8 family, const u8 *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

/* "addr:port", IPv6 in brackets as in URLs and ss(8) */
static void nfm_fmt_ep(u8 family, const u8 *addr, u16 port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	nfm_fmt_addr(family, addr, a, sizeof(a));
	if (family == 6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static bool nfm_conn_fallback(const struct nfmp_conn *c)
{
	return c->state == NFMP_CONN_FALLBACK || c->end_reason >= NFMP_END_FALLBACK_SYNACK;
}

/* ---- JSON ---------------------------------------------------------------- */

static void nfm_rpj_end(struct nfm_json *j, const struct nfmp_conn *c, u8 s, const char *name)
{
	u32 token;
	u64 idsn;

	nfm_json_obj_open(j, name);
	if (c->flags & (s == NFMP_CLIENT ? NFMP_CONN_F_KEY_CLIENT : NFMP_CONN_F_KEY_SERVER)) {
		nfmp_key_to_token(c->version, c->key[s], &token, &idsn);
		nfm_json_strf(j, "key", "%016" PRIx64, c->key[s]);
		nfm_json_strf(j, "token", "%08" PRIx32, c->token[s]);
		nfm_json_strf(j, "idsn", "%016" PRIx64, idsn);
	} else {
		nfm_json_null(j, "key");
		nfm_json_null(j, "token");
		nfm_json_null(j, "idsn");
	}
	nfm_json_obj_close(j);
}

static void nfm_rpj_subflow(struct nfm_json *j, const struct nfm_rp_sf *sf, unsigned int idx)
{
	char a[INET6_ADDRSTRLEN];

	nfm_json_obj_open(j, NULL);
	nfm_json_u64(j, "index", idx);
	nfm_json_u64(j, "family", sf->t.family);
	nfm_fmt_addr(sf->t.family, sf->t.saddr, a, sizeof(a));
	nfm_json_str(j, "src", a);
	nfm_json_u64(j, "sport", sf->t.sport);
	nfm_fmt_addr(sf->t.family, sf->t.daddr, a, sizeof(a));
	nfm_json_str(j, "dst", a);
	nfm_json_u64(j, "dport", sf->t.dport);
	if (sf->twin) {
		/* the same subflow on the NAT's other side */
		nfm_fmt_addr(sf->twin->t.family, sf->twin->t.saddr, a, sizeof(a));
		nfm_json_str(j, "nat_src", a);
		nfm_json_u64(j, "nat_sport", sf->twin->t.sport);
		nfm_fmt_addr(sf->twin->t.family, sf->twin->t.daddr, a, sizeof(a));
		nfm_json_str(j, "nat_dst", a);
		nfm_json_u64(j, "nat_dport", sf->twin->t.dport);
	}
	nfm_json_str(j, "type", sf->sf.flags & NFMP_SF_F_JOIN ? "join" : "initial");
	nfm_json_str(j, "opened_by", nfm_end_name(sf->sf.opener));
	nfm_json_u64(j, "addr_id_orig", sf->sf.addr_id[NFMP_DIR_ORIG]);
	nfm_json_u64(j, "addr_id_reply", sf->sf.addr_id[NFMP_DIR_REPLY]);
	nfm_json_bool(j, "backup_orig", sf->sf.flags & NFMP_SF_F_BACKUP_ORIG);
	nfm_json_bool(j, "backup_reply", sf->sf.flags & NFMP_SF_F_BACKUP_REPLY);
	nfm_json_str(j, "verdict", nfmp_verdict_name(sf->sf.verdict));
	nfm_json_bool(j, "established", sf->sf.flags & NFMP_SF_F_ESTABLISHED);
	nfm_json_bool(j, "closed", sf->sf.flags & NFMP_SF_F_CLOSED);
	nfm_json_u64(j, "packets", sf->packets);
	nfm_json_u64(j, "syn_retransmissions", sf->syn_retrans);
	if (sf->sf.flags & NFMP_SF_F_JOIN && !sf->conn) {
		nfm_json_u64(j, "candidates", sf->pend ? sf->pend->ncand : 0);
		if (sf->pend)
			nfm_json_strf(j, "token", "%08" PRIx32, sf->pend->syn_opts.join.token);
	}
	nfm_json_obj_close(j);
}

static void nfm_rpj_conn(struct nfm_json *j, const struct nfm_rp_conn *rc)
{
	const struct nfmp_conn *c = &rc->c;
	const struct nfm_rp_sf *sf;
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	nfm_json_obj_open(j, NULL);
	nfm_json_u64(j, "index", rc->index);
	nfm_json_u64(j, "version", c->version);
	nfm_json_str(j, "state", nfmp_conn_state_name(c->state));
	nfm_json_str(j, "end_reason", nfmp_end_reason_name(c->end_reason));
	nfm_json_bool(j, "fallback", nfm_conn_fallback(c));
	nfm_json_bool(j, "checksum", c->flags & NFMP_CONN_F_CSUM);
	nfm_json_u64(j, "packets", rc->packets);
	nfm_rpj_end(j, c, NFMP_CLIENT, "client");
	nfm_rpj_end(j, c, NFMP_SERVER, "server");

	nfm_json_arr_open(j, "subflows");
	for (sf = rc->sf_head, i = 0; sf; sf = sf->cnext, i++)
		nfm_rpj_subflow(j, sf, i);
	nfm_json_arr_close(j);

	nfm_json_arr_open(j, "announced");
	for (i = 0; i < rc->naddrs; i++) {
		const struct nfm_rp_addr *ad = &rc->addrs[i];

		nfm_json_obj_open(j, NULL);
		nfm_json_u64(j, "id", ad->id);
		nfm_fmt_addr(ad->family, ad->addr, a, sizeof(a));
		nfm_json_str(j, "addr", a);
		if (ad->has_port)
			nfm_json_u64(j, "port", ad->port);
		else
			nfm_json_null(j, "port");
		nfm_json_str(j, "by", nfm_end_name(ad->by));
		nfm_json_bool(j, "echoed", ad->echoed);
		nfm_json_bool(j, "bad_hmac", ad->bad_hmac);
		nfm_json_u64(j, "count", ad->count);
		if (ad->translated) {
			/* as `nfmptcp show`: the address the NAT rewrote it to */
			nfm_fmt_addr(ad->family, ad->nat_addr, a, sizeof(a));
			nfm_json_str(j, "nat_addr", a);
			if (ad->nat_has_port)
				nfm_json_u64(j, "nat_port", ad->nat_port);
			nfm_json_bool(j, "nat_bad_hmac", ad->nat_bad_hmac);
		}
		nfm_json_obj_close(j);
	}
	nfm_json_arr_close(j);

	nfm_json_arr_open(j, "removed");
	for (i = 0; i < rc->nrms; i++) {
		nfm_json_obj_open(j, NULL);
		nfm_json_u64(j, "id", rc->rms[i].id);
		nfm_json_str(j, "by", nfm_end_name(rc->rms[i].by));
		nfm_json_obj_close(j);
	}
	nfm_json_arr_close(j);
	nfm_json_obj_close(j);
}

static void nfm_rpj_stats(struct nfm_json *j, const struct nfm_rp_stats *st, bool file_truncated)
{
	nfm_json_obj_open(j, "stats");
	nfm_json_u64(j, "packets", st->packets);
	nfm_json_u64(j, "tcp", st->tcp);
	nfm_json_u64(j, "mptcp_packets", st->mptcp_packets);
	nfm_json_u64(j, "mptcp_options", st->mptcp_options);
	nfm_json_u64(j, "malformed", st->malformed);
	nfm_json_u64(j, "mptcp_malformed", st->mptcp_malformed);
	nfm_json_u64(j, "truncated", st->truncated);
	nfm_json_u64(j, "opts_truncated", st->opts_truncated);
	nfm_json_u64(j, "not_ip", st->not_ip);
	nfm_json_u64(j, "not_tcp", st->not_tcp);
	nfm_json_u64(j, "fragments", st->fragments);
	nfm_json_u64(j, "plain_tcp", st->plain_tcp);
	nfm_json_u64(j, "midstream", st->midstream);
	nfm_json_u64(j, "syn_retransmissions", st->syn_retrans);
	nfm_json_u64(j, "joins_unknown_token", st->joins_unknown_token);
	nfm_json_u64(j, "token_collisions", st->token_collisions);
	nfm_json_u64(j, "protocol_errors", st->proto_errors);
	nfm_json_u64(j, "nat_merged", st->nat_merged);
	nfm_json_u64(j, "nat_duplicates", st->nat_duplicates);
	nfm_json_bool(j, "file_truncated", file_truncated);
	nfm_json_obj_close(j);
}

static int nfm_replay_json(const struct nfm_rp_table *t, const struct nfm_global *g,
			   bool file_truncated)
{
	const struct nfm_rp_conn *c;
	const struct nfm_rp_sf *sf;
	struct nfm_json j;
	unsigned int i;

	nfm_json_init(&j, stdout, g->pretty);
	nfm_json_obj_open(&j, NULL);
	nfm_json_arr_open(&j, "connections");
	for (c = t->conn_head; c; c = c->next)
		if (!c->merged_into)
			nfm_rpj_conn(&j, c);
	nfm_json_arr_close(&j);
	/* joins that no connection claims: unknown token, or a collision never settled */
	nfm_json_arr_open(&j, "unmatched_joins");
	for (sf = t->orphan_head, i = 0; sf; sf = sf->cnext, i++)
		nfm_rpj_subflow(&j, sf, i);
	nfm_json_arr_close(&j);
	nfm_rpj_stats(&j, &t->st, file_truncated);
	nfm_json_obj_close(&j);
	return nfm_json_finish(&j);
}

/* ---- text ---------------------------------------------------------------- */

static void nfm_text_end(const struct nfmp_conn *c, u8 s)
{
	u32 token;
	u64 idsn;

	if (!(c->flags & (s == NFMP_CLIENT ? NFMP_CONN_F_KEY_CLIENT : NFMP_CONN_F_KEY_SERVER))) {
		printf("  %-6s key unknown\n", nfm_end_name(s));
		return;
	}
	nfmp_key_to_token(c->version, c->key[s], &token, &idsn);
	printf("  %-6s key %016" PRIx64 " token %08" PRIx32 " idsn %016" PRIx64 "\n",
	       nfm_end_name(s), c->key[s], c->token[s], idsn);
}

static void nfm_text_subflow(const struct nfm_rp_sf *sf, unsigned int idx)
{
	char s[INET6_ADDRSTRLEN + 10], d[INET6_ADDRSTRLEN + 10];
	char ns[INET6_ADDRSTRLEN + 24], nd[INET6_ADDRSTRLEN + 10];
	const struct nfmp_subflow *f = &sf->sf;

	nfm_fmt_ep(sf->t.family, sf->t.saddr, sf->t.sport, s, sizeof(s));
	nfm_fmt_ep(sf->t.family, sf->t.daddr, sf->t.dport, d, sizeof(d));
	ns[0] = '\0';
	if (sf->twin) {
		/* the same subflow on the NAT's other side */
		nfm_fmt_ep(sf->twin->t.family, sf->twin->t.saddr, sf->twin->t.sport, nd, sizeof(nd));
		snprintf(ns, sizeof(ns), " translated %s", nd);
		nfm_fmt_ep(sf->twin->t.family, sf->twin->t.daddr, sf->twin->t.dport, nd, sizeof(nd));
	}
	printf("  subflow %u: %s %s -> %s%s%s%s opened by %s, addr id %u/%u, backup %s/%s, %s%s%s, %"
	       PRIu64 " packets\n",
	       idx, f->flags & NFMP_SF_F_JOIN ? "join" : "initial", s, d, ns, sf->twin ? " -> " : "",
	       sf->twin ? nd : "", nfm_end_name(f->opener),
	       f->addr_id[NFMP_DIR_ORIG], f->addr_id[NFMP_DIR_REPLY],
	       f->flags & NFMP_SF_F_BACKUP_ORIG ? "yes" : "no",
	       f->flags & NFMP_SF_F_BACKUP_REPLY ? "yes" : "no", nfmp_verdict_name(f->verdict),
	       f->flags & NFMP_SF_F_ESTABLISHED ? ", established" : "",
	       f->flags & NFMP_SF_F_CLOSED ? ", closed" : "", sf->packets);
}

static void nfm_text_conn(const struct nfm_rp_conn *rc)
{
	const struct nfmp_conn *c = &rc->c;
	const struct nfm_rp_sf *sf;
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	printf("connection %u: MPTCP v%u, %s, end %s, fallback %s%s, %" PRIu64 " packets\n",
	       rc->index, c->version, nfmp_conn_state_name(c->state),
	       nfmp_end_reason_name(c->end_reason), nfm_conn_fallback(c) ? "yes" : "no",
	       c->flags & NFMP_CONN_F_CSUM ? ", checksums" : "", rc->packets);
	nfm_text_end(c, NFMP_CLIENT);
	nfm_text_end(c, NFMP_SERVER);
	for (sf = rc->sf_head, i = 0; sf; sf = sf->cnext, i++)
		nfm_text_subflow(sf, i);
	for (i = 0; i < rc->naddrs; i++) {
		const struct nfm_rp_addr *ad = &rc->addrs[i];

		nfm_fmt_addr(ad->family, ad->addr, a, sizeof(a));
		printf("  add_addr id %u %s", ad->id, a);
		if (ad->has_port)
			printf(" port %u", ad->port);
		if (ad->translated) {
			/* as `nfmptcp show` */
			nfm_fmt_addr(ad->family, ad->nat_addr, a, sizeof(a));
			printf(" translated %s", a);
			if (ad->nat_has_port)
				printf(" port %u", ad->nat_port);
		}
		printf(" by %s, %s%s%s\n", nfm_end_name(ad->by),
		       ad->echoed ? "echoed" : "not echoed", ad->bad_hmac ? ", BAD HMAC" : "",
		       ad->translated && ad->nat_bad_hmac ? ", BAD HMAC after NAT" : "");
	}
	for (i = 0; i < rc->nrms; i++)
		printf("  remove_addr id %u by %s\n", rc->rms[i].id, nfm_end_name(rc->rms[i].by));
}

static void nfm_replay_text(const struct nfm_rp_table *t, bool file_truncated)
{
	const struct nfm_rp_stats *st = &t->st;
	const struct nfm_rp_conn *c;
	const struct nfm_rp_sf *sf;
	unsigned int i;

	for (c = t->conn_head; c; c = c->next)
		if (!c->merged_into)
			nfm_text_conn(c);
	if (t->orphan_head)
		printf("unmatched joins:\n");
	for (sf = t->orphan_head, i = 0; sf; sf = sf->cnext, i++)
		nfm_text_subflow(sf, i);
	printf("%u MPTCP connections; %" PRIu64 " packets, %" PRIu64 " TCP, %" PRIu64
	       " with MPTCP options (%" PRIu64 " options, %" PRIu64 " malformed), %" PRIu64
	       " plain TCP, %" PRIu64 " malformed, %" PRIu64 " truncated, %" PRIu64
	       " with options cut by snaplen%s\n",
	       t->nconns, st->packets, st->tcp, st->mptcp_packets, st->mptcp_options,
	       st->mptcp_malformed, st->plain_tcp, st->malformed, st->truncated,
	       st->opts_truncated, file_truncated ? "; capture file cut short" : "");
}

/* ---- command ------------------------------------------------------------- */

static void nfm_replay_usage(FILE *f)
{
	fprintf(f, "Usage: nfmptcp [-j [-p]] replay FILE.pcap\n\n"
		   "Run the nf-mptcp protocol engine over a pcap/pcapng capture and print\n"
		   "each MPTCP connection: keys, tokens, state, subflows, addresses.\n"
		   "Link types: Ethernet (VLAN), Linux cooked (SLL, SLL2), raw IP, loopback.\n"
		   "A capture on both sides of a NAT (-i any on the NAT box) shows each\n"
		   "connection once: same keys, subflows with both tuples, ADD_ADDR translated.\n");
}

int nfm_cmd_replay(int argc, char **argv, const struct nfm_global *g)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *file = NULL;
	struct pcap_pkthdr *hdr;
	struct nfm_rp_table t;
	bool file_truncated = false, dashdash = false;
	const u_char *data;
	struct nfm_frame f;
	pcap_t *pc;
	int i, dlt, rc, ret = NFM_EXIT_OK;

	for (i = 1; i < argc; i++) {
		/* after "--" everything is a file name, even "--help" or "-x" */
		if (!dashdash && nfm_is_help(argv[i])) {
			nfm_replay_usage(stdout);
			return NFM_EXIT_OK;
		}
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			nfm_err("replay: unknown option '%s'", argv[i]);
			nfm_replay_usage(stderr);
			return NFM_EXIT_USAGE;
		}
		if (file) {
			nfm_err("replay: one capture file at a time");
			return NFM_EXIT_USAGE;
		}
		file = argv[i];
	}
	if (!file) {
		nfm_replay_usage(stderr);
		return NFM_EXIT_USAGE;
	}

	pc = pcap_open_offline(file, errbuf);
	if (!pc) {
		/* libpcap names the file in some messages ("F: No such file") but not all */
		if (!strncmp(errbuf, file, strlen(file)))
			nfm_err("replay: %s", errbuf);
		else
			nfm_err("replay: %s: %s", file, errbuf);
		return NFM_EXIT_ERR;
	}
	dlt = pcap_datalink(pc);
	if (!nfm_dlt_supported(dlt)) {
		nfm_err("replay: %s: unsupported link type %d (%s)", file, dlt,
			pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
		pcap_close(pc);
		return NFM_EXIT_ERR;
	}
	if (nfm_rp_init(&t)) {
		nfm_err("replay: out of memory");
		pcap_close(pc);
		return NFM_EXIT_ERR;
	}

	while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1)
		nfm_rp_feed(&t, nfm_decode_frame(dlt, data, hdr->caplen, &f), &f);
	if (rc == PCAP_ERROR) {
		/* a capture cut mid-record (dumpcap killed): report what was read */
		nfm_err("replay: %s: %s (results up to there)", file, pcap_geterr(pc));
		file_truncated = true;
	}
	pcap_close(pc);
	nfm_rp_finish(&t);

	if (t.oom) {
		nfm_err("replay: out of memory, results incomplete");
		ret = NFM_EXIT_ERR;
	}
	if (g->json) {
		if (nfm_replay_json(&t, g, file_truncated))
			ret = NFM_EXIT_ERR;
	} else {
		nfm_replay_text(&t, file_truncated);
	}
	nfm_rp_free(&t);
	return ret;	/* main() checks that stdout was written */
}
