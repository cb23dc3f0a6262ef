#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_flood_teardown.sh - tearing down a full table while a flood and real
# transfers run (issue 10, defect 4: flush, netns exit and unload used to walk
# the whole table under spin_lock_bh with an event per connection).
#
# A flood of MP_CAPABLE SYNs that the server answers (spoofed sources, so the
# handshakes stay half-open) fills the router's table to max-conns ($TABLE
# records; early drop keeps it full); short transfers run in a loop. Then,
# each time with the table full again and a flood of MP_CAPABLE SYNs and
# random-token joins going on:
#  1. `nfmptcp flush`: no record that existed is left, each one was announced
#     (a conn-closed event per id), and the flood is tracked again right after
#     (the control: the dump after the flush is not empty by accident); the
#     transfers stay byte-exact;
#  2. the router netns is deleted: its records are all freed (the module's
#     cache, which held at least $TABLE, empties);
#  3. (a new topology) rmmod: unload succeeds with $TABLE records and no
#     conn-closed event for them (the flush above is the control: the monitor
#     does see a table's worth of closes), the transfer under way survives;
#     here the flood's MP_CAPABLE SYNs go to a closed port, so that no early
#     drop (which is announced) runs in the window;
# the module loads again and a new transfer is tracked, its join verified; no
# soft lockup, RCU stall, hung task, BUG or WARN in the kernel log.
#
# Sized for TCG: max-conns bounds the records, short SYN timeouts in the
# namespaces (and one SYN/ACK retransmission) bound the flood's conntracks
# (300,000 of them once starved the guest).
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq python3 mptcp_xfer mptcp_forge nfmptcp

TABLE=${NFM_T_TABLE:-2000}	# max-conns: records before each teardown
RATE=${NFM_T_FLOOD_RATE:-400}	# SYNs per second filling the table; a quarter during teardown
SLAB=/sys/kernel/slab/nfmp_kconn

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
[ -d "$SLAB" ] || nfm_skip_all "no $SLAB (SLUB sysfs, slab_nomerge)"
stat() { nfm_stat "$1"; }
objects() {
	echo 1 >"$SLAB/shrink"
	cut -d' ' -f1 "$SLAB/objects"
}
ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(ms)

