// SPDX-License-Identifier: GPL-2.0
/* test_pcap_decode.c - unit tests for pcap_decode.c on hand-built frames of every link type. */
#include <stdlib.h>

#include "frame_build.h"
#include "nfmp_tap.h"
#include "pcap_decode.h"

/* an MP_CAPABLE v1 SYN/ACK option (12 bytes) in a 4-byte aligned block with NOP padding */
static const u8 opt_mpc[16] = {
	0x02, 0x04, 0x05, 0xb4,			/* MSS */
	0x1e, 0x0c, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
};

static struct fb_tcp tcp4(void)
{
	struct fb_tcp t = {
		.family = 4, .sport = 40000, .dport = 5001, .seq = 0x11223344,
		.ack = 0x55667788, .flags = 0x12, .opts = opt_mpc, .optlen = sizeof(opt_mpc),
		.payload = 10,
	};

	fb_addr4(t.src, 10, 0, 1, 1);
	fb_addr4(t.dst, 10, 0, 3, 1);
	return t;
}

static struct fb_tcp tcp6(void)
{
	struct fb_tcp t = tcp4();

	t.family = 6;
	fb_addr6(t.src, 1, 1);
	fb_addr6(t.dst, 3, 1);
	return t;
}

/* Decode from an exactly sized heap copy, so that ASan flags any read past caplen. */
static int decode(int dlt, const u8 *p, unsigned int len, struct nfm_frame *f)
{
	u8 *copy = malloc(len ? len : 1);
	int st;

	memcpy(copy, p, len);
	st = nfm_decode_frame(dlt, copy, len, f);
	/* opts must point into the buffer: check before freeing it */
	if (st == NFM_DEC_TCP && f->opts_len)
		NFMP_CHECK(f->opts >= copy && f->opts + f->opts_len <= copy + len);
	free(copy);
	f->opts = NULL;		/* dangling now */
	return st;
}

static void check_frame(const struct nfm_frame *f, const struct fb_tcp *t, const char *what)
{
	NFMP_CHECKF(f->family == t->family, "%s", what);
	NFMP_CHECKF(!memcmp(f->src, t->src, 16) && !memcmp(f->dst, t->dst, 16), "%s", what);
	NFMP_CHECKF(f->sport == t->sport && f->dport == t->dport, "%s", what);
	NFMP_CHECKF(f->seq == t->seq && f->ack == t->ack && f->tcp_flags == t->flags, "%s", what);
	NFMP_CHECKF(f->tcp_hlen == 20 + t->optlen && f->opts_len == t->optlen, "%s", what);
	NFMP_CHECKF(!f->opts_truncated && f->payload_len == t->payload, "%s", what);
}

static void test_ethernet(void)
{
	static const u16 one[] = { 0x8100 };
	static const u16 qinq[] = { 0x88a8, 0x8100 };
	static const u16 old_qinq[] = { 0x9100, 0x8100, 0x8100 };
	u16 many[9];
	struct fb_tcp t4 = tcp4(), t6 = tcp6();
	struct nfm_frame f;
	u8 buf[256];
	unsigned int n, i;

	n = fb_eth(buf, &t4, NULL, 0);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "eth ipv4");
	n = fb_eth(buf, &t6, NULL, 0);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "eth ipv6");
	nfmp_tap_group("ethernet: IPv4 and IPv6 TCP headers, addresses, ports, options");

	n = fb_eth(buf, &t4, one, 1);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "802.1Q");
	n = fb_eth(buf, &t6, qinq, 2);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "802.1ad+802.1Q");
	n = fb_eth(buf, &t4, old_qinq, 3);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "0x9100 stack");
	for (i = 0; i < 9; i++)
		many[i] = 0x8100;
	n = fb_eth(buf, &t4, many, 9);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_MALFORMED);
	/* a tag cut by the capture */
	n = fb_eth(buf, &t4, qinq, 2);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, 16, &f) == NFM_DEC_TRUNCATED);
	nfmp_tap_group("ethernet: 802.1Q, stacked 802.1ad/0x9100 tags, tag bomb, cut tag");

	n = fb_eth(buf, &t4, NULL, 0);
	nfmp_put_be16(buf + 12, 0x0806);	/* ARP */
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_NOT_IP);
	nfmp_put_be16(buf + 12, 0x0800);
	buf[14 + 9] = 17;			/* UDP */
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_NOT_TCP);
	nfmp_put_be16(buf + 12, 0x86dd);	/* says IPv6, holds IPv4 */
	buf[14 + 9] = 6;
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n, &f) == NFM_DEC_MALFORMED);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, 13, &f) == NFM_DEC_TRUNCATED);
	nfmp_tap_group("ethernet: ARP, UDP, ethertype/version mismatch, short frame");

	/* Ethernet pads frames to 60 bytes: the padding is neither options nor payload */
	t4.optlen = 0;
	t4.payload = 0;
	n = fb_eth(buf, &t4, NULL, 0);
	memset(buf + n, 0xaa, 60 - n);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, 60, &f) == NFM_DEC_TCP);
	NFMP_CHECK(f.opts_len == 0 && f.payload_len == 0 && !f.ip_truncated);
	nfmp_tap_group("ethernet: trailer padding is ignored");
}

