#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# policy_mp_capable.sh - `mp-capable strip` removes every MPTCP option from
# MP_CAPABLE SYNs: connections fall back cleanly to TCP (the server sees no
# MP_CAPABLE SYN, neither end counts an MPTCP error, the router tracks
# nothing) and transfers complete; `pass` restores MPTCP. The same per rule,
# with stock nft's `reset tcp option mptcp` in a chain at raw priority.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

stat() { nfm_stat "$1"; }
# MPTCP errors either end could count on an unclean fallback
ERRORS="MPTcpExtMPFailRx MPTcpExtMPFailTx MPTcpExtDSSNotMatching MPTcpExtInfiniteMapRx MPTcpExtMPRstRx MPTcpExtMPRstTx MPTcpExtMPCapableSYNRX"
errors() {
	local c sum=0
	for c in $ERRORS; do
		sum=$((sum + $(nfm_nstat "$1" "$c")))
	done
	echo "$sum"
}

EVENTS=$NFM_TMP/events.json
nfm_monitor_start "$EVENTS"

# run_phase LABEL MPTCP_EXPECTED: one transfer, then what both ends counted
run_phase() {
	local se0 ce0 seen0 mpc0
	se0=$(errors server)
	ce0=$(errors client)
	seen0=$(stat conn_seen)
	mpc0=$(nfm_nstat server MPTcpExtMPCapableSYNRX)
	if nfm_xfer -s 1M -t 60; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	MPTCP=$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" mptcp)
	MPC_RX=$(( $(nfm_nstat server MPTcpExtMPCapableSYNRX) - mpc0 ))
	SEEN=$(( $(stat conn_seen) - seen0 ))
	nfm_log "$1: mptcp=$MPTCP, server got $MPC_RX MP_CAPABLE SYNs, router tracked $SEEN"
	if [ "$2" = 0 ]; then
		nfm_check "$1: the connection fell back to TCP" [ "$MPTCP" = 0 ]
		nfm_check "$1: the server received no MP_CAPABLE SYN" [ "$MPC_RX" -eq 0 ]
		nfm_check "$1: no MPTCP error on the server" [ "$(errors server)" -eq "$se0" ]
		nfm_check "$1: no MPTCP error on the client" [ "$(errors client)" -eq "$ce0" ]
		nfm_check "$1: the router tracked no connection" [ "$SEEN" -eq 0 ]
	else
		nfm_check "$1: the connection runs MPTCP" [ "$MPTCP" = 1 ]
		nfm_check "$1: the router tracked it" [ "$SEEN" -ge 1 ]
	fi
}

run_phase "default (pass)" 1

strip0=$(stat policy_mp_capable)
nfm_ns_exec router nfmptcp config mp-capable strip >/dev/null ||
	nfm_fail "config mp-capable strip" "nfmptcp config failed"
nfm_check "config shows mp-capable strip" \
	[ "$(nfm_ns_exec router nfmptcp -j config | jq -r '.["mp-capable"] // .mp_capable')" = strip ]
run_phase "mp-capable strip" 0
nfm_check "mp-capable strip: counted policy-mp-capable and policy-strip" \
	[ "$(stat policy_mp_capable)" -gt "$strip0" -a "$(stat policy_strip)" -ge 1 ]

nfm_ns_exec router nfmptcp config mp-capable pass >/dev/null
run_phase "mp-capable pass again" 1

# per rule, before conntrack and the tracker: only this client's SYNs
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_strip {
	chain pre {
		type filter hook prerouting priority raw;
		ip saddr 10.0.1.1 tcp flags & (syn | ack) == syn reset tcp option mptcp
	}
}
NFT
run_phase "nft reset tcp option mptcp" 0
nfm_ns_exec router nft delete table inet nfm_strip

nfm_monitor_stop
nfm_check "monitor -j: a policy event mp-capable strip" \
	[ "$(nfm_policy_events "$EVENTS" mp-capable strip)" -ge 1 ]
nfm_check_dmesg
nfm_exit
