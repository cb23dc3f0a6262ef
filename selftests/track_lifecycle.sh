#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_lifecycle.sh - connection records live exactly as long as their
# subflows' conntracks: 200 parallel connections are all tracked while open
# and all gone after close; unloading the module during a transfer and
# deleting a netns with live state leave no oops, warning or leaked object.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq mptcp_xfer nfmptcp

CONNS=200

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
# closed conntracks expire quickly, so "gone after close" is seconds away
for t in time_wait close fin_wait close_wait last_ack syn_sent syn_recv; do
	nfm_ns_exec router sysctl -qw "net.netfilter.nf_conntrack_tcp_timeout_$t=1"
done

active() {
	nfm_ns_exec router nfmptcp stats -j | jq .conn_active
}

# The VM boots with slab_nomerge: our connection cache is our own, and
# kmem_cache_destroy() at rmmod reports any object still allocated in it.
# (slabinfo's active count is no leak detector: SLUB counts per-cpu slabs whole.)
no_leak_report() {
	! nfm_dmesg_new | grep -E 'Objects remaining in nfmp_|nfmp_.*still has objects'
}

# -- 200 parallel connections -----------------------------------------------
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 16K -P "$CONNS" -t 90 -w 8 &
xfer=$!
n=0
for _ in $(seq 150); do
	n=$(nfm_ns_exec router nfmptcp show -j | jq '[.[] | select(.state == "established")] | length')
	[ "$n" -ge "$CONNS" ] && break
	sleep 0.2
done
nfm_check "$CONNS parallel connections all tracked while open (saw $n)" [ "$n" -eq "$CONNS" ]
js=$(nfm_ns_exec router nfmptcp show -j)
nfm_check "$CONNS distinct client tokens" \
	[ "$(jq '[.[].token_client] | unique | length' <<<"$js")" -eq "$CONNS" ]
if wait "$xfer"; then
	nfm_pass "$CONNS transfers byte-exact"
else
	nfm_fail "$CONNS transfers byte-exact" "mptcp_xfer failed"
fi
left=$(active)
for _ in $(seq 120); do
	left=$(active)
	[ "$left" -eq 0 ] && break
	sleep 0.5
done
nfm_check "all connections gone after close ($left left)" [ "$left" -eq 0 ]

# -- unload while a transfer runs ----------------------------------------------
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 4M -t 60 -w 2 &
xfer=$!
for _ in $(seq 50); do
	[ "$(active)" -ge 1 ] && break
	sleep 0.2
done
nfm_check "a connection is tracked before unload" [ "$(active)" -ge 1 ]
if nfm_unload_module; then
	nfm_pass "rmmod during a transfer"
else
	nfm_fail "rmmod during a transfer" "rmmod failed"
fi
if wait "$xfer"; then
	nfm_pass "the transfer survives the unload, byte-exact"
else
	nfm_fail "the transfer survives the unload" "mptcp_xfer failed"
fi
nfm_check "unload left no connection object behind" no_leak_report

# -- delete the router netns with live state, then unload --------------------
nfm_load_module || { nfm_fail "modprobe again" "failed"; nfm_exit; }
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 64M -t 20 -w 5 >/dev/null 2>&1 &
xfer=$!
for _ in $(seq 50); do
	[ "$(active)" -ge 1 ] && break
	sleep 0.2
done
nfm_check "a connection is tracked before the netns goes" [ "$(active)" -ge 1 ]
ip netns del "$NFM_NS_ROUTER"
kill "$xfer" 2>/dev/null
wait "$xfer" 2>/dev/null
sleep 2	# netns cleanup runs from a workqueue
if nfm_unload_module; then
	nfm_pass "rmmod after netns deletion"
else
	nfm_fail "rmmod after netns deletion" "rmmod failed"
fi
nfm_check "netns deletion left no connection object behind" no_leak_report
nfm_check_dmesg "no oops or warning in dmesg"
nfm_exit
