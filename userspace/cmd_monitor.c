// SPDX-License-Identifier: GPL-2.0
/* cmd_monitor.c - `nfmptcp monitor`: print the gateway's multicast events, one line each, as they happen. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "event_fmt.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

/* -t at most: about 136 years, still exact in milliseconds as a long long */
#define NFM_MONITOR_MAX_SECONDS	4294967295UL

static volatile sig_atomic_t nfm_monitor_stop;

static void nfm_monitor_signal(int sig)
{
	(void)sig;
	nfm_monitor_stop = 1;
}

struct nfm_monitor {
	const struct nfm_global	*g;
	uint16_t		family;		/* our generic netlink id: other messages are not events */
	unsigned long		count;
	unsigned long		max;		/* -c: stop after this many, 0 = never */
};

static void nfm_monitor_usage(FILE *f)
{
	fprintf(f, "Usage: nfmptcp monitor [-c COUNT] [-t SECONDS] [-j]\n\n"
		   "Print the events of the MPTCP gateway in this network namespace, one line\n"
		   "each, until interrupted (SIGINT or SIGTERM end it cleanly).\n"
		   "  -c COUNT     exit after COUNT events\n"
		   "  -t SECONDS   exit after SECONDS (status 0 even if no event came)\n");
}

static int nfm_monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_monitor *m = data;

	if (nlh->nlmsg_type != m->family)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	nfm_fmt_event(stdout, nlh, m->g->json);
	/* consumers read us through a pipe: each event must arrive when it happens */
	fflush(stdout);
	if (m->max && ++m->count >= m->max)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* A decimal number in 1..@max: no sign, blank, junk ("12x") or overflow. */
static int nfm_monitor_parse_ulong(const char *opt, const char *s, unsigned long max,
				   unsigned long *v)
{
	unsigned long long n = 0;
	char *end;

	if (!s) {
		nfm_err("monitor: %s needs a value", opt);
		return -1;
	}
	errno = 0;
	if (*s >= '0' && *s <= '9')
		n = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || !n || n > max) {
		nfm_err("monitor: %s needs a number from 1 to %lu, not '%s'", opt, max, s);
		return -1;
	}
	*v = n;
	return 0;
}

int nfm_cmd_monitor(int argc, char **argv, const struct nfm_global *g)
{
	static mnl_cb_t ctl_ignore[NLMSG_MIN_TYPE];	/* control messages are not events */
	struct nfm_monitor m = { .g = g };
	unsigned long timeout = 0;
	struct sigaction sa, old_int, old_term;
	sigset_t block, orig;
	struct timespec start, now;
	size_t size = NFM_NL_BUFSIZE;
	struct nfm_nl nl;
	char *buf;
	int i, ret = NFM_EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (nfm_is_help(argv[i])) {
			nfm_monitor_usage(stdout);
			return NFM_EXIT_OK;
		} else if (!strcmp(argv[i], "-c")) {
			if (nfm_monitor_parse_ulong("-c", i + 1 < argc ? argv[++i] : NULL,
						    ULONG_MAX, &m.max))
				return NFM_EXIT_USAGE;
		} else if (!strcmp(argv[i], "-t")) {
			/* a bound that keeps the millisecond arithmetic far from overflow */
			if (nfm_monitor_parse_ulong("-t", i + 1 < argc ? argv[++i] : NULL,
						    NFM_MONITOR_MAX_SECONDS, &timeout))
				return NFM_EXIT_USAGE;
		} else {
			nfm_err("monitor: unexpected argument '%s'", argv[i]);
			nfm_monitor_usage(stderr);
			return NFM_EXIT_USAGE;
		}
	}

	if (nfm_nl_open(&nl))
		return NFM_EXIT_ERR;
	i = nfm_nl_join_events(&nl);
	if (i) {
		nfm_nl_perror(&nl, "monitor: joining the events group", i);
		nfm_nl_close(&nl);
		return NFM_EXIT_ERR;
	}
	m.family = nl.family;
	buf = malloc(size);
	if (!buf) {
		nfm_err("out of memory");
		nfm_nl_close(&nl);
		return NFM_EXIT_ERR;
	}

	/*
	 * SIGINT/SIGTERM are blocked except inside ppoll(): one that comes between
	 * the check of nfm_monitor_stop and the wait is not lost (with poll() it
	 * would be, and the monitor would sleep until the next event).
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nfm_monitor_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	clock_gettime(CLOCK_MONOTONIC, &start);

	while (!nfm_monitor_stop) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl.sock), .events = POLLIN };
		struct timespec wait, *waitp = NULL;
		ssize_t n;

		if (timeout) {
			long long left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (long long)timeout * 1000 - ((now.tv_sec - start.tv_sec) * 1000LL +
							    (now.tv_nsec - start.tv_nsec) / 1000000);
			if (left <= 0)
				break;
			wait.tv_sec = left / 1000;
			wait.tv_nsec = left % 1000 * 1000000;
			waitp = &wait;
		}
		n = ppoll(&pfd, 1, waitp, &orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nfm_err("monitor: poll: %s", strerror(errno));
			ret = NFM_EXIT_ERR;
			break;
		}
		if (n == 0)
			continue;
		/* a pending socket error (ENOBUFS: events lost) is reported by the read */
		n = nfm_nl_recv(&nl, &buf, &size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* the kernel dropped events because we were slow: say so, go on */
			if (errno == ENOBUFS) {
				nfm_err("monitor: events were lost (receive buffer overrun)");
				continue;
			}
			nfm_err("monitor: %s", strerror(errno));
			ret = NFM_EXIT_ERR;
			break;
		}
		errno = 0;
		i = mnl_cb_run2(buf, n, 0, 0, nfm_monitor_cb, &m, ctl_ignore, NLMSG_MIN_TYPE);
		if (i == MNL_CB_STOP)
			break;
		if (i < 0) {
			nfm_err("monitor: bad message from the kernel: %s",
				strerror(errno ? errno : EBADMSG));
			ret = NFM_EXIT_ERR;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(buf);
	nfm_nl_close(&nl);
	return ret;
}
