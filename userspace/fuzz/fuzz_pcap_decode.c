// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pcap_decode.c - libFuzzer target: raw frames of every supported link
 * type through pcap_decode.c and, when they decode to TCP, through the replay
 * tables and the protocol engine, as `nfmptcp replay` would run them.
 *
 * Input: byte 0 picks the link type, the rest is a sequence of frames, each
 * prefixed by a 1-byte length, so that one input can build a whole handshake.
 */
#include <stdlib.h>

#include "pcap_decode.h"
#include "replay_table.h"

static const int fuzz_dlts[] = {
	NFM_DLT_EN10MB, NFM_DLT_LINUX_SLL, NFM_DLT_LINUX_SLL2, NFM_DLT_RAW,
	NFM_DLT_IPV4, NFM_DLT_IPV6, NFM_DLT_NULL, NFM_DLT_LOOP,
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct nfm_rp_table t;
	struct nfm_frame f;
	size_t off = 1;
	int dlt, st;

	if (size < 1 || nfm_rp_init(&t))
		return 0;
	dlt = fuzz_dlts[data[0] % (sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0]))];
	while (off < size) {
		size_t len = data[off++];
		u8 *frame;

		if (len > size - off)
			len = size - off;
		/* exact-size copy: ASan catches a read past caplen */
		frame = malloc(len ? len : 1);
		if (!frame)
			break;
		memcpy(frame, data + off, len);
		st = nfm_decode_frame(dlt, frame, (unsigned int)len, &f);
		if (st == NFM_DEC_TCP && f.opts_len)
			if (f.opts < frame || f.opts + f.opts_len > frame + len)
				abort();
		nfm_rp_feed(&t, st, &f);
		free(frame);
		off += len;
	}
	nfm_rp_finish(&t);
	nfm_rp_free(&t);
	return 0;
}
