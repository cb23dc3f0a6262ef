#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# forward.sh - benchmark (not a test): forwarding throughput through the
# router with conntrack only vs. conntrack + nf_conntrack_mptcp, for plain TCP
# (the hook's fast path) and MPTCP, side by side in one run (DESIGN §5 ratios:
# non-MPTCP >= 0.99x, MPTCP data >= 0.95x). TCG timings are noisy: read the
# ratios, never gate on them. Runs in the VM: selftests/vm-run selftests/bench/forward.sh
. "$(dirname "$0")/../lib.sh"

SIZE=${NFM_BENCH_SIZE:-64M}
ROUNDS=${NFM_BENCH_ROUNDS:-5}

nfm_topo_setup --no-subflow || { echo "topology setup failed"; exit 1; }
# Conntrack in use everywhere in both modes (the module turns it on in every
# netns, endpoints included): the difference measured is our hook alone.
for ns in client router server; do
	nfm_ns_exec $ns nft -f - <<'NFT'
table inet bench {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
	}
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related accept
	}
}
NFT
done

# rate MODE: one transfer, prints MB/s (runs in $(...): the caller bumps NFM_PORT)
rate() {
	local t0 t1 bytes
	t0=$(date +%s.%N)
	nfm_xfer -s "$SIZE" -t 120 $1 >/dev/null 2>&1 || { echo 0; return; }
	t1=$(date +%s.%N)
	bytes=$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" bytes)
	awk -v b="$bytes" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.1f", b / (c - a) / 1e6 }'
}

declare -A best
for ((r = 1; r <= ROUNDS; r++)); do
	for mod in off on; do
		if [ $mod = on ]; then nfm_load_module >/dev/null; else nfm_unload_module >/dev/null; fi
		for proto in tcp mptcp; do
			NFM_PORT=$((NFM_PORT + 2))
			v=$(rate "$([ $proto = tcp ] && echo -T)")
			k=$mod-$proto
			awk -v a="$v" -v b="${best[$k]:-0}" 'BEGIN { exit !(a > b) }' && best[$k]=$v
			echo "# round $r: module $mod, $proto: $v MB/s"
		done
	done
done

echo
echo "best of $ROUNDS rounds, $SIZE per transfer, forwarded by the router:"
printf '  %-7s %14s %14s %8s\n' proto "conntrack" "+ mptcp mod" ratio
for proto in tcp mptcp; do
	awk -v p=$proto -v a="${best[off-$proto]}" -v b="${best[on-$proto]}" \
		'BEGIN { printf "  %-7s %10.1f MB/s %10.1f MB/s %8.3f\n", p, a, b, (a > 0 ? b / a : 0) }'
done
echo "(targets: tcp >= 0.99, mptcp >= 0.95; TCG noise is several percent)"
exit 0
