#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_local.sh - locally terminated traffic is tracked too: the client's and
# the server's own namespaces (OUTPUT for what they send, PREROUTING for what
# they receive) each map the connection's subflows, with the same tokens as
# the router in between. Every netns keeps its own table.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq mptcp_xfer nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }

NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 256K -t 60 -w 5 &
xfer=$!
for _ in $(seq 50); do
	n=$(nfm_ns_exec server nfmptcp show -j | jq '[.[] | .subflows[] | select(.established)] | length')
	[ "${n:-0}" -ge 3 ] && break
	sleep 0.2
done

declare -A tokens
for ns in client server router; do
	js=$(nfm_ns_exec $ns nfmptcp show -j)
	nfm_log "$ns: $(jq -c '.[] | {state, token_client, token_server, nsubflows}' <<<"$js")"
	nfm_check "$ns: one connection with 3 valid subflows" \
		[ "$(jq '[.[] | select(.nsubflows == 3 and ([.subflows[] | select(.verdict == "valid")] | length) == 3)] | length' <<<"$js")" = 1 ]
	tokens[$ns]=$(jq -r '.[0] | "\(.token_client)/\(.token_server)"' <<<"$js")
done
nfm_check "client, server and router agree on the tokens (${tokens[router]})" \
	[ "${tokens[client]} ${tokens[server]}" = "${tokens[router]} ${tokens[router]}" ]
nfm_check "the server's own table shows the client as opener of every subflow" \
	[ "$(nfm_ns_exec server nfmptcp show -j | jq '[.[0].subflows[] | select(.opener != "client")] | length')" = 0 ]
if wait "$xfer"; then
	nfm_pass "transfer byte-exact"
else
	nfm_fail "transfer byte-exact" "mptcp_xfer failed"
fi
nfm_check_dmesg
nfm_exit
