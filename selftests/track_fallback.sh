#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_fallback.sh - fallback to plain TCP is noticed, and limits hold.
#
# 1. A middlebox after our hook strips the MPTCP option from SYNs (nft
#    `reset tcp option mptcp`): the server answers without MP_CAPABLE, the
#    endpoints fall back, and the router records the connection as fallen
#    back at the SYN/ACK.
# 2. With max-conns 2, five parallel MPTCP connections: two are tracked, the
#    rest pass as plain conntrack traffic and are counted as table-full; all
#    transfers still succeed. max-subflows 1 stops joins from being tracked.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq mptcp_xfer nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

stat() {
	nfm_ns_exec router nfmptcp stats -j | jq ".$1"
}

# -- 1. option stripped on the SYN ------------------------------------------
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_strip {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp flags syn / syn,ack reset tcp option mptcp counter
	}
}
NFT
fb0=$(stat fallback)
NFM_PORT=$((NFM_PORT + 10))
if nfm_xfer -s 256K -t 60 -w 1; then
	nfm_pass "stripped SYN: transfer byte-exact"
else
	nfm_fail "stripped SYN: transfer byte-exact" "mptcp_xfer failed"
fi
nfm_check "stripped SYN: the endpoints fell back to TCP" \
	[ "$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" mptcp)" = 0 ]
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_log "$(jq -c '.[] | {state, end_reason, nsubflows}' <<<"$js")"
nfm_check "stripped SYN: router shows the connection as fallback at the SYN/ACK" \
	[ "$(jq -r '.[0] | "\(.state) \(.end_reason)"' <<<"$js")" = "fallback fallback-synack" ]
nfm_check "stripped SYN: fallback counted" [ "$(stat fallback)" -gt "$fb0" ]
nfm_check "stripped SYN: subflow verdict fallback" \
	[ "$(jq -r '.[0].subflows[0].verdict' <<<"$js")" = fallback ]
nfm_ns_exec router nft delete table inet nfm_strip

# -- 2. limits ----------------------------------------------------------------
nfm_ns_exec router nfmptcp flush
nfm_ns_exec router nfmptcp config max-conns 2
nfm_ns_exec router nfmptcp config max-subflows 1
full0=$(stat table_full)
ed0=$(stat early_drop)
sfl0=$(stat sf_limit)
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 64K -P 5 -t 60 -w 4 &
xfer=$!
sleep 3
n=$(nfm_ns_exec router nfmptcp show -j | jq length)
nfm_check "max-conns 2: only 2 of 5 connections tracked (saw $n)" [ "$n" -eq 2 ]
# a connection still in its handshake may be evicted for a newer one (early drop)
nfm_check "max-conns 2: the other 3 counted as table-full or early-drop" \
	[ $(( $(stat table_full) + $(stat early_drop) )) -ge $((full0 + ed0 + 3)) ]
nfm_check "max-subflows 1: joins not tracked, counted" [ "$(stat sf_limit)" -gt "$sfl0" ]
nfm_check "max-subflows 1: tracked connections keep one subflow" \
	[ "$(nfm_ns_exec router nfmptcp show -j | jq '[.[].nsubflows] | max')" -eq 1 ]
if wait "$xfer"; then
	nfm_pass "limits: untracked connections still work, byte-exact"
else
	nfm_fail "limits: untracked connections still work" "mptcp_xfer failed"
fi

nfm_check_dmesg
nfm_exit
