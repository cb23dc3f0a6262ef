// SPDX-License-Identifier: GPL-2.0
/*
 * mptcp_forge - send forged MPTCP segments (IPv4) to exercise a middlebox:
 * an MP_JOIN SYN with a chosen token, optionally followed, after the peer's
 * SYN/ACK, by a third ACK whose HMAC is garbage; or a burst of SYNs and ACKs
 * whose option areas are random, biased toward malformed MPTCP options; or a
 * flood of join SYNs for one token from many (spoofed) sources; or an ACK
 * injected into a live subflow, announcing an address with a wrong HMAC.
 * Test tool: run it only inside test netns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct forge {
	struct in_addr src, dst;
	uint16_t sport, dport;
	uint32_t token, nonce, isn;
	int timeout_ms;
	int bad_ack;
	int garbage;		/* -G N: N random-option segments */
	int flood;		/* -n N: N join SYNs, sources SRC, SRC+1, ... */
	int random_token;	/* -k random: a fresh token for every flood SYN */
	int mp_capable;		/* -C: the flood sends MP_CAPABLE SYNs instead */
	long rate;		/* -r PPS: flood pacing, 0: as fast as possible */
	int want_rst;		/* -R: wait for the RST answering the last segment */
	const char *inject;	/* -X SEQ:ACK[:TSVAL:TSECR] ADD_ADDR injection */
	int dss_first;		/* -D: -X puts a DSS (data ACK) option before the ADD_ADDR */
	struct in_addr announce;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mptcp_forge -s SRC -d DST -p DPORT -k TOKEN|random [-S SPORT] [-A] [-R] [-t MS]\n"
		"                   [-n N [-r PPS]]\n"
		"       mptcp_forge -s SRC -d DST -p DPORT -C -n N [-r PPS]\n"
		"       mptcp_forge -s SRC -d DST -p DPORT -G N [-S SPORT]\n"
		"       mptcp_forge -s SRC -d DST -p DPORT -S SPORT -X SEQ:ACK[:TSVAL:TSECR]|auto -a ADDR [-D]\n"
		"  Sends an MP_JOIN SYN for TOKEN (hex) from SRC:SPORT to DST:DPORT.\n"
		"  -A  wait for the SYN/ACK and answer with an MP_JOIN ACK carrying a wrong HMAC\n"
		"  -R  then wait for a RST answering it and print \"rst reason N\" (its MP_TCPRST\n"
		"      reason) or \"rst without MP_TCPRST\"\n"
		"  -t  how long to wait for the SYN/ACK or RST (default 3000 ms)\n"
		"  -n  send N such SYNs instead, from SRC, SRC+1, ... (spoofed), fresh nonces, ports\n"
		"      SPORT, SPORT+1, ... when given (random otherwise); -k random: a random token\n"
		"      for each; -C: MP_CAPABLE SYNs (v1) instead of joins; -r: at most PPS a second\n"
		"  -G  instead, send N segments (SYNs from fresh ports, and ACKs from SPORT when\n"
		"      given) whose options are random: kind 30 with any subtype and length,\n"
		"      truncated, zero-length, mixed with NOP/EOL and other kinds\n"
		"  -X  instead, send one ACK in the subflow SRC:SPORT -> DST:DPORT with that\n"
		"      sequence, acknowledgment (and timestamps) carrying an ADD_ADDR (v1, id 9)\n"
		"      that announces -a ADDR with a wrong HMAC; \"auto\": take them from the last\n"
		"      segment DST sends on that subflow before 1 s of quiet (-S 0: on the\n"
		"      first subflow DST sends on); -D: a DSS option (a data ACK, ignored as\n"
		"      out of range) comes first, as in a real segment carrying both\n"
		"Exit: 0 sent (and with -A: SYN/ACK seen, ACK sent; with -R: RST seen), 1 error,\n"
		"2 no SYN/ACK, 3 no RST.\n");
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

