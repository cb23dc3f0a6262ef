#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_ipv6_port_forward.sh - nat_port_forward.sh over NAT66: a server behind
# an ip6 port forward (dnat of one public port, masquerade outward,
# default-deny forward chain with `ct state established,related accept`)
# announces its second private IPv6 address. Linux sends that ADD_ADDR with
# no port (28 bytes) beside its timestamps (NOP, NOP, TS: 40 bytes in all);
# nf_nat_mptcp announces the router's public address and a port instead
# (30 bytes: the two NOPs make the room), re-signed. The client's join to it
# is DNATed to the server's second address, RELATED, and carries data; the
# echo is translated back, so the server counts it and stops retransmitting.
# Control: without nf_nat_mptcp the join never reaches the server. The
# server's networks are blackholed on the client.
#
# Every process runs on one CPU (nfm_one_cpu): on two, the server's ADD_ADDR
# is sometimes overtaken by its later ACKs before it even reaches the router
# and the client's PAWS check discards it (seen on captures of both sides of
# the router: held 4 ms on the server's veth while the router's rewrite took
# 0.1-0.2 ms). The client's TcpExtPAWSEstab is checked to stay 0, so a
# rewrite that broke the timestamps would show.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat taskset mptcp_xfer nfmptcp

PUB=fd00:1::254
nfm_one_cpu
nfm_topo_setup --no-subflow --signal6 || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_hide_networks client fd00:3::/64 fd00:4::/64

# forward_rules PORT: port-forward [PUB]:PORT to the server's first address
forward_rules() {
	nfm_port_forward "$PUB" "$1" 'ip6 daddr fd00:4::1 counter comment "to second address"'
}

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "$2"; }

# run_phase LABEL [CLIENT_ARGS...]: one transfer through the port forward
run_phase() {
	local j0 sj0 aa0 paws0
	forward_rules $((NFM_PORT + 1))
	j0=$(nfm_nstat server MPTcpExtMPJoinAckRx)
	sj0=$(nfm_nstat server MPTcpExtMPJoinSynRx)
	aa0=$(nfm_nstat client MPTcpExtAddAddr)
	paws0=$(nfm_nstat client TcpExtPAWSEstab)
	if nfm_xfer -a "$PUB" -s 2M -t 60 -w 3 -- "${@:2}"; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	JOIN_SYN_RX=$(( $(nfm_nstat server MPTcpExtMPJoinSynRx) - sj0 ))
	JOIN_ACK_RX=$(( $(nfm_nstat server MPTcpExtMPJoinAckRx) - j0 ))
	ADD_ADDR_RX=$(( $(nfm_nstat client MPTcpExtAddAddr) - aa0 ))
	PAWS=$(( $(nfm_nstat client TcpExtPAWSEstab) - paws0 ))
	nfm_log "$1: client got $ADD_ADDR_RX ADD_ADDR (PAWS drops: $PAWS); server got" \
		"$JOIN_SYN_RX join SYNs, $JOIN_ACK_RX join ACKs;" \
		"$(rule_counter "to second address" bytes) bytes forwarded to fd00:4::1"
}

# Control: the tracker alone, no NAT half (and none autoloaded).
modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
run_phase "without nf_nat_mptcp"
nfm_check "without nf_nat_mptcp: the client received the ADD_ADDR" [ "$ADD_ADDR_RX" -ge 1 ]
nfm_check "without nf_nat_mptcp: the join never reached the server" [ "$JOIN_SYN_RX" -eq 0 ]
nfm_check "without nf_nat_mptcp: nothing was forwarded to the second address" \
	[ "$(rule_counter "to second address" packets)" -eq 0 ]

nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
st0=$(nfm_ns_exec router nfmptcp stats -j)
echo0=$(nfm_nstat server MPTcpExtEchoAdd)
drop0=$(nfm_nstat client MPTcpExtAddAddrDrop)
NFM_PORT=$((NFM_PORT + 10))
run_phase "with nf_nat_mptcp" -J 2
js=$(nfm_ns_exec router nfmptcp show -j)
st1=$(nfm_ns_exec router nfmptcp stats -j)
nfm_check "with nf_nat_mptcp: the client's join reached the server's second address" \
	[ "$JOIN_SYN_RX" -ge 1 ]
nfm_check "with nf_nat_mptcp: the join completed (server MPTcpExtMPJoinAckRx)" [ "$JOIN_ACK_RX" -ge 1 ]
# A join that carries only its handshake sends about 1 KiB.
nfm_check "with nf_nat_mptcp: data flowed on the join (>= 2 KiB to fd00:4::1)" \
	[ "$(rule_counter "to second address" bytes)" -ge 2048 ]
nfm_check "nfmptcp show: fd00:4::1 announced as $PUB with a port" \
	[ "$(jq --arg p "$PUB" '[.[] | .addrs[]? | select(.addr == "fd00:4::1" and .nat_addr == $p and .nat_port > 0)] | length' <<<"$js")" -ge 1 ]
nfm_check "add-addr-rewritten counted, add-addr-dropped not" bash -c \
	"[ $(jq .add_addr_rewritten <<<"$st1") -gt $(jq .add_addr_rewritten <<<"$st0") ] &&
	 [ $(jq .add_addr_dropped <<<"$st1") -eq $(jq .add_addr_dropped <<<"$st0") ]"
# the grown option kept the timestamps intact: nothing discarded by PAWS
nfm_check "the client discarded nothing by PAWS (TcpExtPAWSEstab)" [ "$PAWS" -eq 0 ]
# echo (issue 8, test 5): translated back, so the server stops retransmitting
# (add_addr_timeout is 1 s here: without the echo, one more per second)
nfm_check "the server counted the echo (MPTcpExtEchoAdd)" \
	[ "$(nfm_nstat server MPTcpExtEchoAdd)" -gt "$echo0" ]
nfm_check "the client received the announcement once" [ "$ADD_ADDR_RX" -eq 1 ]
nfm_check "the client dropped no ADD_ADDR (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat client MPTcpExtAddAddrDrop)" -eq "$drop0" ]
nfm_check_dmesg
nfm_exit
