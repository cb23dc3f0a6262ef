#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mptcp_transfer.sh - a real two-path MPTCP transfer through the router while
# nf_conntrack_mptcp is loaded; the module must not disturb MPTCP, must unload
# cleanly afterwards, and the kernel must stay quiet.
#
# Checks: the transfer is byte-exact (mptcp_xfer verifies the pattern), the
# endpoints negotiated MP_CAPABLE and joined extra subflows (nstat MPTcpExt on
# both ends), the module was loaded and rmmod succeeds, no WARNING/BUG in dmesg.
. "$(dirname "$0")/lib.sh"

SIZE=${NFM_T_SIZE:-4M}

nfm_require_root
nfm_require_cmd ip nstat modprobe rmmod mptcp_xfer

if nfm_load_module; then
	nfm_pass "modprobe $NFM_MODULE"
else
	nfm_fail "modprobe $NFM_MODULE" "module missing or failed to load"
	nfm_exit
fi
# conntrack must be active in the router netns for the module to see the
# flows: a conntrack-using rule set there does it, as on a real firewall.
nfm_topo_setup --signal --signal6 || { nfm_fail "topology" "setup failed"; nfm_exit; }
if command -v nft >/dev/null; then
	nfm_ns_exec router nft -f - <<'NFT' || nfm_fail "router ruleset" "nft failed"
table inet nfm_test {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state invalid counter
		ct state established,related counter accept
		tcp flags syn counter accept
	}
}
NFT
fi
nfm_pass "topology client/router/server"

if nfm_module_loaded "$NFM_MODULE"; then
	nfm_pass "$NFM_MODULE in lsmod"
else
	nfm_fail "$NFM_MODULE in lsmod" "not in /proc/modules"
fi

# Hold the connection open briefly so that the subflow from the signalled
# address (10.0.4.1) and from the client's endpoint (10.0.2.1) get established
# even on a slow emulated CPU before the data is all sent.
if nfm_xfer -s "$SIZE" -t 60 -w 2; then
	nfm_pass "transfer $SIZE client->server, byte-exact"
else
	nfm_fail "transfer $SIZE client->server" "mptcp_xfer failed"
fi
nfm_log "client: $(tr '\n' ' ' <"$NFM_XFER_CLIENT_REPORT" 2>/dev/null)"
if [ "$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" mptcp)" = 1 ]; then
	nfm_pass "connection is MPTCP (no fallback)"
else
	nfm_fail "connection is MPTCP (no fallback)" "fell back to TCP"
fi

nfm_assert_nstat_ge server MPTcpExtMPCapableSYNRX 1
nfm_assert_nstat_ge client MPTcpExtMPCapableSYNACKRX 1
nfm_assert_nstat_ge server MPTcpExtMPJoinSynRx 1
nfm_assert_nstat_ge client MPTcpExtMPJoinSynAckRx 1
nfm_assert_nstat_ge server MPTcpExtMPJoinAckRx 1
nfm_assert_nstat_ge client MPTcpExtAddAddr 1

# IPv6: the client's subflow endpoint is IPv4-only, so the extra subflow
# comes from the server's fd00:4::1 announcement.
joins=$(nfm_nstat server MPTcpExtMPJoinAckRx)
if nfm_xfer -a fd00:3::1 -s 1M -t 60 -w 2; then
	nfm_pass "IPv6 transfer 1M client->server, byte-exact"
else
	nfm_fail "IPv6 transfer 1M client->server" "mptcp_xfer failed"
fi
nfm_log "client v6: $(tr '\n' ' ' <"$NFM_XFER_CLIENT_REPORT" 2>/dev/null)"
joins6=$(nfm_nstat server MPTcpExtMPJoinAckRx)
if [ "$joins6" -gt "$joins" ]; then
	nfm_pass "IPv6 connection joined a subflow ($joins -> $joins6 MPJoinAckRx)"
else
	nfm_fail "IPv6 connection joined a subflow" "MPJoinAckRx stayed at $joins"
fi

# tear down the traffic before unloading: conntrack entries hold the module
ip netns del "$NFM_NS_ROUTER" 2>/dev/null
sleep 0.5
if nfm_unload_module; then
	nfm_pass "rmmod $NFM_MODULE"
else
	nfm_fail "rmmod $NFM_MODULE" "module busy or rmmod failed"
fi
nfm_check_dmesg
nfm_exit