static void test_cooked_raw_loop(void)
{
	struct fb_tcp t4 = tcp4(), t6 = tcp6();
	struct nfm_frame f;
	u8 buf[256];
	unsigned int n;

	n = fb_sll(buf, &t4);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "sll v4");
	n = fb_sll(buf, &t6);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "sll v6");
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL, buf, 15, &f) == NFM_DEC_TRUNCATED);
	n = fb_sll2(buf, &t4);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL2, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "sll2 v4");
	n = fb_sll2(buf, &t6);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL2, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "sll2 v6");
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL2, buf, 19, &f) == NFM_DEC_TRUNCATED);
	/* cooked capture of a VLAN-tagged frame keeps the tag after the header */
	n = fb_sll(buf + 4, &t4);
	memmove(buf, buf + 4, 16);
	nfmp_put_be16(buf + 14, 0x8100);
	nfmp_put_be16(buf + 16, 7);
	nfmp_put_be16(buf + 18, 0x0800);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL, buf, n + 4, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "sll vlan");
	nfmp_tap_group("linux cooked SLL and SLL2 (with a VLAN tag after the header)");

	n = fb_put_ip(buf, &t4);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "raw v4");
	NFMP_CHECK(decode(NFM_DLT_IPV4, buf, n, &f) == NFM_DEC_TCP);
	NFMP_CHECK(decode(NFM_DLT_IPV6, buf, n, &f) == NFM_DEC_MALFORMED);
	n = fb_put_ip(buf, &t6);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "raw v6");
	NFMP_CHECK(decode(NFM_DLT_IPV6, buf, n, &f) == NFM_DEC_TCP);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, 0, &f) == NFM_DEC_TRUNCATED);
	buf[0] = 0x50;
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	nfmp_tap_group("raw IP: DLT_RAW, DLT_IPV4, DLT_IPV6");

	/* BSD loopback: AF_INET little endian (NULL from x86), AF_INET6 = 30 big endian (LOOP) */
	n = fb_put_ip(buf + 4, &t4) + 4;
	buf[0] = 2;
	buf[1] = buf[2] = buf[3] = 0;
	NFMP_CHECK(decode(NFM_DLT_NULL, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t4, "null le");
	n = fb_put_ip(buf + 4, &t6) + 4;
	nfmp_put_be32(buf, 30);
	NFMP_CHECK(decode(NFM_DLT_LOOP, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t6, "loop v6");
	NFMP_CHECK(decode(NFM_DLT_NULL, buf, n, &f) == NFM_DEC_TCP);
	nfmp_put_be32(buf, 7);
	NFMP_CHECK(decode(NFM_DLT_NULL, buf, n, &f) == NFM_DEC_NOT_IP);
	NFMP_CHECK(decode(NFM_DLT_NULL, buf, 3, &f) == NFM_DEC_TRUNCATED);
	NFMP_CHECK(decode(147, buf, n, &f) == NFM_DEC_BAD_DLT);
	NFMP_CHECK(!nfm_dlt_supported(147) && nfm_dlt_supported(NFM_DLT_LINUX_SLL2));
	nfmp_tap_group("loopback NULL/LOOP (either byte order), unsupported DLT");
}

static void test_ipv4(void)
{
	struct fb_tcp t = tcp4();
	struct nfm_frame f;
	u8 buf[256];
	unsigned int n;

	n = fb_put_ipv4(buf, &t);
	nfmp_put_be16(buf + 6, 0x2000);		/* MF, offset 0: first fragment */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	nfmp_put_be16(buf + 6, 0x0010);		/* offset 128 */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_FRAGMENT);
	nfmp_put_be16(buf + 6, 0x4000);		/* DF */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	nfmp_tap_group("ipv4: first fragment decoded, later fragments skipped");

	/* IP options (ihl 6) */
	memmove(buf + 24, buf + 20, n - 20);
	buf[0] = 0x46;
	memset(buf + 20, 1, 4);			/* NOPs */
	nfmp_put_be16(buf + 2, n + 4);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n + 4, &f) == NFM_DEC_TCP);
	check_frame(&f, &t, "ip options");
	nfmp_tap_group("ipv4: header options skipped");

	n = fb_put_ipv4(buf, &t);
	buf[0] = 0x44;				/* ihl 16 bytes */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	buf[0] = 0x45;
	nfmp_put_be16(buf + 2, 19);		/* total length < header */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	nfmp_put_be16(buf + 2, 30);		/* no room for the TCP header */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	nfmp_put_be16(buf + 2, 50);		/* TCP data offset past the IP length */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	nfmp_put_be16(buf + 2, n);
	buf[20 + 12] = 0x40;			/* data offset 16 bytes */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	nfmp_tap_group("ipv4/tcp: inconsistent lengths are malformed");

	/* total length 0 (TSO on the sending host): trust the capture length */
	n = fb_put_ipv4(buf, &t);
	nfmp_put_be16(buf + 2, 0);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t, "tot_len 0");
	nfmp_tap_group("ipv4: total length 0 (TSO capture) uses caplen");
}

