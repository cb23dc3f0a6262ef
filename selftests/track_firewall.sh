#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_firewall.sh - a default-deny firewall that admits only new flows from
# the client side plus `ct state established,related` lets a join that the
# server opens toward the client through with nf_conntrack_mptcp loaded (the
# join is RELATED to its connection), and drops it without the module.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat ss mptcp_xfer mptcp_forge nfmptcp

# The client announces 10.0.2.1 port 10100 (signal; the port makes Linux
# listen there for joins) instead of opening a subflow from it: the server, on
# that ADD_ADDR, opens the join 10.0.3.1 -> 10.0.2.1:10100 "inbound".
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client ip mptcp endpoint add 10.0.2.1 dev c2 signal port 10100
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		iifname { "r1", "r2" } ct state new counter accept
		counter comment "dropped"
	}
}
NFT

dropped() {
	nfm_ns_exec router nft -j list chain inet nfm_fw forward |
		jq '[.nftables[] | .rule? | select(.comment == "dropped") | .expr[0].counter.packets] | add'
}

# run_phase LABEL: a transfer; echoes the client's join SYNs received during it
run_phase() {
	local before after
	before=$(nfm_nstat client MPTcpExtMPJoinSynRx)
	if nfm_xfer -s 512K -t 60 -w 4; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	after=$(nfm_nstat client MPTcpExtMPJoinSynRx)
	JOINS_RX=$((after - before))
	nfm_log "$1: client received $JOINS_RX join SYNs, firewall dropped $(dropped) packets"
}

# Without the module the firewall cannot tell a join from a stranger.
nfm_module_loaded "$NFM_MODULE" && nfm_unload_module
d0=$(dropped)
run_phase "without module"
nfm_check "without module: the server's join never reached the client" [ "$JOINS_RX" -eq 0 ]
nfm_check "without module: the firewall dropped the join SYNs" [ "$(dropped)" -gt "$d0" ]

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
run_phase "with module"
nfm_check "with module: the server's join reached the client" [ "$JOINS_RX" -ge 1 ]
nfm_assert_nstat_ge server MPTcpExtMPJoinSynAckRx 1
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "with module: a valid join opened by the server is tracked" \
	[ "$(jq '[.[] | .subflows[] | select(.join and .opener == "server" and .verdict == "valid")] | length' <<<"$js")" -ge 1 ]
nfm_check "with module: joins marked related are counted" \
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .join_related)" -ge 1 ]

# A token is no passport: a join SYN with the client's (valid) token aimed at
# an address and port the client never used nor announced stays NEW and the
# firewall drops it.
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 256K -t 60 -w 6 &
xfer=$!
ctok=
for _ in $(seq 50); do
	ctok=$(nfm_ns_exec client ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
	[ -n "$ctok" ] && break
	sleep 0.2
done
nfm_check "client token read from ss (${ctok:-none})" [ -n "$ctok" ]
related0=$(nfm_ns_exec router nfmptcp stats -j | jq .join_related)
unknown0=$(nfm_ns_exec router nfmptcp stats -j | jq .join_unknown_token)
d0=$(dropped)
nfm_ns_exec server mptcp_forge -s 10.0.3.1 -d 10.0.2.1 -p 2222 -k "${ctok:-0}" >/dev/null
sleep 0.5
nfm_check "the forged join's token is a known one" \
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .join_unknown_token)" -eq "$unknown0" ]
nfm_check "join with a known token to an unannounced port is not related" \
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .join_related)" -eq "$related0" ]
nfm_check "... and the firewall dropped it" [ "$(dropped)" -gt "$d0" ]
wait "$xfer" || nfm_fail "transfer during the forged join" "mptcp_xfer failed"

nfm_check_dmesg
nfm_exit
