// SPDX-License-Identifier: GPL-2.0
/* mptcp_xfer - MPTCP bulk transfer client/server for the nf-mptcp selftests.
 *
 * The client sends a deterministic byte pattern over one or more MPTCP
 * connections; the server checks every byte against the pattern, counts them
 * and answers each connection with the 8-byte big-endian count it received,
 * which the client compares with what it sent.  Both sides exit 0 only if
 * every connection carried exactly what was expected, so a test needs no
 * other verification than the exit status (and the optional report file).
 *
 * One thread per connection keeps the code obvious; 200 connections are fine.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/mptcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#ifndef MPTCP_INFO_FLAG_FALLBACK
#define MPTCP_INFO_FLAG_FALLBACK 1
#endif
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif

#define XFER_BUF	(64 * 1024)
#define XFER_MAX_CONNS	4096
#define XFER_SUBFLOW_WAIT_S	10

struct xfer_opts {
	bool server;
	const char *addr;	/* client: peer; server: listen address */
	const char *bind_addr;	/* client: source address */
	const char *port;
	const char *report;
	const char *ready_file;
	bool v6;
	bool tcp;		/* plain TCP instead of MPTCP */
	bool quiet;
	uint64_t size;		/* client: bytes per connection */
	int64_t expect;		/* server: expected bytes per connection, -1 any */
	int conns;		/* client: parallel; server: to accept */
	int hold;		/* client: idle seconds before closing */
	bool wait_go;		/* client: connect, then wait for SIGUSR1 before sending */
	int want_subflows;	/* client: wait for this many after the first send */
	int timeout;		/* seconds per blocking operation */
};

struct xfer_conn {
	pthread_t thread;
	int fd;
	int idx;
	uint64_t bytes;		/* sent (client) or received (server) */
	uint64_t peer_count;	/* client: count acknowledged by the server */
	int is_mptcp;		/* -1 unknown, 0 fallback to TCP, 1 MPTCP */
	int subflows;		/* from MPTCP_INFO, -1 unknown */
	uint32_t token;
	bool ok;
	char err[160];
};

static struct xfer_opts opt = {
	.port = "12000",
	.size = 1 << 20,
	.expect = -1,
	.conns = 1,
	.timeout = 30,
};

static const char *prog = "mptcp_xfer";

/*
 * SIGUSR1s received (any thread may take the signal): the first ends the -H
 * wait, the next one (the first without -H) ends the -w hold early.
 */
static volatile sig_atomic_t usr1_count;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s -l [-p PORT] [-6] [-b ADDR] [-n N] [-e BYTES] [-o FILE] [-R FILE] [-t SEC] [-T]\n"
"       %s -c ADDR [-p PORT] [-b SRCADDR] [-s BYTES] [-P N] [-J N] [-H] [-w SEC] [-o FILE] [-t SEC] [-T]\n"
"\n"
"MPTCP bulk transfer with end-to-end verification, for the nf-mptcp selftests.\n"
"The client sends a deterministic pattern; the server checks every byte and\n"
"acknowledges the count; both exit 0 only if every connection was exact.\n"
"\n"
"Common options:\n"
"  -p PORT     TCP port (default 12000)\n"
"  -t SEC      timeout for connect/accept/each send or receive (default 30);\n"
"              the whole run is also bounded (see below)\n"
"  -T          use plain TCP instead of MPTCP (IPPROTO_TCP)\n"
"  -o FILE     write a key=value report to FILE (see below)\n"
"  -q          quiet: only errors on stderr\n"
"  -h, --help  this text\n"
"Server (-l):\n"
"  -6          listen on :: (accepts IPv6 and IPv4); default 0.0.0.0\n"
"  -b ADDR     listen on ADDR instead\n"
"  -n N        accept N connections, then exit after all finished (default 1)\n"
"  -e BYTES    each connection must carry exactly BYTES (default: any)\n"
"  -R FILE     create FILE once the socket listens (for scripts to wait on)\n"
"Client (-c ADDR, IPv4 or IPv6 literal):\n"
"  -b ADDR     bind to this source address before connecting\n"
"  -s BYTES    bytes to send per connection (default 1M; suffixes k, M, G = 1024^n)\n"
"  -P N        open N connections in parallel (default 1, max %d)\n"
"  -J N        after the first send, wait up to %d s for the connection to have\n"
"              N subflows (then go on anyway): the rest of the data uses them\n"
"  -H          once connected, send nothing until SIGUSR1 comes (at most -t SEC,\n"
"              then the connection fails): a test sets up what must see the data\n"
"  -w SEC      after sending, hold each connection open and idle for SEC seconds\n"
"              before closing (lets a test inspect established state);\n"
"              SIGUSR1 (with -H: the second one) ends the hold early\n"
"\n"
"Whole-run limit: server (n*(t+1) + 2*t) s, client (t*3 + w + 10) s (-H: t more);\n"
"then exit 2.\n"
"Report keys: role, proto, conns, conns_ok, bytes, mptcp (connections that did\n"
"not fall back to TCP), max_subflows, cpu_ns (CPU time of the process, softirqs\n"
"run in its context included), result=ok|fail.\n"
"Exit status: 0 all connections verified, 1 a transfer failed, 2 usage/setup\n"
"error or timeout.\n"
"\n"
"Example (server signals nothing, client 4 MiB over MPTCP):\n"
"  ip netns exec srv %s -l -6 -p 5001 -e 4M -R /tmp/ready &\n"
"  ip netns exec cli %s -c 10.0.3.1 -p 5001 -s 4M\n",
		prog, prog, XFER_MAX_CONNS, XFER_SUBFLOW_WAIT_S, prog, prog);
}

