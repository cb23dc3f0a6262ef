#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_remove_addr.sh - REMOVE_ADDR through a port-forwarding router (issue 8,
# test 5). The server announces its second private address; nf_nat_mptcp
# translates it, the echo back to the original, and the client joins the
# translated address. The server then removes the address (endpoint
# deleted): the REMOVE_ADDR names the id the announcement had, which the
# NAT kept, so the client closes exactly the join to the translated address
# and the first subflow carries on. (Re-adding the same address is not
# tested: Linux ignores an announcement of an address that a closing subflow
# of the connection still uses.) The server's networks are blackholed on the
# client.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat ss taskset mptcp_xfer nfmptcp

PUB=10.0.1.254
ID=7
nfm_one_cpu	# the announcement is not overtaken: received once (nat_ipv6_port_forward.sh)
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec server ip mptcp endpoint add 10.0.4.1 dev s2 id "$ID" signal
nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24
PORT=$((NFM_PORT + 1))
nfm_port_forward "$PUB" "$PORT"

# client_subflows_to ADDR: the client's established MPTCP subflows to ADDR
client_subflows_to() {
	nfm_ns_exec client ss -Htn state established dst "$1" | wc -l
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s
wait_for() {
	local i n=$(($1 * 5))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

modprobe nf_conntrack_mptcp || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_nat_mptcp)

echo0=$(nfm_nstat server MPTcpExtEchoAdd)
rm0=$(nfm_nstat client MPTcpExtRmAddr)
# the connection stays open (hold) while the address comes and goes; the
# data is sent before the hold, so the joins are checked while idle
NFM_PORT=$((PORT - 1))
nfm_xfer -a "$PUB" -s 256K -t 60 -w 30 -- -J 2 >"$NFM_TMP/xfer.log" 2>&1 &
xfer=$!

wait_for 20 bash -c "[ \$(ip netns exec $NFM_NS_CLIENT ss -Htn state established dst $PUB | wc -l) -ge 2 ]"
nfm_check "the client joined the translated address (2 subflows to $PUB)" \
	[ "$(client_subflows_to "$PUB")" -ge 2 ]
nfm_check "the server counted the translated echo (MPTcpExtEchoAdd)" \
	[ "$(nfm_nstat server MPTcpExtEchoAdd)" -gt "$echo0" ]
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "nfmptcp show: id $ID (10.0.4.1) translated to $PUB" \
	[ "$(jq --arg p "$PUB" --argjson id "$ID" '[.[] | .addrs[]? | select(.id == $id and .addr == "10.0.4.1" and .nat_addr == $p)] | length' <<<"$js")" -ge 1 ]

nfm_ns_exec server ip mptcp endpoint del id "$ID"
wait_for 10 bash -c "[ \$(ip netns exec $NFM_NS_CLIENT ss -Htn state established dst $PUB | wc -l) -eq 1 ]"
nfm_check "REMOVE_ADDR: the client received it (MPTcpExtRmAddr)" \
	[ "$(nfm_nstat client MPTcpExtRmAddr)" -gt "$rm0" ]
nfm_check "REMOVE_ADDR: one subflow to $PUB left, the first (port $PORT)" bash -c \
	"[ \$(ip netns exec $NFM_NS_CLIENT ss -Htn state established dst $PUB | wc -l) -eq 1 ] &&
	 [ \$(ip netns exec $NFM_NS_CLIENT ss -Htn state established dst $PUB dport = :$PORT | wc -l) -eq 1 ]"
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "nfmptcp show: id $ID marked removed" \
	[ "$(jq --argjson id "$ID" '[.[] | .addrs[]? | select(.id == $id and .removed)] | length' <<<"$js")" -ge 1 ]

nfm_check "the client received the announcement once (echo translated back)" \
	[ "$(nfm_nstat client MPTcpExtAddAddr)" -eq 1 ]
nfm_check "no HMAC failure at the client (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat client MPTcpExtAddAddrDrop)" -eq 0 ]
pkill -USR1 -f "mptcp_xfer -c $PUB"
if wait "$xfer"; then
	nfm_pass "transfer byte-exact"
else
	nfm_fail "transfer byte-exact" "$(tail -n 3 "$NFM_TMP/xfer.log" | tr '\n' ' ')"
fi
nfm_check_dmesg
nfm_exit
