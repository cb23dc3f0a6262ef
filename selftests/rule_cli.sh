#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rule_cli.sh - `nfmptcp rule` on tables and chains made with stock nft, with
# stock matches: add / insert / position / delete land where asked and nft
# sees exactly those rules; counters count real forwarded traffic (and agree
# with nft -j); list -f saved chains restore identically with rule -f, in
# one transaction; bad input exits 2 naming the token, kernel refusals exit 1
# with the kernel's reason. The mptcp expression's own behaviour is tested with
# nft_mptcp.ko (nft_mptcp_*.sh); here only how the tool reports its absence or
# lists its rules.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq ping nfmptcp mptcp_xfer

nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
R() { nfm_ns_exec router "$@"; }

R nft -f - <<'NFT' || { nfm_fail "stock nft table" "nft -f failed"; nfm_exit; }
table inet nfm_rc {
	chain forward {
		type filter hook forward priority filter; policy accept;
	}
	chain other {
	}
}
NFT

# rules of the chain as nft prints them, without handles
nft_rules() { R nft list chain inet nfm_rc forward | sed -n '/^\t\ttype /d; s/^\t\t//p'; }
# handle of the rule whose nft text starts with $1
handle_of() {
	R nft -a list chain inet nfm_rc forward |
		awk -v p="$1" 'index($0, "\t\t" p) == 1 { print $NF }'
}

# ---- add, insert, position ----
R nfmptcp rule add inet nfm_rc forward meta l4proto icmp ip saddr 10.0.1.1 counter
rc_icmp=$?
R nfmptcp rule add inet nfm_rc forward tcp dport '>=' 10000 ip6 daddr fd00:3::/64 counter accept
rc_tcp=$?
R nfmptcp rule insert inet nfm_rc forward ct state invalid counter drop
rc_ins=$?
h_icmp=$(handle_of "meta l4proto icmp")
R nfmptcp rule add inet nfm_rc forward position "$h_icmp" iifname '"r*"' oifname r3 meta mark set 0x10 jump other
rc_pos=$?
# an anonymous set, given as one shell word and as nft-style separate words
R nfmptcp rule add inet nfm_rc forward ip daddr '{ 10.0.3.1, 10.0.9.0/24 }' meta l4proto icmp counter
rc_set=$?
R nfmptcp rule add inet nfm_rc forward tcp dport != { 1-9, 22 } ip saddr { 10.0.1.1, 10.0.2.0/24 } counter
rc_set2=$?
nfm_check "add/insert/position exit 0" [ "$rc_icmp$rc_tcp$rc_ins$rc_pos$rc_set$rc_set2" = 000000 ]

expected='ct state invalid counter packets 0 bytes 0 drop
meta l4proto icmp ip saddr 10.0.1.1 counter packets 0 bytes 0
iifname "r*" oifname "r3" meta mark set 0x00000010 jump other
tcp dport >= 10000 ip6 daddr fd00:3::/64 counter packets 0 bytes 0 accept
ip daddr { 10.0.3.1, 10.0.9.0/24 } meta l4proto icmp counter packets 0 bytes 0
tcp dport != { 1-9, 22 } ip saddr { 10.0.1.1, 10.0.2.0/24 } counter packets 0 bytes 0'
got=$(nft_rules)
if [ "$got" = "$expected" ]; then
	nfm_pass "nft lists the rules as added, in order (insert at top, position after handle)"
else
	nfm_fail "nft lists the rules as added, in order" "$(echo "$got" | tr '\n' '|')"
fi
ours=$(R nfmptcp rule list inet nfm_rc forward | sed -n 's/^\t\t\(.*\) # handle [0-9]*$/\1/p')
nfm_check "nfmptcp rule list prints the same text as nft" [ "$ours" = "$expected" ]