# setup : topology (only the router tracks, at most $TABLE records), a
# listener for the floods on $PF, the transfer loop
setup() {
	local ns
	nfm_topo_setup || return 1
	nfm_ns_exec client nfmptcp config auto-detect off
	nfm_ns_exec server nfmptcp config auto-detect off
	nfm_ns_exec router nfmptcp config max-conns "$TABLE" >/dev/null || return 1
	# the flood's conntracks (in all three) go within seconds; the router's
	# half-open ones, and so its records, outlast a phase
	for ns in client router server; do
		nfm_ns_exec $ns sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_syn_sent=10 \
			net.netfilter.nf_conntrack_tcp_timeout_syn_recv=10 || return 1
	done
	nfm_ns_exec router sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_syn_recv=60
	nfm_ns_exec server sysctl -qw net.ipv4.tcp_synack_retries=1
	PF=$((NFM_PORT + 500))	# listener: MP_CAPABLE SYNs are answered
	PJ=$((NFM_PORT + 501))	# random-token joins
	PC=$((NFM_PORT + 502))	# closed: MP_CAPABLE SYNs are reset, no record
	# plain `ip netns exec` (it execs): $! is python, killed below and on
	# exit; its output away from run-tests' pipe, which waits for every writer
	ip netns exec "$NFM_NS_SERVER" python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $PF)); s.listen(4096); time.sleep(300)" >/dev/null 2>&1 &
	LISTENER=$!
	NFM_PIDS+=("$LISTENER")
	NFM_PORT=$((NFM_PORT + 1000))
	STOP=$NFM_TMP/stop.$NFM_PORT
	RESULTS=$NFM_TMP/loop.$NFM_PORT
	: >"$RESULTS"
	(
		while [ ! -e "$STOP" ]; do
			if nfm_xfer -s 256K -t 60 >/dev/null 2>&1; then
				echo ok >>"$RESULTS"
			else
				echo "fail port $NFM_PORT" >>"$RESULTS"
			fi
		done
	) &
	LOOP=$!
	NFM_PIDS+=("$LOOP")
	NFM_PORT=$((NFM_PORT + 2000))	# the loop's ports are its own
	SRC=${SRC:-1}
}
# forge ARGS... : mptcp_forge from the client, spoofed sources (the server's
# SYN/ACKs cross the router, then go nowhere), a fresh /16 each time
forge() {
	SRC=$((SRC + 1))
	ip netns exec "$NFM_NS_CLIENT" mptcp_forge -s "172.$((16 + SRC)).0.1" -d 10.0.3.1 "$@" \
		>"$NFM_TMP/forge.$SRC" 2>&1 &
	NFM_PIDS+=($!)
}
# fill NAME [CAPABLE_PORT] : flood until the router tracks $TABLE
# connections, then go on flooding at a quarter of the rate each: MP_CAPABLE
# SYNs to CAPABLE_PORT (default the listener) and random-token joins
fill() {
	local a=0 f t0
	t0=$(ms)
	forge -p "$PF" -C -n $((TABLE * 4)) -r "$RATE"
	f=$!
	while [ $(($(ms) - t0)) -lt 60000 ]; do
		a=$(stat conn_active)
		[ "$a" -ge "$TABLE" ] && break
		sleep 0.4
	done
	kill "$f" 2>/dev/null
	wait "$f" 2>/dev/null
	nfm_log "$1: $a records after $(($(ms) - t0)) ms of flood, $(($(ms) - T_START)) ms into the test"
	nfm_log "router: $(nfm_ns_exec router sysctl -n net.netfilter.nf_conntrack_count) conntracks, early-drop $(stat early_drop)"
	nfm_check "$1: the flood filled the table ($a >= $TABLE records)" [ "$a" -ge "$TABLE" ]
	forge -p "${2:-$PF}" -C -n $((RATE * 30)) -r $((RATE / 4))
	FLOOD1=$!
	forge -p "$PJ" -k random -n $((RATE * 30)) -r $((RATE / 4))
	FLOOD2=$!
}
stop_floods() {
	kill "$FLOOD1" "$FLOOD2" 2>/dev/null
	wait "$FLOOD1" "$FLOOD2" 2>/dev/null
}
stop_loop() {
	touch "$STOP"
	wait "$LOOP"
}
loop_results() { # NAME
	local nok nbad
	nok=$(grep -c '^ok' "$RESULTS")
	nbad=$(grep -vc '^ok' "$RESULTS")
	grep -v '^ok' "$RESULTS" | head -n 3 | sed 's/^/# /'
	nfm_check "$1: transfers meanwhile byte-exact ($nok ok, $nbad failed)" \
		[ "$nok" -gt 0 -a "$nbad" -eq 0 ]
}
closed_lines() { grep -c '"event":"conn-closed"' "$1"; }
# monitor_start FILE : the monitor, with a receive buffer for a flush's burst of events
monitor_start() {
	local rmem
	rmem=$(sysctl -n net.core.rmem_default)
	sysctl -qw net.core.rmem_default=$((32 << 20))
	nfm_monitor_start "$1"
	sysctl -qw net.core.rmem_default="$rmem"
}
ids() { nfm_ns_exec router nfmptcp show -j | jq -c '[.[].id]'; }
# unannounced IDS_FILE EVENTS : the ids of IDS_FILE without a conn-closed event
# (sorted lists: jq's array difference is quadratic, minutes under TCG)
unannounced() {
	jq '.[]' "$1" | sort >"$NFM_TMP/ids"
	jq 'select(.event == "conn-closed") | .conn.id' "$2" | sort -u >"$NFM_TMP/closed-ids"
	comm -23 "$NFM_TMP/ids" "$NFM_TMP/closed-ids" | wc -l
}
count_le() { jq --argjson max "$2" '[.[] | select(. <= $max)] | length' "$1"; }
count_gt() { jq --argjson max "$2" '[.[] | select(. > $max)] | length' "$1"; }

setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
EVENTS=$NFM_TMP/events.json

# -- 1. flush ------------------------------------------------------------------
fill "flush"
monitor_start "$EVENTS"
ids >"$NFM_TMP/before.json"
n0=$(jq length "$NFM_TMP/before.json")
max0=$(jq 'max // 0' "$NFM_TMP/before.json")
closed0=$(stat conn_closed)
t0=$(ms)
nfm_check "flush during the flood ($n0 records)" nfm_ns_exec router nfmptcp flush
t1=$(ms)
closed=$(($(stat conn_closed) - closed0))
nfm_log "flush: $n0 records in $((t1 - t0)) ms (nfmptcp included)"
sleep 1
ids >"$NFM_TMP/after.json"
nfm_check "flush: the dump before it held the table ($n0 >= $TABLE - 100 records)" \
	[ "$n0" -ge $((TABLE - 100)) ]
