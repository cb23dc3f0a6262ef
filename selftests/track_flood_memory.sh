#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_flood_memory.sh - memory stays bounded under a flood: with a small
# max-conns, floods of MP_CAPABLE SYNs that the server answers (half-open
# connections), of MP_JOIN SYNs with random tokens and of MP_JOIN SYNs with
# the live connection's token, from spoofed sources, while a real transfer
# runs:
#
#  - conn-active never exceeds max-conns, the real connection never exceeds
#    max-subflows and is never evicted (early drop takes half-open ones only);
#  - the module's connection cache (nfmp_kconn; the VM boots with
#    slab_nomerge, so it is ours alone) holds, once quiet, exactly the
#    connections in the table (SLUB counts per-CPU slabs as in use: the cache
#    is shrunk before each reading); during the flood at most max-conns plus
#    those freed since the last reading (RCU-deferred) plus the per-CPU slabs;
#  - the counters account for the flood: every random-token join the router
#    saw is counted join-unknown-token, conn-active = conn-seen - conn-closed;
#  - once the flood's conntracks are deleted their records are freed (the
#    cache holds the real connection's alone), and after rmmod the cache is
#    gone with no object left.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq python3 mptcp_xfer mptcp_forge nfmptcp ct_helper

MAXC=32
MAXSF=4
FLOOD=${NFM_T_FLOOD:-10000}	# SYNs of each kind
RATE=${NFM_T_FLOOD_RATE:-1000}	# per second, each kind
SLAB=/sys/kernel/slab/nfmp_kconn

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
[ -d "$SLAB" ] || nfm_skip_all "no $SLAB (SLUB sysfs, slab_nomerge)"
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
# only the router tracks: the cache is then its table alone
nfm_ns_exec client nfmptcp config auto-detect off
nfm_ns_exec server nfmptcp config auto-detect off
nfm_ns_exec router nfmptcp config max-conns $MAXC
nfm_ns_exec router nfmptcp config max-subflows $MAXSF
ncpu=$(nproc)
per_slab=$(cat "$SLAB/objs_per_slab")

# objects in use in our cache: shrunk first, so that per-CPU (partial) slabs
# are back on the node lists and their free objects no longer count as used
objects() {
	echo 1 >"$SLAB/shrink"
	cut -d' ' -f1 "$SLAB/objects"
}
# the number of objects in use must come to $1 within a few seconds (RCU)
objects_become() {
	for _ in $(seq 25); do
		[ "$(objects)" -eq "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
stat() { nfm_stat "$1"; }
ct_count() { nfm_ns_exec router sysctl -n net.netfilter.nf_conntrack_count; }

nfm_check "the cache is empty before any connection ($(objects) objects)" [ "$(objects)" -eq 0 ]

PF=$((NFM_PORT + 500))	# MP_CAPABLE flood: a listener answers
PJ=$((NFM_PORT + 501))	# random-token joins: nobody listens
nfm_ns_exec server python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $PF)); s.listen(4096); time.sleep(300)" &
NFM_PIDS+=($!)
# what the router's hook saw of the random-token joins (after conntrack, as it)
nfm_ns_exec router nft -f - <<EOT
table inet nfm_seen {
	chain pre {
		type filter hook prerouting priority -150; policy accept;
		tcp dport $PJ tcp flags & (syn | ack) == syn counter comment "joins"
	}
}
EOT

# -- the real connection: two subflows, held open until the end --------------
NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
nfm_xfer -s 512K -t 200 -w 180 >/dev/null &
xfer=$!
NFM_PORT=$port
real=
for _ in $(seq 100); do
	real=$(nfm_ns_exec router nfmptcp show -j | jq -c --argjson p "$port" \
		'[.[] | select(.state == "established" and .nsubflows == 2 and any(.subflows[]; .dport == $p))] | first // empty')
	[ -n "$real" ] && break
	sleep 0.2
done
if [ -z "$real" ]; then
	nfm_fail "the real connection is tracked with 2 subflows" "not seen"
	nfm_exit
fi
nfm_pass "the real connection is tracked with 2 subflows"
real_id=$(jq -r .id <<<"$real")
stoken=$(jq -r .token_server <<<"$real")
real_conn() {
	nfm_ns_exec router nfmptcp show -j | jq -c --argjson id "$real_id" '.[] | select(.id == $id)'
}

# -- the flood ---------------------------------------------------------------------
seen0=$(stat conn_seen)
ed0=$(stat early_drop)
unk0=$(stat join_unknown_token)
full0=$(stat join_related_full)
sflim0=$(stat sf_limit)
# spoofed sources: the server's answers go back through the router, then nowhere
cns=$(nfm_ns client)
ip netns exec "$cns" mptcp_forge -s 172.16.0.1 -d 10.0.3.1 -p $PF -C -n "$FLOOD" -r "$RATE" \
	>"$NFM_TMP/f1" &
f1=$!
ip netns exec "$cns" mptcp_forge -s 172.20.0.1 -d 10.0.3.1 -p $PJ -k random -n "$FLOOD" \
	-r "$RATE" >"$NFM_TMP/f2" &
f2=$!
ip netns exec "$cns" mptcp_forge -s 172.24.0.1 -d 10.0.3.1 -p "$port" -k "$stoken" \
	-n $((FLOOD / 10)) -r $((RATE / 10)) >"$NFM_TMP/f3" &
