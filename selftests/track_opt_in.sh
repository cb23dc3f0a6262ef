#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_opt_in.sh - auto-detect off (module parameter auto_detect=0, or
# `nfmptcp config auto-detect off`): no hooks of ours in the netns, so nothing
# is tracked until the ruleset binds the "mptcp" helper (`ct helper set`);
# then those conntracks are tracked, joins verified, from the helper alone.
# auto-detect on registers the hooks again (tracked without a rule), off
# takes them away.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq mptcp_xfer nfmptcp

nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

# The module carries the helper's alias: a ruleset naming the "mptcp" helper
# loads it (nf_conntrack_helper_try_module_get -> request_module).
nfm_unload_module || { nfm_fail "rmmod" "nf_conntrack_mptcp in use before the test"; nfm_exit; }
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_autoload {
	ct helper mptcp { type "mptcp" protocol tcp; l3proto inet; }
}
NFT
nfm_check "a ct helper \"mptcp\" object autoloads nf_conntrack_mptcp" \
	nfm_module_loaded nf_conntrack_mptcp
nfm_ns_exec router nft delete table inet nfm_autoload
# the object's module reference goes with the table's (deferred) destruction
for ((i = 0; i < 50; i++)); do
	nfm_unload_module 2>/dev/null && break
	sleep 0.1
done
nfm_module_loaded nf_conntrack_mptcp && { nfm_fail "rmmod" "after the helper object went"; nfm_exit; }

modprobe nf_conntrack_mptcp auto_detect=0 || { nfm_fail "modprobe" "auto_detect=0"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)

stat() { nfm_stat "$1"; }
# tracked LABEL WANT: a transfer, and whether the router tracked it (1) or not (0)
tracked() {
	local seen0
	seen0=$(stat conn_seen)
	if nfm_xfer -s 256K -t 60; then
		nfm_pass "$1: transfer byte-exact"
	else
		nfm_fail "$1: transfer byte-exact" "mptcp_xfer failed"
	fi
	if [ "$2" = 1 ]; then
		nfm_check "$1: tracked without any rule" [ "$(stat conn_seen)" -gt "$seen0" ]
	else
		nfm_check "$1: nothing tracked" [ "$(stat conn_seen)" -eq "$seen0" ]
	fi
}

nfm_check "auto_detect=0: config says auto-detect off" \
	[ "$(nfm_ns_exec router nfmptcp config auto-detect)" = off ]
tracked "opt-in, no helper rule" 0

nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_helper {
	ct helper mptcp {
		type "mptcp" protocol tcp
		l3proto inet
	}
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		ip saddr 10.0.0.0/16 tcp flags & (syn | ack) == syn ct helper set "mptcp"
	}
}
NFT
seen0=$(stat conn_seen)
valid0=$(stat join_valid)
if nfm_xfer -s 1M -t 60 -w 2 -- -J 2; then
	nfm_pass "opt-in, ct helper set: transfer byte-exact"
else
	nfm_fail "opt-in, ct helper set: transfer byte-exact" "mptcp_xfer failed"
fi
nfm_check "opt-in, ct helper set: the connection was tracked" [ "$(stat conn_seen)" -gt "$seen0" ]
nfm_check "opt-in, ct helper set: its join was verified ($(( $(stat join_valid) - valid0 )))" \
	[ "$(stat join_valid)" -gt "$valid0" ]
nfm_ns_exec router nft delete table inet nfm_helper

nfm_ns_exec router nfmptcp config auto-detect on >/dev/null ||
	nfm_fail "config auto-detect on" "nfmptcp config failed"
nfm_check "config says auto-detect on" [ "$(nfm_ns_exec router nfmptcp config auto-detect)" = on ]
tracked "auto-detect on" 1
nfm_ns_exec router nfmptcp config auto-detect off >/dev/null
tracked "auto-detect off again" 0
nfm_ns_exec router nfmptcp config auto-detect maybe >/dev/null 2>&1
nfm_check "auto-detect maybe: refused as bad usage (exit 2)" [ $? -eq 2 ]
nfm_check_dmesg
nfm_exit
