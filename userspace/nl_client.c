// SPDX-License-Identifier: GPL-2.0
/* nl_client.c - libmnl generic netlink plumbing for the nfmptcp family: resolve, request, dump, events. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nfmptcp.h"
#include "nl_client.h"
#include "../kmod/uapi/nfmptcp.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static void nfm_nl_grp(const struct nlattr *grp, struct nfm_nl_family_res *res)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

	nfm_nl_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX);
	/* a name without its NUL or a short id must not be read past its end */
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) == 0 &&
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) == 0 &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), NFMPTCP_MCGRP_EVENTS))
		res->mcgrp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
}

int nfm_nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_nl_family_res *res = data;
	const struct nlattr *attr, *grp;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
				res->id = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
				break;
			mnl_attr_for_each_nested(grp, attr)
				nfm_nl_grp(grp, res);
			break;
		}
	}
	return MNL_CB_OK;
}

int nfm_nl_open(struct nfm_nl *nl)
{
	struct nfm_nl_family_res res = { 0 };
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		nfm_err("cannot open a generic netlink socket: %s", strerror(errno));
		goto err;
	}
	/* error messages from the kernel (extack); harmless if unsupported */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	nl->family = GENL_ID_CTRL;
	nlh = nfm_nl_request(nl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFMPTCP_GENL_NAME);
	err = nfm_nl_talk(nl, nlh, nfm_nl_family_cb, &res);
	nl->family = 0;
	if (err == -ENOENT || (!err && !res.id)) {
		nfm_err("kernel module nf_conntrack_mptcp is not loaded (modprobe nf_conntrack_mptcp)");
		goto err;
	}
	if (err) {
		nfm_nl_perror(nl, "resolving the nfmptcp netlink family", err);
		goto err;
	}
	nl->family = res.id;
	nl->mcgrp_events = res.mcgrp;
	return 0;

err:
	nfm_nl_close(nl);
	return -1;
}

void nfm_nl_close(struct nfm_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct nlmsghdr *nfm_nl_request(struct nfm_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = nl->family == GENL_ID_CTRL ? 1 : NFMPTCP_GENL_VERSION;
	return nlh;
}

static int nfm_nl_extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= NLMSGERR_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * A policy violation comes with the policy that was violated: append the
 * accepted range to the message, so that "integer out of range" says which.
 */
static void nfm_nl_read_policy(struct nfm_nl *nl, const struct nlattr *pol)
{
	const struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	uint64_t min, max;
	size_t len;

	nfm_nl_parse_nested(pol, tb, NL_POLICY_TYPE_ATTR_MAX);
	if (!tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] || !tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U] ||
	    mnl_attr_get_payload_len(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]) != 8 ||
	    mnl_attr_get_payload_len(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) != 8)
		return;
	min = mnl_attr_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
	max = mnl_attr_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	len = strlen(nl->extack);
	snprintf(nl->extack + len, sizeof(nl->extack) - len, "%s(accepted: %" PRIu64 "..%" PRIu64 ")",
		 len ? " " : "", min, max);
}

/* The kernel's message after the error (NLM_F_ACK_TLVS), as iproute2 reads it. */
static void nfm_nl_read_extack(struct nfm_nl *nl, const struct nlmsghdr *nlh, size_t hlen)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < mnl_nlmsg_size(hlen))
		return;
	if (mnl_attr_parse(nlh, hlen, nfm_nl_extack_attr_cb, tb) != MNL_CB_OK)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->extack, sizeof(nl->extack), "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_POLICY])
		nfm_nl_read_policy(nl, tb[NLMSGERR_ATTR_POLICY]);
}

/* What the callbacks of one exchange get: mnl_cb_run2 passes a single pointer to all of them. */
struct nfm_nl_ctx {
	struct nfm_nl	*nl;
	mnl_cb_t	cb;
	void		*data;
};

