#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_joins.sh - joins are judged: a forged MP_JOIN SYN with a random token
# is "unknown token", a join with the right token but a wrong HMAC is
# "bad HMAC", and neither disturbs the real connection's transfer.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip ss nft jq mptcp_xfer mptcp_forge nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }

stat() {
	nfm_ns_exec router nfmptcp stats -j | jq -r ".\"$1\""
}

NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
# held open until the forged joins are done (SIGUSR1 below): a join to a
# connection that has ended gets no SYN/ACK, and a slow machine took 8 s
nfm_xfer -s 2M -t 300 -w 280 &
xfer=$!
for _ in $(seq 100); do
	[ "$(nfm_ns_exec router nfmptcp show -j | jq '[.[] | select(.state == "established")] | length')" = 1 ] && break
	sleep 0.2
done
stok=$(nfm_ns_exec server ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
nfm_check "a real connection is established (server token ${stok:-none})" [ -n "$stok" ]

# 1. random token: nobody on the router knows it
unknown0=$(stat join_unknown_token)
rand=$(printf '%08x' $(( (RANDOM << 16 | RANDOM) ^ 0x5a5a5a5a )))
[ "$rand" = "$(printf '%08x' "0x$stok")" ] && rand=$(printf '%08x' $((0x$rand ^ 1)))
nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d 10.0.3.1 -p "$port" -k "$rand" >/dev/null
sleep 0.5
nfm_check "forged MP_JOIN SYN with a random token counted as unknown token" \
	[ "$(stat join_unknown_token)" -gt "$unknown0" ]

# 2. right token, wrong HMAC-A on the third ACK. The client kernel would reset
# the forged subflow on seeing the SYN/ACK: keep it quiet for that port.
fport=$((40000 + RANDOM % 20000))
nfm_ns_exec client nft -f - <<NFT
table ip nfm_forge {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp sport $fport tcp flags rst drop
	}
}
NFT
bad0=$(stat join_bad_hmac)
wd0=$(stat join_withdrawn)
if nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d 10.0.3.1 -p "$port" -S "$fport" -k "$stok" -A -t 15000; then
	nfm_pass "forged join got the server's SYN/ACK and sent a wrong HMAC"
else
	nfm_fail "forged join got the server's SYN/ACK" "mptcp_forge failed"
fi
sleep 0.5
nfm_check "join with a wrong HMAC counted as bad HMAC" [ "$(stat join_bad_hmac)" -gt "$bad0" ]
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_log "$(jq -c '.[] | .subflows[] | {sport, verdict, join}' <<<"$js")"
# It was RELATED (right token, the server's own address and port): a failed
# HMAC takes that back by killing its conntrack, so it leaves the table.
nfm_check "the forged RELATED join was withdrawn (join-withdrawn counted)" \
	[ "$(stat join_withdrawn)" -gt "$wd0" ]
nfm_check "the withdrawn subflow is no longer on the real connection" \
	[ "$(jq --argjson p "$fport" '[.[] | .subflows[] | select(.sport == $p)] | length' <<<"$js")" = 0 ]
nfm_check "the real subflow is still valid" \
	[ "$(jq '[.[] | .subflows[] | select(.join == false and .verdict == "valid")] | length' <<<"$js")" = 1 ]

pkill -USR1 -f 'mptcp_xfer -c'
if wait "$xfer"; then
	nfm_pass "real transfer byte-exact despite the forged joins"
else
	nfm_fail "real transfer byte-exact despite the forged joins" "mptcp_xfer failed"
fi
nfm_check_dmesg
nfm_exit
