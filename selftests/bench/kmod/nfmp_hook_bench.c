// SPDX-License-Identifier: GPL-2.0
/*
 * nfmp_hook_bench.c - benchmark module (never shipped): pushes synthetic IPv4
 * TCP packets through the netfilter hooks of the writer's netns as a router
 * sees them (PRE_ROUTING, then POST_ROUTING, where conntrack confirms and runs
 * helpers) and reports the time per packet. Loaded with and without
 * nf_conntrack_mptcp in one boot, the difference is that module's cost; under
 * an instruction-counting guest clock (QEMU -icount shift=0) a nanosecond is
 * an instruction.
 *
 *   echo "KIND N" >/sys/kernel/debug/nfmp_hook_bench/run; cat .../run
 *   echo "fill N" >.../run	(the table at scale, see below)
 *
 * KIND is one of
 *   plain     data of an established plain TCP connection
 *   dss       data with a DSS mapping on an established MPTCP v1 connection
 *   join      MP_JOIN SYNs carrying that connection's token, each from a new
 *             source port; PRE_ROUTING only, so that they stay unconfirmed as
 *             a flood's SYNs do until answered
 *   add-addr  pure ACKs carrying a valid (v1 HMAC) ADD_ADDR
 * Each run sets up its own connection (a fresh client port) first; data
 * packets repeat one segment, which conntrack takes as a retransmission.
 * Packets enter on the device named by the "dev" parameter (not a loopback:
 * looped-back packets are skipped by the tracker at PRE_ROUTING).
 *
 * "fill N" sets up N more MPTCP connections (full handshakes from distinct
 * clients, each with its own keys and so its own tokens) and reports the time
 * per connection; the join runs that follow spread their SYNs over the tokens
 * of every connection filled in, so that their lookups find a table of that
 * size, as a CGN's do.
 */

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/skbuff.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/vmalloc.h>
#include <crypto/sha2.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/net_namespace.h>
#include "nfmp_compat.h"	/* <linux/unaligned.h> or <asm/unaligned.h> */

static char *dev = "nfmb0";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "device the packets come in on and leave by (default nfmb0)");

#define BENCH_MAX_PACKETS	10000000U
#define BENCH_MAX_FILL		4000000U
#define BENCH_PAYLOAD		100
#define BENCH_CLIENT_ISN	1000U
#define BENCH_SERVER_ISN	5000U
#define BENCH_SERVER_PORT	80
#define BENCH_KEY_A		0x0123456789abcdefULL
#define BENCH_KEY_B		0xfedcba9876543210ULL

#define MPTCP_OPT		30

struct bench_pkt {
	__be32	saddr, daddr;
	__be16	sport, dport;
	u32	seq, ack;
	u8	flags;		/* TCPHDR_* */
	u8	optlen;		/* a multiple of 4 */
	u8	opt[MAX_TCP_OPTION_SPACE];
	u16	payload;
};

enum bench_kind {
	BENCH_PLAIN,
	BENCH_DSS,
	BENCH_JOIN,
	BENCH_ADD_ADDR,
};

static const char * const bench_kind_names[] = {
	[BENCH_PLAIN]		= "plain",
	[BENCH_DSS]		= "dss",
	[BENCH_JOIN]		= "join",
	[BENCH_ADD_ADDR]	= "add-addr",
};

static DEFINE_MUTEX(bench_mutex);	/* one run at a time; guards bench_result */
static char bench_result[256] = "no run yet\n";
static u16 bench_next_port = 20000;
static struct dentry *bench_dir;
/* the server tokens of the connections filled in, for the join runs */
static u32 *bench_fill_tokens;
static unsigned int bench_filled;
static u64 bench_fill_net;	/* net_cookie of the netns they are in */

static struct sk_buff *bench_skb(const struct bench_pkt *p, struct net_device *ndev)
{
	unsigned int tcplen = sizeof(struct tcphdr) + p->optlen + p->payload;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + tcplen, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = p->saddr;
	iph->daddr = p->daddr;
	iph->tot_len = htons(sizeof(*iph) + tcplen);
	ip_send_check(iph);

	skb_set_transport_header(skb, sizeof(*iph));
	th = skb_put_zero(skb, tcplen);
	th->source = p->sport;
	th->dest = p->dport;
	th->seq = htonl(p->seq);
	th->ack_seq = htonl(p->ack);
	th->doff = (sizeof(*th) + p->optlen) / 4;
	tcp_flag_byte(th) = p->flags;
	th->window = htons(65535);
	memcpy(th + 1, p->opt, p->optlen);
	memset((u8 *)(th + 1) + p->optlen, 'x', p->payload);
	th->check = tcp_v4_check(tcplen, p->saddr, p->daddr, csum_partial(th, tcplen, 0));

