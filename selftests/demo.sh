#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh - `make demo`: a two-path MPTCP transfer through a router running
# nf_conntrack_mptcp, then what the router and the endpoints know about it.
# Runs inside the test VM (selftests/vm-run selftests/demo.sh).
. "$(dirname "$0")/lib.sh"

heading() { printf '\n==== %s ====\n' "$*"; }
run() { echo "\$ $*"; "$@" 2>&1 | sed 's/^/  /'; }

nfm_require_root
heading "Loading $NFM_MODULE"
nfm_load_module || { echo "cannot load $NFM_MODULE: did 'make' build it?"; exit 1; }
run sh -c "lsmod | grep -E '^(Module|$NFM_MODULE|nf_conntrack) '"

heading "Topology"
cat <<'TXT'
  client  c1 10.0.1.1 ──── r1 ┐            ┌ r3 ──── s1 10.0.3.1  server
          c2 10.0.2.1 ──── r2 ┴─ router ───┴ r4 ──── s2 10.0.4.1
  client endpoint: 10.0.2.1 "subflow"      server endpoint: 10.0.4.1 "signal"
TXT
nfm_topo_setup --signal || { echo "topology setup failed"; exit 1; }
# conntrack must be in use in the router for the helper to see the flows
nfm_ns_exec router nft -f - <<'NFT'
table inet demo {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state established,related counter accept
		counter
	}
}
NFT
run ip -n "$NFM_NS_CLIENT" mptcp endpoint show
run ip -n "$NFM_NS_SERVER" mptcp endpoint show
# closed subflows leave the table when their conntracks expire: make it quick
for t in time_wait close fin_wait close_wait last_ack; do
	nfm_ns_exec router sysctl -qw "net.netfilter.nf_conntrack_tcp_timeout_$t=2"
done

heading "Router: nfmptcp monitor (events over netlink) started in the background"
nfm_ns_exec router nfmptcp monitor -t 40 >"$NFM_TMP/monitor" 2>&1 &
mon=$!
sleep 0.5

heading "Transfer: 2 MiB client -> server, connection held open 15 s"
nfm_ns_exec server mptcp_xfer -l -p 5201 -e 2M -R "$NFM_TMP/ready" -t 60 &
srv=$!
nfm_wait_file "$NFM_TMP/ready" 10
nfm_ns_exec client mptcp_xfer -c 10.0.3.1 -p 5201 -s 2M -w 15 -t 60 &
cli=$!
sleep 4

heading "Client sockets while the connection is open (ss -Mni: MPTCP, ss -tni: subflows)"
run ip netns exec "$NFM_NS_CLIENT" ss -Mni
run ip netns exec "$NFM_NS_CLIENT" ss -tni state established

heading "What the router tracks"
if [ -r /proc/net/nf_conntrack ]; then
	run ip netns exec "$NFM_NS_ROUTER" grep -E 'tcp' /proc/net/nf_conntrack
elif command -v conntrack >/dev/null; then
	run ip netns exec "$NFM_NS_ROUTER" conntrack -L
else
	echo "  (no /proc/net/nf_conntrack and no conntrack tool)"
fi
if [ -x "$NFM_REPO/userspace/nfmptcp" ]; then
	run ip netns exec "$NFM_NS_ROUTER" "$NFM_REPO/userspace/nfmptcp" show
	run ip netns exec "$NFM_NS_ROUTER" "$NFM_REPO/userspace/nfmptcp" stats
else
	echo "  (userspace/nfmptcp not built yet: it will show MPTCP connections and subflows)"
fi
run ip netns exec "$NFM_NS_ROUTER" nft -a list table inet demo

echo
echo "(waiting for the client to close the connection...)"
wait "$cli"; crc=$?
wait "$srv"; src=$?

# Closed subflows leave when their conntracks expire; reading the conntrack
# table reaps expired entries without waiting for conntrack's GC.
for _ in $(seq 30); do
	nfm_ns_exec router cat /proc/net/nf_conntrack >/dev/null
	[ "$(nfm_ns_exec router nfmptcp stats -j | jq .conn_active)" = 0 ] && break
	sleep 0.5
done
heading "Router events seen by 'nfmptcp monitor' during the transfer"
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
sed 's/^/  /' "$NFM_TMP/monitor"
heading "Router state after close"
run ip netns exec "$NFM_NS_ROUTER" nfmptcp show
run ip netns exec "$NFM_NS_ROUTER" nfmptcp stats

heading "MPTCP counters (nstat MPTcpExt, non-zero)"
for ns in client server; do
	echo "  [$ns]"
	nfm_ns_exec $ns nstat -asz 2>/dev/null | awk '/^MPTcpExt/ && $2 > 0 { printf "    %-32s %s\n", $1, $2 }'
done

heading "Result"
if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
	echo "  transfer verified byte for byte on both ends"
else
	echo "  transfer FAILED (client $crc, server $src)"
	exit 1
fi