old=$(count_le "$NFM_TMP/after.json" "$max0")
new=$(count_gt "$NFM_TMP/after.json" "$max0")
nfm_check "flush: no record that existed is left ($old of ids <= $max0)" [ "$old" -eq 0 ]
nfm_check "flush: the flood is tracked again after it ($new new records)" [ "$new" -gt 0 ]
nfm_check "flush: conn-closed counted for each (+$closed >= $n0)" [ "$closed" -ge "$n0" ]
nfm_monitor_stop
lost=$(unannounced "$NFM_TMP/before.json" "$EVENTS")
nfm_check "flush: each one announced ($lost of $n0 ids without a conn-closed event)" \
	[ "$lost" -eq 0 ]
nfm_check "flush: the monitor lost no events" bash -c "! grep -q lost '$EVENTS.err'"
stop_floods

# -- 2. delete the netns holding the state -------------------------------------
fill "netns deletion"
stop_loop
loop_results "flush and refill"
o0=$(objects)
t0=$(ms)
ip netns del "$NFM_NS_ROUTER"
gone() {
	local i
	for i in $(seq 150); do
		[ "$(objects)" -eq 0 ] && return 0
		sleep 0.2
	done
	return 1
}
nfm_check "netns deletion: the cache held the table ($o0 >= $TABLE objects)" [ "$o0" -ge "$TABLE" ]
nfm_check "netns deletion: all $o0 records freed (the cache is empty)" gone
nfm_log "netns deletion: $o0 records freed within $(($(ms) - t0)) ms"
stop_floods
kill "$LISTENER" 2>/dev/null
ip netns del "$NFM_NS_CLIENT"
ip netns del "$NFM_NS_SERVER"

# -- 3. unload with a full table -----------------------------------------------
NFM_NS_CLIENT=nfmc2-$NFM_SUFFIX NFM_NS_ROUTER=nfmr2-$NFM_SUFFIX NFM_NS_SERVER=nfms2-$NFM_SUFFIX
setup || { nfm_fail "second topology" "setup failed"; nfm_exit; }
monitor_start "$EVENTS"
fill "unload" "$PC"
stop_loop
loop_results "netns deletion and refill"
NFM_PORT=$((NFM_PORT + 10))
nfm_xfer -s 4M -t 60 -w 2 >/dev/null &
xfer=$!
sleep 1
a0=$(stat conn_active)
ev0=$(closed_lines "$EVENTS")
t0=$(ms)
if nfm_unload_module; then
	nfm_pass "rmmod during the flood and a transfer ($a0 records)"
else
	nfm_fail "rmmod during the flood and a transfer" "rmmod failed"
fi
nfm_log "rmmod: $a0 records, $(($(ms) - t0)) ms"
nfm_monitor_stop
ev=$(($(closed_lines "$EVENTS") - ev0))
nfm_check "rmmod: it had the table ($a0 >= $TABLE records)" [ "$a0" -ge "$TABLE" ]
nfm_check "rmmod: no event per record ($ev conn-closed events for $a0 records)" [ "$ev" -le 10 ]
nfm_check "rmmod: the cache is gone" [ ! -e "$SLAB" ]
if wait "$xfer"; then
	nfm_pass "the transfer under way survives the unload, byte-exact"
else
	nfm_fail "the transfer under way survives the unload" "mptcp_xfer failed"
fi
stop_floods

# -- 4. load again -------------------------------------------------------------
nfm_load_module || { nfm_fail "modprobe again" "failed"; nfm_exit; }
nfm_pass "modprobe again"
nfm_ns_exec router nfmptcp config max-conns "$TABLE" >/dev/null
nfm_ns_exec client nfmptcp config auto-detect off
nfm_ns_exec server nfmptcp config auto-detect off
if nfm_xfer -s 256K -t 60 -w 1; then
	nfm_pass "a new transfer after reloading: byte-exact"
else
	nfm_fail "a new transfer after reloading: byte-exact" "mptcp_xfer failed"
fi
nfm_check "it is tracked (conn-seen 1, its join verified)" \
	[ "$(stat conn_seen)" -eq 1 -a "$(stat join_valid)" -ge 1 ]

nfm_check "no object was left in the cache" \
	bash -c "! dmesg | tail -n +$((NFM_DMESG_START + 1)) | grep -E 'Objects remaining in nfmp_|nfmp_.*still has objects'"
nfm_check_dmesg "no soft lockup, RCU stall, hung task, BUG or WARN in dmesg"
nfm_log "the test took $(($(ms) - T_START)) ms"
nfm_exit
