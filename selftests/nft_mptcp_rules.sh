#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_rules.sh - the nf_tables "mptcp" expression as a rule component:
# a rule using it autoloads nft_mptcp, is dumped back with its key and its
# counter, works in ip, ip6 and inet tables, keeps `rmmod nft_mptcp` (and
# `rmmod nf_conntrack_mptcp`, whose state it reads) refused while in use, and
# an unknown key is refused with EOPNOTSUPP. No traffic needed.
# Rules are written with the test-only tools/nft_mptcp_rule.py until
# `nfmptcp rule` replaces it.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft python3 nft_mptcp_rule.py

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}

rule() { nfm_ns_exec router nft_mptcp_rule.py "$@"; }
fails() { ! "$@"; }

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_module_loaded nft_mptcp && { modprobe -r nft_mptcp || nfm_skip_all "nft_mptcp in use outside this test"; }
nfm_ns_create router || { nfm_fail "netns" "setup failed"; nfm_exit; }

for fam in ip ip6 inet; do
	nfm_ns_exec router nft -f - <<NFT || { nfm_fail "nft table $fam t" "failed"; nfm_exit; }
table $fam t {
	chain mp_fwd { type filter hook forward priority 0; policy accept; }
}
NFT
done

nfm_check "ip rule 'mptcp subflows gt 2 counter drop' accepted" \
	rule add ip t mp_fwd subflows gt 2 counter drop
nfm_check "the expression autoloaded nft_mptcp" nfm_module_loaded nft_mptcp
out=$(rule list ip t mp_fwd)
nfm_log "ip t mp_fwd: $out"
nfm_check "the rule is dumped back with its key and a zero counter" \
	grep -qx 'handle [0-9]* mptcp=subflows packets 0 bytes 0' <<<"$out"
nfm_check "ip6 rule 'mptcp verdict eq bad-hmac counter drop' accepted" \
	rule add ip6 t mp_fwd verdict eq bad-hmac counter drop
nfm_check "inet rule 'mptcp subtypes has add-addr counter' accepted" \
	rule add inet t mp_fwd subtypes has add-addr counter
nfm_check "inet rule 'ct mark set mptcp conn-id' accepted" \
	rule add inet t mp_fwd conn-id ctmark
nfm_check "ip6 rule dumped back" [ "$(rule list ip6 t mp_fwd | grep -c mptcp=verdict)" = 1 ]
nfm_check "both inet rules dumped back" \
	[ "$(rule list inet t mp_fwd | grep -c 'mptcp=subtypes\|mptcp=conn-id')" = 2 ]

# unknown key: the kernel refuses it, nothing is added
err=$(rule add ip t mp_fwd 99 eq 1 counter 2>&1)
rc=$?
nfm_log "key 99: $err"
nfm_check "unknown key 99 refused with EOPNOTSUPP (exit $rc)" grep -q 'errno=95' <<<"$err"
nfm_check "the refused rule was not added" [ "$(rule list ip t mp_fwd | wc -l)" = 1 ]
err=$(rule add ip t mp_fwd "$((1 << 31))" counter 2>&1)
nfm_check "key 2^31 refused with EOPNOTSUPP" grep -q 'errno=95' <<<"$err"

# module references: as for any nf_tables expression, rules pin the module
nfm_check "rmmod nft_mptcp refused while rules use it" fails rmmod nft_mptcp 2>/dev/null
nfm_check "rmmod nf_conntrack_mptcp refused while nft_mptcp uses it" \
	fails rmmod nf_conntrack_mptcp 2>/dev/null

# delete every mptcp rule by handle: then the module can go
for fam in ip ip6 inet; do
	for h in $(rule list $fam t mp_fwd | awk '{ print $2 }'); do
		rule delete $fam t mp_fwd "$h" || nfm_log "delete $fam handle $h failed"
	done
done
nfm_check "all mptcp rules deleted" \
	[ -z "$(rule list ip t mp_fwd)$(rule list ip6 t mp_fwd)$(rule list inet t mp_fwd)" ]
# the rules' release (and its module put) runs after the commit, asynchronously
for _ in $(seq 20); do rmmod nft_mptcp 2>/dev/null && break; sleep 0.2; done
nfm_check "rmmod nft_mptcp succeeds once no rule uses it" fails nfm_module_loaded nft_mptcp
nfm_check_dmesg
nfm_exit
