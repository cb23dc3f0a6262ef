/* SPDX-License-Identifier: GPL-2.0 */
/* nl_client.h - libmnl generic netlink plumbing for the nfmptcp family: resolve, request, dump, events. */
#ifndef _NFM_NL_CLIENT_H
#define _NFM_NL_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <libmnl/libmnl.h>

/*
 * Big enough for any message the kernel sends: dumps fill skbs of up to 32 KiB
 * when the reader's buffer allows, and one connection with 64 subflows needs
 * about 9 KiB (the kernel's dump start callback makes room for it).
 */
#define NFM_NL_BUFSIZE	(64 * 1024)

struct nfm_nl {
	struct mnl_socket	*sock;
	uint16_t		family;		/* generic netlink id of "nfmptcp" */
	uint32_t		mcgrp_events;	/* multicast group id of "events" */
	uint32_t		portid;
	uint32_t		seq;
	char			extack[256];	/* kernel's message for the last error, or "" */
	/* our requests: a header and a few attributes, or a nat-map (64 IPv6 pairs: 2.8 KiB) */
	char			req[4096] __attribute__((aligned(4)));
};

/*
 * Open a socket and resolve the family (CTRL_CMD_GETFAMILY). On failure prints
 * why, e.g. that the module is not loaded, and returns -1.
 */
int nfm_nl_open(struct nfm_nl *nl);
void nfm_nl_close(struct nfm_nl *nl);

/* Start a request for @cmd in nl->req; add attributes with mnl_attr_put*. */
struct nlmsghdr *nfm_nl_request(struct nfm_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send @nlh and run @cb on every reply message until the ack or NLMSG_DONE.
 * Returns 0 or -errno; the kernel's extack message, if any, is in nl->extack.
 */
int nfm_nl_talk(struct nfm_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Receive one datagram from the kernel into *@buf (*@size bytes), growing it
 * first when the datagram is bigger, so that nothing is ever cut. Datagrams
 * not sent by the kernel are dropped. Returns its length, or -1 with errno.
 */
ssize_t nfm_nl_recv(struct nfm_nl *nl, char **buf, size_t *size);

/* CTRL_CMD_GETFAMILY reply parser (exposed for tests); @data is a struct nfm_nl_family_res. */
struct nfm_nl_family_res {
	uint16_t	id;
	uint32_t	mcgrp;
};
int nfm_nl_family_cb(const struct nlmsghdr *nlh, void *data);

/* Join the "events" multicast group. Returns 0 or -errno. */
int nfm_nl_join_events(struct nfm_nl *nl);

/* "nfmptcp: WHAT: strerror[: extack]" plus a hint for EPERM. */
void nfm_nl_perror(const struct nfm_nl *nl, const char *what, int err);

/* Parse the nested attributes of @nest into @tb[0..@max] (unknown types ignored). */
void nfm_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);

/* Token as printed by ss -Mni: hex, with or without 0x. Returns 0 or -1. */
int nfm_parse_token(const char *s, uint32_t *token);

#endif /* _NFM_NL_CLIENT_H */
