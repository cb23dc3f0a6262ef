// SPDX-License-Identifier: GPL-2.0
/* cmd_monitor.c - `nfmptcp monitor`: print the gateway's multicast events, one line each, as they happen. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "conn_fmt.h"
#include "json_out.h"
#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

static const char * const nfm_event_names[] = {
	[NFMPTCP_EVENT_CONN_CREATED]		= "conn-created",
	[NFMPTCP_EVENT_CONN_ESTABLISHED]	= "conn-established",
	[NFMPTCP_EVENT_CONN_CLOSED]		= "conn-closed",
	[NFMPTCP_EVENT_SF_ADDED]		= "sf-added",
	[NFMPTCP_EVENT_SF_ESTABLISHED]		= "sf-established",
	[NFMPTCP_EVENT_SF_CLOSED]		= "sf-closed",
	[NFMPTCP_EVENT_ADDR_ANNOUNCED]		= "addr-announced",
	[NFMPTCP_EVENT_ADDR_REMOVED]		= "addr-removed",
	[NFMPTCP_EVENT_JOIN_INVALID]		= "join-invalid",
	[NFMPTCP_EVENT_ADD_ADDR_BAD_HMAC]	= "add-addr-bad-hmac",
	[NFMPTCP_EVENT_FALLBACK]		= "fallback",
	[NFMPTCP_EVENT_POLICY]			= "policy",
};

static volatile sig_atomic_t nfm_monitor_stop;

static void nfm_monitor_signal(int sig)
{
	(void)sig;
	nfm_monitor_stop = 1;
}

struct nfm_monitor {
	const struct nfm_global	*g;
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
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *conn = NULL, *sf = NULL, *addr = NULL, *a;
	struct nfm_monitor *m = data;
	const char *name = NULL;
	char unknown[16];

	if (genl->cmd < sizeof(nfm_event_names) / sizeof(nfm_event_names[0]))
		name = nfm_event_names[genl->cmd];
	if (!name) {
		snprintf(unknown, sizeof(unknown), "event-%u", genl->cmd);
		name = unknown;
	}
	mnl_attr_for_each(a, nlh, sizeof(*genl)) {
		switch (mnl_attr_get_type(a)) {
		case NFMPTCP_A_CONN:
			conn = a;
			break;
		case NFMPTCP_A_SUBFLOW:
			sf = a;
			break;
		case NFMPTCP_A_ADDR:
			addr = a;
			break;
		}
	}

	if (m->g->json) {
		struct nfm_json j;

		nfm_json_init(&j, stdout, false);	/* one object per line, even with -p */
		nfm_json_obj_open(&j, NULL);
		nfm_json_str(&j, "event", name);
		if (conn)
			nfm_json_conn(&j, "conn", conn, false);
		if (sf)
			nfm_json_subflow(&j, "subflow", sf);
		if (addr)
			nfm_json_addr(&j, "addr", addr);
		nfm_json_obj_close(&j);
		nfm_json_finish(&j);
	} else {
		printf("[%s]", name);
		if (conn) {
			fputc(' ', stdout);
			nfm_fmt_conn_brief(stdout, conn);
		}
		if (sf) {
			fputs(" subflow ", stdout);
			nfm_fmt_subflow(stdout, sf);
		}
		if (addr) {
			fputs(" addr ", stdout);
			nfm_fmt_addr(stdout, addr);
		}
		fputc('\n', stdout);
	}
	/* consumers read us through a pipe: each event must arrive when it happens */
	fflush(stdout);
	if (m->max && ++m->count >= m->max)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static int nfm_monitor_parse_ulong(const char *opt, const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = s ? strtoul(s, &end, 10) : 0;
	if (!s || errno || *end || *s == '-' || !*s || !*v) {
		nfm_err("monitor: %s needs a positive number", opt);
		return -1;
	}
	return 0;
}

int nfm_cmd_monitor(int argc, char **argv, const struct nfm_global *g)
{
	struct nfm_monitor m = { .g = g };
	unsigned long timeout = 0;
	struct sigaction sa;
	struct timespec start, now;
	struct nfm_nl nl;
	char *buf;
	int i, ret = NFM_EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (nfm_is_help(argv[i])) {
			nfm_monitor_usage(stdout);
			return NFM_EXIT_OK;
		} else if (!strcmp(argv[i], "-c")) {
			if (nfm_monitor_parse_ulong("-c", i + 1 < argc ? argv[++i] : NULL, &m.max))
				return NFM_EXIT_USAGE;
		} else if (!strcmp(argv[i], "-t")) {
			if (nfm_monitor_parse_ulong("-t", i + 1 < argc ? argv[++i] : NULL, &timeout))
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
	buf = malloc(NFM_NL_BUFSIZE);
	if (!buf) {
		nfm_nl_close(&nl);
		return NFM_EXIT_ERR;
	}

	/* no SA_RESTART: a signal must wake poll() up */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nfm_monitor_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);

	while (!nfm_monitor_stop) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl.sock), .events = POLLIN };
		int wait_ms = -1, n;

		if (timeout) {
			long long left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (long long)timeout * 1000 - ((now.tv_sec - start.tv_sec) * 1000LL +
							    (now.tv_nsec - start.tv_nsec) / 1000000);
			if (left <= 0)
				break;
			wait_ms = left;
		}
		n = poll(&pfd, 1, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nfm_err("monitor: poll: %s", strerror(errno));
			ret = NFM_EXIT_ERR;
			break;
		}
		if (n == 0)
			continue;
		n = mnl_socket_recvfrom(nl.sock, buf, NFM_NL_BUFSIZE);
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
		n = mnl_cb_run(buf, n, 0, 0, nfm_monitor_cb, &m);
		if (n == MNL_CB_STOP)
			break;
		if (n < 0) {
			nfm_err("monitor: bad message: %s", strerror(errno));
			ret = NFM_EXIT_ERR;
			break;
		}
	}
	free(buf);
	nfm_nl_close(&nl);
	return ret;
}
