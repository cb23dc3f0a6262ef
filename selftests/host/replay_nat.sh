#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_nat.sh - `nfmptcp replay` of a real capture taken on both sides of a
# NAT (selftests/captures/nat-port-forward.pcap: in the router, -i any, while
# nf_nat_mptcp translated the server's ADD_ADDR of 10.0.4.1 to 10.0.1.254 and
# a port): each connection shows once, each subflow with its outside and
# inside tuples, the announcement with its translation and an HMAC that
# verifies on both sides. Controls: each side of the NAT alone (split out
# with tshark) is one ordinary connection, with no translation, announcing
# what that side carried.
#
# Usage: selftests/host/replay_nat.sh [CAPTURE]
# Runs on the host (no VM): needs userspace/nfmptcp, tshark and jq.
set -u

TEST=replay_nat
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_prereqs tshark jq

CAP=${1:-$REPO/selftests/captures/nat-port-forward.pcap}
PUB=10.0.1.254		# the router's outside address
INSIDE=10.0.3.1		# the port forward's target
SECOND=10.0.4.1		# the server's second address, announced

tmp=$(mktemp -d /tmp/nfm-replay-nat.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# check NAME JQ-EXPR FILE : pass when the jq expression is true on FILE
check() {
	if jq -e "$2" "$3" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "$(jq -c "$4" "$3" 2>&1 | head -c 300)"
	fi
}

replay() { # CAPTURE OUT
	if "$NFMPTCP" -j replay "$1" >"$2" 2>"$tmp/err"; then
		return 0
	fi
	fail "replay $(basename "$1")" "$(head -c 200 "$tmp/err")"
	finish
}

replay "$CAP" "$tmp/both.json"
conn='.connections[0]'
check "both sides: one MPTCP connection, not fallen back" \
	'(.connections | length) == 1 and (.connections[0].fallback | not)' "$tmp/both.json" \
	'[.connections[] | {index, fallback}]'
check "both sides: merged (stats nat_merged 1) and copies skipped (nat_duplicates > 0)" \
	'.stats.nat_merged == 1 and .stats.nat_duplicates > 0' "$tmp/both.json" '.stats'
check "both sides: 2 valid subflows, each with its inside tuple" \
	"[$conn.subflows[] | select(.verdict == \"valid\" and .nat_dst != null)] | length == 2" \
	"$tmp/both.json" "$conn.subflows"
check "both sides: the initial subflow is $PUB outside, $INSIDE inside (same port)" \
	"$conn.subflows[] | select(.type == \"initial\") |
	 .dst == \"$PUB\" and .nat_dst == \"$INSIDE\" and .dport == .nat_dport" \
	"$tmp/both.json" "$conn.subflows"
check "both sides: the join goes to $PUB and a new port outside, $SECOND inside" \
	"$conn.subflows[] | select(.type == \"join\") |
	 .dst == \"$PUB\" and .nat_dst == \"$SECOND\" and .dport != .nat_dport" \
	"$tmp/both.json" "$conn.subflows"
check "both sides: $SECOND announced, translated to $PUB and the join's port, HMAC valid on both sides" \
	"($conn.subflows[] | select(.type == \"join\") | .dport) as \$jport |
	 [$conn.announced[] | select(.addr == \"$SECOND\" and .port == null and
	   .nat_addr == \"$PUB\" and .nat_port == \$jport and
	   .nat_bad_hmac == false and .bad_hmac == false)] | length == 1" \
	"$tmp/both.json" "$conn.announced"
check "both sides: the announcement was echoed" "[$conn.announced[] | select(.echoed)] | length == 1" \
	"$tmp/both.json" "$conn.announced"

# controls: one side of the NAT at a time
tshark -r "$CAP" -Y "not ip.addr == $PUB" -w "$tmp/inside.pcap" 2>/dev/null
tshark -r "$CAP" -Y "ip.addr == $PUB" -w "$tmp/outside.pcap" 2>/dev/null
replay "$tmp/inside.pcap" "$tmp/inside.json"
replay "$tmp/outside.pcap" "$tmp/outside.json"
for side in inside outside; do
	check "$side only (control): one connection with 2 valid subflows, nothing merged" \
		".stats.nat_merged == 0 and .stats.nat_duplicates == 0 and (.connections | length) == 1 and
		 ([.connections[0].subflows[] | select(.verdict == \"valid\" and .nat_dst == null)] | length) == 2" \
		"$tmp/$side.json" '{stats, subflows: .connections[0].subflows}'
done
check "inside only (control): $SECOND announced without a port, no translation" \
	"[.connections[0].announced[] | select(.addr == \"$SECOND\" and .port == null and
	   .nat_addr == null and .bad_hmac == false)] | length == 1" "$tmp/inside.json" \
	'.connections[0].announced'
check "outside only (control): $PUB and a port announced, HMAC valid" \
	"[.connections[0].announced[] | select(.addr == \"$PUB\" and .port > 0 and
	   .bad_hmac == false)] | length == 1" "$tmp/outside.json" '.connections[0].announced'
keys() { jq -r '.connections[0] | "\(.client.key) \(.server.key)"' "$1"; }
if [ "$(keys "$tmp/inside.json")" = "$(keys "$tmp/outside.json")" ] &&
   [ "$(keys "$tmp/inside.json")" = "$(keys "$tmp/both.json")" ]; then
	pass "the same keys on both sides and in the merged connection"
else
	fail "the same keys on both sides and in the merged connection" \
		"$(keys "$tmp/inside.json") / $(keys "$tmp/outside.json") / $(keys "$tmp/both.json")"
fi
finish