/* The pattern: cheap, not periodic on any buffer size we use, so a dropped,
 * duplicated or reordered chunk is detected by the server.
 */
static inline uint8_t xfer_pattern(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + (off >> 17));
}

static void fill_pattern(uint8_t *buf, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = xfer_pattern(off + i);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die("bad size '%s'", s);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end)
		die("bad size '%s'", s);
	return v;
}

static int parse_int(const char *s, int min, int max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("bad %s '%s' (want %d..%d)", what, s, min, max);
	return (int)v;
}

static void conn_err(struct xfer_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = opt.timeout };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int xfer_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, opt.tcp ? IPPROTO_TCP : IPPROTO_MPTCP);

	if (fd < 0) {
		if (!opt.tcp && (errno == EPROTONOSUPPORT || errno == EINVAL))
			die("socket(IPPROTO_MPTCP): %s (kernel without MPTCP, or net.mptcp.enabled=0?)",
			    strerror(errno));
		die("socket: %s", strerror(errno));
	}
	return fd;
}

/* Record whether the connection really runs MPTCP and how many subflows it
 * has right now; informative for tests (fallback is not an error here).
 */
static void conn_probe(struct xfer_conn *c)
{
	struct mptcp_info mi;
	socklen_t len;
	int v = 0;

	c->is_mptcp = -1;
	c->subflows = -1;
	if (opt.tcp) {
		c->is_mptcp = 0;
		return;
	}
	/* Linux >= 5.16: MPTCP_INFO answers only while the socket is not in
	 * fallback (a fallen-back socket passes getsockopt to its TCP subflow,
	 * which says ENOPROTOOPT).  TCP_IS_MPTCP (newer kernels) is the
	 * second opinion.
	 */
	memset(&mi, 0, sizeof(mi));
	len = sizeof(mi);
	if (getsockopt(c->fd, SOL_MPTCP, MPTCP_INFO, &mi, &len) == 0 && len > 0) {
		c->is_mptcp = !(mi.mptcpi_flags & MPTCP_INFO_FLAG_FALLBACK);
		/* mptcpi_subflows counts the additional subflows only */
		c->subflows = mi.mptcpi_subflows + 1;
		c->token = mi.mptcpi_token;
		return;
	}
	len = sizeof(v);
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_IS_MPTCP, &v, &len) == 0)
		c->is_mptcp = !!v;
	else if (errno == ENOPROTOOPT)
		c->is_mptcp = 0;
}

