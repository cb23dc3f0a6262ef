#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# track_table_full.sh - handshakes that never complete cannot lock real
# connections out of the table (issue: two packets per connection filled it).
#
# 1. MP_CAPABLE SYNs that nobody answers (the server drops them; the client
#    retransmits) create no connection record: only the responder's SYN/ACK
#    commits one. A real connection afterwards is tracked (its join verified).
# 2. Half-open connections (the server answers, its SYN/ACKs never reach the
#    client) fill max-conns; a real connection evicts one of them (early
#    drop, counted) and is tracked, while the table never exceeds max-conns.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq python3 mptcp_xfer nfmptcp

MAX=4
ATTEMPTS=10

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }

stat() {
	nfm_ns_exec router nfmptcp stats -j | jq ".$1"
}
tracked() {
	nfm_ns_exec router nfmptcp show -j | jq length
}

# connect_many PORT : $ATTEMPTS non-blocking MPTCP connects from the client to
# the server's port, left pending for 6 s (SYN retransmissions at 1 s and 3 s)
connect_many() {
	nfm_ns_exec client python3 - "$1" "$ATTEMPTS" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
    s.setblocking(False)
    s.connect_ex(("10.0.3.1", port))
    socks.append(s)
time.sleep(6)
PY
}

# real_connection_tracked NAME : a transfer whose join the router verifies
real_connection_tracked() {
	local seen0 valid0
	seen0=$(stat conn_seen)
	valid0=$(stat join_valid)
	if nfm_xfer -s 256K -t 60 -w 1; then
		nfm_pass "$1: real transfer byte-exact"
	else
		nfm_fail "$1: real transfer byte-exact" "mptcp_xfer failed"
	fi
	nfm_check "$1: real connection tracked (conn-seen +1, its join verified)" \
		[ "$(stat conn_seen)" -eq $((seen0 + 1)) -a "$(stat join_valid)" -gt "$valid0" ]
}

nfm_ns_exec router nfmptcp config max-conns $MAX

# -- 1. unanswered SYNs ---------------------------------------------------------
P1=$((NFM_PORT + 100))
nfm_ns_exec server nft -f - <<EOT
table inet nfm_nosyn {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport $P1 counter drop
	}
}
EOT
seen0=$(stat conn_seen)
connect_many $P1
drops=$(nfm_ns_exec server nft -j list table inet nfm_nosyn |
	jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add')
nfm_log "server dropped $drops SYNs"
nfm_check "unanswered: SYNs were retransmitted ($drops > $ATTEMPTS)" [ "$drops" -gt $ATTEMPTS ]
nfm_check "unanswered: no connection record for SYNs alone" \
	[ "$(stat conn_seen)" -eq "$seen0" -a "$(tracked)" -eq 0 ]
real_connection_tracked "after unanswered SYNs"

# -- 2. half-open handshakes ----------------------------------------------------
nfm_ns_exec router nfmptcp flush
P2=$((NFM_PORT + 200))
nfm_ns_exec server python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $P2)); s.listen(64); time.sleep(30)" &
NFM_PIDS+=($!)
nfm_ns_exec client nft -f - <<EOT
table inet nfm_nosynack {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp sport $P2 tcp flags & (syn | ack) == syn | ack counter drop
	}
}
EOT
sleep 1
full0=$(stat table_full)
ed0=$(stat early_drop)
connect_many $P2
n=$(tracked)
nfm_log "half-open: $n tracked, table-full +$(( $(stat table_full) - full0 )), early-drop +$(( $(stat early_drop) - ed0 ))"
nfm_check "half-open: the table holds at most max-conns ($n <= $MAX)" [ "$n" -le $MAX ]
nfm_check "half-open: the table filled up ($n == $MAX)" [ "$n" -eq $MAX ]
ed0=$(stat early_drop)
real_connection_tracked "table full of half-open connections"
nfm_check "half-open: the real connection evicted a half-open one (early-drop counted)" \
	[ "$(stat early_drop)" -gt "$ed0" ]
nfm_check "half-open: still at most max-conns" [ "$(tracked)" -le $MAX ]

nfm_check_dmesg
nfm_exit
