#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_option_growth.sh - the translated ADD_ADDR needs a port the original
# lacked and there is no NOP padding to take: the TCP header grows. A server
# behind a port-forwarding router (as in nat_port_forward.sh: DNAT of one
# public port, masquerade outward, default-deny forward chain with `ct state
# established,related accept`) announces its second private address with TCP
# timestamps off, so that Linux's pure ACK carries the 16-byte ADD_ADDR alone
# (data offset 9). nf_nat_mptcp announces the router's public address and a
# port (18 bytes): the header grows by one word (data offset 10). The client
# receives it with the port, in a segment whose IP length and TCP checksum
# are right (the server computes checksums in software, so the client checks
# them), the HMAC verifies (no MPTcpExtAddAddrDrop), and its join to the
# announced port is DNATed to the second address, RELATED and carries data;
# add-addr-grown counts it. Once more with checksum offload (CHECKSUM_PARTIAL
# through the router). Control: with timestamps on, Linux pads them with two
# NOPs, the rewrite takes those and the header keeps its length
# (add-addr-grown unchanged). The server's networks are blackholed on the
# client.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat ethtool tshark taskset mptcp_xfer nfmptcp

PUB=10.0.1.254
# the announcement is the subject: no overtaking by later ACKs (see lib.sh)
nfm_one_cpu
nfm_topo_setup --no-subflow --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24

# forward_rules PORT: port-forward PUB:PORT to the server's first address
forward_rules() {
	nfm_port_forward "$PUB" "$1" 'ip daddr 10.0.4.1 counter comment "to second address"'
}

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "$2"; }

# The ADD_ADDRs the client received (E = 0), one line each: TCP header
# length, announced port (- when none), TCP and IP checksum status (tshark:
# 1 good), payload length (IP total length minus the headers).
received_add_addrs() {
	tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
		-Y 'tcp.options.mptcp.subtype == 3 && tcp.options.mptcp.echo == 0' -T fields \
		-E separator=, -e tcp.hdr_len -e tcp.options.mptcp.port \
		-e tcp.checksum.status -e ip.checksum.status -e ip.len -e ip.hdr_len 2>/dev/null |
		awk -F, '{ print $1, ($2 == "" ? "-" : $2), $3, $4, $5 - $6 - $1 }'
}

# run_phase LABEL: one transfer through the port forward, the client's c1 captured
run_phase() {
	local j0 sj0 aa0 drop0 csum0 st0 st1 cap=$NFM_TMP/$2.pcap cappid
	forward_rules $((NFM_PORT + 1))
	j0=$(nfm_nstat server MPTcpExtMPJoinAckRx)
	sj0=$(nfm_nstat server MPTcpExtMPJoinSynRx)
	aa0=$(nfm_nstat client MPTcpExtAddAddr)
	drop0=$(nfm_nstat client MPTcpExtAddAddrDrop)
	csum0=$(nfm_nstat client TcpInCsumErrors)
	st0=$(nfm_ns_exec router nfmptcp stats -j)
	# segments from the router without payload (pure ACKs) only
	ip netns exec "$NFM_NS_CLIENT" tshark -q -i c1 -w "$cap" \
		-f "src host $PUB and tcp and less 128" >/dev/null 2>&1 &
	cappid=$!
	NFM_PIDS+=("$cappid")
	nfm_wait_file "$cap" 10 || nfm_log "$1: capture file not created"
	sleep 1
	if nfm_xfer -a "$PUB" -s 2M -t 60 -w 3; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	sleep 1
	kill -INT "$cappid" 2>/dev/null
	wait "$cappid" 2>/dev/null
	st1=$(nfm_ns_exec router nfmptcp stats -j)
	JOIN_SYN_RX=$(( $(nfm_nstat server MPTcpExtMPJoinSynRx) - sj0 ))
	JOIN_ACK_RX=$(( $(nfm_nstat server MPTcpExtMPJoinAckRx) - j0 ))
	ADD_ADDR_RX=$(( $(nfm_nstat client MPTcpExtAddAddr) - aa0 ))
	ADD_ADDR_DROP=$(( $(nfm_nstat client MPTcpExtAddAddrDrop) - drop0 ))
	CSUM_ERR=$(( $(nfm_nstat client TcpInCsumErrors) - csum0 ))
	GROWN=$(( $(jq .add_addr_grown <<<"$st1") - $(jq .add_addr_grown <<<"$st0") ))
	REWRITTEN=$(( $(jq .add_addr_rewritten <<<"$st1") - $(jq .add_addr_rewritten <<<"$st0") ))
	DROPPED=$(( $(jq .add_addr_dropped <<<"$st1") - $(jq .add_addr_dropped <<<"$st0") ))
	RECEIVED=$(received_add_addrs "$cap")
	nfm_log "$1: join SYNs $JOIN_SYN_RX, join ACKs $JOIN_ACK_RX, $(rule_counter "to second address" bytes) bytes to 10.0.4.1; client ADD_ADDR $ADD_ADDR_RX, dropped $ADD_ADDR_DROP, csum errors $CSUM_ERR; router grown $GROWN rewritten $REWRITTEN dropped $DROPPED"
	nfm_log "$1: ADD_ADDRs at the client (hdr_len port tcp_csum ip_csum payload): $(tr '\n' ';' <<<"$RECEIVED")"
}

