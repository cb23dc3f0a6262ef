#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# policy_add_addr.sh - the ADD_ADDR policies.
#   add-addr strip-private: a client behind masquerade announces a private
#     (10.0.2.1) and a public (198.51.100.1) address; the server receives and
#     joins only the public one. Control: pass, both arrive.
#   add-addr strip: no announcement reaches the server.
#   add-addr-bad-hmac drop: an ADD_ADDR with a wrong HMAC injected into a
#     live subflow never reaches the server (counted by an nft rule on the
#     server's input: Linux ignores such an option without a counter).
#     Control: pass, it arrives.
#   add-addr strip after the close: an announcement on a connection whose
#     DATA_FINs were exchanged (its host still announces endpoints added
#     later) is stripped too.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer mptcp_forge nfmptcp

PUBLIC=198.51.100.1
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client ip addr add "$PUBLIC/32" dev c2
nfm_ns_exec router ip route add "$PUBLIC/32" via 10.0.2.1 dev r2
nfm_ns_exec router nft -f - <<'NFT'
table ip nfm_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r3", "r4" } masquerade
	}
}
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname { "r3", "r4" } ip daddr 10.0.2.1 tcp flags & (syn | ack) == syn counter comment "join to private"
		iifname { "r3", "r4" } ip daddr 198.51.100.1 tcp flags & (syn | ack) == syn counter comment "join to public"
	}
}
NFT
nfm_ns_exec server nft -f - <<'NFT'
table inet nfm_rx {
	chain in {
		type filter hook input priority filter; policy accept;
		tcp option mptcp subtype 3 counter comment "add-addr"
	}
}
NFT
# nf_nat_mptcp would translate the private address: these tests are about the policy alone
modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)

add_addr_arrived() { nfm_nft_counter server inet nfm_rx in add-addr; }
stat() { nfm_stat "$1"; }
joins_to() { nfm_nft_counter router inet nfm_fw forward "join to $1"; }

EVENTS=$NFM_TMP/events.json
nfm_monitor_start "$EVENTS"

# announce LABEL: a transfer during which the client announces both addresses
announce() {
	local a0 p0 q0
	a0=$(nfm_nstat server MPTcpExtAddAddr)
	p0=$(joins_to private)
	q0=$(joins_to public)
	# public first: 6.12 announces the next address only once the previous
	# one was echoed or its retransmissions ran out
	nfm_ns_exec client ip mptcp endpoint add "$PUBLIC" dev c2 signal
	nfm_ns_exec client ip mptcp endpoint add 10.0.2.1 dev c2 signal
	if nfm_xfer -s 1M -t 60 -w 5; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	nfm_ns_exec client ip mptcp endpoint flush
	ADDS=$(( $(nfm_nstat server MPTcpExtAddAddr) - a0 ))
	PRIV=$(( $(joins_to private) - p0 ))
	PUB=$(( $(joins_to public) - q0 ))
	nfm_log "$1: the server received $ADDS ADD_ADDR; joins toward 10.0.2.1: $PRIV, toward $PUBLIC: $PUB"
}

announce "add-addr pass"
nfm_check "add-addr pass: both announcements reached the server ($ADDS)" [ "$ADDS" -ge 2 ]
nfm_check "add-addr pass: the server joined the private address" [ "$PRIV" -ge 1 ]
nfm_check "add-addr pass: the server joined the public address" [ "$PUB" -ge 1 ]

pol0=$(stat policy_add_addr)
nfm_ns_exec router nfmptcp config add-addr strip-private >/dev/null ||
	nfm_fail "config add-addr strip-private" "nfmptcp config failed"
announce "add-addr strip-private"
nfm_check "add-addr strip-private: the public announcement reached the server ($ADDS)" [ "$ADDS" -ge 1 ]
nfm_check "add-addr strip-private: the server never joined the private address" [ "$PRIV" -eq 0 ]
nfm_check "add-addr strip-private: the server joined the public address" [ "$PUB" -ge 1 ]
nfm_check "add-addr strip-private: counted policy-add-addr" [ "$(stat policy_add_addr)" -gt "$pol0" ]

nfm_ns_exec router nfmptcp config add-addr strip >/dev/null
announce "add-addr strip"
nfm_check "add-addr strip: no announcement reached the server" [ "$ADDS" -eq 0 ]
nfm_check "add-addr strip: no join toward either address" [ "$((PRIV + PUB))" -eq 0 ]
nfm_ns_exec router nfmptcp config add-addr pass >/dev/null

