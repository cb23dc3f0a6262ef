#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_late_load.sh - the modules are loaded while a connection through a
# port-forwarding router runs: the tracker never saw its handshake, so no keys
# are known and the server's later ADD_ADDR of its private second address
# cannot be translated nor re-signed. nf_nat_mptcp removes it and counts it:
# the client never sees it (nor rejects it), and the transfer completes.
# Control: the same announcement without the modules reaches the client.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer nfmptcp

PUB=10.0.1.254
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24
nfm_ns_exec router nft -f - <<NFT
table ip nfm_nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname { "r1", "r2" } ip daddr $PUB tcp dport 10000-40000 dnat to 10.0.3.1
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r1", "r2" } masquerade
	}
}
NFT

# late_announce LABEL [MODULES...]: the server announces 10.0.4.1 after the
# transfer started (and after MODULES were loaded); sets ADDS (ADD_ADDR received
# by the client during it)
late_announce() {
	local label=$1 a0 h0 xfer m
	shift
	NFM_PORT=$((NFM_PORT + 10))	# nfm_xfer runs in a subshell below
	a0=$(nfm_nstat client MPTcpExtAddAddr)
	h0=$(nfm_nstat server MPTcpExtMPCapableACKRX)
	# the hold keeps the connection open for the announcement: under a debug
	# kernel loading the modules alone takes seconds (seen: closed before it)
	nfm_xfer -a "$PUB" -s 4M -t 60 -w 10 &
	xfer=$!
	# the modules must come after the handshake (a busy VM can start the
	# client late): wait for the server to have the MP_CAPABLE third ACK
	for _ in $(seq 100); do
		[ "$(nfm_nstat server MPTcpExtMPCapableACKRX)" -gt "$h0" ] && break
		sleep 0.1
	done
	for m in "$@"; do
		# the tracker must not pull the NAT half in by itself: this test loads it
		if [ "$m" = nf_conntrack_mptcp ]; then
			modprobe "$m" nat_autoload=0
		else
			modprobe "$m"
		fi || nfm_fail "$label: modprobe $m" "failed"
		NFM_MODULES_LOADED+=("$m")
	done
	nfm_ns_exec server ip mptcp endpoint add 10.0.4.1 dev s2 signal
	if wait "$xfer"; then
		nfm_pass "$label: transfer byte-exact"
	else
		nfm_fail "$label: transfer byte-exact" "mptcp_xfer failed"
	fi
	nfm_ns_exec server ip mptcp endpoint flush
	ADDS=$(( $(nfm_nstat client MPTcpExtAddAddr) - a0 ))
	nfm_log "$label: the client received $ADDS ADD_ADDR"
}

late_announce "without modules"
nfm_check "without modules: the late ADD_ADDR reached the client" [ "$ADDS" -ge 1 ]

drop0=$(nfm_nstat client MPTcpExtAddAddrDrop)
late_announce "modules loaded mid-connection" nf_conntrack_mptcp nf_nat_mptcp
st=$(nfm_ns_exec router nfmptcp stats -j)
nfm_check "loaded mid-connection: the ADD_ADDR never reached the client" [ "$ADDS" -eq 0 ]
nfm_check "loaded mid-connection: add-addr-dropped counted ($(jq .add_addr_dropped <<<"$st"))" \
	[ "$(jq .add_addr_dropped <<<"$st")" -ge 1 ]
nfm_check "loaded mid-connection: add-addr-rewritten not counted" [ "$(jq .add_addr_rewritten <<<"$st")" -eq 0 ]
nfm_check "the client rejected nothing (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat client MPTcpExtAddAddrDrop)" -eq "$drop0" ]
nfm_check_dmesg
nfm_exit
