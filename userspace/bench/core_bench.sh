#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# core_bench.sh - instructions per operation of the protocol core, counted by
# callgrind (repeatable, unlike timings): option parse, token derivation, join
# HMAC and ADD_ADDR HMAC with precomputed pad states, engine per DSS packet.
# The hash backend is userspace's (OpenSSL); the kernel's differs. Not a test.
# Usage: userspace/bench/core_bench.sh [JSON_OUT]
set -eu

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
US=$(cd "$HERE/.." && pwd)
JSON=${1:-}
command -v valgrind >/dev/null || { echo "core_bench: valgrind missing ('make deps')" >&2; exit 1; }

make -s -C "$US" bench/core_bench
tmp=$(mktemp -d /tmp/nfm-core-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$US/bench/core_bench" >/dev/null 2>"$tmp/vg.log"
n=$(sed -n 's/^#define CORE_BENCH_N[[:space:]]*//p' "$HERE/core_bench.c")

echo "protocol core, callgrind, instructions per operation ($n each):"
[ -n "$JSON" ] && : >"$JSON"
callgrind_annotate --inclusive=yes "$tmp/cg.out" 2>/dev/null |
	awk -v n="$n" '/bench_[a-z_]+/ {
		gsub(",", "", $1); for (i = 2; i <= NF; i++) if ($i ~ /bench_/) { f = $i; break }
		sub(/.*:/, "", f); sub(/\(.*/, "", f); sub(/ .*/, "", f)
		if (!(f in seen)) { seen[f] = 1; printf "%s %d\n", f, $1 / n }
	}' | sort | while read -r f ir; do
		printf '  %-22s %8d instructions\n' "${f#bench_}" "$ir"
		[ -n "$JSON" ] && printf '{"figure":"core %s","unit":"instructions","value":%d,"target":null,"method":"callgrind"}\n' \
			"${f#bench_}" "$ir" >>"$JSON"
	done
exit 0
