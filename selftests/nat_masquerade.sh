#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_masquerade.sh - a client behind masquerade announces its second address
# (a `signal` endpoint with a port, on which Linux then takes joins). With
# nf_nat_mptcp the announcement carries the router's outside address, same
# length, re-signed, and the server's join toward it is DNATed to the client's
# second address and RELATED through a default-deny forward chain. Without
# nf_nat_mptcp (control) the join cannot reach the client. The client's
# networks are blackholed on the server, as private networks are on the Internet.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer nfmptcp

OUT=10.0.3.254
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client ip mptcp endpoint add 10.0.2.1 dev c2 signal port 10100
nfm_hide_networks server 10.0.1.0/24 10.0.2.0/24
nfm_ns_exec router nft -f - <<'NFT'
table ip nfm_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r3", "r4" } masquerade
	}
}
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ip saddr 10.0.2.1 counter comment "from second address"
		ct state established,related counter accept
		iifname { "r1", "r2" } ct state new accept
		counter comment "dropped"
	}
}
NFT

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "$2"; }

run_phase() {
	local sj0 b0
	sj0=$(nfm_nstat client MPTcpExtMPJoinSynRx)
	b0=$(rule_counter "from second address" bytes)
	if nfm_xfer -s 2M -t 60 -w 3 -- "${@:2}"; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	JOIN_SYN_RX=$(( $(nfm_nstat client MPTcpExtMPJoinSynRx) - sj0 ))
	BYTES=$(( $(rule_counter "from second address" bytes) - b0 ))
	nfm_log "$1: client got $JOIN_SYN_RX join SYNs; $BYTES bytes forwarded from 10.0.2.1"
}

modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
run_phase "without nf_nat_mptcp"
nfm_check "without nf_nat_mptcp: the server received the ADD_ADDR" \
	[ "$(nfm_nstat server MPTcpExtAddAddr)" -ge 1 ]
nfm_check "without nf_nat_mptcp: the server's join never reached the client" [ "$JOIN_SYN_RX" -eq 0 ]

nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
drop0=$(nfm_nstat server MPTcpExtAddAddrDrop)
echo0=$(nfm_nstat client MPTcpExtEchoAdd)
run_phase "with nf_nat_mptcp" -J 2
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "with nf_nat_mptcp: the server's join reached the client" [ "$JOIN_SYN_RX" -ge 1 ]
nfm_assert_nstat_ge server MPTcpExtMPJoinSynAckRx 1
# A join that carries only its handshake sends about 1 KiB. 6.12's scheduler puts
# as little as 4 KiB of the 2 MiB on the join here (6.1: about 1 MiB).
nfm_check "with nf_nat_mptcp: data flowed on the join (>= 2 KiB from 10.0.2.1)" [ "$BYTES" -ge 2048 ]
nfm_check "nfmptcp show: 10.0.2.1 port 10100 announced as $OUT port 10100 (same length)" \
	[ "$(jq --arg o "$OUT" '[.[] | .addrs[]? | select(.addr == "10.0.2.1" and .port == 10100 and .nat_addr == $o and .nat_port == 10100)] | length' <<<"$js")" -ge 1 ]
nfm_check "the client counted the echo (MPTcpExtEchoAdd)" [ "$(nfm_nstat client MPTcpExtEchoAdd)" -gt "$echo0" ]
nfm_check "the server dropped no ADD_ADDR (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat server MPTcpExtAddAddrDrop)" -eq "$drop0" ]
nfm_check_dmesg
nfm_exit