# check_joined LABEL: the join reached the second address through the expectation
check_joined() {
	nfm_check "$1: the client received the ADD_ADDR (MPTcpExtAddAddr)" [ "$ADD_ADDR_RX" -ge 1 ]
	nfm_check "$1: its HMAC verified (MPTcpExtAddAddrDrop unchanged)" [ "$ADD_ADDR_DROP" -eq 0 ]
	nfm_check "$1: the join reached the server (MPTcpExtMPJoinSynRx)" [ "$JOIN_SYN_RX" -ge 1 ]
	nfm_check "$1: the join completed (MPTcpExtMPJoinAckRx)" [ "$JOIN_ACK_RX" -ge 1 ]
	# only RELATED lets anything reach 10.0.4.1 through the forward chain
	nfm_check "$1: data flowed on the join (>= 2 KiB to 10.0.4.1)" \
		[ "$(rule_counter "to second address" bytes)" -ge 2048 ]
	nfm_check "$1: add-addr-rewritten counted" [ "$REWRITTEN" -ge 1 ]
	nfm_check "$1: add-addr-dropped not counted" [ "$DROPPED" -eq 0 ]
}

# every_received AWK-CONDITION: at least one ADD_ADDR captured, each matching
every_received() {
	[ -n "$RECEIVED" ] && awk "!($1) { bad = 1 } END { exit bad }" <<<"$RECEIVED"
}

nfm_load_module || { nfm_fail "modprobe nf_conntrack_mptcp" "failed"; nfm_exit; }
nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }

# 1. Timestamps off, software checksums on the server: the client checks them.
nfm_ns_exec server sysctl -qw net.ipv4.tcp_timestamps=0 ||
	{ nfm_fail "topology" "net.ipv4.tcp_timestamps"; nfm_exit; }
nfm_ns_exec server ethtool -K s1 tx off >/dev/null 2>&1 ||
	{ nfm_fail "topology" "ethtool -K s1 tx off"; nfm_exit; }
run_phase "grown, software checksums" grown_sw
check_joined "grown, software checksums"
nfm_check "grown, software checksums: add-addr-grown counted ($GROWN)" [ "$GROWN" -ge 1 ]
nfm_check "grown, software checksums: the client got 40-byte TCP headers with a port" \
	every_received '$1 == 40 && $2 != "-" && $2 > 0'
nfm_check "grown, software checksums: TCP and IP checksums good (tshark), no payload" \
	every_received '$3 == 1 && $4 == 1 && $5 == 0'
nfm_check "grown, software checksums: the client counted no checksum error" [ "$CSUM_ERR" -eq 0 ]

# 2. The same with checksum offload: CHECKSUM_PARTIAL skbs through the router.
nfm_ns_exec server ethtool -K s1 tx on >/dev/null 2>&1
NFM_PORT=$((NFM_PORT + 10))
run_phase "grown, checksum offload" grown_partial
check_joined "grown, checksum offload"
nfm_check "grown, checksum offload: add-addr-grown counted ($GROWN)" [ "$GROWN" -ge 1 ]
nfm_check "grown, checksum offload: the client got 40-byte TCP headers with a port" \
	every_received '$1 == 40 && $2 != "-" && $2 > 0'

# 3. Control: timestamps on. NOP NOP TS (12) + ADD_ADDR (16) = 28; the port
# takes the two NOPs, the header keeps its 48 bytes and nothing grows.
nfm_ns_exec server sysctl -qw net.ipv4.tcp_timestamps=1
NFM_PORT=$((NFM_PORT + 10))
run_phase "timestamps on (control)" in_place
check_joined "timestamps on (control)"
nfm_check "timestamps on (control): add-addr-grown not counted" [ "$GROWN" -eq 0 ]
nfm_check "timestamps on (control): the client got 48-byte TCP headers with a port" \
	every_received '$1 == 48 && $2 != "-" && $2 > 0'

nfm_unload_module nf_nat_mptcp
nfm_check "nf_nat_mptcp unloads" [ -z "$(grep '^nf_nat_mptcp ' /proc/modules)" ]
nfm_check_dmesg
nfm_exit
