#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat_one_to_one.sh - issue 8, test 3: a server behind a static 1:1 NAT of
# both its addresses (dnat/snat pairs PRIV1<->PUB1, PRIV2<->PUB2; forward
# policy drop, `ct state established,related accept`, and new connections
# accepted to the two public addresses' service port, as a 1:1 NAT would)
# announces its second private address.
#  - with `nfmptcp config nat-map PRIV1=PUB1,PRIV2=PUB2` the router's outside
#    sees the announcement carry PUB2 and no port, re-signed: the client
#    accepts it (its HMAC verified: ip mptcp monitor ANNOUNCED); the client's
#    join to PUB2 is led to PRIV2 by the static rules (no expectation) through
#    the default-deny forward chain and carries data; the client's echo of
#    PUB2 reaches the server as PRIV2, and the server stops retransmitting;
#  - control, nf_nat_mptcp without the map: PRIV2 is allocated on the
#    carrying subflow's outside address (rule 2 of Documentation/nat.rst):
#    the client is told PUB1 and a new port, and its join gets to PRIV2
#    through the expectation, never through PUB2;
#  - control, no nf_nat_mptcp: the client is told PRIV2, and its join never
#    reaches the server.
# Then the same over NAT66, with one map holding the pairs of both families;
# and the map's life: cleared, per netns, freed with its netns and module.
# The private networks are blackholed on the client, as on the Internet.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft jq nstat taskset dumpcap tshark mptcp_xfer nfmptcp

PRIV1=10.0.3.1 PRIV2=10.0.4.1 PUB1=192.0.2.1 PUB2=192.0.2.2
PRIV1_6=fd00:3::1 PRIV2_6=fd00:4::1 PUB1_6=2001:db8:1::1 PUB2_6=2001:db8:1::2
MAP4=$PRIV1=$PUB1,$PRIV2=$PUB2
MAP=$MAP4,$PRIV1_6=$PUB1_6,$PRIV2_6=$PUB2_6

nfm_topo_setup --no-subflow --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24 fd00:3::/64 fd00:4::/64

# nat_rules PORT: the static 1:1 NAT of both server addresses, both families
nat_rules() {
	nfm_ns_exec router nft -f - <<NFT
flush ruleset
table ip nfm_nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname { "r1", "r2" } ip daddr $PUB1 dnat to $PRIV1
		iifname { "r1", "r2" } ip daddr $PUB2 dnat to $PRIV2
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r1", "r2" } ip saddr $PRIV1 snat to $PUB1
		oifname { "r1", "r2" } ip saddr $PRIV2 snat to $PUB2
	}
}
table ip6 nfm_nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname { "r1", "r2" } ip6 daddr $PUB1_6 dnat to $PRIV1_6
		iifname { "r1", "r2" } ip6 daddr $PUB2_6 dnat to $PRIV2_6
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r1", "r2" } ip6 saddr $PRIV1_6 snat to $PUB1_6
		oifname { "r1", "r2" } ip6 saddr $PRIV2_6 snat to $PUB2_6
	}
}
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct original ip daddr $PUB2 ip daddr $PRIV2 counter comment "PUB2 to PRIV2"
		ct original ip daddr $PUB1 ip daddr $PRIV2 counter comment "PUB1 to PRIV2"
		ip daddr $PRIV2 counter comment "to second address"
		ct original ip6 daddr $PUB2_6 ip6 daddr $PRIV2_6 counter comment "PUB2 to PRIV2 (6)"
		ip6 daddr $PRIV2_6 counter comment "to second address (6)"
		ct state established,related counter accept
		iifname { "r3", "r4" } ct state new accept
		iifname { "r1", "r2" } ct original ip daddr { $PUB1, $PUB2 } tcp dport $1 ct state new accept
		iifname { "r1", "r2" } ct original ip6 daddr { $PUB1_6, $PUB2_6 } tcp dport $1 ct state new accept
		meta l4proto ipv6-icmp accept
		counter comment "dropped"
	}
}
NFT
}

rule_counter() { nfm_nft_counter router inet nfm_fw forward "$1" "${2:-packets}"; }

