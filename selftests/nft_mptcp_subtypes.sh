#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_subtypes.sh - `mptcp subtypes has add-addr counter` counts an
# ADD_ADDR that is not the first MPTCP option of its segment, which stock
# nft's `tcp option mptcp subtype` (the first MPTCP option only) cannot:
# mptcp_forge injects into the idle subflow of a real single-path connection
# one in-window ACK carrying a DSS, then an ADD_ADDR (its HMAC wrong: the
# server ignores it). The connection's own segments count for `has dss`.
# (Linux itself sends ADD_ADDR first, alone on its ACK: nft_mptcp_subflows.sh.)
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq mptcp_xfer mptcp_forge nfmptcp

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}
rule() { nfm_ns_exec router nfmptcp rule "$@"; }
packets() { nfm_rule_counter router inet m mp_fwd "$1"; }

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_load_module nft_mptcp || { nfm_fail "modprobe nft_mptcp" "failed"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }

nfm_ns_exec router nft -f - <<'NFT' || { nfm_fail "router ruleset" "nft failed"; nfm_exit; }
table inet m {
	chain mp_fwd {
		type filter hook forward priority 0; policy accept;
		tcp option mptcp subtype 3 counter comment "first-add-addr"
	}
}
NFT
rule add inet m mp_fwd mptcp subtypes has add-addr counter &&
rule add inet m mp_fwd mptcp subtypes has dss counter || { nfm_fail "mptcp rules" "not accepted"; nfm_exit; }

bad0=$(nfm_stat add_addr_bad_hmac)
NFM_PORT=$((NFM_PORT + 10))
# listening before the connection exists: it must see the data phase end
# (as policy_add_addr.sh), then answers the last segment in sequence
nfm_ns_exec client mptcp_forge -s 10.0.1.1 -S 0 -d 10.0.3.1 -p "$((NFM_PORT + 1))" \
	-X auto -D -a 203.0.113.9 -t 20000 >"$NFM_TMP/forge.out" 2>&1 &
forge=$!
sleep 0.5
nfm_xfer -s 256K -t 30 -w 4 &
xfer=$!
wait "$forge"; frc=$?
nfm_log "mptcp_forge: $(cat "$NFM_TMP/forge.out")"
wait "$xfer"; rc=$?

aa=$(packets 'mptcp subtypes has add-addr')
dss=$(packets 'mptcp subtypes has dss')
first=$(nfm_nft_counter router inet m mp_fwd first-add-addr)
bad=$(( $(nfm_stat add_addr_bad_hmac) - bad0 ))
nfm_log "has add-addr: $aa; first option add-addr (stock nft): $first; has dss: $dss; router add_addr_bad_hmac +$bad"
nfm_check "the forged ACK (DSS, then ADD_ADDR) was sent in sequence" [ "$frc" = 0 ]
nfm_check "the router tracked it: its ADD_ADDR's HMAC judged bad (+$bad)" [ "$bad" -ge 1 ]
nfm_check "'mptcp subtypes has add-addr' counted it, behind the DSS ($aa)" [ "${aa:-0}" = 1 ]
nfm_check "stock nft's first-option match did not ($first)" [ "$first" = 0 ]
nfm_check "'mptcp subtypes has dss' counted the connection's segments ($dss)" [ "${dss:-0}" -ge 10 ]
nfm_check "transfer byte-exact" [ "$rc" = 0 ]
nfm_check_dmesg
nfm_exit
