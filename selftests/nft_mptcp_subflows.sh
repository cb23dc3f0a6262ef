#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_subflows.sh - "mptcp" expression rules on a router forwarding real
# MPTCP traffic (client with two paths, server announcing a second address):
#  - `mptcp subflow initial|join counter` on SYNs equal the subflows of the
#    connection (1 initial, 2 joins, as nfmptcp show and the client report them);
#  - `mptcp subtypes has add-addr counter` counts the server's ADD_ADDR;
#  - `mptcp subflow join mptcp verdict valid counter` counts the joins'
#    packets once their HMACs were checked: valid joins pass;
#  - `ct mark set mptcp conn-id` gives every subflow's conntrack the
#    connection's id as mark;
#  - `mptcp subflows gt 2 counter drop` on SYNs: the next connection ends with
#    2 subflows, its transfer completes, the counter shows the drops.
# Rules are written with `nfmptcp rule`.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq mptcp_xfer nfmptcp

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}
rule() { nfm_ns_exec router nfmptcp rule "$@"; }
# packets counted by the rules of chain $1 whose text starts with $2
packets() { nfm_rule_counter router inet m "$1" "$2"; }

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_load_module nft_mptcp || { nfm_fail "modprobe nft_mptcp" "failed"; nfm_exit; }
nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }

nfm_ns_exec router nft -f - <<'NFT' || { nfm_fail "router ruleset" "nft failed"; nfm_exit; }
table inet m {
	chain mp_fwd {
		type filter hook forward priority 0; policy accept;
		tcp flags & (syn | ack | rst) == syn jump mp_syns
		meta l4proto tcp jump mp_all
	}
	chain mp_syns {
	}
	chain mp_all {
		tcp option mptcp subtype 3 counter comment "first-add-addr"
	}
}
NFT
rule add inet m mp_syns mptcp subflow initial counter &&
rule add inet m mp_syns mptcp subflow join counter &&
rule add inet m mp_all mptcp subtypes has add-addr counter &&
rule add inet m mp_all mptcp subflow join mptcp verdict valid counter &&
rule add inet m mp_all ct mark set mptcp conn-id || { nfm_fail "mptcp rules" "not accepted"; nfm_exit; }

# 1. one connection, held open so that its state can be read
NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
nfm_xfer -s 512K -t 60 -w 6 &
xfer=$!
sel='[.[] | select(.state != "closed")]'
for _ in $(seq 60); do
	js=$(nfm_ns_exec router nfmptcp show -j 2>/dev/null)
	[ "$(jq "$sel | .[0].subflows // [] | map(select(.established)) | length" <<<"$js")" -ge 3 ] 2>/dev/null && break
	sleep 0.2
done
js=$(jq "$sel" <<<"$js")
nfm_log "router: $(jq -c '.[] | {id, nsubflows, subflows: [.subflows[] | {join, verdict}]}' <<<"$js")"
joins=$(jq '[.[0].subflows[] | select(.join)] | length' <<<"$js")
initials=$(jq '[.[0].subflows[] | select(.join | not)] | length' <<<"$js")
id=$(jq '.[0].id' <<<"$js")
nfm_check "the connection has 1 initial subflow and 2 joins" [ "$initials $joins" = "1 2" ]
nfm_check "mptcp subflow initial counter = initial subflows ($initials)" \
	[ "$(packets mp_syns 'mptcp subflow initial')" = "$initials" ]
nfm_check "mptcp subflow join counter = joins ($joins)" \
	[ "$(packets mp_syns 'mptcp subflow join')" = "$joins" ]
# the router's own conntrack table (/proc/net follows the reader's netns)
marks=$(nfm_ns_exec router grep "dport=$port " /proc/net/nf_conntrack 2>/dev/null |
	grep -o 'mark=[0-9]*' | sort | uniq -c)
nfm_log "conntrack marks for port $port: $(echo $marks)"
nfm_check "every subflow's conntrack is marked with the connection id $id" \
	[ "$(echo $marks)" = "3 mark=$id" ]
wait "$xfer"; rc=$?
nfm_check "transfer byte-exact under the mptcp rules" [ "$rc" = 0 ]
# the client's own count (MPTCP_INFO, read after its hold)
csub=$(nfm_report_get "$NFM_TMP/client.$port" max_subflows)
nfm_check "the client reports as many subflows as the counters ($csub = $initials + $joins)" \
	[ "${csub:-0}" = "$((initials + joins))" ]
aa=$(packets mp_all 'mptcp subtypes has add-addr')
first=$(nfm_nft_counter router inet m mp_all first-add-addr)
nfm_log "ADD_ADDR packets: $aa (mptcp subtypes), $first with ADD_ADDR as first MPTCP option (stock nft)"
nfm_check "mptcp subtypes has add-addr counted the server's ADD_ADDR ($aa)" [ "${aa:-0}" -ge 1 ]
nfm_check "... every one stock nft's first-option match saw ($aa >= $first)" [ "${aa:-0}" -ge "$first" ]
valid=$(packets mp_all 'mptcp subflow join mptcp verdict valid')
nfm_check "'mptcp subflow join mptcp verdict valid' counted the joins' packets ($valid)" \
	[ "${valid:-0}" -ge "$joins" ]

# 3. subflow limit: joins that would make a third subflow are dropped
rule add inet m mp_syns mptcp subflows gt 2 counter drop
NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
nfm_xfer -s 512K -t 60 -w 4 &
xfer=$!
sleep 3
js=$(nfm_ns_exec router nfmptcp show -j)
n=$(jq --argjson p "$port" '[.[] | select(.state != "closed") | .subflows[] | select(.dport == $p)] | length' <<<"$js")
wait "$xfer"; rc=$?
drops=$(packets mp_syns 'mptcp subflows > 2')
nfm_log "limited connection: $n subflows, $drops SYNs dropped"
nfm_check "limited connection has at most 2 subflows ($n)" [ "${n:-9}" -le 2 ]
nfm_check "transfer byte-exact despite the dropped joins" [ "$rc" = 0 ]
nfm_check "the subflows rule counted the dropped join SYNs ($drops)" [ "${drops:-0}" -ge 1 ]
nfm_check_dmesg
nfm_exit