# run_phase LABEL PUBLIC [CLIENT_ARGS...]: one transfer to PUBLIC (the
# server's first address through the NAT), with the client's ADD_ADDR
# events in $ANNOUNCED, the router's view in $SHOW and, with CAPTURE=1, the
# ADD_ADDR options its four interfaces carried in $OPTS (tshark is slow to
# start under TCG: only the phases that check the echo capture)
run_phase() {
	local label=$1 pub=$2 j0 sj0 aa0 mon cap=
	shift 2
	nat_rules $((NFM_PORT + 1))
	j0=$(nfm_nstat server MPTcpExtMPJoinAckRx)
	sj0=$(nfm_nstat server MPTcpExtMPJoinSynRx)
	aa0=$(nfm_nstat client MPTcpExtAddAddr)
	rm -f "$NFM_TMP/router.pcapng"
	OPTS=
	if [ "${CAPTURE:-0}" = 1 ]; then
		ip netns exec "$NFM_NS_ROUTER" dumpcap -q -i r1 -i r2 -i r3 -i r4 -s 160 -f tcp \
			-w "$NFM_TMP/router.pcapng" 2>"$NFM_TMP/dumpcap.err" &
		cap=$!
		NFM_PIDS+=("$cap")
		nfm_wait_file "$NFM_TMP/router.pcapng" 10 ||
			nfm_log "$label: dumpcap: $(cat "$NFM_TMP/dumpcap.err")"
	fi
	# the client's own view of what was announced to it
	ip netns exec "$NFM_NS_CLIENT" ip mptcp monitor >"$NFM_TMP/client-events" 2>&1 &
	mon=$!
	NFM_PIDS+=("$mon")
	sleep 0.5
	# 4M: under TCG the first subflow's window can carry most of 1M before
	# the join has a window of its own (seen on 6.12: 1,820 bytes on it)
	if nfm_xfer -a "$pub" -s 4M -t 60 -w 2 -- "$@"; then
		nfm_pass "$label: transfer byte-exact"
	else
		nfm_fail "$label: transfer byte-exact" "mptcp_xfer failed"
	fi
	SHOW=$(nfm_ns_exec router nfmptcp show -j)
	kill "$mon" $cap 2>/dev/null
	wait "$mon" $cap 2>/dev/null
	ANNOUNCED=$(grep ANNOUNCED "$NFM_TMP/client-events")
	JOIN_SYN_RX=$(( $(nfm_nstat server MPTcpExtMPJoinSynRx) - sj0 ))
	JOIN_ACK_RX=$(( $(nfm_nstat server MPTcpExtMPJoinAckRx) - j0 ))
	ADD_ADDR_RX=$(( $(nfm_nstat client MPTcpExtAddAddr) - aa0 ))
	# "outside|inside TIME announce|echo ADDR" per ADD_ADDR (r1, r2: the client's side)
	[ -n "$cap" ] && OPTS=$(tshark -r "$NFM_TMP/router.pcapng" -T fields \
		-Y "tcp.options.mptcp.subtype == 3" -e frame.interface_name -e frame.time_epoch \
		-e tcp.options.mptcp.echo -e tcp.options.mptcp.ipv4 -e tcp.options.mptcp.ipv6 2>/dev/null |
		awk '{ print ($1 ~ /^r[12]$/ ? "outside" : "inside"), $2, ($3 == 1 ? "echo" : "announce"), $4 }')
	nfm_log "$label: client got $ADD_ADDR_RX ADD_ADDR: $(tr '\n' ';' <<<"$ANNOUNCED")"
	nfm_log "$label: server got $JOIN_SYN_RX join SYNs, $JOIN_ACK_RX join ACKs"
	nfm_log "$label: ADD_ADDR options at the router: $(tr '\n' ';' <<<"$OPTS")"
	nfm_log "$label: router: $(jq -c '[.[] | .addrs[]?]' <<<"$SHOW")"
	nfm_log "$label: done at ${SECONDS}s"
}

# seen SIDE KIND ADDR : the router's SIDE (outside|inside) carried an ADD_ADDR
# of KIND (announce|echo) for ADDR
seen() {
	awk -v s="$1" -v k="$2" -v a="$3" '$1 == s && $3 == k && $4 == a { f = 1 } END { exit !f }' <<<"$OPTS"
}

# seen_not SIDE KIND ADDR OTHER : as seen for ADDR, and never for OTHER
seen_not() {
	seen "$1" "$2" "$3" && ! seen "$1" "$2" "$4"
}

# announced_once_echoed ADDR : the server sent no announcement after
# the first echo of ADDR reached it (a matching echo ends its retransmissions)
announced_once_echoed() {
	awk -v a="$1" '$1 == "inside" && $4 == a && $3 == "echo" && !t { t = $2 }
		$1 == "inside" && $3 == "announce" { last = $2 }
		END { exit !(t && last && last < t) }' <<<"$OPTS"
}

# announced_as ADDR : the client was told ADDR (ip mptcp monitor, daddr4/6=)
announced_as() {
	grep -Eq "daddr[46]=$1( |$)" <<<"$ANNOUNCED"
}

# router_shows JQ_FILTER : some announced address of $SHOW matches
router_shows() {
	jq -e "[.[] | .addrs[]? | select($1)] | length >= 1" <<<"$SHOW" >/dev/null
}

