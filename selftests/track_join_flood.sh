#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_join_flood.sh - a token is sent in clear, so joins carrying it are
# admitted RELATED only while the connection has free subflow slots.
#
# A default-deny firewall lets in only new flows from the client side plus
# `ct state established,related`. The client announces 10.0.2.1 port 10100,
# so a join toward it from the server side is one the firewall must admit as
# RELATED. While a real connection runs, $FLOOD MP_JOIN SYNs with its client
# token come from spoofed sources behind the server toward that address: at
# most the free slots (max-subflows minus subflows, minus admissions still
# waiting for their SYN/ACK) reach the client; the rest are counted
# join-related-full and dropped by the firewall; the transfer completes.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat ss mptcp_xfer mptcp_forge nfmptcp

FLOOD=${NFM_T_FLOOD:-300}
MAXSF=4

nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client ip mptcp endpoint add 10.0.2.1 dev c2 signal port 10100
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		iifname { "r1", "r2" } ct state new counter accept
		counter comment "dropped"
	}
}
NFT
nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_ns_exec router nfmptcp config max-subflows $MAXSF
stat() {
	nfm_ns_exec router nfmptcp stats -j | jq ".$1"
}

nfm_xfer -s 2M -t 120 -w 10 &
xfer=$!
# wait until the server's own join to 10.0.2.1:10100 is in: 2 subflows
n=0
for _ in $(seq 100); do
	n=$(nfm_ns_exec router nfmptcp show -j | jq '[.[] | select(.state == "established") | .nsubflows] | max // 0')
	[ "$n" -ge 2 ] && break
	sleep 0.2
done
nfm_check "the real connection has its 2 subflows (initial + server's join)" [ "$n" -eq 2 ]
ctok=$(nfm_ns_exec client ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
nfm_check "client token read from ss (${ctok:-none})" [ -n "$ctok" ]

related0=$(stat join_related)
full0=$(stat join_related_full)
rx0=$(nfm_nstat client MPTcpExtMPJoinSynRx)
# sources 10.0.3.10 and up: spoofed, on the server's side of the router
nfm_ns_exec server mptcp_forge -s 10.0.3.10 -d 10.0.2.1 -p 10100 -k "${ctok:-0}" -n "$FLOOD" >/dev/null
sleep 1
related=$(( $(stat join_related) - related0 ))
full=$(( $(stat join_related_full) - full0 ))
rx=$(( $(nfm_nstat client MPTcpExtMPJoinSynRx) - rx0 ))
free=$((MAXSF - 2))
nfm_log "flood of $FLOOD: $related made RELATED, $full refused (no slot), client received $rx join SYNs"
nfm_check "at most the $free free slots admitted RELATED ($related)" [ "$related" -le $free ]
nfm_check "the rest counted as join-related-full ($full)" [ "$full" -ge $((FLOOD - free)) ]
nfm_check "at most $free forged join SYNs reached the client ($rx)" [ "$rx" -le $free ]

if wait "$xfer"; then
	nfm_pass "the real transfer completed byte-exact during the flood"
else
	nfm_fail "the real transfer completed byte-exact during the flood" "mptcp_xfer failed"
fi
nfm_check_dmesg
nfm_exit
