#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_port_forward.sh - a server behind a port-forwarding router (DNAT of one
# public port, masquerade outward, default-deny forward chain with `ct state
# established,related accept`) announces its second private address. With
# nf_nat_mptcp the announcement becomes the router's public address and a
# port, re-signed; the client's join to it is DNATed to the server's second
# address, RELATED, and carries data; the echo is translated back, so the
# server counts it and the client drops nothing. Without nf_nat_mptcp
# (control) the join never reaches the server. The server's networks are
# blackholed on the client, as private networks are on the Internet.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer nfmptcp

PUB=10.0.1.254
nfm_topo_setup --no-subflow --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24

# forward_rules PORT: port-forward PUB:PORT to the server's first address
forward_rules() {
	nfm_port_forward "$PUB" "$1" 'ip daddr 10.0.4.1 counter comment "to second address"'
}

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "$2"; }

# run_phase LABEL [CLIENT_ARGS...]: one transfer through the port forward
run_phase() {
	local j0 sj0
	forward_rules $((NFM_PORT + 1))
	j0=$(nfm_nstat server MPTcpExtMPJoinAckRx)
	sj0=$(nfm_nstat server MPTcpExtMPJoinSynRx)
	if nfm_xfer -a "$PUB" -s 2M -t 60 -w 3 -- "${@:2}"; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	JOIN_SYN_RX=$(( $(nfm_nstat server MPTcpExtMPJoinSynRx) - sj0 ))
	JOIN_ACK_RX=$(( $(nfm_nstat server MPTcpExtMPJoinAckRx) - j0 ))
	nfm_log "$1: server got $JOIN_SYN_RX join SYNs, $JOIN_ACK_RX join ACKs; $(rule_counter "to second address" bytes) bytes forwarded to 10.0.4.1"
}

# Control: the tracker alone, no NAT half (and none autoloaded).
modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
run_phase "without nf_nat_mptcp"
nfm_check "without nf_nat_mptcp: the client received the ADD_ADDR" \
	[ "$(nfm_nstat client MPTcpExtAddAddr)" -ge 1 ]
nfm_check "without nf_nat_mptcp: the join never reached the server" [ "$JOIN_SYN_RX" -eq 0 ]
nfm_check "without nf_nat_mptcp: nothing was forwarded to the second address" \
	[ "$(rule_counter "to second address" packets)" -eq 0 ]

nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
st0=$(nfm_ns_exec router nfmptcp stats -j)
echo0=$(nfm_nstat server MPTcpExtEchoAdd)
drop0=$(nfm_nstat client MPTcpExtAddAddrDrop)
# plain `ip netns exec` (it execs): $! is the monitor
ip netns exec "$NFM_NS_ROUTER" nfmptcp -j monitor -t 120 >"$NFM_TMP/monitor" 2>&1 &
mon=$!
NFM_PIDS+=("$mon")
sleep 0.5
NFM_PORT=$((NFM_PORT + 10))
run_phase "with nf_nat_mptcp" -J 2
js=$(nfm_ns_exec router nfmptcp show -j)
kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null
st1=$(nfm_ns_exec router nfmptcp stats -j)
nfm_check "with nf_nat_mptcp: the client's join reached the server's second address" \
	[ "$JOIN_SYN_RX" -ge 1 ]
nfm_check "with nf_nat_mptcp: the join completed (server MPTcpExtMPJoinAckRx)" [ "$JOIN_ACK_RX" -ge 1 ]
# only RELATED lets anything reach 10.0.4.1 through the forward chain
# A join that carries only its handshake sends about 1 KiB. 6.12's scheduler puts
# as little as 4 KiB of the 2 MiB on the join here (6.1: about 1 MiB).
nfm_check "with nf_nat_mptcp: data flowed on the join (>= 2 KiB to 10.0.4.1)" \
	[ "$(rule_counter "to second address" bytes)" -ge 2048 ]
nfm_check "add-addr-rewritten counted" \
	[ "$(jq .add_addr_rewritten <<<"$st1")" -gt "$(jq .add_addr_rewritten <<<"$st0")" ]
nfm_check "add-addr-dropped not counted" \
	[ "$(jq .add_addr_dropped <<<"$st1")" -eq "$(jq .add_addr_dropped <<<"$st0")" ]
nfm_check "nfmptcp show: 10.0.4.1 announced as $PUB with a port" \
	[ "$(jq --arg p "$PUB" '[.[] | .addrs[]? | select(.addr == "10.0.4.1" and .nat_addr == $p and .nat_port > 0)] | length' <<<"$js")" -ge 1 ]
nfm_check "an addr-translated event was sent" grep -q 'addr-translated' "$NFM_TMP/monitor"
# echo (issue 8, test 5): the server sees its own address echoed, the client rejected nothing
nfm_check "the server counted the echo (MPTcpExtEchoAdd)" \
	[ "$(nfm_nstat server MPTcpExtEchoAdd)" -gt "$echo0" ]
nfm_check "the client dropped no ADD_ADDR (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat client MPTcpExtAddAddrDrop)" -eq "$drop0" ]

# A SYN through the expectation that is not a join: the client does not join
# (it accepts no announcement), a plain TCP connect to the announced address
# and port is dropped, and nothing reaches the server's second address.
nfm_ns_exec client ip mptcp limits set subflow 0 add_addr_accepted 0
port=$((NFM_PORT + 1))
forward_rules "$port"
nfm_xfer -a "$PUB" -s 256K -t 60 -w 8 >/dev/null 2>&1 &
xfer=$!
NFM_PORT=$port	# the background nfm_xfer advanced only its own copy
natport=
for _ in $(seq 100); do
	natport=$(nfm_ns_exec router nfmptcp show -j | jq -r --arg p "$PUB" \
		'[.[] | select(.state == "established") | .addrs[]? | select(.nat_addr == $p and .nat_port > 0) | .nat_port] | first // empty')
	[ -n "$natport" ] && break
	sleep 0.2
done
nfm_check "plain SYN: the announcement was translated (${PUB}:${natport:-none})" [ -n "$natport" ]
nj0=$(nfm_ns_exec router nfmptcp stats -j | jq .expect_not_join)
f0=$(rule_counter "to second address" packets)
nfm_ns_exec client timeout 3 bash -c "exec 3<>/dev/tcp/$PUB/${natport:-1}" 2>/dev/null
rc=$?
nfm_check "plain SYN: a TCP connect to the announced address does not get through (rc $rc)" [ "$rc" -ne 0 ]
nfm_check "plain SYN: counted expect-not-join" \
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .expect_not_join)" -gt "$nj0" ]
nfm_check "plain SYN: nothing reached the server's second address" \
	[ "$(rule_counter "to second address" packets)" -eq "$f0" ]
wait "$xfer" || nfm_fail "plain SYN: the transfer beside it" "mptcp_xfer failed"
nfm_ns_exec client ip mptcp limits set subflow 4 add_addr_accepted 4

nfm_unload_module nf_nat_mptcp
nfm_check "nf_nat_mptcp unloads" [ -z "$(grep '^nf_nat_mptcp ' /proc/modules)" ]
nfm_check_dmesg
nfm_exit
