#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_subflows.sh - the router maps every subflow of a real two-path MPTCP
# connection to that connection, IPv4 and IPv6, and its tokens are the ones
# the endpoints themselves use.
#
# Checks (through `nfmptcp show -j` in the router netns, i.e. our netlink dump):
# one connection, version 1, established, 3 subflows (initial + client's
# subflow endpoint + join to the server's signalled address), every subflow
# verdict valid, the announced address recorded, client/server tokens equal to
# `ss -Mni` on client/server while the connection is open.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip ss jq mptcp_xfer nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

# ss -Mni prints "token:<hex>" (no leading zeros) for each MPTCP socket: the
# local end's token
ss_token() {
	local t
	t=$(nfm_ns_exec "$1" ss -Mni state established 2>/dev/null |
		grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
	[ -n "$t" ] && printf '%08x\n' "0x$t"
}

# check_family LABEL FAMILY SERVER_ADDR SIGNALLED_ADDR CLIENT_SUBFLOW_ADDR
# Endpoints of that family only: the client opens a subflow from its second
# address, the server announces its second address, so exactly 3 subflows.
check_family() {
	local label=$1 family=$2 daddr=$3 signalled=$4 subflow_addr=$5 js ctok stok n
	# earlier runs' connections are closed, waiting for their conntracks
	local sel=".[] | select(.family == \"$family\" and .state != \"closed\")"

	nfm_ns_exec client ip mptcp endpoint flush
	nfm_ns_exec server ip mptcp endpoint flush
	nfm_ns_exec client ip mptcp endpoint add "$subflow_addr" dev c2 subflow
	nfm_ns_exec server ip mptcp endpoint add "$signalled" dev s2 signal
	NFM_PORT=$((NFM_PORT + 10))	# nfm_xfer runs in a subshell below

	nfm_xfer -a "$daddr" -s 256K -t 60 -w 6 &
	local xfer=$!
	# wait until both joins are there, then read state while the connection is open
	for _ in $(seq 50); do
		js=$(nfm_ns_exec router nfmptcp show -j 2>"$NFM_TMP/show.err")
		n=$(jq "[$sel | .subflows[] | select(.established)] | length" <<<"$js" 2>/dev/null)
		[ "${n:-0}" -ge 3 ] && break
		sleep 0.2
	done
	# seen intermittently in CI: no connection at all in the router's table
	[ "${n:-0}" -ge 3 ] || nfm_log "$label: router after 10 s: $(jq -c '[.[] | {family, state, nsubflows}]' <<<"$js" 2>&1) $(cat "$NFM_TMP/show.err") stats: $(nfm_ns_exec router nfmptcp stats -j | jq -c '{conn_seen, conn_active, sf_seen, table_full, alloc_fail, early_drop}')"
	ctok=$(ss_token client)
	stok=$(ss_token server)
	js=$(nfm_ns_exec router nfmptcp show -j | jq "[$sel]")
	nfm_log "$label: $(jq -c '.[] | {state, token_client, token_server, nsubflows}' <<<"$js")"

	nfm_check "$label: one connection tracked" \
		[ "$(jq length <<<"$js")" = 1 ]
	nfm_check "$label: MPTCP v1, established" \
		[ "$(jq -r '.[0] | "\(.version) \(.state)"' <<<"$js")" = "1 established" ]
	nfm_check "$label: 3 subflows" \
		[ "$(jq '.[0].subflows | length' <<<"$js")" = 3 ]
	nfm_check "$label: every subflow valid" \
		[ "$(jq '[.[0].subflows[] | select(.verdict != "valid")] | length' <<<"$js")" = 0 ]
	nfm_check "$label: two joins, one initial subflow" \
		[ "$(jq '[.[0].subflows[] | select(.join)] | length' <<<"$js")" = 2 ]
	nfm_check "$label: client token equals the client's own (${ctok:-none})" \
		[ "$(jq -r '.[0].token_client' <<<"$js")" = "${ctok:-none}" ]
	nfm_check "$label: server token equals the server's own (${stok:-none})" \
		[ "$(jq -r '.[0].token_server' <<<"$js")" = "${stok:-none}" ]
	nfm_check "$label: server's announcement of $signalled recorded" \
		[ "$(jq --arg a "$signalled" '[.[0].addrs[] | select(.addr == $a and .sender == "server")] | length' <<<"$js")" = 1 ]

	if wait "$xfer"; then
		nfm_pass "$label: transfer byte-exact"
	else
		nfm_fail "$label: transfer byte-exact" "mptcp_xfer failed"
	fi
}

# veth passes the senders' GSO super-packets through the router as they are:
# the hook sees large, often non-linear skbs
check_family ipv4 ipv4 10.0.3.1 10.0.4.1 10.0.2.1
check_family ipv6 ipv6 fd00:3::1 fd00:4::1 fd00:2::1
# and with every offload off, one wire-sized segment per skb
for d in c1 c2; do nfm_set_offload client $d off; done
for d in s1 s2; do nfm_set_offload server $d off; done
for d in r1 r2 r3 r4; do nfm_set_offload router $d off; done
check_family "ipv4, offloads off" ipv4 10.0.3.1 10.0.4.1 10.0.2.1

nfm_check_dmesg
nfm_exit
