#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# forward.sh - benchmark (not a test): forwarding through the router with
# conntrack only vs. conntrack + nf_conntrack_mptcp, for plain TCP (the hook's
# fast path) and MPTCP, side by side in one run. Each round runs conntrack
# only, the module, the module in opt-in mode, conntrack only again: the two
# conntrack-only runs give the A/A spread of the set-up beside the A/B
# ratio. Targets (issue 14): plain TCP
# >= 0.995x, >= 0.999x with the module in opt-in mode (auto_detect=0, no
# rule binding it), MPTCP data >= 0.98x. Never a pass/fail.
#
# Three measures per transfer: its elapsed time (throughput, the best of
# the rounds: interruptions only lengthen a run), the CPU time all tasks ran
# meanwhile and the CPU time of the transfer's two processes (the median of
# the rounds), which leave out waits on timers and on the host. Under
# VM_ICOUNT=1 (selftests/vm-run) the guest clock counts instructions, so CPU
# time is instructions executed. Otherwise they are TCG wall-clock figures.
# Figures also go to $NFM_RESULTS/forward.json (one JSON object per line:
# figure, unit, value, target, method).
. "$(dirname "$0")/../lib.sh"

SIZE=${NFM_BENCH_SIZE:-32M}
ROUNDS=${NFM_BENCH_ROUNDS:-5}
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

# task_ns: nanoseconds all CPUs have spent running tasks since boot (the
# scheduler's rq_cpu_time, /proc/schedstat field 7), the idle task left out.
# The router's forwarding runs in the softirqs of the sending tasks.
task_ns() {
	awk '$1 ~ /^cpu[0-9]/ { t += $8 } END { printf "%.0f", t }' /proc/schedstat
}

# seconds PROTO: one transfer; prints three durations in seconds: elapsed
# (guest clock), tasks (CPU time all tasks ran meanwhile) and xfer (CPU time
# of the transfer's two processes, from their reports: what the data path
# cost in their softirqs, without the shell's polling and background work).
# Under icount CPU time is instructions executed; elapsed also holds the
# idle time the clock jumps over (timers, the host's replies to 9p reads).
seconds() {
	local t0 t1 b0 b1 c s
	t0=$(date +%s.%N) b0=$(task_ns)
	nfm_xfer -s "$SIZE" -t 300 $([ "$1" = tcp ] && echo -T) >/dev/null 2>&1 ||
		{ echo "0 0 0"; return; }
	t1=$(date +%s.%N) b1=$(task_ns)
	c=$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" cpu_ns)
	s=$(nfm_report_get "$NFM_XFER_SERVER_REPORT" cpu_ns)
	awk -v a="$t0" -v b="$t1" -v b0="$b0" -v b1="$b1" -v c="${c:-0}" -v s="${s:-0}" \
		'BEGIN { printf "%.6f %.6f %.6f", b - a, (b1 - b0) / 1e9, (c + s) / 1e9 }'
}

# shortest of the arguments: interruptions (timers, softirq placement) only
# ever lengthen a run, even under icount, so the best run is the cost
shortest() {
	printf '%s\n' "$@" | sort -g | head -n1
}

# median of the arguments: CPU time varies both ways from run to run (how
# segments were batched), by about half a percent under icount
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# warm-up: the first transfer pays for cold caches (binaries read over 9p,
# page faults), seen as 5 % more CPU time than the next ones
for proto in tcp mptcp; do
	NFM_PORT=$((NFM_PORT + 2))
	seconds $proto >/dev/null
done

declare -A runs
for ((r = 1; r <= ROUNDS; r++)); do
	for mode in ct mod optin ct2; do
		nfm_unload_module >/dev/null
		case $mode in
		mod) nfm_load_module >/dev/null ;;
		# opt-in: no hooks of ours, nothing bound by a rule: what the
		# module costs traffic nobody asked it to track
		optin) modprobe "$NFM_MODULE" auto_detect=0 ;;
		esac
		for proto in tcp mptcp; do
			NFM_PORT=$((NFM_PORT + 2))
			read -r v u x <<<"$(seconds $proto)"
			runs[elapsed-$mode-$proto]+="$v "
			runs[tasks-$mode-$proto]+="$u "
			runs[xfer-$mode-$proto]+="$x "
			echo "# round $r: $mode, $proto: ${v}s elapsed, ${u}s tasks, ${x}s xfer"
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
echo "forwarding, $METHOD, $ROUNDS rounds (elapsed: best; CPU: median), $SIZE per transfer:"
printf '  %-6s %-8s %10s %10s %10s %10s %7s %7s %7s %7s %7s\n' proto measure conntrack \
	"+ module" "opt-in" "conntrack2" "A/B" target "opt/A" target "A/A"
for proto in tcp mptcp; do
	target=$([ $proto = tcp ] && echo 0.995 || echo 0.98)
	otarget=$([ $proto = tcp ] && echo 0.999 || echo -)
	for measure in elapsed tasks xfer; do
		pick=$([ $measure = elapsed ] && echo shortest || echo median)
		# shellcheck disable=SC2086
		a=$($pick ${runs[$measure-ct-$proto]}) b=$($pick ${runs[$measure-mod-$proto]})
		# shellcheck disable=SC2086
		o=$($pick ${runs[$measure-optin-$proto]}) c=$($pick ${runs[$measure-ct2-$proto]})
		# MB per second of the measure: elapsed = throughput, else bytes
		# per CPU-second; ratios are with / without (higher is better)
		# (the guest has no /dev/fd: no process substitution)
		read -r ra rb ro rc ab ob aa <<<"$(awk -v s="$SIZE" -v a="$a" -v b="$b" -v o="$o" -v c="$c" '
			function rate(t) { return t > 0 ? n / t / 1e6 : 0 }
			function ratio(x) { return ra > 0 ? x / ra : 0 }
			BEGIN {
			n = s + 0; u = substr(s, length(s)); if (u == "M") n *= 1048576; else if (u == "K") n *= 1024;
			ra = rate(a); rb = rate(b); ro = rate(o); rc = rate(c)
			printf "%.3f %.3f %.3f %.3f %.4f %.4f %.4f\n", ra, rb, ro, rc, ratio(rb), ratio(ro), ratio(rc) }')"
		printf '  %-6s %-8s %10s %10s %10s %10s %7s %7s %7s %7s %7s\n' $proto $measure \
			"$ra" "$rb" "$ro" "$rc" "$ab" "$target" "$ob" "$otarget" "$aa"
		what=$([ $measure = elapsed ] && echo "" || echo ", per CPU-second ($measure)")
		unit=$([ $measure = elapsed ] && echo MB/s || echo "MB/CPU-s")
		emit "forward $proto$what, conntrack only" "$unit" "$ra"
		emit "forward $proto$what, with nf_conntrack_mptcp" "$unit" "$rb"
		emit "forward $proto$what, with nf_conntrack_mptcp auto_detect=0" "$unit" "$ro"
		emit "forward $proto$what, ratio module / conntrack" x "$ab" "$target"
		emit "forward $proto$what, ratio opt-in module / conntrack" x "$ob" \
			"$([ $proto = tcp ] && echo 0.999 || echo null)"
		emit "forward $proto$what, A/A ratio conntrack / conntrack" x "$aa" 1
	done
done
echo "(MB/s: elapsed = throughput; tasks = bytes per CPU-second all tasks ran; xfer = per"
echo " CPU-second of the two transfer processes; A/B and opt/A: with / without the module,"
echo " opt-in = auto_detect=0 and no rule; A/A: the set-up's own spread)"
exit 0