	skb->protocol = htons(ETH_P_IP);
	skb->dev = ndev;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

static int bench_okfn(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return 0;
}

/* One packet through the router's hooks, with bottom halves off as in softirq. */
static bool bench_push(struct net *net, struct net_device *ndev, const struct bench_pkt *p,
		       bool confirm)
{
	struct sk_buff *skb = bench_skb(p, ndev);
	int ret;

	if (!skb)
		return false;
	local_bh_disable();
	ret = nf_hook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, ndev, NULL, bench_okfn);
	if (ret == 1 && confirm)
		ret = nf_hook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, NULL, skb, NULL, ndev,
			      bench_okfn);
	if (ret == 1)
		consume_skb(skb);
	local_bh_enable();
	return ret == 1;	/* otherwise dropped (and freed) or stolen */
}

static void bench_sha256_key(u64 key, u8 digest[SHA256_DIGEST_SIZE])
{
	u8 k[8];

	put_unaligned_be64(key, k);
	sha256(k, sizeof(k), digest);
}

/* RFC 8684 §3.1: token = the most significant 32 bits, IDSN the least significant 64. */
static u32 bench_token(u64 key)
{
	u8 d[SHA256_DIGEST_SIZE];

	bench_sha256_key(key, d);
	return get_unaligned_be32(d);
}

static u64 bench_idsn(u64 key)
{
	u8 d[SHA256_DIGEST_SIZE];

	bench_sha256_key(key, d);
	return get_unaligned_be64(d + SHA256_DIGEST_SIZE - 8);
}

/* §3.4.1: rightmost 64 bits of HMAC-SHA256(Key-A ‖ Key-B, id ‖ address ‖ port 0). */
static u64 bench_add_addr_hmac(u64 key_sender, u64 key_receiver, u8 id, __be32 addr)
{
	u8 inner[SHA256_DIGEST_SIZE], mac[SHA256_DIGEST_SIZE];
	u8 pad[SHA256_BLOCK_SIZE], msg[1 + 4 + 2];
	struct sha256_state s;
	unsigned int i;

	memset(pad, 0, sizeof(pad));
	put_unaligned_be64(key_sender, pad);
	put_unaligned_be64(key_receiver, pad + 8);
	msg[0] = id;
	memcpy(msg + 1, &addr, 4);
	msg[5] = 0;
	msg[6] = 0;

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof(pad));
	sha256_update(&s, msg, sizeof(msg));
	sha256_final(&s, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof(pad));
	sha256_update(&s, inner, sizeof(inner));
	sha256_final(&s, mac);
	return get_unaligned_be64(mac + SHA256_DIGEST_SIZE - 8);
}

static void bench_opt_mp_capable(struct bench_pkt *p, unsigned int nkeys, u64 key_a, u64 key_b)
{
	u8 *o = p->opt;

	o[0] = MPTCP_OPT;
	o[1] = 4 + 8 * nkeys;
	o[2] = 0x01;		/* subtype MP_CAPABLE, version 1 */
	o[3] = 0x01;		/* H: HMAC-SHA256, no DSS checksums */
	if (nkeys == 1)		/* the SYN/ACK: the server's key */
		put_unaligned_be64(key_b, o + 4);
	if (nkeys == 2) {	/* the third ACK: sender's, then receiver's */
		put_unaligned_be64(key_a, o + 4);
		put_unaligned_be64(key_b, o + 12);
	}
	p->optlen = o[1];
}

/*
 * The three packets of a handshake from @p's client to its server, MP_CAPABLE
 * with @key_a and @key_b when @mptcp; @p left as the third ACK.
 */
static bool bench_handshake(struct net *net, struct net_device *ndev, struct bench_pkt *p,
			    bool mptcp, u64 key_a, u64 key_b)
{
	struct bench_pkt r;

	p->seq = BENCH_CLIENT_ISN;
	p->ack = 0;
	p->flags = TCPHDR_SYN;
	p->optlen = 0;
	p->payload = 0;
	if (mptcp)
		bench_opt_mp_capable(p, 0, key_a, key_b);
	if (!bench_push(net, ndev, p, true))
		return false;

	r = *p;
	r.saddr = p->daddr;
	r.daddr = p->saddr;
	r.sport = p->dport;
	r.dport = p->sport;
	r.seq = BENCH_SERVER_ISN;
	r.ack = BENCH_CLIENT_ISN + 1;
	r.flags = TCPHDR_SYN | TCPHDR_ACK;
	if (mptcp)
		bench_opt_mp_capable(&r, 1, key_a, key_b);
	if (!bench_push(net, ndev, &r, true))
		return false;

	p->seq = BENCH_CLIENT_ISN + 1;
	p->ack = BENCH_SERVER_ISN + 1;
	p->flags = TCPHDR_ACK;
	p->optlen = 0;
	if (mptcp)
		bench_opt_mp_capable(p, 2, key_a, key_b);
	return bench_push(net, ndev, p, true);
}

