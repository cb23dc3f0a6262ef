#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_malformed.sh - garbage in, nothing out: thousands of segments with
# random, mostly malformed MPTCP options (wrong lengths, truncated, unknown
# subtypes, options running past the header) on fresh SYNs and on a tracked
# subflow's 5-tuple. The router counts them, the real transfer is intact, the
# module unloads, the kernel stays quiet.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq mptcp_xfer mptcp_forge nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
# out-of-window garbage must still reach our hook, not die as INVALID in conntrack
nfm_ns_exec router sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1

NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
nfm_xfer -s 1M -t 60 -w 6 &
xfer=$!
sport=
for _ in $(seq 50); do
	sport=$(nfm_ns_exec router nfmptcp show -j |
		jq -r '[.[] | .subflows[] | select(.join == false and .established)][0].sport // empty')
	[ -n "$sport" ] && break
	sleep 0.2
done
nfm_check "a real connection is tracked (initial subflow port ${sport:-none})" [ -n "$sport" ]

bad0=$(nfm_ns_exec router nfmptcp stats -j | jq .opt_malformed)
if nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d 10.0.3.1 -p "$port" -S "${sport:-1}" -G 3000; then
	nfm_pass "3000 segments with random options sent"
else
	nfm_fail "3000 segments with random options sent" "mptcp_forge failed"
fi
sleep 1
bad=$(nfm_ns_exec router nfmptcp stats -j | jq .opt_malformed)
nfm_log "opt-malformed: $bad0 -> $bad"
nfm_check "malformed options counted" [ "$bad" -gt "$bad0" ]
nfm_check "the table still answers" nfm_ns_exec router nfmptcp show

if wait "$xfer"; then
	nfm_pass "real transfer byte-exact through the garbage"
else
	nfm_fail "real transfer byte-exact through the garbage" "mptcp_xfer failed"
fi
if nfm_unload_module; then
	nfm_pass "rmmod"
else
	nfm_fail "rmmod" "rmmod failed"
fi
nfm_check_dmesg
nfm_exit
