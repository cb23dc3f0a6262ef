#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_reap.sh - a subflow whose conntrack loses the mptcp helper through
# ctnetlink (CTA_HELP with an empty name on an update: the kernel clears
# help->helper and calls nothing of ours) is closed within seconds: reported
# (sf-closed, sf-reaped), its connection closed when it was the last one, and
# its conntrack no longer pinned (issue 10, defect 5: before, no event came and
# the deleted conntrack stayed allocated until an unrelated walk).
#
# 1. one subflow: clear its helper -> sf-closed, conn-closed, sf-reaped 1;
#    delete the conntrack -> nf_conntrack_count drops (it is freed);
# 2. two subflows: clear the initial one's (the join is RELATED, ctnetlink
#    refuses to touch it) -> that subflow closed, the connection goes on with
#    its join; transfers byte-exact, clean unload.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq mptcp_xfer nfmptcp ct_helper

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
EVENTS=$NFM_TMP/events.json

ct_count() {
	nfm_ns_exec router sysctl -n net.netfilter.nf_conntrack_count
}
# conn_of PORT : the tracked connection (JSON) whose subflows go to PORT
conn_of() {
	nfm_ns_exec router nfmptcp show -j |
		jq -c --argjson p "$1" '[.[] | select(any(.subflows[]?; .dport == $p))] | first // empty'
}
# wait_for SECONDS CMD... : poll CMD every 0.2 s
wait_for() {
	local i n=$(($1 * 5))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
reaped_ge() { [ "$(nfm_stat sf_reaped)" -ge "$1" ]; }
nsubflows_is() { # PORT N
	local n
	n=$(conn_of "$1" | jq -r .nsubflows)
	[ "${n:-0}" -eq "$2" ]
}
# events_for PORT SELECTOR : count of monitor events for subflows to PORT
events_for() {
	jq -s --argjson p "$1" "[.[] | select(.subflow.dport? == \$p) | $2] | length" "$EVENTS"
}

nfm_monitor_start "$EVENTS"

# -- 1. the only subflow -----------------------------------------------------------
ip -n "$NFM_NS_CLIENT" mptcp endpoint flush
nfm_ns_exec router ct_helper flush >/dev/null	# only our conntracks from now on
port=$((NFM_PORT + 1))
nfm_xfer -s 64K -t 60 -w 12 >/dev/null &
xfer=$!
NFM_PORT=$((NFM_PORT + 10))
wait_for 20 nsubflows_is "$port" 1
nfm_check "one subflow tracked" nsubflows_is "$port" 1
conn_id=$(conn_of "$port" | jq .id)
before=$(ct_count)
out=$(nfm_ns_exec router ct_helper -P "$port" clear)
nfm_check "ctnetlink clears the helper of its conntrack ($out)" \
	[ "$out" = "matched 1 done 1 failed 0" ]
wait_for 10 reaped_ge 1
nfm_check "the subflow is reaped within 10 s (sf-reaped $(nfm_stat sf_reaped))" reaped_ge 1
nfm_check "its connection is closed (no longer listed)" [ -z "$(conn_of "$port")" ]
out=$(nfm_ns_exec router ct_helper -P "$port" delete)
nfm_check "the conntrack is deleted ($out)" [ "$out" = "matched 1 done 1 failed 0" ]
freed() { [ "$(ct_count)" -lt "$before" ]; }
wait_for 5 freed
nfm_check "the deleted conntrack is freed, not pinned (nf_conntrack_count $before -> $(ct_count))" freed
if wait "$xfer"; then
	nfm_pass "transfer byte-exact (its conntrack picked up again mid-stream)"
else
	nfm_fail "transfer byte-exact" "mptcp_xfer failed"
fi

# -- 2. the initial subflow of two -----------------------------------------------
ip -n "$NFM_NS_CLIENT" mptcp endpoint add 10.0.2.1 dev c2 subflow
port2=$((NFM_PORT + 1))
nfm_xfer -s 64K -t 60 -w 12 -- -J 2 >/dev/null &
xfer=$!
NFM_PORT=$((NFM_PORT + 10))
wait_for 20 nsubflows_is "$port2" 2
nfm_check "two subflows tracked" nsubflows_is "$port2" 2
out=$(nfm_ns_exec router ct_helper -P "$port2" clear)
nfm_check "only the initial subflow's helper can be cleared ($out)" \
	[ "$out" = "matched 1 done 1 failed 0" ]
wait_for 10 reaped_ge 2
nfm_check "the initial subflow is reaped (sf-reaped $(nfm_stat sf_reaped))" reaped_ge 2
nfm_check "the connection goes on with its join" nsubflows_is "$port2" 1
nfm_check "... still established" \
	[ "$(conn_of "$port2" | jq -r .state)" = established ]
if wait "$xfer"; then
	nfm_pass "two-subflow transfer byte-exact"
else
	nfm_fail "two-subflow transfer byte-exact" "mptcp_xfer failed"
fi

nfm_monitor_stop
nfm_check "one sf-closed event for the reaped single subflow" \
	[ "$(events_for "$port" 'select(.event == "sf-closed")')" -eq 1 ]
nfm_check "its conn-closed event" \
	[ "$(jq -s --argjson id "$conn_id" '[.[] | select(.event == "conn-closed" and .conn.id == $id)] | length' "$EVENTS")" -eq 1 ]
nfm_check "an sf-closed event for the reaped initial subflow of two" \
	[ "$(events_for "$port2" 'select(.event == "sf-closed" and .subflow.join == false)')" -eq 1 ]

if nfm_unload_module; then
	nfm_pass "rmmod with the sweep armed"
else
	nfm_fail "rmmod with the sweep armed" "rmmod failed"
fi
nfm_check "no connection object left behind" \
	eval '! nfm_dmesg_new | grep -E "Objects remaining in nfmp_|nfmp_.*still has objects"'
nfm_check_dmesg "no oops or warning in dmesg"
nfm_exit
