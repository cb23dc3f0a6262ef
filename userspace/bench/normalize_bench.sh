#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# normalize_bench.sh - how fast does `nfmptcp normalize` go? Not a test: prints a number.
#
# Usage: userspace/bench/normalize_bench.sh [CAPTURE] [PACKETS]
# Amplifies CAPTURE (default selftests/captures/join-addaddr.pcap) to PACKETS
# (default 500000) with bench/pcap_amplify, then times `nfmptcp normalize` on it
# (best of 3, output to a tmpfs-backed file) and prints packets/s.
# Goal (issue 12): >= 500k packets/s on one core.
set -eu

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
US=$(cd "$HERE/.." && pwd)
REPO=$(cd "$US/.." && pwd)
CAP=${1:-$REPO/selftests/captures/join-addaddr.pcap}
PKTS=${2:-500000}

make -s -C "$US" nfmptcp bench/pcap_amplify
tmp=$(mktemp -d /tmp/nfm-normalize-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$US/bench/pcap_amplify" "$CAP" "$tmp/big.pcap" "$PKTS"
cat "$tmp/big.pcap" >/dev/null

best=
for run in 1 2 3; do
	start=$(date +%s.%N)
	"$US/nfmptcp" -j normalize "$tmp/big.pcap" "$tmp/out.pcap" >"$tmp/out.json"
	end=$(date +%s.%N)
	t=$(python3 -c "print($end - $start)")
	if [ -z "$best" ] || python3 -c "import sys; sys.exit(not ($t < $best))"; then best=$t; fi
done
pk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["packets_in"])' "$tmp/out.json")
conns=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["connections"]))' "$tmp/out.json")
rate=$(python3 -c "print($pk / $best)")
printf "normalize: %d packets, %d connections in %.3f s: %.0f packets/s\n" "$pk" "$conns" "$best" "$rate"