/* Build IPv4 + TCP with @opts and send it on the raw socket. */
static int send_segment(int fd, const struct forge *fg, uint32_t seq, uint32_t ack,
			uint8_t flags, const uint8_t *opts, size_t optlen)
{
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct tcphdr) + 40] = {0};
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(ip + 1);
	size_t tcplen = sizeof(*th) + optlen;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = fg->dst };
	uint8_t pseudo[12];
	uint32_t sum;

	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(*ip) + tcplen);
	ip->saddr = fg->src.s_addr;
	ip->daddr = fg->dst.s_addr;

	th->source = htons(fg->sport);
	th->dest = htons(fg->dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = tcplen / 4;
	((uint8_t *)th)[13] = flags;
	th->window = htons(64240);
	memcpy(th + 1, opts, optlen);

	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = tcplen >> 8;
	pseudo[11] = tcplen & 0xff;
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, th, tcplen);
	th->check = htons(csum_fold(sum));

	if (sendto(fd, pkt, sizeof(*ip) + tcplen, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("mptcp_forge: sendto");
		return -1;
	}
	return 0;
}

/* MP_TCPRST reason in the options of @th (of @thlen bytes), or -1. */
static int tcprst_reason(const struct tcphdr *th, unsigned int thlen)
{
	const uint8_t *o = (const uint8_t *)(th + 1);
	unsigned int i = 0, len = thlen - sizeof(*th);

	while (i < len && o[i] != 0) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || o[i + 1] > len - i)
			break;
		if (o[i] == 30 && o[i + 1] == 4 && (o[i + 2] >> 4) == 8)
			return o[i + 3];
		i += o[i + 1];
	}
	return -1;
}

/*
 * Wait on @fd (a raw TCP socket opened before the SYN went out, so the answer
 * cannot slip past) for a segment from the peer: a SYN/ACK (its sequence
 * number in *@val) or, with @rst, a RST (its MP_TCPRST reason in *@val, -1
 * if none). Returns 0 when it came.
 */
static int wait_answer(int fd, const struct forge *fg, bool rst, int64_t *val)
{
	struct timespec start, now;
	uint8_t buf[2048];
	int left;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct iphdr *ip = (const struct iphdr *)buf;
		const struct tcphdr *th;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = fg->timeout_ms - (int)((now.tv_sec - start.tv_sec) * 1000 +
					      (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + (ssize_t)sizeof(*th))
			continue;
		th = (const struct tcphdr *)(buf + ip->ihl * 4);
		if (ip->saddr != fg->dst.s_addr || ntohs(th->source) != fg->dport ||
		    ntohs(th->dest) != fg->sport)
			continue;
		if (rst && th->rst) {
			if (n < ip->ihl * 4 + th->doff * 4)
				continue;
			*val = tcprst_reason(th, th->doff * 4);
			return 0;
		}
		if (!rst && th->syn && th->ack) {
			*val = ntohl(th->seq);
			return 0;
		}
	}
	return 1;
}

/* -R: the RST answering what we sent last, reported on stdout. */
static int report_rst(int fd, const struct forge *fg)
{
	int64_t reason;

	if (wait_answer(fd, fg, true, &reason)) {
		fprintf(stderr, "mptcp_forge: no RST within %d ms\n", fg->timeout_ms);
		return 3;
	}
	if (reason < 0)
		printf("rst without MP_TCPRST\n");
	else
		printf("rst reason %d\n", (int)reason);
	return 0;
}

/*
 * -X auto: what an in-window segment toward DST must carry, from the last
 * segment DST sends on the subflow before it goes quiet (1 s): its ACK is
 * then exactly DST's next expected sequence, and our timestamp the one it
 * echoes (a little later: PAWS).
 */
