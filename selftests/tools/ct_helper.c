// SPDX-License-Identifier: GPL-2.0
/*
 * ct_helper.c - what the selftests need of ctnetlink and conntrack(8) cannot
 * do: clear the helper of live conntracks (CTA_HELP with an empty name on an
 * IPCTNL_MSG_CT_NEW update, which the kernel's ctnetlink_change_helper()
 * turns into help->helper = NULL without telling the helper), delete
 * conntracks, flush the table.
 *
 *   ct_helper [-4|-6] -P DPORT [-H NAME] clear    helper NAME (default mptcp)
 *                                                 cleared on every conntrack
 *                                                 to DPORT that carries it
 *   ct_helper [-4|-6] -P DPORT delete             delete every conntrack to DPORT
 *   ct_helper flush                               delete every conntrack
 *
 * Matching is on the original direction's TCP destination port. Prints one
 * line "matched N done N failed N" (errno of the first failure after it);
 * exit 0 when nothing failed, 1 otherwise, 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define MAX_CTS 4096

struct ct_entry {
	uint8_t family;
	uint8_t tuple[256];	/* CTA_TUPLE_ORIG as the kernel sent it */
	uint16_t tuple_len;
};

static struct ct_entry cts[MAX_CTS];
static unsigned int ncts;
static int want_family = AF_UNSPEC;
static int dport = -1;
static const char *helper_name = "mptcp";
static int helper_filter;	/* clear: only entries with that helper */

static const struct nlattr *nest_find(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

/* Original-direction destination port of a CTA_TUPLE_ORIG nest, or -1. */
static int tuple_dport(const struct nlattr *tuple)
{
	const struct nlattr *proto = nest_find(tuple, CTA_TUPLE_PROTO), *a;

	if (!proto)
		return -1;
	a = nest_find(proto, CTA_PROTO_NUM);
	if (!a || mnl_attr_get_u8(a) != IPPROTO_TCP)
		return -1;
	a = nest_find(proto, CTA_PROTO_DST_PORT);
	return a ? ntohs(mnl_attr_get_u16(a)) : -1;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *tuple = NULL, *help = NULL, *master = NULL;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG: tuple = a; break;
		case CTA_HELP: help = a; break;
		case CTA_TUPLE_MASTER: master = a; break;
		}
	}
	if (!tuple || tuple_dport(tuple) != dport)
		return MNL_CB_OK;
	if (want_family != AF_UNSPEC && nfg->nfgen_family != want_family)
		return MNL_CB_OK;
	if (helper_filter) {
		const struct nlattr *name = help ? nest_find(help, CTA_HELP_NAME) : NULL;

		/* a related conntrack's helper cannot be changed (EBUSY): not ours to clear */
		if (!name || strcmp(mnl_attr_get_str(name), helper_name) || master)
			return MNL_CB_OK;
	}
	if (ncts == MAX_CTS || mnl_attr_get_len(tuple) > sizeof(cts[0].tuple))
		return MNL_CB_OK;
	cts[ncts].family = nfg->nfgen_family;
	cts[ncts].tuple_len = mnl_attr_get_len(tuple);
	memcpy(cts[ncts].tuple, tuple, cts[ncts].tuple_len);
	ncts++;
	return MNL_CB_OK;
}

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint16_t flags, uint8_t family,
				  uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* Send one request and wait for its ack; returns 0 or -errno. */
static int request(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, cb, NULL);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ct_helper [-4|-6] -P DPORT [-H NAME] clear\n"
		"       ct_helper [-4|-6] -P DPORT delete\n"
		"       ct_helper flush\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int i, done = 0, failed = 0;
	int first_err = 0, o, ret, clear;
	uint32_t seq = (uint32_t)time(NULL);
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	const char *cmd;

	while ((o = getopt(argc, argv, "46P:H:")) != -1) {
		switch (o) {
		case '4': want_family = AF_INET; break;
		case '6': want_family = AF_INET6; break;
		case 'P': dport = atoi(optarg); break;
		case 'H': helper_name = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	cmd = argv[optind];

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ct_helper: netlink");
		return 1;
	}

	if (!strcmp(cmd, "flush")) {
		nlh = msg_start(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, AF_UNSPEC, ++seq);
		ret = request(nl, nlh, NULL);
		printf("flush %s\n", ret ? strerror(-ret) : "done");
		return ret ? 1 : 0;
	}
	clear = !strcmp(cmd, "clear");
	if ((!clear && strcmp(cmd, "delete")) || dport < 0 || dport > 65535)
		usage();
	helper_filter = clear;

	nlh = msg_start(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC, ++seq);
	ret = request(nl, nlh, dump_cb);
	if (ret) {
		fprintf(stderr, "ct_helper: dump: %s\n", strerror(-ret));
		return 1;
	}

	for (i = 0; i < ncts; i++) {
		struct nlattr *nest;

		if (clear) {
			/* an update (no NLM_F_CREATE): ctnetlink_change_conntrack() */
			nlh = msg_start(buf, IPCTNL_MSG_CT_NEW, NLM_F_ACK, cts[i].family, ++seq);
			memcpy(mnl_nlmsg_get_payload_tail(nlh), cts[i].tuple, cts[i].tuple_len);
			nlh->nlmsg_len += MNL_ALIGN(cts[i].tuple_len);
			nest = mnl_attr_nest_start(nlh, CTA_HELP);
			mnl_attr_put_strz(nlh, CTA_HELP_NAME, "");
			mnl_attr_nest_end(nlh, nest);
		} else {
			nlh = msg_start(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, cts[i].family, ++seq);
			memcpy(mnl_nlmsg_get_payload_tail(nlh), cts[i].tuple, cts[i].tuple_len);
			nlh->nlmsg_len += MNL_ALIGN(cts[i].tuple_len);
		}
		ret = request(nl, nlh, NULL);
		if (ret) {
			failed++;
			if (!first_err)
				first_err = -ret;
		} else {
			done++;
		}
	}
	printf("matched %u done %u failed %u%s%s\n", ncts, done, failed,
	       first_err ? " " : "", first_err ? strerror(first_err) : "");
	mnl_socket_close(nl);
	return failed ? 1 : 0;
}