static void test_ipv6_ext(void)
{
	struct fb_tcp t = tcp6();
	struct nfm_frame f;
	u8 ext[64], buf[256];
	unsigned int n;

	/* hop-by-hop (8) -> routing (24) -> dest opts (8) -> fragment (8, first) -> TCP */
	memset(ext, 0, sizeof(ext));
	ext[0] = 43;	ext[1] = 0;			/* HBH, 8 bytes */
	ext[8] = 60;	ext[9] = 2;			/* routing, 24 bytes */
	ext[32] = 44;	ext[33] = 0;			/* dest opts, 8 bytes */
	ext[40] = 6;					/* fragment: next TCP, offset 0, M=1 */
	nfmp_put_be16(ext + 42, 0x0001);
	n = fb_put_ipv6_ext(buf, &t, 0, ext, 48);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t, "ext chain");
	nfmp_tap_group("ipv6: hop-by-hop, routing, dest opts, first fragment walked");

	nfmp_put_be16(buf + 40 + 42, 0x0008);		/* fragment offset 1 */
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_FRAGMENT);
	nfmp_tap_group("ipv6: non-first fragment skipped");

	/* AH: length in 4-byte units minus 2 */
	memset(ext, 0, sizeof(ext));
	ext[0] = 6;	ext[1] = 4;			/* 24 bytes */
	n = fb_put_ipv6_ext(buf, &t, 51, ext, 24);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_TCP);
	check_frame(&f, &t, "ah");
	ext[0] = 50;					/* ESP after AH: encrypted */
	n = fb_put_ipv6_ext(buf, &t, 51, ext, 24);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_NOT_TCP);
	ext[0] = 59;					/* no next header */
	n = fb_put_ipv6_ext(buf, &t, 60, ext, 8);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_NOT_TCP);
	nfmp_tap_group("ipv6: AH walked; ESP and no-next-header are not TCP");

	/* a header whose length runs past the packet */
	memset(ext, 0, sizeof(ext));
	ext[0] = 6;	ext[1] = 200;
	n = fb_put_ipv6_ext(buf, &t, 0, ext, 8);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) == NFM_DEC_MALFORMED);
	/* an endless chain of empty dest-opts headers */
	memset(ext, 0, sizeof(ext));
	for (n = 0; n < 64; n += 8)
		ext[n] = 60;
	n = fb_put_ipv6_ext(buf, &t, 60, ext, 64);
	buf[40 + 56] = 60;
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, n, &f) != NFM_DEC_TCP);
	/* chain cut by the snaplen */
	memset(ext, 0, sizeof(ext));
	ext[0] = 6;	ext[1] = 1;
	n = fb_put_ipv6_ext(buf, &t, 0, ext, 16);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, 50, &f) == NFM_DEC_TRUNCATED);
	NFMP_CHECK(decode(NFM_DLT_RAW, buf, 41, &f) == NFM_DEC_TRUNCATED);
	nfmp_tap_group("ipv6: overlong, endless and cut extension headers");
}

