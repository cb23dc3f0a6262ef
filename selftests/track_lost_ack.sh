#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_lost_ack.sh - the MP_CAPABLE third ACK never reaches the router's
# tracker (dropped at raw priority, before conntrack): the v1 client key then
# first appears on the client's first data packet (MP_CAPABLE of length 22,
# RFC 8684 §3.1). The router must learn both keys there: the connection is
# established with the endpoints' tokens and its join verifies.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq ss mptcp_xfer nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
# an ACK whose (first) MPTCP option has length 20 is the MP_CAPABLE third
# ACK: the first data packet's is 22, and no DSS form is 20 bytes without checksums
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_lose {
	chain pre {
		type filter hook prerouting priority raw - 10; policy accept;
		tcp flags & (syn | ack | fin | rst) == ack tcp option mptcp length 20 \
			counter drop comment "third ack"
	}
}
NFT

NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 256K -t 60 -w 5 &
xfer=$!
js='[]'
for _ in $(seq 50); do
	js=$(nfm_ns_exec router nfmptcp show -j)
	[ "$(jq '[.[] | .subflows[] | select(.join and .established)] | length' <<<"$js")" -ge 1 ] && break
	sleep 0.2
done
ctok=$(nfm_ns_exec client ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
stok=$(nfm_ns_exec server ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
[ -n "$ctok" ] && ctok=$(printf '%08x' "0x$ctok")
[ -n "$stok" ] && stok=$(printf '%08x' "0x$stok")
dropped=$(nfm_ns_exec router nft -j list chain inet nfm_lose pre |
	jq '[.nftables[] | .rule? | select(.comment == "third ack") | .expr[] | .counter? | select(.) | .packets] | add')
nfm_log "third ACKs dropped: $dropped; $(jq -c '.[] | {state, token_client, token_server, nsubflows}' <<<"$js")"

nfm_check "the MP_CAPABLE third ACK was dropped before the tracker" [ "${dropped:-0}" -ge 1 ]
nfm_check "connection established from the first data packet's keys" \
	[ "$(jq -r '.[0].state' <<<"$js")" = established ]
nfm_check "client token equals the client's own (${ctok:-none})" \
	[ "$(jq -r '.[0].token_client' <<<"$js")" = "${ctok:-none}" ]
nfm_check "server token equals the server's own (${stok:-none})" \
	[ "$(jq -r '.[0].token_server' <<<"$js")" = "${stok:-none}" ]
nfm_check "the join verified with those keys" \
	[ "$(jq '[.[0].subflows[] | select(.join and .verdict == "valid")] | length' <<<"$js")" -ge 1 ]
if wait "$xfer"; then
	nfm_pass "transfer byte-exact"
else
	nfm_fail "transfer byte-exact" "mptcp_xfer failed"
fi
nfm_check_dmesg
nfm_exit
