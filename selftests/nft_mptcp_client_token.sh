#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_client_token.sh - on a router forwarding MPTCP connections A and B
# (IPv4, two subflows each) and C (IPv6, one subflow), rules of an inet table
# written with `nfmptcp rule`:
#  - `mptcp client-token T counter`, T read from `nfmptcp show -j`, counts
#    exactly connection A's packets while B and C transfer beside it: equal to
#    the counters of rules matching A's server port, added in the same
#    transaction while A was connected but held before sending (mptcp_xfer
#    -H), so that all three see the same packets;
#  - `ct mark set mptcp conn-id` marks every subflow's conntrack with its
#    connection's id (conntrack -L or /proc/net/nf_conntrack): A's alike,
#    B's alike, C's with C's, all three different.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq pkill mptcp_xfer nfmptcp

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}
rule() { nfm_ns_exec router nfmptcp rule "$@"; }
packets() { nfm_rule_counter router inet m mp_fwd "$1"; }
# the router's conntrack marks of the subflows to server port $1, one per line
marks() {
	if nfm_ns_exec router sh -c 'command -v conntrack' >/dev/null; then
		nfm_ns_exec router conntrack -L -p tcp --dport "$1" 2>/dev/null
	else
		# /proc/net follows the reader's netns
		nfm_ns_exec router grep "dport=$1 " /proc/net/nf_conntrack
	fi | grep -o 'mark=[0-9]*' | cut -d= -f2
}

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_load_module nft_mptcp || { nfm_fail "modprobe nft_mptcp" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

nfm_ns_exec router nft -f - <<'NFT' || { nfm_fail "router ruleset" "nft failed"; nfm_exit; }
table inet m {
	chain mp_fwd {
		type filter hook forward priority 0; policy accept;
	}
}
NFT
rule add inet m mp_fwd ct mark set mptcp conn-id || { nfm_fail "mptcp rules" "not accepted"; nfm_exit; }

# connection A: connected, then held before its first byte (-H); both
# connections wait for their join after the first send (-J 2)
NFM_PORT=$((NFM_PORT + 10))
porta=$((NFM_PORT + 1))
nfm_xfer -s 64K -t 30 -- -H -J 2 &
xa=$!
NFM_PORT=$((NFM_PORT + 10))
portb=$((NFM_PORT + 1))
portc=$((NFM_PORT + 11))
for _ in $(seq 100); do
	a=$(nfm_ns_exec router nfmptcp show -j 2>/dev/null |
		jq -c --argjson p "$porta" '[.[] | select(.state == "established" and
			any(.subflows[]; .dport == $p))] | .[0] // empty')
	[ -n "$a" ] && [ "$(jq -r '.token_client // empty' <<<"$a")" ] && break
	sleep 0.2
done
tok=$(jq -r '.token_client // empty' <<<"$a")
ida=$(jq -r '.id // empty' <<<"$a")
nfm_check "connection A is established and held (token ${tok:-none}, id ${ida:-none})" [ -n "$tok" ]

# the token rule and A's reference rules, in one transaction; B's to show it passed here
cat >"$NFM_TMP/rules" <<EOF
add inet m mp_fwd mptcp client-token $tok counter
add inet m mp_fwd tcp dport $porta counter
add inet m mp_fwd tcp sport $porta counter
add inet m mp_fwd tcp dport $portb counter
EOF
nfm_check "client-token and reference rules added in one transaction" rule -f "$NFM_TMP/rules"
nfm_xfer -s 1M -t 30 -- -J 2 &
xb=$!
NFM_PORT=$((NFM_PORT + 10))
# the client's second path is an IPv4 endpoint: C stays on one subflow
nfm_xfer -s 256K -t 30 -a fd00:3::1 &
xc=$!
nfm_xfer_signal "$porta"
wait "$xb"; rcb=$?
wait "$xc"; rcc=$?
wait "$xa"; rca=$?
nfm_check "all three transfers byte-exact (A $rca, B $rcb, C $rcc)" [ "$rca$rcb$rcc" = 000 ]

ct=$(packets "mptcp client-token 0x$tok")
ref=$(( $(packets "tcp dport $porta") + $(packets "tcp sport $porta") ))
b=$(nfm_rule_counter router inet m mp_fwd "tcp dport $portb" bytes)
nfm_log "client-token 0x$tok: $ct packets; A's ports: $ref; B's bytes to the server: $b"
# segments are counted as GRO merged them: bytes, not packets
nfm_check "B's 1M went through the same chain ($b bytes toward the server)" [ "${b:-0}" -ge 1048576 ]
nfm_check "client-token counter counted A's packets ($ct)" [ "${ct:-0}" -ge 10 ]
nfm_check "client-token counter = A's packets exactly, none of B's or C's ($ct = $ref)" \
	[ "$ct" = "$ref" ]

# id of the connection to server port $1
conn_id() {
	nfm_ns_exec router nfmptcp show -j |
		jq -r --argjson p "$1" '[.[] | select(any(.subflows[]; .dport == $p))] | .[0].id // empty'
}
ma=$(marks "$porta" | sort -u)
mb=$(marks "$portb" | sort -u)
mc=$(marks "$portc" | sort -u)
na=$(marks "$porta" | wc -l)
nb=$(marks "$portb" | wc -l)
nc=$(marks "$portc" | wc -l)
idb=$(conn_id "$portb")
idc=$(conn_id "$portc")
nfm_log "marks: A $na conntracks $(echo $ma) (id $ida), B $nb $(echo $mb) (id $idb), C $nc $(echo $mc) (id $idc)"
nfm_check "A's conntracks ($na, 2 subflows) all marked with A's id $ida" [ "$na $ma" = "2 $ida" ]
nfm_check "B's conntracks ($nb, 2 subflows) all marked with B's id ${idb:-none}" [ "$nb $mb" = "2 $idb" ]
nfm_check "C's IPv6 conntrack ($nc) marked with C's id ${idc:-none}" [ "$nc $mc" = "1 $idc" ]
nfm_check "different connections, different marks ($ma, $mb, $mc)" \
	[ "$(printf '%s\n' "$ma" "$mb" "$mc" | sort -u | wc -l)" = 3 ]

nfm_check_dmesg
nfm_exit
