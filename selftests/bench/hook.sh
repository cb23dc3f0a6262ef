#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hook.sh - benchmark (not a test): the cost per packet of nf_conntrack_mptcp's
# hooks and helper, from synthetic packets pushed through the netfilter hooks
# of one netns by selftests/bench/kmod/nfmp_hook_bench.ko (PRE_ROUTING, then
# POST_ROUTING where conntrack confirms and runs the helper), for plain TCP
# data, MPTCP DSS data, MP_JOIN SYNs and ADD_ADDR. Each round runs conntrack
# only, the module, conntrack only again (A/A spread beside A/B), in one boot;
# the best of the rounds is kept. The module's cost is the difference; the
# absolute figures include building each skb, the same in every mode.
#
# Under VM_ICOUNT=1 (selftests/vm-run) the guest clock counts instructions
# (shift=0: 1 ns = 1 instruction), otherwise figures are TCG wall-clock.
# Figures also go to $NFM_RESULTS/hook.json (figure, unit, value, target, method).
. "$(dirname "$0")/../lib.sh"

N=${NFM_BENCH_PACKETS:-20000}
ROUNDS=${NFM_BENCH_ROUNDS:-3}
METHOD=$([ "${NFM_T_ICOUNT:-0}" = 1 ] && echo icount || echo wall-clock)
UNIT=$([ "$METHOD" = icount ] && echo insn || echo ns)
KO=$NFM_REPO/selftests/bench/kmod/nfmp_hook_bench.ko
DBG=/sys/kernel/debug/nfmp_hook_bench/run
KINDS="plain dss join add-addr"

[ -r "$KO" ] || { echo "$KO missing: build it with 'make bench'"; exit 1; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
nfm_ns_create bench
NS=$(nfm_ns bench)
ip -n "$NS" link add nfmb0 type dummy && ip -n "$NS" link set nfmb0 up || exit 1
# conntrack in use in both modes (the module turns it on itself): a ct rule
nfm_ns_exec bench nft -f - <<'NFT' || exit 1
table inet bench {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
	}
}
NFT
insmod "$KO" || exit 1
cleanup() { rmmod nfmp_hook_bench 2>/dev/null; }

# run KIND: prints "NS_PER_PACKET ACCEPTED" of one run of $N packets
run() {
	local out
	# ip netns exec remounts /sys, hiding debugfs: enter the netns only
	nsenter --net=/run/netns/"$NS" sh -c "echo '$1 $N' >$DBG" || { echo "0 0"; return; }
	out=$(cat $DBG)
	echo "# $out" >&2
	sed -n 's/.*accepted=\([0-9]*\).*ns_per_packet=\([0-9.]*\).*/\2 \1/p' <<<"$out"
}

# warm-up: the first packets of a boot pay for caches and slabs, not the hooks
for kind in $KINDS; do run "$kind" >/dev/null; done
declare -A best acc
for ((r = 1; r <= ROUNDS; r++)); do
	for mode in ct mod ct2; do
		if [ $mode = mod ]; then nfm_load_module >/dev/null; else nfm_unload_module >/dev/null; fi
		for kind in $KINDS; do
			read -r v a <<<"$(run "$kind")"
			acc[$mode-$kind]=$a
			if [ -z "${best[$mode-$kind]:-}" ] ||
			   awk -v v="$v" -v b="${best[$mode-$kind]}" 'BEGIN { exit !(v < b) }'; then
				best[$mode-$kind]=$v
			fi
		done
	done
done
nfm_unload_module >/dev/null

JSON=${NFM_RESULTS:-/tmp}/hook.json
: >"$JSON"
emit() {	# figure unit value
	printf '{"figure":"%s","unit":"%s","value":%s,"target":null,"method":"%s"}\n' \
		"$1" "$2" "$3" "$METHOD" >>"$JSON"
}

echo
echo "per packet through PRE_ROUTING + POST_ROUTING, $METHOD ($UNIT/packet), best of $ROUNDS rounds of $N:"
printf '  %-9s %10s %10s %12s %10s %10s %9s\n' kind conntrack "+ module" "conntrack 2" "cost" "A/A" accepted
for kind in $KINDS; do
	a=${best[ct-$kind]} b=${best[mod-$kind]} c=${best[ct2-$kind]}
	read -r cost aa <<<"$(awk -v a="$a" -v b="$b" -v c="$c" \
		'BEGIN { printf "%.2f %.2f\n", b - a, c - a }')"
	printf '  %-9s %10s %10s %12s %10s %10s %9s\n' "$kind" "$a" "$b" "$c" "$cost" "$aa" \
		"${acc[mod-$kind]}/$N"
	emit "hook $kind, conntrack only" "$UNIT/packet" "$a"
	emit "hook $kind, with nf_conntrack_mptcp" "$UNIT/packet" "$b"
	emit "hook $kind, cost of nf_conntrack_mptcp" "$UNIT/packet" "$cost"
	emit "hook $kind, A/A difference conntrack / conntrack" "$UNIT/packet" "$aa"
done
echo "(cost = with module - conntrack only; A/A is the set-up's own spread; join SYNs"
echo " stay unconfirmed (PRE_ROUTING only); accepted: packets the hooks let through)"
exit 0
