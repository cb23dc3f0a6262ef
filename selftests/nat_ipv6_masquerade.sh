#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_ipv6_masquerade.sh - nat_masquerade.sh over NAT66: a client behind ip6
# masquerade announces its second IPv6 address (a `signal` endpoint with a
# port, on which Linux then takes joins). An IPv6 ADD_ADDR with a port is 30
# bytes and does not fit beside timestamps: Linux never sends it with them,
# so the client has TCP timestamps off (there is then no PAWS either). With
# nf_nat_mptcp the announcement carries the router's outside address, same
# port and length, re-signed, and the server's join toward it is DNATed to
# the client's second address and RELATED through a default-deny forward
# chain. Control: without nf_nat_mptcp the join cannot reach the client. The
# client's networks are blackholed on the server.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat taskset mptcp_xfer nfmptcp

OUT=fd00:3::254
nfm_one_cpu
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client sysctl -qw net.ipv4.tcp_timestamps=0 ||
	{ nfm_fail "topology" "net.ipv4.tcp_timestamps"; nfm_exit; }
nfm_ns_exec client ip mptcp endpoint add fd00:2::1 dev c2 signal port 10100
nfm_hide_networks server fd00:1::/64 fd00:2::/64
nfm_ns_exec router nft -f - <<'NFT'
table ip6 nfm_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r3", "r4" } masquerade
	}
}
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ip6 saddr fd00:2::1 counter comment "from second address"
		ct state established,related counter accept
		iifname { "r1", "r2" } ct state new accept
		meta l4proto ipv6-icmp accept
		counter comment "dropped"
	}
}
NFT

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "$2"; }

run_phase() {
	local sj0 b0 aa0
	sj0=$(nfm_nstat client MPTcpExtMPJoinSynRx)
	b0=$(rule_counter "from second address" bytes)
	aa0=$(nfm_nstat server MPTcpExtAddAddr)
	if nfm_xfer -a fd00:3::1 -s 2M -t 60 -w 3 -- "${@:2}"; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	JOIN_SYN_RX=$(( $(nfm_nstat client MPTcpExtMPJoinSynRx) - sj0 ))
	BYTES=$(( $(rule_counter "from second address" bytes) - b0 ))
	ADD_ADDR_RX=$(( $(nfm_nstat server MPTcpExtAddAddr) - aa0 ))
	nfm_log "$1: server got $ADD_ADDR_RX ADD_ADDR; client got $JOIN_SYN_RX join SYNs;" \
		"$BYTES bytes forwarded from fd00:2::1"
}

modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
run_phase "without nf_nat_mptcp"
nfm_check "without nf_nat_mptcp: the server received the ADD_ADDR" [ "$ADD_ADDR_RX" -ge 1 ]
nfm_check "without nf_nat_mptcp: the server's join never reached the client" [ "$JOIN_SYN_RX" -eq 0 ]

nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
drop0=$(nfm_nstat server MPTcpExtAddAddrDrop)
echo0=$(nfm_nstat client MPTcpExtEchoAdd)
run_phase "with nf_nat_mptcp" -J 2
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "with nf_nat_mptcp: the server's join reached the client" [ "$JOIN_SYN_RX" -ge 1 ]
nfm_assert_nstat_ge server MPTcpExtMPJoinSynAckRx 1
# A join that carries only its handshake sends about 1 KiB.
nfm_check "with nf_nat_mptcp: data flowed on the join (>= 2 KiB from fd00:2::1)" [ "$BYTES" -ge 2048 ]
nfm_check "nfmptcp show: fd00:2::1 port 10100 announced as $OUT port 10100 (same length)" \
	[ "$(jq --arg o "$OUT" '[.[] | .addrs[]? | select(.addr == "fd00:2::1" and .port == 10100 and .nat_addr == $o and .nat_port == 10100)] | length' <<<"$js")" -ge 1 ]
nfm_check "the client counted the echo (MPTcpExtEchoAdd)" [ "$(nfm_nstat client MPTcpExtEchoAdd)" -gt "$echo0" ]
nfm_check "the server received the announcement once" [ "$ADD_ADDR_RX" -eq 1 ]
nfm_check "the server dropped no ADD_ADDR (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat server MPTcpExtAddAddrDrop)" -eq "$drop0" ]
nfm_check_dmesg
nfm_exit