/* Set up one connection from a fresh client port; the first packet of the run into @p. */
static bool bench_connect(struct net *net, struct net_device *ndev, enum bench_kind kind,
			  struct bench_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->saddr = htonl(0x0a630001);	/* 10.99.0.1 */
	p->daddr = htonl(0x0a630101);	/* 10.99.1.1 */
	p->sport = htons(bench_next_port);
	p->dport = htons(BENCH_SERVER_PORT);
	bench_next_port = bench_next_port >= 60000 ? 20000 : bench_next_port + 1;

	if (!bench_handshake(net, ndev, p, kind != BENCH_PLAIN, BENCH_KEY_A, BENCH_KEY_B))
		return false;

	p->optlen = 0;
	switch (kind) {
	case BENCH_PLAIN:
		p->flags = TCPHDR_ACK | TCPHDR_PSH;
		p->payload = BENCH_PAYLOAD;
		break;
	case BENCH_DSS:
		p->flags = TCPHDR_ACK | TCPHDR_PSH;
		p->payload = BENCH_PAYLOAD;
		p->opt[0] = MPTCP_OPT;
		p->opt[1] = 26;
		p->opt[2] = 0x20;	/* subtype DSS */
		p->opt[3] = 0x0f;	/* 8-byte data ACK, 8-byte DSN mapping */
		put_unaligned_be64(bench_idsn(BENCH_KEY_B) + 1, p->opt + 4);
		put_unaligned_be64(bench_idsn(BENCH_KEY_A) + 1, p->opt + 12);
		put_unaligned_be32(1, p->opt + 20);		/* relative subflow seq */
		put_unaligned_be16(BENCH_PAYLOAD, p->opt + 24);
		p->opt[26] = TCPOPT_NOP;
		p->opt[27] = TCPOPT_NOP;
		p->optlen = 28;
		/* the first mapping is learnt on the slow path: not timed */
		if (!bench_push(net, ndev, p, true))
			return false;
		break;
	case BENCH_JOIN:
		p->seq = BENCH_CLIENT_ISN + 7777;
		p->ack = 0;
		p->flags = TCPHDR_SYN;
		p->opt[0] = MPTCP_OPT;
		p->opt[1] = 12;
		p->opt[2] = 0x10;	/* subtype MP_JOIN, not backup */
		p->opt[3] = 1;		/* address id */
		put_unaligned_be32(bench_token(BENCH_KEY_B), p->opt + 4);
		put_unaligned_be32(0x5eed5eed, p->opt + 8);	/* nonce */
		p->optlen = 12;
		break;
	case BENCH_ADD_ADDR: {
		__be32 addr = htonl(0x0a630201);	/* 10.99.2.1 */

		p->opt[0] = MPTCP_OPT;
		p->opt[1] = 16;
		p->opt[2] = 0x30;	/* subtype ADD_ADDR, not an echo */
		p->opt[3] = 1;		/* address id */
		memcpy(p->opt + 4, &addr, 4);
		put_unaligned_be64(bench_add_addr_hmac(BENCH_KEY_A, BENCH_KEY_B, 1, addr),
				   p->opt + 8);
		p->optlen = 16;
		break;
	}
	}
	return true;
}

/*
 * The i-th join of a run goes to this filled connection: a large prime
 * stride scatters consecutive joins over the whole table, so that their
 * lookups do not find the same few buckets in the cache.
 */
static unsigned int bench_spread(unsigned int i)
{
	return (u32)(((u64)i * 2654435761U) % bench_filled);
}

/* The key of a filled connection: distinct for every @i and @side. */
static u64 bench_fill_key(unsigned int i, unsigned int side)
{
	return ((u64)(i + 1) << 32 | side) * 0x9e3779b97f4a7c15ULL;
}

/*
 * N more MPTCP connections, client i at 10.128.0.0 + i / 16384, port 1024 +
 * i % 16384 (10.128.0.0-255 for BENCH_MAX_FILL), to the run's server. The
 * tokens of the SYN/ACK's key are kept for the join runs.
 */
