#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make-captures.sh - regenerate the real Linux MPTCP captures in this directory
# (fixtures for `nfmptcp replay` and selftests/host/replay_vs_tshark.sh).
#
# Usage: selftests/captures/make-captures.sh [--here] [--only NAME]... [OUTDIR]
#
# Without --here it boots the test VM (selftests/vm-run) and runs itself there
# with --here, then copies the captures into OUTDIR (default: this directory).
# --here runs the scenarios on this machine: root, netns and MPTCP needed.
# --only NAME (repeatable) regenerates only those scenarios, e.g.
#   selftests/captures/make-captures.sh --only lost-ack
# Each scenario builds a fresh client/router/server topology (selftests/lib.sh),
# captures with dumpcap (snaplen 128: headers and options only; on the client
# unless said otherwise) while mptcp_xfer moves data, and writes NAME.pcap:
#
#   join-addaddr   IPv4, 2 connections, client subflow endpoint + server ADD_ADDR
#                  (echoed) -> joins from both; Linux cooked capture (-i any)
#   remove-addr    IPv4, both ends signal an address (the server opens a join to
#                  the client's), then delete their endpoints mid-transfer:
#                  REMOVE_ADDR both ways; Ethernet on c1 and c2, pcapng sorted
#                  by time (reordercap)
#   ipv6           IPv6 only, ADD_ADDR of fd00:4::1, client subflow fd00:2::1
#   fallback       the router strips MP_CAPABLE from SYNs (nft reset tcp option
#                  mptcp): the client's MPTCP connection falls back; plus one
#                  plain TCP connection; Ethernet capture on c1 (pcap)
#   lost-ack       the router drops the MP_CAPABLE third ACK (ACK with a 20-byte
#                  MPTCP option, at raw prerouting): the client key first shows
#                  on the first data packet (MP_CAPABLE length 22, RFC 8684
#                  §3.1); 64k transfer plus a join from 10.0.2.1; Ethernet
#                  capture on the server's s1 (after the router), pcap
#   normalize-v4   full payloads (no snaplen) for `nfmptcp normalize`: IPv4,
#                  subflows as join-addaddr, 300k of mptcp_xfer's pattern; the
#                  router drops one in 40 data segments (numgen), so segments are
#                  retransmitted or reinjected on another subflow; Linux
#                  cooked capture on the server (-i any, after the losses), pcap
#   normalize-v6   full payloads, IPv6 as ipv6, same losses; Linux cooked
#                  capture on the client (-i any: the lost copies are in it too)
#   nat-port-forward  as selftests/nat_port_forward.sh: the server behind a
#                  port forward (DNAT of 10.0.1.254, masquerade outward) with
#                  nf_nat_mptcp announces 10.0.4.1, translated to 10.0.1.254
#                  and a port; the client joins it. Linux cooked capture in the
#                  router (-i any): every packet on both sides of the NAT, pcap
set -u

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCENARIOS="join-addaddr remove-addr ipv6 fallback lost-ack normalize-v4 normalize-v6 nat-port-forward"
SNAPLEN=128

