#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# forward.sh - benchmark (not a test): forwarding through the router with
# conntrack only vs. conntrack + nf_conntrack_mptcp, for plain TCP (the hook's
# fast path) and MPTCP, side by side in one run. Each round runs conntrack
# only, the module, conntrack only again: the two conntrack-only runs give the
# A/A spread of the set-up beside the A/B ratio. Targets (issue 14): plain TCP
# >= 0.995x, MPTCP data >= 0.98x. Never a pass/fail.
#
# Under VM_ICOUNT=1 (selftests/vm-run) the guest clock counts instructions:
# durations are costs, though timers still make some runs longer (the best
# of the rounds is taken). Otherwise they are TCG wall-clock figures. Figures also go to $NFM_RESULTS/forward.json
# (one JSON object per line: figure, unit, value, target, method).
. "$(dirname "$0")/../lib.sh"

SIZE=${NFM_BENCH_SIZE:-32M}
ROUNDS=${NFM_BENCH_ROUNDS:-3}
METHOD=$([ "${NFM_T_ICOUNT:-0}" = 1 ] && echo icount || echo wall-clock)

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

# seconds PROTO: one transfer, prints its guest-measured duration in seconds
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	nfm_xfer -s "$SIZE" -t 300 $([ "$1" = tcp ] && echo -T) >/dev/null 2>&1 || { echo 0; return; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}

# shortest of the arguments: interruptions (timers, softirq placement) only
# ever lengthen a run, even under icount, so the best run is the cost
shortest() {
	printf '%s\n' "$@" | sort -g | head -n1
}

declare -A runs
for ((r = 1; r <= ROUNDS; r++)); do
	for mode in ct mod ct2; do
		if [ $mode = mod ]; then nfm_load_module >/dev/null; else nfm_unload_module >/dev/null; fi
		for proto in tcp mptcp; do
			NFM_PORT=$((NFM_PORT + 2))
			v=$(seconds $proto)
			runs[$mode-$proto]+="$v "
			echo "# round $r: $mode, $proto: ${v}s"
		done
	done
done
nfm_unload_module >/dev/null

JSON=${NFM_RESULTS:-/tmp}/forward.json
: >"$JSON"
emit() {	# figure unit value target
	printf '{"figure":"%s","unit":"%s","value":%s,"target":%s,"method":"%s"}\n' \
		"$1" "$2" "$3" "${4:-null}" "$METHOD" >>"$JSON"
}

echo
echo "forwarding, $METHOD, best of $ROUNDS rounds, $SIZE per transfer:"
printf '  %-6s %12s %12s %12s %8s %8s %8s\n' proto conntrack "+ module" "conntrack 2" "A/B" "A/A" target
for proto in tcp mptcp; do
	# shellcheck disable=SC2086
	a=$(shortest ${runs[ct-$proto]})
	# shellcheck disable=SC2086
	b=$(shortest ${runs[mod-$proto]})
	# shellcheck disable=SC2086
	c=$(shortest ${runs[ct2-$proto]})
	target=$([ $proto = tcp ] && echo 0.995 || echo 0.98)
	# the guest has no /dev/fd: no process substitution
	read -r ra rb rc ab aa <<<"$(awk -v s="$SIZE" -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
		n = s + 0; u = substr(s, length(s)); if (u == "M") n *= 1048576; else if (u == "K") n *= 1024;
		ra = a > 0 ? n / a / 1e6 : 0; rb = b > 0 ? n / b / 1e6 : 0; rc = c > 0 ? n / c / 1e6 : 0;
		printf "%.2f %.2f %.2f %.4f %.4f\n", ra, rb, rc, (ra > 0 ? rb / ra : 0), (ra > 0 ? rc / ra : 0) }')"
	printf '  %-6s %7s MB/s %7s MB/s %7s MB/s %8s %8s %8s\n' $proto "$ra" "$rb" "$rc" "$ab" "$aa" "$target"
	emit "forward $proto, conntrack only" MB/s "$ra"
	emit "forward $proto, with nf_conntrack_mptcp" MB/s "$rb"
	emit "forward $proto, ratio module / conntrack" x "$ab" "$target"
	emit "forward $proto, A/A ratio conntrack / conntrack" x "$aa" 1
done
echo "(ratios are throughput with / without; A/A is the set-up's own spread)"
exit 0
