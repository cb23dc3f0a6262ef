#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# normalize_captures.sh - `nfmptcp normalize` on the real Linux MPTCP captures in
# selftests/captures/: each MPTCP connection becomes one TCP stream that tshark
# follows without analysis errors and whose bytes are the transferred ones.
#
# Captures with full payloads (normalize-*.pcap, made by make-captures.sh with
# mptcp_xfer: client -> server its deterministic pattern, server -> client the
# 8-byte big-endian count) are compared byte for byte in both directions
# (`tshark -z follow,tcp,raw`), and tshark must flag nothing (tcp.analysis.flags).
# The snaplen-128 captures carry no payload past 128 bytes: there the bytes
# delivered plus the gaps reported must be the transfer size, and the only
# tshark flags allowed are the ones gaps cause. fallback.pcap (no MPTCP
# connection left) must come out frame for frame identical.
#
# Usage: selftests/host/normalize_captures.sh
# Needs tshark, python3 and userspace/nfmptcp. Prints TAP; exit 0 pass, 1 fail, 4 skip.
set -u

TEST=normalize_captures
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_prereqs tshark python3

CAP=$REPO/selftests/captures
tmp=$(mktemp -d /tmp/nfm-normalize.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# summary_check JSON EXPECT_CLIENT_BYTES : every connection normalized, client bytes
# (delivered + gaps) as expected, the server's 8-byte count, no conflict or unmapped byte
summary_check() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
conns = [c for c in d["connections"] if c["mode"] != "passthrough"]
if not conns:
    sys.exit("no normalized connection")
for c in conns:
    cl, sv = c["client"], c["server"]
    if c["mode"] != "normalized":
        sys.exit("connection %d: %s" % (c["index"], c["mode"]))
    if cl["bytes"] + cl["gap_bytes"] != want:
        sys.exit("connection %d: client %d bytes + %d in gaps, want %d" %
                 (c["index"], cl["bytes"], cl["gap_bytes"], want))
    if sv["bytes"] != 8 or sv["gaps"]:
        sys.exit("connection %d: server %d bytes, %d gaps" % (c["index"], sv["bytes"], sv["gaps"]))
    for e in (cl, sv):
        if e["conflicts"] or e["unmapped_bytes"] or not e["data_fin"]:
            sys.exit("connection %d: conflicts/unmapped/no DATA_FIN: %s" % (c["index"], e))
PY
}

declare -A size=([join-addaddr]=204800 [ipv6]=204800 [lost-ack]=65536 [remove-addr]=204800
		 [normalize-v4]=307200 [normalize-v6]=307200)

for name in join-addaddr ipv6 lost-ack remove-addr normalize-v4 normalize-v6; do
	in=$CAP/$name.pcap out=$tmp/$name.pcap
	if [ ! -f "$in" ]; then
		skip "$name" "no capture (selftests/captures/make-captures.sh --only $name)"
		continue
	fi
	if ! "$NFMPTCP" -j normalize "$in" "$out" >"$tmp/$name.json" 2>"$tmp/err"; then
		fail "$name: normalize exited $?" "$(head -c 300 "$tmp/err")"
		continue
	fi
	if msg=$(summary_check "$tmp/$name.json" "${size[$name]}" 2>&1); then
		pass "$name: every connection normalized, ${size[$name]} bytes + the 8-byte count"
	else
		fail "$name: summary" "$msg"
	fi
	case $name in
	normalize-*)
		flags=$(tshark -r "$out" -Y tcp.analysis.flags 2>/dev/null | wc -l)
		[ "$flags" = 0 ] && pass "$name: tshark flags nothing" ||
			fail "$name: tshark flags $flags packets" \
				"$(tshark -r "$out" -Y tcp.analysis.flags 2>/dev/null | head -3)"
		if msg=$(python3 "$REPO/selftests/tools/xfer_stream_check.py" "$out" "${size[$name]}" 2>&1); then
			pass "$name: each normalized stream is the payload, byte for byte, both ways"
		else
			fail "$name: streams" "$msg"
		fi
		;;
	*)
		# gaps make tshark see lost segments and ACKs of them; nothing else may show
		bad=$(tshark -r "$out" -Y 'tcp.analysis.flags && !tcp.analysis.lost_segment && !tcp.analysis.ack_lost_segment' 2>/dev/null | wc -l)
		[ "$bad" = 0 ] && pass "$name: tshark flags only the snaplen's gaps" ||
			fail "$name: $bad packets flagged beyond gaps" \
				"$(tshark -r "$out" -Y 'tcp.analysis.flags && !tcp.analysis.lost_segment && !tcp.analysis.ack_lost_segment' 2>/dev/null | head -3)"
		;;
	esac
done

# fallback.pcap: the MPTCP attempt fell back at the SYN/ACK, the other flow is plain TCP
if "$NFMPTCP" normalize "$CAP/fallback.pcap" "$tmp/fb.pcap" >/dev/null 2>"$tmp/err" &&
   cmp -s <(tshark -r "$CAP/fallback.pcap" -x 2>/dev/null) <(tshark -r "$tmp/fb.pcap" -x 2>/dev/null); then
	pass "fallback: plain and fallen-back TCP copied frame for frame"
else
	fail "fallback: output differs from the input" "$(head -c 300 "$tmp/err")"
fi

finish