# ---- counters count real traffic ----
nfm_ns_exec client ping -c 3 -i 0.2 -W 2 10.0.3.1 >/dev/null
nfm_xfer -s 64K -a fd00:3::1 -t 30 >/dev/null 2>&1
xrc=$?
nfm_check "a transfer through the rules completes" [ "$xrc" -eq 0 ]
js=$(R nfmptcp -j rule list inet nfm_rc forward)
icmp_pk=$(jq '[.nftables[].rule | select(.text | startswith("meta l4proto icmp")) | .expr[] | .counter? | .packets // empty] | add' <<<"$js")
tcp_pk=$(jq '[.nftables[].rule | select(.text | startswith("tcp dport")) | .expr[] | .counter? | .packets // empty] | add' <<<"$js")
nfm_check "icmp counter counts the 3 pings (got $icmp_pk)" [ "${icmp_pk:-0}" -eq 3 ]
nfm_check "tcp counter counts the transfer (got $tcp_pk)" [ "${tcp_pk:-0}" -gt 10 ]
set_pk=$(jq '[.nftables[].rule | select(.text | startswith("ip daddr {")) | .expr[] | .counter? | .packets // empty] | add' <<<"$js")
nfm_check "the set rule counts the 3 pings to a member address (got $set_pk)" [ "${set_pk:-0}" -eq 3 ]
nfm_check "-j prints the set as nft -j does" \
	[ "$(jq -c '[.nftables[].rule | select(.text | startswith("ip daddr {")) | .expr[0].match.right][0]' <<<"$js")" = '{"set":["10.0.3.1",{"prefix":{"addr":"10.0.9.0","len":24}}]}' ]
nft_pk=$(R nft -j list chain inet nfm_rc forward |
	jq '[.nftables[] | .rule? | select(.expr[0].match.right? == "icmp") | .expr[] | .counter? | .packets // empty] | add')
nfm_check "nft -j reads the same icmp counter ($nft_pk)" [ "$nft_pk" = "$icmp_pk" ]
nfm_check "-j rules carry family, table, chain, handle" \
	[ "$(jq '[.nftables[].rule | select(.family == "inet" and .table == "nfm_rc" and .chain == "forward" and .handle > 0)] | length' <<<"$js")" -eq 6 ]
# a set without the address: no match (after the counter checks above: more pings)
R nfmptcp rule add inet nfm_rc forward ip daddr '{ 10.0.8.1, 10.0.9.0/24 }' meta l4proto icmp counter
nfm_ns_exec client ping -c 2 -i 0.2 -W 2 10.0.3.1 >/dev/null
miss_pk=$(R nfmptcp -j rule list inet nfm_rc forward | jq '[.nftables[].rule | select(.text | startswith("ip daddr { 10.0.8.1")) | .expr[] | .counter? | .packets // empty] | add')
nfm_check "a set without the address does not count it (got $miss_pk)" [ "${miss_pk:-1}" -eq 0 ]
R nfmptcp rule delete inet nfm_rc forward handle "$(handle_of "ip daddr { 10.0.8.1")"

# ---- list -f / rule -f round trip ----
R nfmptcp rule list -f --all inet nfm_rc > "$NFM_TMP/save"
before=$(nft_rules)
R nft flush chain inet nfm_rc forward
nfm_check "flushed" [ -z "$(nft_rules)" ]
R nfmptcp rule -f "$NFM_TMP/save"
rrc=$?
after=$(nft_rules)
restored() { [ "$rrc" -eq 0 ] && [ -n "$before" ] && [ "$after" = "$before" ]; }
nfm_check "rule -f restores the saved chain exactly, counters included (rc $rrc)" restored
# restoring again flushes first: no duplicates
R nfmptcp rule -f "$NFM_TMP/save"
nfm_check "rule -f twice gives the same chain, not twice the rules" [ "$(nft_rules)" = "$before" ]

# one transaction: a refused line leaves everything as it was
printf 'flush inet nfm_rc forward\nadd inet nfm_rc forward counter\nadd inet nfm_rc nochain counter\n' > "$NFM_TMP/bad"
err=$(R nfmptcp rule -f "$NFM_TMP/bad" 2>&1); rc=$?
nfm_check "rule -f with a refused line: exit 1, names line 3 ($err)" nfm_rc_says "$rc" 1 "$err" ":3:"
nfm_check "rule -f with a refused line changed nothing" [ "$(nft_rules)" = "$before" ]
printf 'add inet nfm_rc forward counter\nadd inet nfm_rc forward tcp dport nope\n' > "$NFM_TMP/bad2"
err=$(R nfmptcp rule -f "$NFM_TMP/bad2" 2>&1); rc=$?
nfm_check "rule -f with a syntax error: exit 2, line and token ($err)" \
	nfm_rc_says "$rc" 2 "$err" ":2:" "'nope'"
nfm_check "rule -f with a syntax error changed nothing" [ "$(nft_rules)" = "$before" ]

# ---- delete ----
h=$(handle_of "meta l4proto icmp")
R nfmptcp rule delete inet nfm_rc forward handle "$h"
deleted_one() { [ "$(nft_rules | grep -c '^meta l4proto icmp')" -eq 0 ] && [ "$(nft_rules | wc -l)" -eq 5 ]; }
nfm_check "delete by handle removes exactly that rule" deleted_one

# ---- bad input: exit 2 with the token ----
bad() {	# EXPECTED-TEXT ARGS...
	local want=$1 out rc
	shift
	out=$(R nfmptcp rule "$@" 2>&1); rc=$?
	nfm_check "bad input exits 2 naming $want: $*" nfm_rc_says "$rc" 2 "$out" "$want"
}
bad "'colour'" add inet nfm_rc forward mptcp colour 1
bad "'nice'" add inet nfm_rc forward mptcp verdict nice
bad "'10.0.0.300'" add inet nfm_rc forward ip saddr 10.0.0.300
bad "'bogus'" add inet nfm_rc forward bogus
bad "'inet6'" add inet6 nfm_rc forward counter
bad "'x'" delete inet nfm_rc forward handle x
nfm_check "bad input added nothing" [ "$(nft_rules | wc -l)" -eq 5 ]

# ---- kernel refusals: exit 1 with the reason ----
out=$(R nfmptcp rule add inet nfm_rc nochain counter 2>&1); rc=$?
nfm_check "nonexistent chain: exit 1, 'No such file or directory' ($out)" \
	nfm_rc_says "$rc" 1 "$out" "No such file or directory"
out=$(R nfmptcp rule delete inet nfm_rc forward handle 99999 2>&1); rc=$?
nfm_check "nonexistent handle: exit 1 ($out)" [ "$rc" -eq 1 ]
out=$(R nfmptcp rule add inet nfm_rc forward jump nochain 2>&1); rc=$?
nfm_check "jump to a nonexistent chain: exit 1 ($out)" [ "$rc" -eq 1 ]

# ---- the mptcp expression: listed by us, not by nft; saved by list -f ----
if R modprobe -q nft_mptcp 2>/dev/null; then
	R nfmptcp rule add inet nfm_rc forward mptcp subflow join mptcp subflows gt 2 counter drop
	nfm_check "mptcp rule added" [ $? -eq 0 ]
	nfm_check "nfmptcp rule list shows it" \
		R sh -c 'nfmptcp rule list inet nfm_rc forward | grep -q "mptcp subflow join mptcp subflows > 2"'
	nfm_check "list -f saves the chain holding it" \
		R sh -c 'nfmptcp rule list -f | grep -q "^add inet nfm_rc forward mptcp subflow join"'
else
	out=$(R nfmptcp rule add inet nfm_rc forward mptcp subflows gt 2 drop 2>&1); rc=$?
	nfm_check "without nft_mptcp: exit 1 with a hint ($out)" nfm_rc_says "$rc" 1 "$out" nft_mptcp
	nfm_check "list -f with no mptcp rules writes no chain" \
		[ "$(R nfmptcp rule list -f | grep -vc '^#')" -eq 0 ]
fi
nfm_exit