static int nfm_nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_nl_ctx *ctx = data;

	/* only our family's messages, each with its genetlink header */
	if (nlh->nlmsg_type != ctx->nl->family)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int nfm_nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct nfm_nl_ctx *ctx = data;
	size_t hlen = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	/*
	 * Without NLM_F_CAPPED the request follows in full: skip it, but only if
	 * its header is sane (a short or oversized length would wrap hlen).
	 */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    err->msg.nlmsg_len > nlh->nlmsg_len)
			hlen = 0;
		else
			hlen += mnl_nlmsg_get_payload_len(&err->msg);
	}
	if (hlen)
		nfm_nl_read_extack(ctx->nl, nlh, hlen);
	/* a positive or INT_MIN error is not an errno: keep errno meaningful */
	errno = err->error < 0 && err->error > -4096 ? -err->error : EBADMSG;
	return MNL_CB_ERROR;
}

/* A dump ends with NLMSG_DONE carrying an int: an error there ends it early. */
static int nfm_nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfm_nl_ctx *ctx = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (err < 0) {
		nfm_nl_read_extack(ctx->nl, nlh, sizeof(int));
		errno = err > -4096 ? -err : EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

ssize_t nfm_nl_recv(struct nfm_nl *nl, char **buf, size_t *size)
{
	int fd = mnl_socket_get_fd(nl->sock);

	for (;;) {
		struct sockaddr_nl addr;
		struct iovec iov;
		struct msghdr msg = {
			.msg_name	= &addr,
			.msg_namelen	= sizeof(addr),
			.msg_iov	= &iov,
			.msg_iovlen	= 1,
		};
		ssize_t n;

		/* the size of the next datagram, so that a big one is not cut (MSG_TRUNC) */
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0)
			return -1;
		if ((size_t)n > *size) {
			char *nb = realloc(*buf, n);

			if (!nb) {
				errno = ENOMEM;
				return -1;
			}
			*buf = nb;
			*size = n;
		}
		iov.iov_base = *buf;
		iov.iov_len = *size;
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return -1;
		if (msg.msg_flags & MSG_TRUNC) {
			errno = EMSGSIZE;
			return -1;
		}
		/* only the kernel speaks to us; drop anything a local process sent */
		if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0)
			continue;
		return n;
	}
}

int nfm_nl_talk(struct nfm_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR]	= nfm_nl_error_cb,
		[NLMSG_DONE]	= nfm_nl_done_cb,
	};
	struct nfm_nl_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	uint32_t seq = nlh->nlmsg_seq;
	size_t size = NFM_NL_BUFSIZE;
	ssize_t n;
	char *buf;
	int ret;

	nl->extack[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	do {
		n = nfm_nl_recv(nl, &buf, &size);
		if (n < 0) {
			ret = MNL_CB_ERROR;
			break;
		}
		errno = 0;
		ret = mnl_cb_run2(buf, n, seq, nl->portid, nfm_nl_data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	free(buf);
	if (ret < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int nfm_nl_join_events(struct nfm_nl *nl)
{
	int grp = nl->mcgrp_events;

	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	return 0;
}

void nfm_nl_perror(const struct nfm_nl *nl, const char *what, int err)
{
	if (nl->extack[0])
		nfm_err("%s: %s (%s)", what, nl->extack, strerror(-err));
	else
		nfm_err("%s: %s", what, strerror(-err));
	if (err == -EPERM)
		nfm_err("(needs CAP_NET_ADMIN in this network namespace)");
	else if (err == -EINTR)
		nfm_err("(the table changed during the dump; run the command again)");
}

static int nfm_nl_nested_cb(const struct nlattr *attr, void *data)
{
	void **args = data;
	const struct nlattr **tb = args[0];
	unsigned int max = *(unsigned int *)args[1];
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= max)
		tb[type] = attr;
	return MNL_CB_OK;
}

void nfm_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	void *args[2] = { tb, &max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_nested(nest, nfm_nl_nested_cb, args);
}

int nfm_parse_token(const char *s, uint32_t *token)
{
	unsigned long long v;
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	/* strtoull would take leading blanks and signs: " -1" is not a token */
	if (!isxdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*token = v;
	return 0;
}
