#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_verdict.sh - `mptcp verdict` rules on a router beside a real
# single-path MPTCP connection (as track_joins.sh, so that the server accepts
# the forged join):
#  - `mptcp verdict unknown-token counter` on SYNs counts a forged MP_JOIN SYN
#    with a random token;
#  - `mptcp verdict bad-hmac counter drop` drops the third ACK of a forged join
#    (right token, wrong HMAC, from mptcp_forge -A) although the module
#    withdraws that join for it: the server never sees the wrong HMAC (its
#    MPTcpExtJoinAckHMacFailure stays where it was);
#  - `mptcp verdict valid counter` counts the real subflow's packets and the
#    transfer completes (valid joins under a verdict rule: nft_mptcp_subflows.sh).
# The real connection is held open (-w, ended by SIGUSR1) until the forged
# joins are done: a join to a connection that has ended gets no SYN/ACK.
# Rules are written with `nfmptcp rule`.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat ss mptcp_xfer mptcp_forge nfmptcp

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}
rule() { nfm_ns_exec router nfmptcp rule "$@"; }
# packets counted by the (one) verdict rule of chain $1
counter() { nfm_rule_counter router ip m "$1" 'mptcp verdict'; }

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_load_module nft_mptcp || { nfm_fail "modprobe nft_mptcp" "failed"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }

nfm_ns_exec router nft -f - <<'NFT' || { nfm_fail "router ruleset" "nft failed"; nfm_exit; }
table ip m {
	chain mp_fwd {
		type filter hook forward priority 0; policy accept;
		tcp flags & (syn | ack | rst) == syn jump mp_syns
		meta l4proto tcp jump mp_bad
		meta l4proto tcp jump mp_good
	}
	chain mp_syns {
	}
	chain mp_bad {
	}
	chain mp_good {
	}
}
NFT
rule add ip m mp_syns mptcp verdict unknown-token counter &&
rule add ip m mp_bad mptcp verdict bad-hmac counter drop &&
rule add ip m mp_good mptcp verdict valid counter || { nfm_fail "mptcp rules" "not accepted"; nfm_exit; }

NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
nfm_xfer -s 1M -t 90 -w 80 &
xfer=$!
for _ in $(seq 60); do
	[ "$(nfm_ns_exec router nfmptcp show -j 2>/dev/null |
		jq '[.[] | select(.state == "established") | .subflows[] | select(.verdict == "valid")] | length')" = 1 ] && break
	sleep 0.2
done
stok=$(nfm_ns_exec server ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
nfm_check "a real connection is established (server token ${stok:-none})" [ -n "$stok" ]

# 1. random token
rand=$(printf '%08x' $(( (RANDOM << 16 | RANDOM) ^ 0x5a5a5a5a )))
[ "$rand" = "$(printf '%08x' "0x$stok")" ] && rand=$(printf '%08x' $((0x$rand ^ 1)))
u0=$(counter mp_syns)
nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d 10.0.3.1 -p "$port" -k "$rand" >/dev/null
sleep 0.5
u1=$(counter mp_syns)
nfm_check "forged join SYN with a random token counted by 'verdict unknown-token' ($u0 -> $u1)" \
	[ "$u1" -gt "$u0" ]

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
hf0=$(nfm_nstat server MPTcpExtJoinAckHMacFailure)
bad0=$(nfm_stat join_bad_hmac)
b0=$(counter mp_bad)
nfm_check "forged join (right token, wrong HMAC) got the SYN/ACK and sent its third ACK" \
	nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d 10.0.3.1 -p "$port" -S "$fport" -k "$stok" -A -t 15000
sleep 0.5
b1=$(counter mp_bad)
hf1=$(nfm_nstat server MPTcpExtJoinAckHMacFailure)
nfm_log "bad-hmac drops $b0 -> $b1; router join_bad_hmac $bad0 -> $(nfm_stat join_bad_hmac); server JoinAckHMacFailure $hf0 -> $hf1"
nfm_check "the router judged the join's HMAC bad" [ "$(nfm_stat join_bad_hmac)" -gt "$bad0" ]
nfm_check "'verdict bad-hmac drop' dropped the forged third ACK ($b0 -> $b1)" [ "$b1" -gt "$b0" ]
nfm_check "the server never saw the wrong HMAC ($hf0 -> $hf1)" [ "$hf1" = "$hf0" ]

nfm_xfer_signal "$port"
wait "$xfer"; rc=$?
nfm_check "real transfer byte-exact, the real subflow passed" [ "$rc" = 0 ]
nfm_check "'verdict valid' counted the real subflow's packets ($(counter mp_good))" \
	[ "$(counter mp_good)" -ge 10 ]
nfm_check_dmesg
nfm_exit