/* A join toward an announced address starts only after the ADD_ADDR went
 * through (and, behind a busy box, maybe its retransmission): a test that
 * wants data on the join must not have sent everything before it exists.
 * Called after the first send: a client announces only once the connection
 * is fully established, which its first data does.
 */
static void wait_subflows(struct xfer_conn *c)
{
	int waited_ms;

	for (waited_ms = 0; opt.want_subflows > 1 && waited_ms < XFER_SUBFLOW_WAIT_S * 1000;
	     waited_ms += 50) {
		conn_probe(c);
		if (c->subflows >= opt.want_subflows || c->is_mptcp == 0)
			return;
		usleep(50 * 1000);
	}
}

static int resolve(const char *addr, const char *port, int flags,
		   struct sockaddr_storage *ss, socklen_t *sl)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | flags,
	};
	struct addrinfo *res;
	int rc;

	if (addr && strchr(addr, ':'))
		hints.ai_family = AF_INET6;
	else if (addr)
		hints.ai_family = AF_INET;
	else
		hints.ai_family = opt.v6 ? AF_INET6 : AF_INET;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc)
		die("address '%s' port '%s': %s", addr ? addr : "*", port ? port : "0",
		    gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return ss->ss_family;
}

/* ---- client ---------------------------------------------------------------- */

static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t sl)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int fl = fcntl(fd, F_GETFL), err = 0;
	socklen_t el = sizeof(err);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, sa, sl) < 0) {
		if (errno != EINPROGRESS)
			return -1;
		if (poll(&pfd, 1, opt.timeout * 1000) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			return -1;
		if (err) {
			errno = err;
			return -1;
		}
	}
	fcntl(fd, F_SETFL, fl);
	return 0;
}

static void *client_conn(void *arg)
{
	struct xfer_conn *c = arg;
	struct sockaddr_storage ss;
	socklen_t sl;
	uint8_t *buf = malloc(XFER_BUF);
	uint8_t ack[8];
	size_t got = 0;
	int family;

	if (!buf) {
		conn_err(c, "out of memory");
		return NULL;
	}
	family = resolve(opt.addr, opt.port, 0, &ss, &sl);
	c->fd = xfer_socket(family);
	set_timeouts(c->fd);
	if (opt.bind_addr) {
		struct sockaddr_storage bs;
		socklen_t bl;

		if (resolve(opt.bind_addr, NULL, 0, &bs, &bl) != family)
			die("source %s and destination %s differ in family", opt.bind_addr, opt.addr);
		if (bind(c->fd, (struct sockaddr *)&bs, bl) < 0) {
			conn_err(c, "bind %s: %s", opt.bind_addr, strerror(errno));
			goto out;
		}
	}
	if (connect_timeout(c->fd, (struct sockaddr *)&ss, sl) < 0) {
		conn_err(c, "connect %s port %s: %s", opt.addr, opt.port, strerror(errno));
		goto out;
	}
	if (opt.wait_go) {
		int ms;

		for (ms = 0; ms < opt.timeout * 1000 && usr1_count < 1; ms += 20)
			usleep(20 * 1000);
		if (usr1_count < 1) {
			conn_err(c, "-H: no SIGUSR1 within %d s", opt.timeout);
			goto out;
		}
	}

	while (c->bytes < opt.size) {
		size_t n = opt.size - c->bytes < XFER_BUF ? opt.size - c->bytes : XFER_BUF;
		ssize_t w;

		fill_pattern(buf, c->bytes, n);
		w = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			conn_err(c, "send after %" PRIu64 " bytes: %s", c->bytes,
				 errno == EAGAIN ? "timed out" : strerror(errno));
			goto out;
		}
		if (!c->bytes)
			wait_subflows(c);
		c->bytes += w;
	}
	conn_probe(c);
	for (int ms = 0; ms < opt.hold * 1000 && usr1_count < 1 + opt.wait_go; ms += 100)
		usleep(100 * 1000);
	/* Refresh: joins may have completed while we sent or held. */
	conn_probe(c);
	if (shutdown(c->fd, SHUT_WR) < 0) {
		conn_err(c, "shutdown: %s", strerror(errno));
		goto out;
	}
	while (got < sizeof(ack)) {
		ssize_t r = recv(c->fd, ack + got, sizeof(ack) - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			conn_err(c, "waiting for the server's count: %s",
				 r == 0 ? "connection closed" :
				 errno == EAGAIN ? "timed out" : strerror(errno));
			goto out;
		}
		got += r;
	}
	for (int i = 0; i < 8; i++)
		c->peer_count = c->peer_count << 8 | ack[i];
	if (c->peer_count != c->bytes) {
		conn_err(c, "server verified %" PRIu64 " of %" PRIu64 " bytes", c->peer_count, c->bytes);
		goto out;
	}
	c->ok = true;