static void test_truncated(void)
{
	struct fb_tcp t4 = tcp4(), t6 = tcp6();
	struct nfm_frame f;
	u8 buf[256];
	unsigned int n, hdr;

	/* snaplen cuts the options: decoded as far as captured */
	n = fb_eth(buf, &t4, NULL, 0);
	hdr = 14 + 20 + 20;
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, hdr + 6, &f) == NFM_DEC_TCP);
	NFMP_CHECK(f.opts_len == 6 && f.opts_truncated && f.ip_truncated);
	NFMP_CHECK(f.tcp_hlen == 36 && f.payload_len == t4.payload);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, hdr, &f) == NFM_DEC_TCP);
	NFMP_CHECK(f.opts_len == 0 && f.opts_truncated);
	/* options complete, payload cut: not an options truncation */
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, n - 5, &f) == NFM_DEC_TCP);
	NFMP_CHECK(f.opts_len == 16 && !f.opts_truncated && f.ip_truncated);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, hdr - 1, &f) == NFM_DEC_TRUNCATED);
	NFMP_CHECK(decode(NFM_DLT_EN10MB, buf, 14 + 19, &f) == NFM_DEC_TRUNCATED);
	n = fb_sll2(buf, &t6);
	NFMP_CHECK(decode(NFM_DLT_LINUX_SLL2, buf, 20 + 40 + 20 + 9, &f) == NFM_DEC_TCP);
	NFMP_CHECK(f.opts_len == 9 && f.opts_truncated);
	nfmp_tap_group("truncated: options cut by snaplen are passed as captured");
}

/* Every prefix of every frame kind decodes without reading past it (ASan watches). */
static void test_prefixes(void)
{
	static const int dlts[] = { NFM_DLT_EN10MB, NFM_DLT_LINUX_SLL, NFM_DLT_LINUX_SLL2,
				    NFM_DLT_RAW, NFM_DLT_NULL };
	static const u16 qinq[] = { 0x88a8, 0x8100 };
	struct fb_tcp ts[2] = { tcp4(), tcp6() };
	struct nfm_frame f;
	unsigned int i, k, n = 0, len;
	u8 buf[256];
	int st;

	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		for (k = 0; k < 2; k++) {
			switch (dlts[i]) {
			case NFM_DLT_EN10MB:
				n = fb_eth(buf, &ts[k], qinq, 2);
				break;
			case NFM_DLT_LINUX_SLL:
				n = fb_sll(buf, &ts[k]);
				break;
			case NFM_DLT_LINUX_SLL2:
				n = fb_sll2(buf, &ts[k]);
				break;
			case NFM_DLT_RAW:
				n = fb_put_ip(buf, &ts[k]);
				break;
			case NFM_DLT_NULL:
				n = fb_put_ip(buf + 4, &ts[k]) + 4;
				nfmp_put_be32(buf, ts[k].family == 6 ? 10 : 2);
				break;
			}
			for (len = 0; len <= n; len++) {
				st = decode(dlts[i], buf, len, &f);
				NFMP_CHECKF(st == NFM_DEC_TCP || st == NFM_DEC_TRUNCATED,
					    "dlt %d v%u len %u st %s", dlts[i], ts[k].family, len,
					    nfm_decode_status_name(st));
				if (st == NFM_DEC_TCP)
					NFMP_CHECKF(f.opts_len <= 16, "len %u", len);
			}
		}
	}
	nfmp_tap_group("every prefix of each link type decodes within bounds");
}

int main(void)
{
	test_ethernet();
	test_cooked_raw_loop();
	test_ipv4();
	test_ipv6_ext();
	test_truncated();
	test_prefixes();
	return nfmp_tap_done();
}
