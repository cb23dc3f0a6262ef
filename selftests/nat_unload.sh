#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_unload.sh - unload nf_nat_mptcp during a transfer while expectations
# it created are pending (the client accepts no ADD_ADDR, so nobody joins):
# the expectations are gone, no slab objects are left behind, no warning, the
# transfer completes, and the tracker keeps working.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat mptcp_xfer nfmptcp

PUB=10.0.1.254
nfm_topo_setup --no-subflow --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec client ip mptcp limits set subflow 4 add_addr_accepted 0
nfm_ns_exec router nft -f - <<NFT
table ip nfm_nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname { "r1", "r2" } ip daddr $PUB tcp dport 10000-40000 dnat to 10.0.3.1
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r1", "r2" } masquerade
	}
}
NFT

expectations() {
	nfm_ns_exec router cat /proc/net/nf_conntrack_expect 2>/dev/null | wc -l
}
# active objects of the expectation cache, per-cpu slabs flushed first (SLUB)
expect_slab() {
	echo 1 >/sys/kernel/slab/nf_conntrack_expect/shrink 2>/dev/null
	awk '$1 == "nf_conntrack_expect" { print $2 }' /proc/slabinfo
}

modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
slab0=$(expect_slab)
nfm_xfer -a "$PUB" -s 4M -t 60 -w 4 -P 3 &
xfer=$!
n=0
for _ in $(seq 50); do
	n=$(expectations)
	[ "$n" -ge 3 ] && break
	sleep 0.2
done
nfm_check "expectations pending before unload ($n)" [ "$n" -ge 1 ]
nfm_check "rmmod nf_nat_mptcp during the transfer" rmmod nf_nat_mptcp
nfm_check "no expectation left after unload" [ "$(expectations)" -eq 0 ]
if wait "$xfer"; then
	nfm_pass "transfer byte-exact across the unload"
else
	nfm_fail "transfer byte-exact across the unload" "mptcp_xfer failed"
fi
nfm_check "the tracker still tracks after the unload" \
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .conn_seen)" -ge 3 ]
# expectations are freed through RCU
sleep 1
nfm_log "nf_conntrack_expect slab objects: before $slab0, after $(expect_slab)"
nfm_check "no nf_conntrack_expect object leaked" [ "$(expect_slab)" -le "${slab0:-0}" ]
nfm_check_dmesg
nfm_exit
