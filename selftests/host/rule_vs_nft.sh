#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rule_vs_nft.sh - `nfmptcp rule` encodes every stock match and statement it
# speaks exactly as nft 1.0.x does: for each rule text, nft adds it to chain
# "by_nft" and nfmptcp to chain "by_us" (in a private network namespace of the
# host kernel: nf_tables only, no module of ours), and the kernel's dump of the
# two, as `nft --debug=netlink list` prints the bytecode, must be identical.
# nft's text listing of our rule and our listing of nft's must match as well.
# Rules with anonymous sets ("{ 80, 443 }") compare the sets' elements too.
TEST=rule_vs_nft
. "$(dirname "$(readlink -f "$0")")/lib.sh"
require_prereqs nft unshare

if [ "${1:-}" != --inside ]; then
	if ! unshare -n true 2>/dev/null; then
		skip "netns" "unshare -n not permitted"
		finish
	fi
	exec unshare -n "$0" --inside
fi

RULES=(
	"tcp dport 22 counter accept"
	"ip saddr 10.16.0.0/12 tcp dport 80 counter accept"
	"ip daddr 10.1.2.0/24 drop"
	"ip saddr 1.2.3.4 ip daddr != 5.6.7.8 return"
	"ip6 daddr fd00::/16 tcp sport != 1000-2000 reject with tcp reset"
	"ip6 saddr fd00:1::1 ip6 daddr fd00:3::/64 accept"
	"tcp flags syn counter"
	"tcp flags syn,ack"
	"tcp flags syn / syn,ack drop"
	"tcp dport >= 1024 tcp sport < 100"
	"tcp sport 1000-2000"
	"meta mark < 5"
	"meta mark 1-5"
	"meta mark != 1-5"
	"meta mark 0x10 meta mark set 0x20"
	"meta l4proto udp goto other"
	"ct state new jump other"
	"ct state established,related accept"
	"ct state != invalid"
	"ct state != established ct state new,untracked"
	"ct mark set 3"
	"ct mark 7 log"
	"log prefix \"mptcp \" drop"
	"iifname \"eth*\" oifname \"lo\""
	"iifname != \"c1\" reject"
	"tcp dport { 80, 443 } counter accept"
	"tcp dport != { 80, 1000-2000 } drop"
	"tcp sport { 0-10, 65535 }"
	"ip saddr { 10.0.0.1, 10.1.0.0/16 } ip daddr != { 10.2.0.0/16 }"
	"tcp dport != { 1-5 } ct state { established } meta mark { 0x00000001-0x00000005 }"
	"ip saddr { 10.0.0.0/8, 255.255.255.255 }"
	"ip6 daddr { fd00::/16, ::1 }"
	"meta mark { 0x00000001, 0x00000007, 0x00000100 }"
	"meta mark { 0x00000001-0x00000005, 0x00000007 }"
	"meta l4proto { tcp, udp }"
	"ct state { established, related } accept"
	"iifname { \"lo\", \"eth0\" }"
)

nft add table inet t && nft add chain inet t by_nft && nft add chain inet t by_us &&
	nft add chain inet t other || { fail "setup" "nft could not make the table"; finish; }

bytecode() {	# CHAIN: the bytecode of its rules, without the per-rule header lines
	# anonymous sets: the kernel numbers them (__set0, __set1), and their elements come in
	# its own order: compare names without numbers and elements sorted
	local out
	out=$(nft --debug=netlink list chain inet t "$1" | sed 's/__set[0-9]*/__set/g')
	echo "$out" | sed -n 's/^  \(\[.*\]\)$/\1/p'
	echo "$out" | sed -n 's/^\t\(element .*\)$/\1/p' | sort
}

for r in "${RULES[@]}"; do
	nft flush chain inet t by_nft; nft flush chain inet t by_us
	# nft and nfmptcp rule -f both split the text themselves (quotes, '<')
	if ! nft add rule inet t by_nft "$r" 2>/dev/null; then
		fail "nft takes: $r" "nft refused it (test list wrong?)"
		continue
	fi
	# each side alone in the table: the dump shows every set of the table
	a=$(bytecode by_nft)
	nft flush chain inet t by_nft
	if ! err=$(echo "add inet t by_us $r" | "$NFMPTCP" rule -f - 2>&1); then
		fail "encodes as nft: $r" "nfmptcp refused: $err"
		continue
	fi
	b=$(bytecode by_us)
	nft add rule inet t by_nft "$r"
	if [ "$a" = "$b" ] && [ -n "$a" ]; then
		pass "encodes as nft: $r"
	else
		fail "encodes as nft: $r" "nft: $(echo $a) / nfmptcp: $(echo $b)"
	fi
	ours=$("$NFMPTCP" rule list inet t by_nft | sed -n 's/^\t\t\(.*\) # handle [0-9]*$/\1/p')
	theirs=$(nft list chain inet t by_us | sed -n 's/^\t\t\(.*\)$/\1/p')
	if [ "$ours" = "$theirs" ]; then
		pass "lists as nft: $r"
	else
		fail "lists as nft: $r" "nft: '$theirs' / nfmptcp: '$ours'"
	fi
done

# a statement the hook does not allow: the kernel says only EOPNOTSUPP (no extack);
# the refusal names the chain's hook
nft add chain inet t post '{ type filter hook postrouting priority 0; }'
err=$("$NFMPTCP" rule add inet t post reject 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && [[ "$err" == *"not allowed in a postrouting chain ('post')"* ]]; then
	pass "a refusal for the chain's hook names the hook"
else
	fail "a refusal for the chain's hook names the hook" "exit $rc: $err"
fi
finish
