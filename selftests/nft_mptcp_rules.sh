#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft_mptcp_rules.sh - the nf_tables "mptcp" expression as a rule component,
# written with `nfmptcp rule`: a rule using it autoloads nft_mptcp, is listed
# back as it was added with its counter, works in ip, ip6 and inet tables,
# survives list -> delete -> re-add and list -f -> rule -f round trips, is
# refused in an ingress chain with a message that says why, keeps
# `rmmod nft_mptcp` (and `rmmod nf_conntrack_mptcp`, whose state it reads)
# refused while in use; an unknown key (sent raw by nl_fuzz -m nft-key, as
# nfmptcp rule cannot write one) is refused with EOPNOTSUPP. No traffic needed.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nfmptcp nl_fuzz

cleanup() {
	nfm_ns_exec router nft flush ruleset 2>/dev/null
	nfm_module_loaded nft_mptcp && modprobe -r nft_mptcp 2>/dev/null
}

rule() { nfm_ns_exec router nfmptcp rule "$@"; }
# the rules of a chain as `nfmptcp rule list` prints them, without handles
texts() { rule list "$@" | sed -n 's/^\t\t\(.*\) # handle [0-9]*$/\1/p'; }
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
	rule add ip t mp_fwd mptcp subflows gt 2 counter drop
nfm_check "the expression autoloaded nft_mptcp" nfm_module_loaded nft_mptcp
out=$(texts ip t mp_fwd)
nfm_log "ip t mp_fwd: $out"
nfm_check "the rule is listed back with its key and a zero counter" \
	[ "$out" = "mptcp subflows > 2 counter packets 0 bytes 0 drop" ]
nfm_check "ip6 rule 'mptcp verdict eq bad-hmac counter drop' accepted" \
	rule add ip6 t mp_fwd mptcp verdict eq bad-hmac counter drop
nfm_check "inet rule 'mptcp subtypes has add-addr counter' accepted" \
	rule add inet t mp_fwd mptcp subtypes has add-addr counter
nfm_check "inet rule 'mptcp subflow join ct mark set mptcp conn-id' accepted" \
	rule add inet t mp_fwd mptcp subflow join ct mark set mptcp conn-id
nfm_check "inet rule 'mptcp client-token { 0x1, 0xdeadbeef } mptcp version 1 counter' accepted" \
	rule add inet t mp_fwd mptcp client-token '{ 0x1, 0xdeadbeef }' mptcp version 1 counter
nfm_check "ip6 rule listed back" \
	[ "$(texts ip6 t mp_fwd)" = "mptcp verdict bad-hmac counter packets 0 bytes 0 drop" ]
inet_want='mptcp subtypes has add-addr counter packets 0 bytes 0
mptcp subflow join ct mark set mptcp conn-id
mptcp client-token { 0x00000001, 0xdeadbeef } mptcp version 1 counter packets 0 bytes 0'
inet_got=$(texts inet t mp_fwd)
nfm_log "inet t mp_fwd: $(echo "$inet_got" | tr '\n' '|')"
nfm_check "the inet rules listed back in order" [ "$inet_got" = "$inet_want" ]
# what Documentation/nft-mptcp.rst warns about: stock nft lists the table without them
stock_leaves_out() {
	local out
	out=$(nfm_ns_exec router nft list table inet t) || return 1
	grep -q 'chain mp_fwd' <<<"$out" && ! grep -qE 'mark|counter|mptcp' <<<"$out"
}
nfm_check "stock nft lists the table, silently without the mptcp rules" stock_leaves_out

# list -> delete -> re-add from the listed text: the same rules
for h in $(nfm_rule_handles router inet t mp_fwd); do
	txt=$(rule list inet t mp_fwd | sed -n "s/^\t\t\(.*\) # handle $h\$/\1/p")
	rule delete inet t mp_fwd handle "$h" || nfm_log "delete inet handle $h failed"
	# shellcheck disable=SC2086 # the listed text is the rule's words
	rule add inet t mp_fwd $txt || nfm_log "re-adding '$txt' failed"