static int sniff_window(int fd, struct forge *fg, unsigned int *seq, unsigned int *ack,
			unsigned int *tsval, unsigned int *tsecr)
{
	uint8_t buf[2048];
	bool seen = false;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct iphdr *ip = (const struct iphdr *)buf;
		const struct tcphdr *th;
		const uint8_t *o;
		unsigned int thlen, i;
		ssize_t n;

		if (poll(&pfd, 1, seen ? 1000 : fg->timeout_ms) <= 0)
			return !seen;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + (ssize_t)sizeof(*th))
			continue;
		th = (const struct tcphdr *)(buf + ip->ihl * 4);
		thlen = th->doff * 4;
		if (ip->saddr != fg->dst.s_addr || ntohs(th->source) != fg->dport ||
		    (fg->sport && ntohs(th->dest) != fg->sport) || !th->ack || th->syn ||
		    th->rst || thlen < sizeof(*th) || n < ip->ihl * 4 + (ssize_t)thlen)
			continue;
		/* -S 0: the first subflow heard from is the one */
		fg->sport = ntohs(th->dest);
		seen = true;
		*seq = ntohl(th->ack_seq);
		*ack = ntohl(th->seq) + (ntohs(ip->tot_len) - ip->ihl * 4 - thlen) + th->fin;
		*tsval = *tsecr = 0;
		o = (const uint8_t *)(th + 1);
		for (i = 0; i + 1 < thlen - sizeof(*th) && o[i]; ) {
			if (o[i] == 1) {
				i++;
				continue;
			}
			if (o[i + 1] < 2)
				break;
			if (o[i] == 8 && o[i + 1] == 10 && i + 10 <= thlen - sizeof(*th)) {
				*tsecr = ntohl(*(const uint32_t *)&o[i + 2]);
				*tsval = ntohl(*(const uint32_t *)&o[i + 6]) + 1000;
				break;
			}
			i += o[i + 1];
		}
	}
}

/* -X: an in-window ACK whose ADD_ADDR HMAC cannot be right. */
static int send_bad_add_addr(int fd, int rx, struct forge *fg)
{
	unsigned int seq, ack, tsval = 0, tsecr = 0;
	uint8_t opt[40];
	size_t len = 0;
	int n, i;

	if (!strcmp(fg->inject, "auto")) {
		if (sniff_window(rx, fg, &seq, &ack, &tsval, &tsecr)) {
			fprintf(stderr, "mptcp_forge: no segment from the peer within %d ms\n",
				fg->timeout_ms);
			return 2;
		}
		n = tsval ? 4 : 2;
	} else {
		n = sscanf(fg->inject, "%u:%u:%u:%u", &seq, &ack, &tsval, &tsecr);
	}
	if (n != 2 && n != 4) {
		fprintf(stderr, "mptcp_forge: -X SEQ:ACK[:TSVAL:TSECR], not '%s'\n", fg->inject);
		return 1;
	}
	if (n == 4) {
		opt[len++] = 1;
		opt[len++] = 1;
		opt[len++] = 8;
		opt[len++] = 10;
		*(uint32_t *)&opt[len] = htonl(tsval);
		*(uint32_t *)&opt[len + 4] = htonl(tsecr);
		len += 8;
	}
	if (fg->dss_first) {
		/* DSS (RFC 8684 §3.3): subtype 2, flag A, a 4-byte data ACK */
		opt[len++] = 30;
		opt[len++] = 8;
		opt[len++] = 0x20;
		opt[len++] = 0x01;
		*(uint32_t *)&opt[len] = htonl(random());
		len += 4;
	}
	/* ADD_ADDR (RFC 8684 §3.4.1): subtype 3, E = 0, id, IPv4, HMAC */
	opt[len++] = 30;
	opt[len++] = 16;
	opt[len++] = 0x30;
	opt[len++] = 9;
	memcpy(&opt[len], &fg->announce, 4);
	len += 4;
	for (i = 0; i < 8; i++)
		opt[len++] = random();
	if (send_segment(fd, fg, seq, ack, TH_ACK, opt, len))
		return 1;
	printf("sent ADD_ADDR %s with a wrong HMAC%s\n", inet_ntoa(fg->announce),
	       fg->dss_first ? ", behind a DSS" : "");
	return 0;
}