static int bench_fill(struct net *net, struct net_device *ndev, unsigned int n)
{
	unsigned int i, total = bench_filled + n, done = 0;
	struct bench_pkt p;
	u32 *tokens;
	u64 t0, t1;

	if (bench_fill_net != net->net_cookie) {	/* a new netns starts empty */
		bench_filled = 0;
		total = n;
	}
	if (total > BENCH_MAX_FILL)
		return -E2BIG;
	tokens = kvmalloc_array(total, sizeof(*tokens), GFP_KERNEL);
	if (!tokens)
		return -ENOMEM;
	if (bench_filled)
		memcpy(tokens, bench_fill_tokens, bench_filled * sizeof(*tokens));
	kvfree(bench_fill_tokens);
	bench_fill_tokens = tokens;
	bench_fill_net = net->net_cookie;

	memset(&p, 0, sizeof(p));
	p.daddr = htonl(0x0a630101);	/* 10.99.1.1 */
	p.dport = htons(BENCH_SERVER_PORT);
	t0 = ktime_get_ns();
	for (i = bench_filled; i < total; i++) {
		u64 key_b = bench_fill_key(i, 1);

		p.saddr = htonl(0x0a800000 + (i >> 14));
		p.sport = htons(1024 + (i & 16383));
		done += bench_handshake(net, ndev, &p, true, bench_fill_key(i, 0), key_b);
		tokens[i] = bench_token(key_b);
		if ((i & 1023) == 1023)
			cond_resched();
	}
	t1 = ktime_get_ns();
	bench_filled = total;
	snprintf(bench_result, sizeof(bench_result),
		 "kind=fill connections=%u accepted=%u filled=%u ns=%llu ns_per_connection=%llu\n",
		 n, done, bench_filled, t1 - t0, div_u64(t1 - t0, n));
	return done == n ? 0 : -EIO;
}

static int bench_run(struct net *net, struct net_device *ndev, enum bench_kind kind,
		     unsigned int n)
{
	bool spread = bench_filled && bench_fill_net == net->net_cookie;
	unsigned int i, accepted = 0;
	struct bench_pkt p;
	u64 t0, t1;

	if (!bench_connect(net, ndev, kind, &p)) {
		snprintf(bench_result, sizeof(bench_result),
			 "kind=%s error=set-up-dropped (is conntrack on in this netns?)\n",
			 bench_kind_names[kind]);
		return -EIO;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (kind == BENCH_JOIN) {	/* each join a new flow */
			p.sport = htons(1024 + i % 64000);
			if (spread)	/* and to another connection */
				put_unaligned_be32(bench_fill_tokens[bench_spread(i)], p.opt + 4);
		}
		accepted += bench_push(net, ndev, &p, kind != BENCH_JOIN);
		if ((i & 1023) == 1023)
			cond_resched();
	}
	t1 = ktime_get_ns();
	snprintf(bench_result, sizeof(bench_result),
		 "kind=%s packets=%u accepted=%u ns=%llu ns_per_packet=%llu.%02llu\n",
		 bench_kind_names[kind], n, accepted, t1 - t0, div_u64(t1 - t0, n),
		 div_u64((t1 - t0) % n * 100, n));
	return 0;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[64], name[16];
	struct net_device *ndev;
	struct net *net;
	unsigned int n;
	int kind, ret;
	bool fill;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %u", name, &n) != 2 || !n || n > BENCH_MAX_PACKETS)
		return -EINVAL;
	fill = !strcmp(name, "fill");
	kind = match_string(bench_kind_names, ARRAY_SIZE(bench_kind_names), name);
	if (kind < 0 && !fill)
		return -EINVAL;

	net = get_net(current->nsproxy->net_ns);
	ndev = dev_get_by_name(net, dev);
	if (!ndev) {
		put_net(net);
		return -ENODEV;
	}
	mutex_lock(&bench_mutex);
	ret = fill ? bench_fill(net, ndev, n) : bench_run(net, ndev, kind, n);
	mutex_unlock(&bench_mutex);
	dev_put(ndev);
	put_net(net);
	return ret ? ret : len;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_mutex);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_result, strlen(bench_result));
	mutex_unlock(&bench_mutex);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner	= THIS_MODULE,
	.write	= bench_write,
	.read	= bench_read,
	.llseek	= default_llseek,
};

static int __init bench_init(void)
{
	bench_dir = debugfs_create_dir("nfmp_hook_bench", NULL);
	debugfs_create_file("run", 0600, bench_dir, NULL, &bench_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_dir);
	kvfree(bench_fill_tokens);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nf-mptcp benchmark: synthetic packets through the netfilter hooks");