# add-addr-bad-hmac: inject, from the client's side, an ADD_ADDR with a wrong
# HMAC into the connection's subflow once it is idle, exactly in sequence (no
# NAT needed for that)
nfm_ns_exec router nft delete table ip nfm_nat
# inject LABEL [HOLD]: inject once the subflow is idle, HOLD seconds after the
# data (default 4: the connection is open; 0: it has closed)
inject() {
	local r0 a0 b0 forge
	r0=$(add_addr_arrived)
	a0=$(nfm_nstat server MPTcpExtAddAddr)
	b0=$(stat add_addr_bad_hmac)
	# listening before the connection exists: it must see the data phase end
	nfm_ns_exec client mptcp_forge -s 10.0.1.1 -S 0 -d 10.0.3.1 -p "$((NFM_PORT + 1))" \
		-X auto -a 203.0.113.9 -t 20000 >"$NFM_TMP/forge.out" 2>&1 &
	forge=$!
	sleep 0.5
	nfm_xfer -s 2M -t 60 -w "${2:-4}" &
	xfer=$!
	NFM_PORT=$((NFM_PORT + 1))	# the background nfm_xfer advanced only its own copy
	wait "$forge"
	nfm_log "$1: $(cat "$NFM_TMP/forge.out")"
	wait "$xfer" || nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	BAD=$(( $(stat add_addr_bad_hmac) - b0 ))
	SRV_RX=$(( $(add_addr_arrived) - r0 ))
	SRV_ADD=$(( $(nfm_nstat server MPTcpExtAddAddr) - a0 ))
	nfm_log "$1: the router saw $BAD bad HMACs; $SRV_RX ADD_ADDR arrived at the server, it accepted $SRV_ADD"
}
inject "add-addr-bad-hmac pass"
nfm_check "add-addr-bad-hmac pass: the router saw the wrong HMAC" [ "$BAD" -ge 1 ]
nfm_check "add-addr-bad-hmac pass: the forged ADD_ADDR reached the server" [ "$SRV_RX" -ge 1 ]
nfm_check "add-addr-bad-hmac pass: the server did not accept it" [ "$SRV_ADD" -eq 0 ]
pol0=$(stat policy_add_addr_bad_hmac)
nfm_ns_exec router nfmptcp config add-addr-bad-hmac drop >/dev/null ||
	nfm_fail "config add-addr-bad-hmac drop" "nfmptcp config failed"
inject "add-addr-bad-hmac drop"
nfm_check "add-addr-bad-hmac drop: the router saw the wrong HMAC" [ "$BAD" -ge 1 ]
nfm_check "add-addr-bad-hmac drop: the forged ADD_ADDR never reached the server" \
	[ "$SRV_RX" -eq 0 -a "$SRV_ADD" -eq 0 ]
nfm_check "add-addr-bad-hmac drop: counted policy-add-addr-bad-hmac" \
	[ "$(stat policy_add_addr_bad_hmac)" -gt "$pol0" ]


{ nfm_ns_exec router nfmptcp config add-addr-bad-hmac pass &&
  nfm_ns_exec router nfmptcp config add-addr strip; } >/dev/null ||
	nfm_fail "config add-addr strip" "nfmptcp config failed"
pol0=$(stat policy_add_addr)
inject "add-addr strip after the close" 0
nfm_check "add-addr strip after the close: the announcement was sent" \
	grep -q "sent" "$NFM_TMP/forge.out"
nfm_check "add-addr strip after the close: it never reached the server" [ "$SRV_RX" -eq 0 ]
nfm_check "add-addr strip after the close: counted policy-add-addr" \
	[ "$(stat policy_add_addr)" -gt "$pol0" ]
nfm_ns_exec router nfmptcp config add-addr pass >/dev/null

nfm_monitor_stop
for pa in "add-addr strip-private" "add-addr strip" "add-addr-bad-hmac strip"; do
	set -- $pa
	nfm_check "monitor -j: a policy event $1 $2" \
		[ "$(nfm_policy_events "$EVENTS" "$1" "$2")" -ge 1 ]
done
priv_events() {
	jq -s --arg a "$1" '[.[] | select(.event == "policy" and .action == "strip-private") | tostring | select(contains($a))] | length' "$EVENTS"
}
nfm_check "monitor -j: strip-private named 10.0.2.1" [ "$(priv_events 10.0.2.1)" -ge 1 ]
nfm_check "monitor -j: strip-private never named $PUBLIC" [ "$(priv_events "$PUBLIC")" -eq 0 ]
nfm_check_dmesg
nfm_exit