done
nfm_check "every inet rule deleted and re-added from its listing is the same rule" \
	[ "$(texts inet t mp_fwd)" = "$inet_want" ]
# list -f -> flush -> rule -f: the saved chains come back
rule list -f >"$NFM_TMP/saved"
nfm_ns_exec router nft flush chain inet t mp_fwd
nfm_ns_exec router nft flush chain ip6 t mp_fwd
nfm_check "rule -f restores what list -f saved" rule -f "$NFM_TMP/saved"
nfm_check "restored inet chain as before" [ "$(texts inet t mp_fwd)" = "$inet_want" ]
nfm_check "restored ip6 chain as before" \
	[ "$(texts ip6 t mp_fwd)" = "mptcp verdict bad-hmac counter packets 0 bytes 0 drop" ]

# ingress runs before conntrack: refused, and the message says why
nfm_ns_exec router nft add chain inet t mp_in '{ type filter hook ingress device lo priority 0; }'
err=$(rule add inet t mp_in mptcp subflows gt 2 drop 2>&1)
rc=$?
nfm_log "ingress: $err"
nfm_check "a rule in an ingress chain refused, the message names ingress and the hooks that work" \
	nfm_rc_says "$rc" 1 "$err" "hooks ingress" "prerouting, input, forward, output and postrouting"
nfm_check "nothing added to the ingress chain" [ -z "$(texts inet t mp_in)" ]
# bad values: exit 2 naming the token, nothing added
err=$(rule add ip t mp_fwd mptcp verdict nice drop 2>&1)
rc=$?
nfm_check "a bad verdict name refused with exit 2, naming it ($err)" nfm_rc_says "$rc" 2 "$err" "'nice'"

# unknown key: the kernel refuses it, nothing is added
err=$(nfm_ns_exec router nl_fuzz -m nft-key -k 99 -F ip -t t -c mp_fwd 2>&1)
nfm_log "key 99: $err"
nfm_check "unknown key 99 refused with EOPNOTSUPP" grep -q '^refused: errno 95 ' <<<"$err"
nfm_check "the refused rules were not added" [ "$(texts ip t mp_fwd | wc -l)" = 1 ]
err=$(nfm_ns_exec router nl_fuzz -m nft-key -k "$((1 << 31))" -F ip -t t -c mp_fwd 2>&1)
nfm_check "key 2^31 refused with EOPNOTSUPP" grep -q '^refused: errno 95 ' <<<"$err"
# the raw path itself works: a known key sent the same way is taken
err=$(nfm_ns_exec router nl_fuzz -m nft-key -k 2 -F ip -t t -c mp_fwd 2>&1)
nfm_check "key 2 (subflows) sent the same way is accepted ($err)" [ "$err" = accepted ]

# module references: as for any nf_tables expression, rules pin the module
nfm_check "rmmod nft_mptcp refused while rules use it" fails rmmod nft_mptcp 2>/dev/null
nfm_check "rmmod nf_conntrack_mptcp refused while nft_mptcp uses it" \
	fails rmmod nf_conntrack_mptcp 2>/dev/null

# delete every mptcp rule by handle: then the module can go
for fam in ip ip6 inet; do
	for h in $(nfm_rule_handles router $fam t mp_fwd); do
		rule delete $fam t mp_fwd handle "$h" || nfm_log "delete $fam handle $h failed"
	done
done
nfm_check "all mptcp rules deleted" \
	[ -z "$(texts ip t mp_fwd)$(texts ip6 t mp_fwd)$(texts inet t mp_fwd)" ]
# the rules' release (and its module put) runs after the commit, asynchronously
for _ in $(seq 20); do rmmod nft_mptcp 2>/dev/null && break; sleep 0.2; done
nfm_check "rmmod nft_mptcp succeeds once no rule uses it" fails nfm_module_loaded nft_mptcp
nfm_check_dmesg
nfm_exit