/* Fill @opts with a random option area of @len bytes (a multiple of 4). */
static void random_options(uint8_t *opts, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t left = len - off, olen;

		switch (random() % 8) {
		case 0:
			opts[off++] = 1;	/* NOP */
			continue;
		case 1:
			opts[off++] = random() % 2 ? 0 : random();	/* EOL or any kind */
			continue;
		default:
			break;
		}
		opts[off] = 30;
		if (left < 2) {
			off++;
			continue;
		}
		/* lengths around the legal ones, sometimes past the end or below 3 */
		olen = random() % 6 == 0 ? random() % 48 : 2 + random() % 30;
		opts[off + 1] = olen;
		if (left >= 3)
			opts[off + 2] = (random() % 10) << 4 | (random() & 0xf);
		for (size_t i = 3; i < olen && off + i < len; i++)
			opts[off + i] = random();
		off += olen >= 2 && olen <= left ? olen : left;
	}
}

static int send_garbage(int fd, struct forge *fg)
{
	uint16_t base = fg->sport;
	int i;

	for (i = 0; i < fg->garbage; i++) {
		uint8_t opts[40] = {0};
		size_t len = 4 * (1 + random() % 10);
		uint8_t flags = i % 2 ? TH_SYN : TH_ACK;

		random_options(opts, len);
		/* SYNs from fresh ports start fresh conntracks, ACKs hit SPORT's */
		fg->sport = flags == TH_SYN ? 20000 + random() % 20000 : base;
		if (send_segment(fd, fg, random(), flags == TH_ACK ? random() : 0, flags,
				 opts, len))
			return 1;
	}
	fg->sport = base;
	printf("sent %d segments with random options\n", fg->garbage);
	return 0;
}

