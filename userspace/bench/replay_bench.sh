#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_bench.sh - how fast does `nfmptcp replay` go? Not a test: prints a number.
#
# Usage: userspace/bench/replay_bench.sh [CAPTURE] [PACKETS]
# Amplifies CAPTURE (default selftests/captures/join-addaddr.pcap: real Linux
# MPTCP, 2 connections x 3 subflows) to PACKETS (default 2000000) with
# bench/pcap_amplify, then times `nfmptcp -j replay` on it (best of 3) and
# prints packets/s. Goal: >= 1M packets/s on one core.
set -eu

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
US=$(cd "$HERE/.." && pwd)
REPO=$(cd "$US/.." && pwd)
CAP=${1:-$REPO/selftests/captures/join-addaddr.pcap}
PKTS=${2:-2000000}

make -s -C "$US" nfmptcp bench/pcap_amplify
tmp=$(mktemp -d /tmp/nfm-replay-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$US/bench/pcap_amplify" "$CAP" "$tmp/big.pcap" "$PKTS"
total=$(stat -c %s "$tmp/big.pcap")
echo "# capture: $((total / 1024 / 1024)) MiB"
# warm the page cache so that the disk is not what we measure
cat "$tmp/big.pcap" >/dev/null

best=
for run in 1 2 3; do
	start=$(date +%s.%N)
	"$US/nfmptcp" -j replay "$tmp/big.pcap" >"$tmp/out.json"
	end=$(date +%s.%N)
	t=$(python3 -c "print($end - $start)")
	if [ -z "$best" ] || python3 -c "import sys; sys.exit(not ($t < $best))"; then best=$t; fi
done
pk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["packets"])' "$tmp/out.json")
conns=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["connections"]))' "$tmp/out.json")
rate=$(python3 -c "print($pk / $best)")
printf "replay: %d packets, %d connections in %.3f s: %.0f packets/s\n" "$pk" "$conns" "$best" "$rate"