f3=$!
NFM_PIDS+=("$f1" "$f2" "$f3")

flooding() {
	kill -0 "$f1" 2>/dev/null || kill -0 "$f2" 2>/dev/null || kill -0 "$f3" 2>/dev/null
}
# A sample costs seconds under TCG while the flood runs: keep sampling after it
# (its half-open records stay until their conntracks time out) so that the bound
# is checked a few times however slow the VM is.
max_active=0 max_obj=0 max_sf=0 samples=0 during=0 over=
closed_prev=$(stat conn_closed) closed_prev2=$closed_prev
while flooding || [ "$samples" -lt 4 ]; do
	sleep 0.5
	flooding && during=$((during + 1))
	st=$(nfm_ns_exec router nfmptcp stats -j)
	a=$(jq .conn_active <<<"$st")
	closed=$(jq .conn_closed <<<"$st")
	o=$(objects)
	sf=$(real_conn | jq -r '.nsubflows // 0')
	samples=$((samples + 1))
	# live records, those freed in the last two intervals (RCU), per-CPU slabs
	bound=$((MAXC + closed - closed_prev2 + 2 * ncpu * per_slab))
	[ "$a" -gt $MAXC ] && over="$over conn-active $a;"
	[ "$o" -gt "$bound" ] && over="$over $o objects > $bound;"
	[ "$sf" -gt $MAXSF ] && over="$over $sf subflows;"
	closed_prev2=$closed_prev closed_prev=$closed
	[ "$a" -gt "$max_active" ] && max_active=$a
	[ "$o" -gt "$max_obj" ] && max_obj=$o
	[ "$sf" -gt "$max_sf" ] && max_sf=$sf
	nfm_log "flood: conn-active $a, nfmp_kconn objects $o (bound $bound), real subflows $sf"
done
wait "$f1" "$f2" "$f3"
nfm_log "$(cat "$NFM_TMP/f1"); $(cat "$NFM_TMP/f2"); $(cat "$NFM_TMP/f3")"
seen=$(( $(stat conn_seen) - seen0 ))
ed=$(( $(stat early_drop) - ed0 ))
nfm_log "flood: $seen records made, $ed evicted (early drop), join-related-full +$(( $(stat join_related_full) - full0 )), sf-limit +$(( $(stat sf_limit) - sflim0 ))"
nfm_log "slab: at most $max_obj nfmp_kconn objects of $(cat "$SLAB/object_size") bytes in use ($per_slab per slab, $ncpu CPUs), max-conns $MAXC; $(ct_count) conntracks"
nfm_check "flood: sampled $samples times ($during during it), never over the limits (${over:-none})" \
	[ "$during" -ge 1 -a "$samples" -ge 4 -a -z "$over" ]
nfm_check "flood: the table filled up and half-open records were evicted ($ed early drops)" \
	[ "$ed" -gt 0 -a "$max_active" -eq $MAXC ]

# -- quiet: the cache holds exactly the table -------------------------------------
active=$(stat conn_active)
nfm_check "quiet: conn-active ($active) <= max-conns and = conn-seen - conn-closed" \
	[ "$active" -le $MAXC -a "$active" -eq $(( $(stat conn_seen) - $(stat conn_closed) )) ]
nfm_check "quiet: the cache holds exactly the $active records ($(objects) objects)" \
	objects_become "$active"
nsf=$(real_conn | jq -r .nsubflows)
within_limits() { [ -n "$nsf" ] && [ "$nsf" -le $MAXSF ]; }
nfm_check "the real connection was never evicted, within max-subflows (${nsf:-gone})" within_limits
unk=$(( $(stat join_unknown_token) - unk0 ))
seen_j=$(nfm_nft_counter router inet nfm_seen pre joins)
nfm_check "every random-token join the router saw is counted join-unknown-token ($unk of $seen_j)" \
	[ "$unk" -eq "$seen_j" -a "$seen_j" -gt $((FLOOD / 2)) ]

# -- the flood's conntracks go: their records are freed ---------------------------
# ct_helper takes up to 4096 conntracks a call
for _ in $(seq 20); do
	out=$(nfm_ns_exec router ct_helper -P $PF delete)
	case $out in "matched 0 "*) break ;; esac
done
left=$(stat conn_active)
nfm_check "flood's conntracks deleted: only the real connection is left ($left)" [ "$left" -eq 1 ]
nfm_check "and the cache holds its record alone ($(objects) objects)" objects_become 1

pkill -USR1 -f "mptcp_xfer -c 10.0.3.1 -p $port "
if wait "$xfer"; then
	nfm_pass "the real transfer completed byte-exact during the flood"
else
	nfm_fail "the real transfer completed byte-exact during the flood" "mptcp_xfer failed"
fi
if nfm_unload_module; then
	nfm_pass "rmmod"
else
	nfm_fail "rmmod" "rmmod failed"
fi
nfm_check "after rmmod the cache is gone" [ ! -e "$SLAB" ]
nfm_check "no object was left in it" \
	bash -c "! dmesg | tail -n +$((NFM_DMESG_START + 1)) | grep -E 'Objects remaining in nfmp_|nfmp_.*still has objects'"
nfm_check_dmesg
nfm_exit
