#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lib_dmesg.sh - the VM tests' kernel log check (nfm_kernel_complaints and
# nfm_check_dmesg in selftests/lib.sh) on sample lines: every kind of kernel
# complaint a test must fail on is caught, in the form the kernel prints it,
# and the ordinary messages a test run produces are not (the control).
TEST=lib_dmesg
. "$(dirname "$(readlink -f "$0")")/lib.sh"
# shellcheck source=../lib.sh
. "$REPO/selftests/lib.sh"

complaints=(
	"[  412.118273] rcu: INFO: rcu_sched self-detected stall on CPU"
	"[  412.118273] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"[  412.118273] rcu: 	1-...!: (0 ticks this GP) idle=8e4/0/0x0 softirq=1/1 fqs=0 detected stalls on CPUs"
	"[   52.123456] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:123]"
	"[   52.123456] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1"
	"[  242.771049] INFO: task kworker/u4:2:57 blocked for more than 120 seconds."
	"[  363.000001] Kernel panic - not syncing: hung_task: blocked tasks"
	"[   10.000000] WARNING: CPU: 0 PID: 1 at net/netfilter/nf_conntrack_core.c:1234 nf_ct_delete+0x1/0x2"
	"[   10.000000] BUG: unable to handle page fault for address: ffff888000000000"
	"[   10.000000] Oops: 0000 [#1] PREEMPT SMP NOPTI"
	"[   10.000000] general protection fault, probably for non-canonical address 0xdead000000000100"
	"[   10.000000] BUG: KASAN: slab-use-after-free in nfmp_table_flush+0x42/0x1a0"
	"[   10.000000] UBSAN: shift-out-of-bounds in kmod/nfmp_table.c:21:9"
	"[   10.000000] refcount_t: underflow; use-after-free."
	"[   10.000000] list_del corruption. prev->next should be ffff8880, but was dead000000000122"
)
ordinary=(
	"[    5.000000] nf_conntrack_mptcp: loading out-of-tree module taints kernel."
	"[    5.000000] rcu: Hierarchical RCU implementation."
	"[    5.000000] rcu: 	RCU restricting CPUs from NR_CPUS=8192 to nr_cpu_ids=2."
	"[    6.000000] IPv6: ADDRCONF(NETDEV_CHANGE): c1: link becomes ready"
	"[    7.000000] TCP: request_sock_subflow_v4: Possible SYN flooding on port 10500. Sending cookies."
	"[    7.000000] nf_conntrack: nf_conntrack: table full, dropping packet"
	"[    8.000000] watchdog: Delayed init of the lockup detector failed: -19"
)

for l in "${complaints[@]}"; do
	if printf '%s\n' "$l" | nfm_kernel_complaints >/dev/null; then
		pass "caught: ${l#*] }"
	else
		fail "caught: ${l#*] }" "not matched"
	fi
done
for l in "${ordinary[@]}"; do
	if printf '%s\n' "$l" | nfm_kernel_complaints >/dev/null; then
		fail "ordinary: ${l#*] }" "matched"
	else
		pass "ordinary: ${l#*] }"
	fi
done

# nfm_check_dmesg end to end, on a log given in place of the kernel's
nfm_dmesg_new() { printf '%s\n' "${LOG[@]}"; }
LOG=("${ordinary[@]}")
out=$(nfm_check_dmesg "sample")
case $out in
"ok "*) pass "nfm_check_dmesg passes a log of ordinary messages" ;;
*) fail "nfm_check_dmesg passes a log of ordinary messages" "$(echo "$out" | tail -n1)" ;;
esac
LOG=("${ordinary[@]}" "${complaints[0]}" "${ordinary[0]}")
out=$(nfm_check_dmesg "sample")
case $out in
*"not ok "*"rcu_sched self-detected stall"*) pass "nfm_check_dmesg fails on an RCU stall among them, naming it" ;;
*) fail "nfm_check_dmesg fails on an RCU stall among them, naming it" "$(echo "$out" | tail -n1)" ;;
esac
finish