# ---- control 1: the tracker alone, no NAT half (and none autoloaded) ----
modprobe nf_conntrack_mptcp nat_autoload=0 || { nfm_fail "modprobe" "nf_conntrack_mptcp"; nfm_exit; }
NFM_MODULES_LOADED+=(nf_conntrack_mptcp)
nfm_ns_exec router nfmptcp config nat-map "$MAP4"
run_phase "without nf_nat_mptcp" "$PUB1"
nfm_check "without nf_nat_mptcp: the client was told $PRIV2" announced_as "$PRIV2"
nfm_check "without nf_nat_mptcp: the join never reached the server" [ "$JOIN_SYN_RX" -eq 0 ]
nfm_check "without nf_nat_mptcp: nothing was forwarded to $PRIV2" \
	[ "$(rule_counter "to second address")" -eq 0 ]

# ---- control 2: nf_nat_mptcp without the map: rule 2 allocates on PUB1 ----
nfm_load_module nf_nat_mptcp || { nfm_fail "modprobe nf_nat_mptcp" "failed"; nfm_exit; }
nfm_ns_exec router nfmptcp config nat-map none
NFM_PORT=$((NFM_PORT + 10))
run_phase "no nat-map" "$PUB1" -J 2
natport=$(jq -r --arg a "$PRIV2" --arg p "$PUB1" \
	'[.[] | .addrs[]? | select(.addr == $a and .nat_addr == $p) | .nat_port // 0] | first // 0' <<<"$SHOW")
nfm_check "no nat-map: the router announced $PRIV2 as $PUB1 port $natport (rule 2)" \
	[ "$natport" -gt 0 -a "$natport" -ne "$NFM_PORT" ]
nfm_check "no nat-map: the client was told $PUB1 port $natport" \
	grep -Eq "daddr4=$PUB1 dport=$natport( |$)" <<<"$ANNOUNCED"
nfm_check "no nat-map: the client was never told $PUB2" bash -c "! grep -q 'daddr4=$PUB2' <<<'$ANNOUNCED'"
nfm_check "no nat-map: the join reached the server's second address" [ "$JOIN_ACK_RX" -ge 1 ]
nfm_check "no nat-map: through the expectation on $PUB1 (>= 2 KiB), not $PUB2" \
	bash -c "[ $(rule_counter "PUB1 to PRIV2" bytes) -ge 2048 ] && [ $(rule_counter "PUB2 to PRIV2") -eq 0 ]"

# ---- the map ----
# one CPU from here on: an ADD_ADDR or its echo overtaken by later ACKs is
# discarded by PAWS at its receiver and retransmitted (see nfm_one_cpu),
# which would blur what the echo checks say
nfm_one_cpu
echo0=$(nfm_nstat server MPTcpExtEchoAdd)
drop0=$(nfm_nstat client MPTcpExtAddAddrDrop)
st0=$(nfm_ns_exec router nfmptcp stats -j)
nfm_ns_exec router nfmptcp config nat-map "$MAP"
nfm_check "nfmptcp config nat-map prints the map as it was set" \
	[ "$(nfm_ns_exec router nfmptcp config nat-map)" = "$MAP" ]
nfm_check "nfmptcp -j config: nat_map lists the 4 pairs, inside and outside" \
	jq -e --arg i "$PRIV2_6" --arg o "$PUB2_6" \
	'(.nat_map | length) == 4 and .nat_map[3] == {inside: $i, outside: $o}' \
	<<<"$(nfm_ns_exec router nfmptcp -j config)"
NFM_PORT=$((NFM_PORT + 10))
CAPTURE=1
run_phase "nat-map" "$PUB1" -J 2
st1=$(nfm_ns_exec router nfmptcp stats -j)
nfm_check "nat-map: the client accepted $PUB2 (HMAC verified: ip mptcp monitor ANNOUNCED)" \
	announced_as "$PUB2"
nfm_check "nat-map: the client was told neither $PRIV2 nor $PUB1" \
	bash -c "! grep -Eq 'daddr4=($PRIV2|$PUB1)( |$)' <<<'$ANNOUNCED'"
nfm_check "nat-map: nfmptcp show: $PRIV2 announced as $PUB2, no port" \
	router_shows ".addr == \"$PRIV2\" and .nat_addr == \"$PUB2\" and (.nat_port // 0) == 0"
