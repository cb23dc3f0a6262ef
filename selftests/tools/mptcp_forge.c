// SPDX-License-Identifier: GPL-2.0
/*
 * mptcp_forge - send forged MPTCP segments (IPv4) to exercise a middlebox:
 * an MP_JOIN SYN with a chosen token, optionally followed, after the peer's
 * SYN/ACK, by a third ACK whose HMAC is garbage; or a burst of SYNs and ACKs
 * whose option areas are random, biased toward malformed MPTCP options; or a
 * flood of join SYNs for one token from many (spoofed) sources.
 * Test tool: run it only inside test netns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
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
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mptcp_forge -s SRC -d DST -p DPORT -k TOKEN [-S SPORT] [-A] [-t MS] [-n N]\n"
		"       mptcp_forge -s SRC -d DST -p DPORT -G N [-S SPORT]\n"
		"  Sends an MP_JOIN SYN for TOKEN (hex) from SRC:SPORT to DST:DPORT.\n"
		"  -A  wait for the SYN/ACK and answer with an MP_JOIN ACK carrying a wrong HMAC\n"
		"  -t  how long to wait for the SYN/ACK (default 3000 ms)\n"
		"  -n  send N such SYNs instead, from SRC, SRC+1, ... (spoofed), fresh ports and nonces\n"
		"  -G  instead, send N segments (SYNs from fresh ports, and ACKs from SPORT when\n"
		"      given) whose options are random: kind 30 with any subtype and length,\n"
		"      truncated, zero-length, mixed with NOP/EOL and other kinds\n"
		"Exit: 0 sent (and with -A: SYN/ACK seen, ACK sent), 1 error, 2 no SYN/ACK.\n");
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

/*
 * Wait on @fd (a raw TCP socket opened before the SYN went out, so the answer
 * cannot slip past) for the SYN/ACK answering our SYN; returns its sequence number.
 */
static int wait_synack(int fd, const struct forge *fg, uint32_t *peer_isn)
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
		if (th->syn && th->ack) {
			*peer_isn = ntohl(th->seq);
			return 0;
		}
	}
	return 1;
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
	uint32_t peer_isn;
	int o, fd, rx = -1, one = 1, have = 0;

	srandom(time(NULL) ^ getpid());
	fg.sport = 20000 + random() % 20000;
	fg.nonce = random();
	fg.isn = random();
	while ((o = getopt(argc, argv, "s:d:p:S:k:At:G:n:h")) != -1) {
		switch (o) {
		case 's': have |= inet_pton(AF_INET, optarg, &fg.src) == 1; break;
		case 'd': have |= (inet_pton(AF_INET, optarg, &fg.dst) == 1) << 1; break;
		case 'p': fg.dport = atoi(optarg); have |= 4; break;
		case 'S': fg.sport = atoi(optarg); break;
		case 'k': fg.token = strtoul(optarg, NULL, 16); have |= 8; break;
		case 'A': fg.bad_ack = 1; break;
		case 'G': fg.garbage = atoi(optarg); have |= 8; break;
		case 't': fg.timeout_ms = atoi(optarg); break;
		case 'n': fg.flood = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (have != 15 || fg.flood < 0 || (fg.flood && (fg.bad_ack || fg.garbage))) {
		usage(stderr);
		return 1;
	}

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("mptcp_forge: raw socket");
		return 1;
	}
	if (fg.bad_ack) {
		rx = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
		if (rx < 0) {
			perror("mptcp_forge: raw receive socket");
			return 1;
		}
	}

	if (fg.garbage)
		return send_garbage(fd, &fg);

	/* MP_JOIN SYN (RFC 8684 §3.2): subtype 1, address id 7, token, nonce */
	syn_opt[0] = 30;
	syn_opt[1] = 12;
	syn_opt[2] = 0x10;
	syn_opt[3] = 7;
	*(uint32_t *)&syn_opt[4] = htonl(fg.token);
	*(uint32_t *)&syn_opt[8] = htonl(fg.nonce);
	if (fg.flood) {
		uint32_t src0 = ntohl(fg.src.s_addr);
		int i;

		for (i = 0; i < fg.flood; i++) {
			fg.src.s_addr = htonl(src0 + i);
			fg.sport = 20000 + random() % 40000;
			*(uint32_t *)&syn_opt[8] = htonl(random());
			if (send_segment(fd, &fg, random(), 0, TH_SYN, syn_opt, sizeof(syn_opt)))
				return 1;
		}
		printf("sent %d MP_JOIN SYNs for token %08x\n", fg.flood, fg.token);
		return 0;
	}
	if (send_segment(fd, &fg, fg.isn, 0, TH_SYN, syn_opt, sizeof(syn_opt)))
		return 1;
	printf("sent MP_JOIN SYN %s:%u -> ", inet_ntoa(fg.src), fg.sport);
	printf("%s:%u token %08x\n", inet_ntoa(fg.dst), fg.dport, fg.token);
	if (!fg.bad_ack)
		return 0;

	if (wait_synack(rx, &fg, &peer_isn)) {
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
	return 0;
}