out:
	free(buf);
	if (c->fd >= 0)
		close(c->fd);
	return NULL;
}

/* ---- server ---------------------------------------------------------------- */

static void *server_conn(void *arg)
{
	struct xfer_conn *c = arg;
	uint8_t *buf = malloc(XFER_BUF);
	uint8_t ack[8];
	bool bad = false;

	if (!buf) {
		conn_err(c, "out of memory");
		goto out;
	}
	set_timeouts(c->fd);
	conn_probe(c);
	for (;;) {
		ssize_t r = recv(c->fd, buf, XFER_BUF, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			conn_err(c, "recv after %" PRIu64 " bytes: %s", c->bytes,
				 errno == EAGAIN ? "timed out" : strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r && !bad; i++) {
			if (buf[i] != xfer_pattern(c->bytes + i)) {
				conn_err(c, "data corrupted at offset %" PRIu64, c->bytes + i);
				bad = true;
			}
		}
		c->bytes += r;
	}
	conn_probe(c);
	if (!bad && opt.expect >= 0 && c->bytes != (uint64_t)opt.expect) {
		conn_err(c, "received %" PRIu64 " bytes, expected %" PRId64, c->bytes, opt.expect);
		bad = true;
	}
	/* Acknowledge only verified bytes: the client fails too on any error. */
	{
		uint64_t n = bad ? 0 : c->bytes;

		for (int i = 7; i >= 0; i--, n >>= 8)
			ack[i] = n & 0xff;
	}
	if (send(c->fd, ack, sizeof(ack), MSG_NOSIGNAL) != sizeof(ack))
		conn_err(c, "sending the count: %s", strerror(errno));
	else if (!bad)
		c->ok = true;
out:
	free(buf);
	close(c->fd);
	return NULL;
}

static int server_listen(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, zero = 0, fd, family;

	family = resolve(opt.addr, opt.port, AI_PASSIVE, &ss, &sl);
	fd = xfer_socket(family);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && !opt.addr)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind %s port %s: %s", opt.addr ? opt.addr : "*", opt.port, strerror(errno));
	if (listen(fd, opt.conns > 128 ? opt.conns : 128) < 0)
		die("listen: %s", strerror(errno));
	if (opt.ready_file) {
		int rf = open(opt.ready_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (rf < 0)
			die("create %s: %s", opt.ready_file, strerror(errno));
		close(rf);
	}
	return fd;
}

/* ---- main ------------------------------------------------------------------ */

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_alarm(int sig)
{
	static const char msg[] = "mptcp_xfer: whole-run timeout, giving up\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(2);
}

static int report(struct xfer_conn *cs, int n, double secs)
{
	uint64_t bytes = 0;
	int ok = 0, mptcp = 0, maxsf = 0;
	FILE *f = NULL;

	for (int i = 0; i < n; i++) {
		bytes += cs[i].bytes;
		ok += cs[i].ok;
		mptcp += cs[i].is_mptcp == 1;
		if (cs[i].subflows > maxsf)
			maxsf = cs[i].subflows;
		if (cs[i].err[0])
			fprintf(stderr, "%s: %s conn %d: %s\n", prog,
				opt.server ? "server" : "client", i, cs[i].err);
	}
	if (!opt.quiet)
		printf("%s: %s %s: %d/%d connections ok, %" PRIu64 " bytes in %.2fs, "
		       "%d MPTCP (no fallback), up to %d subflows\n",
		       prog, opt.server ? "server" : "client", opt.tcp ? "tcp" : "mptcp",
		       ok, n, bytes, secs, mptcp, maxsf);
	if (opt.report) {
		struct timespec cpu = { 0 };

		/* the scheduler's exact account of all threads (benchmarks) */
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		f = fopen(opt.report, "w");
		if (!f)
			die("open %s: %s", opt.report, strerror(errno));
		fprintf(f, "role=%s\nproto=%s\nconns=%d\nconns_ok=%d\nbytes=%" PRIu64
			"\nmptcp=%d\nmax_subflows=%d\ncpu_ns=%" PRIu64 "\nresult=%s\n",
			opt.server ? "server" : "client", opt.tcp ? "tcp" : "mptcp",
			n, ok, bytes, mptcp, maxsf,
			(uint64_t)cpu.tv_sec * 1000000000u + (uint64_t)cpu.tv_nsec,
			ok == n ? "ok" : "fail");
		fclose(f);
	}
	fflush(stdout);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xfer_conn *cs;
	struct timespec t0, t1;
	int ch, n = 0, lfd = -1;
	unsigned int limit;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	while ((ch = getopt_long(argc, argv, "lc:p:6b:s:e:n:P:J:Hw:t:To:R:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': opt.server = true; break;
		case 'c': opt.addr = optarg; break;
		case 'p': parse_int(optarg, 1, 65535, "port"); opt.port = optarg; break;
		case '6': opt.v6 = true; break;
		case 'b': opt.bind_addr = optarg; break;
		case 's': opt.size = parse_size(optarg); break;
		case 'e': opt.expect = (int64_t)parse_size(optarg); break;
		case 'n':
		case 'P': opt.conns = parse_int(optarg, 1, XFER_MAX_CONNS, "connection count"); break;
		case 'J': opt.want_subflows = parse_int(optarg, 1, 8, "subflow count"); break;
		case 'H': opt.wait_go = true; break;
		case 'w': opt.hold = parse_int(optarg, 0, 86400, "hold time"); break;
		case 't': opt.timeout = parse_int(optarg, 1, 86400, "timeout"); break;
		case 'T': opt.tcp = true; break;
		case 'o': opt.report = optarg; break;
		case 'R': opt.ready_file = optarg; break;
		case 'q': opt.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || opt.server == !!opt.addr) {
		usage(stderr);
		return 2;
	}
	if (opt.server) {
		opt.addr = opt.bind_addr;	/* listen address */
		opt.bind_addr = NULL;
	}

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	{
		/* ends -H and -w; interrupted calls restart */
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

		sigaction(SIGUSR1, &sa, NULL);
	}
	limit = opt.server ? opt.conns * (opt.timeout + 1) + 2 * opt.timeout
			   : 3 * opt.timeout + opt.hold + XFER_SUBFLOW_WAIT_S +
			     (opt.wait_go ? opt.timeout : 0);
	alarm(limit);

	cs = calloc(opt.conns, sizeof(*cs));
	if (!cs)
		die("out of memory");
	if (opt.server)
		lfd = server_listen();
	clock_gettime(CLOCK_MONOTONIC, &t0);

	for (n = 0; n < opt.conns; n++) {
		struct xfer_conn *c = &cs[n];

		c->idx = n;
		c->fd = -1;
		c->is_mptcp = -1;
		c->subflows = -1;
		if (opt.server) {
			struct pollfd pfd = { .fd = lfd, .events = POLLIN };
			int r = poll(&pfd, 1, opt.timeout * 1000);

			if (r <= 0) {
				fprintf(stderr, "%s: accepted only %d of %d connections (%s)\n",
					prog, n, opt.conns, r == 0 ? "timed out" : strerror(errno));
				break;
			}
			c->fd = accept(lfd, NULL, NULL);
			if (c->fd < 0) {
				fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
				break;
			}
			if (pthread_create(&c->thread, NULL, server_conn, c))
				die("pthread_create failed");
		} else if (pthread_create(&c->thread, NULL, client_conn, c)) {
			die("pthread_create failed");
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(cs[i].thread, NULL);
	if (lfd >= 0)
		close(lfd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* connections never accepted count as failed */
	return report(cs, opt.conns,
		      (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
}