nfm_check "nat-map: the join reached the server's second address" [ "$JOIN_SYN_RX" -ge 1 ]
nfm_check "nat-map: the join completed (server MPTcpExtMPJoinAckRx)" [ "$JOIN_ACK_RX" -ge 1 ]
# only the static dnat of PUB2 leads to PRIV2 this time; a join carrying only
# its handshake sends about 1 KiB
nfm_check "nat-map: data flowed on the join to $PUB2 (>= 2 KiB to $PRIV2)" \
	[ "$(rule_counter "PUB2 to PRIV2" bytes)" -ge 2048 ]
nfm_check "add-addr-rewritten counted, add-addr-dropped not" bash -c \
	"[ $(jq .add_addr_rewritten <<<"$st1") -gt $(jq .add_addr_rewritten <<<"$st0") ] &&
	 [ $(jq .add_addr_dropped <<<"$st1") -eq $(jq .add_addr_dropped <<<"$st0") ]"
nfm_check "nat-map: the router's outside carried the announcement as $PUB2, never $PRIV2" \
	seen_not outside announce "$PUB2" "$PRIV2"
nfm_check "nat-map: the server announced $PRIV2 (the router's inside)" seen inside announce "$PRIV2"
# echo: PUB2 comes back as PRIV2, so the server takes it for its own
nfm_check "nat-map: the client echoed $PUB2 (the router's outside)" seen outside echo "$PUB2"
nfm_check "nat-map: the echo reached the server reverse-translated to $PRIV2, never as $PUB2" \
	seen_not inside echo "$PRIV2" "$PUB2"
nfm_check "nat-map: the server stopped announcing once the echo reached it" \
	announced_once_echoed "$PRIV2"
nfm_check "nat-map: the server counted the echo (MPTcpExtEchoAdd)" \
	[ "$(nfm_nstat server MPTcpExtEchoAdd)" -gt "$echo0" ]
nfm_check "nat-map: the client dropped no ADD_ADDR (MPTcpExtAddAddrDrop)" \
	[ "$(nfm_nstat client MPTcpExtAddAddrDrop)" -eq "$drop0" ]

# ---- NAT66, the same map ----
nfm_ns_exec server ip mptcp endpoint flush
nfm_ns_exec server ip mptcp endpoint add "$PRIV2_6" dev s2 signal
echo0=$(nfm_nstat server MPTcpExtEchoAdd)
NFM_PORT=$((NFM_PORT + 10))
run_phase "nat-map, IPv6" "$PUB1_6" -J 2
nfm_check "nat-map, IPv6: the client accepted $PUB2_6 (HMAC verified)" announced_as "$PUB2_6"
nfm_check "nat-map, IPv6: the router's outside carried $PUB2_6, never $PRIV2_6" \
	seen_not outside announce "$PUB2_6" "$PRIV2_6"
nfm_check "nat-map, IPv6: the echo reached the server as $PRIV2_6, never as $PUB2_6" \
	seen_not inside echo "$PRIV2_6" "$PUB2_6"
nfm_check "nat-map, IPv6: nfmptcp show: $PRIV2_6 announced as $PUB2_6, no port" \
	router_shows ".addr == \"$PRIV2_6\" and .nat_addr == \"$PUB2_6\" and (.nat_port // 0) == 0"
nfm_check "nat-map, IPv6: the join completed (server MPTcpExtMPJoinAckRx)" [ "$JOIN_ACK_RX" -ge 1 ]
nfm_check "nat-map, IPv6: data flowed on the join to $PUB2_6 (>= 2 KiB to $PRIV2_6)" \
	[ "$(rule_counter "PUB2 to PRIV2 (6)" bytes)" -ge 2048 ]
nfm_check "nat-map, IPv6: the server counted the echo (MPTcpExtEchoAdd)" \
	[ "$(nfm_nstat server MPTcpExtEchoAdd)" -gt "$echo0" ]

# ---- the map's life: cleared, freed with its netns and with the module ----
nfm_ns_exec router nfmptcp config nat-map none
nfm_check "nat-map none clears it" [ "$(nfm_ns_exec router nfmptcp config nat-map)" = none ]
nfm_ns_exec router nfmptcp config nat-map "$MAP"
ns=nfm1to1-$NFM_SUFFIX
ip netns add "$ns" && NFM_NETNS+=("$ns")
ip netns exec "$ns" nfmptcp config nat-map "$MAP"
nfm_check "a map in a netns of its own" [ "$(ip netns exec "$ns" nfmptcp config nat-map)" = "$MAP" ]
ip netns del "$ns"
nfm_unload_module nf_nat_mptcp
nfm_check "nf_nat_mptcp unloads" [ -z "$(grep '^nf_nat_mptcp ' /proc/modules)" ]
nfm_check "nf_conntrack_mptcp unloads with a map set" nfm_unload_module nf_conntrack_mptcp
nfm_check_dmesg
nfm_exit