int main(int argc, char **argv)
{
	struct forge fg = { .timeout_ms = 3000 };
	uint8_t syn_opt[12], ack_opt[24];
	int64_t peer_isn;
	int o, fd, rx = -1, one = 1, have = 0;

	srandom(time(NULL) ^ getpid());
	fg.sport = 20000 + random() % 20000;
	fg.nonce = random();
	fg.isn = random();
	while ((o = getopt(argc, argv, "s:d:p:S:k:ARt:G:n:X:a:DCr:h")) != -1) {
		switch (o) {
		case 's': have |= inet_pton(AF_INET, optarg, &fg.src) == 1; break;
		case 'd': have |= (inet_pton(AF_INET, optarg, &fg.dst) == 1) << 1; break;
		case 'p': fg.dport = atoi(optarg); have |= 4; break;
		case 'S': fg.sport = atoi(optarg); break;
		case 'k':
			fg.random_token = !strcmp(optarg, "random");
			fg.token = strtoul(optarg, NULL, 16);
			have |= 8;
			break;
		case 'C': fg.mp_capable = 1; have |= 8; break;
		case 'r': fg.rate = atol(optarg); break;
		case 'A': fg.bad_ack = 1; break;
		case 'R': fg.want_rst = 1; break;
		case 'G': fg.garbage = atoi(optarg); have |= 8; break;
		case 't': fg.timeout_ms = atoi(optarg); break;
		case 'n': fg.flood = atoi(optarg); break;
		case 'X': fg.inject = optarg; have |= 8; break;
		case 'a': inet_pton(AF_INET, optarg, &fg.announce); break;
		case 'D': fg.dss_first = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (have != 15 || fg.flood < 0 || (fg.flood && (fg.bad_ack || fg.garbage || fg.want_rst)) ||
	    (fg.mp_capable && !fg.flood)) {
		usage(stderr);
		return 1;
	}

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("mptcp_forge: raw socket");
		return 1;
	}
	if (fg.bad_ack || fg.want_rst || fg.inject) {
		rx = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
		if (rx < 0) {
			perror("mptcp_forge: raw receive socket");
			return 1;
		}
	}

	if (fg.garbage)
		return send_garbage(fd, &fg);
	if (fg.inject)
		return send_bad_add_addr(fd, rx, &fg);

	/* MP_JOIN SYN (RFC 8684 §3.2): subtype 1, address id 7, token, nonce */
	syn_opt[0] = 30;
	syn_opt[1] = 12;
	syn_opt[2] = 0x10;
	syn_opt[3] = 7;
	*(uint32_t *)&syn_opt[4] = htonl(fg.token);
	*(uint32_t *)&syn_opt[8] = htonl(fg.nonce);
	if (fg.flood) {
		uint32_t src0 = ntohl(fg.src.s_addr);
		uint16_t sport0 = fg.sport;
		int i;

		/* MP_CAPABLE SYN, v1 (RFC 8684 §3.1): no key, flag H (HMAC-SHA256) */
		static const uint8_t mpc_opt[4] = { 30, 4, 0x01, 0x01 };
		struct timespec t0, now;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < fg.flood; i++) {
			if (fg.rate && i % 16 == 0) {
				/* pace in bursts of 16: the veths' backlog must not overflow */
				long long due = (long long)i * 1000000000LL / fg.rate, el;

				clock_gettime(CLOCK_MONOTONIC, &now);
				el = (now.tv_sec - t0.tv_sec) * 1000000000LL + now.tv_nsec - t0.tv_nsec;
				if (due > el) {
					struct timespec d = { (due - el) / 1000000000LL,
							      (due - el) % 1000000000LL };

					nanosleep(&d, NULL);
				}
			}
			fg.src.s_addr = htonl(src0 + i);
			fg.sport = sport0 ? sport0 + i : 20000 + random() % 40000;
			if (fg.mp_capable) {
				if (send_segment(fd, &fg, random(), 0, TH_SYN, mpc_opt, sizeof(mpc_opt)))
					return 1;
				continue;
			}
			if (fg.random_token)
				*(uint32_t *)&syn_opt[4] = htonl(random() ^ (random() << 16));
			*(uint32_t *)&syn_opt[8] = htonl(random());
			if (send_segment(fd, &fg, random(), 0, TH_SYN, syn_opt, sizeof(syn_opt)))
				return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (fg.mp_capable)
			printf("sent %d MP_CAPABLE SYNs", fg.flood);
		else if (fg.random_token)
			printf("sent %d MP_JOIN SYNs with random tokens", fg.flood);
		else
			printf("sent %d MP_JOIN SYNs for token %08x", fg.flood, fg.token);
		printf(" in %.1f s\n", (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
		return 0;
	}
	if (send_segment(fd, &fg, fg.isn, 0, TH_SYN, syn_opt, sizeof(syn_opt)))
		return 1;
	printf("sent MP_JOIN SYN %s:%u -> ", inet_ntoa(fg.src), fg.sport);
	printf("%s:%u token %08x\n", inet_ntoa(fg.dst), fg.dport, fg.token);
	if (!fg.bad_ack)
		return fg.want_rst ? report_rst(rx, &fg) : 0;

	if (wait_answer(rx, &fg, false, &peer_isn)) {
		fprintf(stderr, "mptcp_forge: no SYN/ACK within %d ms\n", fg.timeout_ms);
		return 2;
	}
	/* MP_JOIN ACK with a 160-bit HMAC that cannot be right */
	memset(ack_opt, 0, sizeof(ack_opt));
	ack_opt[0] = 30;
	ack_opt[1] = 24;
	ack_opt[2] = 0x10;
	for (o = 4; o < 24; o++)
		ack_opt[o] = random();
	if (send_segment(fd, &fg, fg.isn + 1, peer_isn + 1, TH_ACK, ack_opt, sizeof(ack_opt)))
		return 1;
	printf("sent MP_JOIN ACK with a wrong HMAC\n");
	return fg.want_rst ? report_rst(rx, &fg) : 0;
}
