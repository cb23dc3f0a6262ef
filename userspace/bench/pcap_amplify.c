// SPDX-License-Identifier: GPL-2.0
/*
 * pcap_amplify.c - write a large capture for the replay benchmark: COUNT
 * back-to-back copies of a (small, real) capture, each copy's TCP ports XORed
 * with the copy number so that its subflows are new 5-tuples. Keys and
 * tokens repeat, as a host reusing them after close would make them: each
 * copy's connections close (DATA_FIN) before the next copy starts.
 *
 * Usage: pcap_amplify IN.pcap OUT.pcap MIN_PACKETS
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcap_decode.h"

struct amp_pkt {
	struct pcap_pkthdr	h;
	u8			*data;
	int			tcp_off;	/* -1: not TCP, copied as is */
};

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct amp_pkt *pk = NULL;
	size_t n = 0, cap = 0, i, k, copies, want;
	struct pcap_pkthdr *h;
	const u_char *d;
	struct nfm_frame f;
	pcap_dumper_t *out;
	pcap_t *in, *dead;
	double span;
	int dlt;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IN.pcap OUT.pcap MIN_PACKETS\n", argv[0]);
		return 2;
	}
	want = strtoull(argv[3], NULL, 0);
	in = pcap_open_offline(argv[1], errbuf);
	if (!in) {
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	dlt = pcap_datalink(in);
	while (pcap_next_ex(in, &h, &d) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			pk = realloc(pk, cap * sizeof(*pk));
			if (!pk)
				return 1;
		}
		pk[n].h = *h;
		pk[n].data = malloc(h->caplen ? h->caplen : 1);
		if (!pk[n].data)
			return 1;
		memcpy(pk[n].data, d, h->caplen);
		pk[n].tcp_off = -1;
		if (nfm_decode_frame(dlt, pk[n].data, h->caplen, &f) == NFM_DEC_TCP)
			pk[n].tcp_off = (int)(f.opts - pk[n].data) - 20;
		n++;
	}
	pcap_close(in);
	if (!n) {
		fprintf(stderr, "%s: no packets\n", argv[1]);
		return 1;
	}
	copies = (want + n - 1) / n;
	if (copies > 65536) {
		fprintf(stderr, "need %zu copies; at most 65536 distinct port sets\n", copies);
		return 1;
	}
	span = (pk[n - 1].h.ts.tv_sec - pk[0].h.ts.tv_sec) +
	       (pk[n - 1].h.ts.tv_usec - pk[0].h.ts.tv_usec) / 1e6 + 0.001;

	dead = pcap_open_dead(dlt, 65535);
	out = pcap_dump_open(dead, argv[2]);
	if (!out) {
		fprintf(stderr, "%s\n", pcap_geterr(dead));
		return 1;
	}
	for (k = 0; k < copies; k++) {
		for (i = 0; i < n; i++) {
			struct pcap_pkthdr hh = pk[i].h;
			double t = hh.ts.tv_sec + hh.ts.tv_usec / 1e6 + span * (double)k;
			u8 *p = pk[i].data;

			hh.ts.tv_sec = (time_t)t;
			hh.ts.tv_usec = (suseconds_t)((t - (double)hh.ts.tv_sec) * 1e6);
			if (pk[i].tcp_off >= 0) {
				u8 *tcp = p + pk[i].tcp_off;

				nfmp_put_be16(tcp, nfmp_get_be16(tcp) ^ (u16)k);
				nfmp_put_be16(tcp + 2, nfmp_get_be16(tcp + 2) ^ (u16)k);
				pcap_dump((u_char *)out, &hh, p);
				/* undo, for the next copy */
				nfmp_put_be16(tcp, nfmp_get_be16(tcp) ^ (u16)k);
				nfmp_put_be16(tcp + 2, nfmp_get_be16(tcp + 2) ^ (u16)k);
			} else {
				pcap_dump((u_char *)out, &hh, p);
			}
		}
	}
	pcap_dump_close(out);
	pcap_close(dead);
	for (i = 0; i < n; i++)
		free(pk[i].data);
	free(pk);
	printf("%zu packets (%zu copies of %zu)\n", copies * n, copies, n);
	return 0;
}