# ---- one scenario, in its own process so that lib.sh's cleanup trap is per topology
if [ "${1:-}" = --scenario ]; then
	name=$2 out=$3
	NFM_TEST=capture-$name
	. "$REPO/selftests/lib.sh"
	nfm_require_root
	nfm_require_cmd ip dumpcap mptcp_xfer
	# the guest does not autoload modules on demand: load what the scenarios use
	for m in veth nf_tables nft_exthdr nft_chain_filter nft_counter; do
		modprobe -q "$m" 2>/dev/null
	done

	# capture_start IFACE-ARGS... : dumpcap in the $CAP_NS netns (default client),
	# waits until it runs
	capture_start() {
		rm -f "$out/$name.pcap"
		nfm_bg "${CAP_NS:-client}" dumpcap -q -s "$SNAPLEN" "$@" -w "$out/$name.pcap"
		CAP_PID=$NFM_BG_PID
		# dumpcap writes the file header once the capture is live
		local i
		for ((i = 0; i < 100; i++)); do
			[ -s "$out/$name.pcap" ] && break
			sleep 0.1
		done
		sleep 0.5
	}
	capture_stop() {
		sleep 0.5	# let the last FIN/ACKs in
		kill -INT "$CAP_PID" 2>/dev/null
		wait "$CAP_PID" 2>/dev/null
	}

	case $name in
	join-addaddr)
		nfm_topo_setup --signal || exit 1
		capture_start -i any -P
		nfm_xfer -s 200k -P 2 -w 2 -t 30 || echo "# transfer failed" >&2
		capture_stop
		;;
	remove-addr)
		# the client signals 10.0.2.1 too: the server opens a join towards it
		nfm_topo_setup --signal --no-subflow || exit 1
		ip -n "$NFM_NS_CLIENT" mptcp endpoint add 10.0.2.1 dev c2 signal || exit 1
		capture_start -i c1 -i c2
		(
			sleep 1.5
			ip -n "$NFM_NS_SERVER" mptcp endpoint flush
			sleep 1
			ip -n "$NFM_NS_CLIENT" mptcp endpoint flush
		) &
		rm_pid=$!
		nfm_xfer -s 200k -w 4 -t 30 || echo "# transfer failed" >&2
		wait "$rm_pid"
		capture_stop
		# dumpcap writes each interface's packets in batches: sort by time,
		# or a join may come before the handshake that makes its token known
		if command -v reordercap >/dev/null; then
			reordercap "$out/$name.pcap" "$out/$name.sorted" >/dev/null &&
				mv "$out/$name.sorted" "$out/$name.pcap"
		fi
		;;
	ipv6)
		nfm_topo_setup --no-subflow --signal6 || exit 1
		ip -n "$NFM_NS_CLIENT" mptcp endpoint add fd00:2::1 dev c2 subflow || exit 1
		capture_start -i any -P
		nfm_xfer -a fd00:3::1 -s 200k -w 2 -t 30 || echo "# transfer failed" >&2
		capture_stop
		;;
	fallback)
		nfm_topo_setup --signal || exit 1
		nfm_ns_exec router nft -f - <<-'NFT' || exit 1
		table inet nfm_strip {
			chain forward {
				type filter hook forward priority filter; policy accept;
				tcp flags syn tcp option mptcp exists reset tcp option mptcp
			}
		}
		NFT
		capture_start -i c1 -P
		nfm_xfer -s 100k -t 30 || echo "# transfer failed" >&2
		nfm_xfer -T -s 50k -t 30 || echo "# plain TCP transfer failed" >&2
		capture_stop
		;;
	lost-ack)
		nfm_topo_setup || exit 1
		# as selftests/track_lost_ack.sh: an ACK whose MPTCP option is 20 bytes
		# long is the MP_CAPABLE third ACK (no DSS form without checksum is 20)
		nfm_ns_exec router nft -f - <<-'NFT' || exit 1
		table inet nfm_lose {
			chain pre {
				type filter hook prerouting priority raw - 10; policy accept;
				tcp flags & (syn | ack | fin | rst) == ack tcp option mptcp length 20 counter drop
			}
		}
		NFT
		CAP_NS=server capture_start -i s1 -P
		nfm_xfer -s 64k -w 2 -t 30 || echo "# transfer failed" >&2
		capture_stop
		nfm_ns_exec router nft list table inet nfm_lose | grep -o 'counter packets [0-9]*' |
			sed 's/^/# third ACKs dropped: /' >&2
		;;
	normalize-v4|normalize-v6)
		SNAPLEN=0	# whole frames: the normalized stream is compared byte for byte
		if [ "$name" = normalize-v4 ]; then
			nfm_topo_setup --signal || exit 1
		else
			nfm_topo_setup --no-subflow --signal6 || exit 1
			ip -n "$NFM_NS_CLIENT" mptcp endpoint add fd00:2::1 dev c2 subflow || exit 1
		fi
		nfm_ns_exec router nft -f - <<-'NFT' || exit 1
		table inet nfm_lose {
			chain fwd_lose {
				type filter hook forward priority filter; policy accept;
				meta l4proto tcp meta length > 1000 numgen inc mod 40 == 7 counter drop
			}
		}
		NFT
		if [ "$name" = normalize-v4 ]; then
			CAP_NS=server capture_start -i any -P
			nfm_xfer -s 300k -w 2 -t 30 || echo "# transfer failed" >&2
		else
			capture_start -i any -P
			nfm_xfer -a fd00:3::1 -s 300k -w 2 -t 30 || echo "# transfer failed" >&2
		fi
		capture_stop
		nfm_ns_exec router nft list table inet nfm_lose | grep -o 'counter packets [0-9]*' |
			sed 's/^/# data segments dropped: /' >&2
		;;
	nat-port-forward)
		pub=10.0.1.254
		nfm_topo_setup --no-subflow --signal || exit 1
		nfm_hide_networks client 10.0.3.0/24 10.0.4.0/24 || exit 1
		for m in nf_nat nft_chain_nat nft_nat nft_masq nft_ct; do
			modprobe -q "$m" 2>/dev/null
		done
		nfm_load_module nf_conntrack_mptcp && nfm_load_module nf_nat_mptcp || exit 1
		nfm_port_forward "$pub" $((NFM_PORT + 1)) || exit 1
		CAP_NS=router capture_start -i any -P
		nfm_xfer -a "$pub" -s 100k -w 2 -t 30 -- -J 2 || echo "# transfer failed" >&2
		capture_stop
		nfm_ns_exec router nfmptcp stats -j | jq -c '{add_addr_rewritten, add_addr_dropped}' |
			sed 's/^/# /' >&2
		;;
	*)
		echo "make-captures.sh: unknown scenario $name" >&2
		exit 2
		;;
	esac
	[ -s "$out/$name.pcap" ] || { echo "make-captures.sh: $name: no capture" >&2; exit 1; }
	echo "# $name: $(stat -c %s "$out/$name.pcap") bytes"
	exit 0
fi

here=
only=
while [ $# -gt 0 ]; do
	case $1 in
	--here) here=1 ;;
	--only)
		case " $SCENARIOS " in
		*" ${2:-} "*) only="$only $2" ;;
		*) echo "make-captures.sh: unknown scenario ${2:-} (have: $SCENARIOS)" >&2; exit 2 ;;
		esac
		shift ;;
	-*) echo "usage: make-captures.sh [--here] [--only NAME]... [OUTDIR]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ -n "$only" ] && SCENARIOS=${only# }

if [ -n "$here" ]; then
	out=${1:-${NFM_RESULTS:-$HERE}}
	mkdir -p "$out"
	rc=0
	for s in $SCENARIOS; do
		bash "$0" --scenario "$s" "$out" || { echo "make-captures.sh: scenario $s failed" >&2; rc=1; }
	done
	exit $rc
fi

out=${1:-$HERE}
mkdir -p "$out" || exit 1
results=$(mktemp -d /tmp/nfm-captures.XXXXXX)
trap 'rm -rf "$results"' EXIT
only_args=()
for s in $SCENARIOS; do only_args+=(--only "$s"); done
RESULTS_DIR=$results "$REPO/selftests/vm-run" "$HERE/make-captures.sh" --here "${only_args[@]}" \
	/run/nfm/results || exit 1
for s in $SCENARIOS; do
	cp "$results/$s.pcap" "$out/$s.pcap" || exit 1
done
ls -l "$out"/*.pcap
