#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# policy_join.sh - the join policies (join-unknown-token, join-bad-hmac,
# join-over-limit, join-not-owned, join-rate) and their actions, on forged
# joins sent from the client's namespace while a real connection runs:
#   accept  (the control: today's behaviour) the forged segment is forwarded;
#   drop    nothing of it is forwarded, the sender gets no answer;
#   reject  nothing is forwarded and the sender gets a RST with MP_TCPRST
#           reason 3; a join whose SYN already went through (bad HMAC on the
#           third ACK) is also reset at the server (TcpExtEmbryonicRsts).
# IPv6: a real client's join over the limit is rejected and reset at once.
# Every action is counted per policy and per action and reported as a policy
# event; the real connection and a later one with its own join are untouched.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip ss nft jq nstat mptcp_xfer mptcp_forge nfmptcp

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }

# Forged segments come from ports above the ephemeral range; the client's
# kernel would answer the server's SYN/ACKs to them with RSTs: keep it quiet.
nfm_ns_exec router nft -f - <<'NFT'
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp sport 61000-65535 counter comment "forged"
	}
}
NFT
nfm_ns_exec client nft -f - <<'NFT'
table ip nfm_forge {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp sport 61000-65535 tcp flags rst drop
	}
}
NFT

stat() { nfm_stat "$1"; }
forwarded() { nfm_nft_counter router inet nfm_fw forward forged; }

EVENTS=$NFM_TMP/events.json
nfm_monitor_start "$EVENTS"

NFM_PORT=$((NFM_PORT + 10))
port=$((NFM_PORT + 1))
# held open until the forged joins are done (SIGUSR1 below), however slow the machine
nfm_xfer -s 2M -t 300 -w 280 &
xfer=$!
NFM_PORT=$port	# the background nfm_xfer advanced only its own copy
for _ in $(seq 100); do
	[ "$(nfm_ns_exec router nfmptcp show -j | jq '[.[] | select(.state == "established")] | length')" = 1 ] && break
	sleep 0.2
done
stok=$(nfm_ns_exec server ss -Mni state established | grep -o 'token:[0-9a-f]*' | head -n1 | cut -d: -f2)
nfm_check "a real connection is established (server token ${stok:-none})" [ -n "$stok" ]
stok=${stok:-0}

FPORT=61000
# forge_case POLICY ACTION ACCEPT_FWD LATE DEST TOKEN [mptcp_forge args]
#   ACCEPT_FWD: forged packets forwarded under accept; LATE: 1 when the
#   SYN went through under every action (bad HMAC: the third ACK is judged)
forge_case() {
	local policy=$1 action=$2 fwd_accept=$3 late=$4 dst=$5 tok=$6 out rc
	local f0 pol0 act0 emb0 want_fwd stat_action
	shift 6
	FPORT=$((FPORT + 1))
	nfm_ns_exec router nfmptcp config "$policy" "$action" >/dev/null ||
		{ nfm_fail "$policy $action: config" "nfmptcp config failed"; return; }
	f0=$(forwarded)
	pol0=$(stat "policy_${policy//-/_}")
	stat_action=policy_$action
	act0=$(stat "$stat_action")
	emb0=$(nfm_nstat server TcpExtEmbryonicRsts)
	out=$(nfm_ns_exec client mptcp_forge -s 10.0.1.1 -d "$dst" -p "$port" -S "$FPORT" \
		-k "$tok" -t 3000 "$@" 2>&1)
	rc=$?
	sleep 0.5
	case $action in
	accept)
		want_fwd=$fwd_accept ;;
	*)
		want_fwd=$late ;;
	esac
	nfm_check "$policy $action: $want_fwd forged packets forwarded ($(( $(forwarded) - f0 )))" \
		[ "$(( $(forwarded) - f0 ))" -eq "$want_fwd" ]
	case $action in
	accept)
		nfm_check "$policy accept: not counted as a policy action" \
			[ "$(stat "policy_${policy//-/_}")" -eq "$pol0" ] ;;
	drop)
		nfm_check "$policy drop: the sender got no RST (mptcp_forge: $rc, $out)" \
			[ "$rc" -eq 3 ]
		nfm_check "$policy drop: counted policy-${policy} and policy-drop" \
			[ "$(stat "policy_${policy//-/_}")" -gt "$pol0" -a "$(stat "$stat_action")" -gt "$act0" ] ;;
	reject)
		nfm_check "$policy reject: the sender got a RST with MP_TCPRST reason 3 ($out)" \
			grep -q "^rst reason 3$" <<<"$out"
		nfm_check "$policy reject: counted policy-${policy} and policy-reject" \
			[ "$(stat "policy_${policy//-/_}")" -gt "$pol0" -a "$(stat "$stat_action")" -gt "$act0" ]
		if [ "$late" -gt 0 ]; then
			nfm_check "$policy reject: the server's half-open subflow was reset (TcpExtEmbryonicRsts)" \
				[ "$(nfm_nstat server TcpExtEmbryonicRsts)" -gt "$emb0" ]
		fi ;;
	esac
	nfm_ns_exec router nfmptcp config "$policy" accept >/dev/null
}

rand=$(printf '%08x' $(( (RANDOM << 16 | RANDOM) ^ 0x5a5a5a5a )))
[ "$rand" = "$(printf '%08x' "0x$stok")" ] && rand=$(printf '%08x' $((0x$rand ^ 1)))

# a random token: the SYN is judged
forge_case join-unknown-token accept 1 0 10.0.3.1 "$rand"
forge_case join-unknown-token drop 1 0 10.0.3.1 "$rand" -R -t 1500
forge_case join-unknown-token reject 1 0 10.0.3.1 "$rand" -R
# the right token, a wrong HMAC on the third ACK: SYN and SYN/ACK pass, the ACK is judged
forge_case join-bad-hmac accept 2 1 10.0.3.1 "$stok" -A
forge_case join-bad-hmac drop 2 1 10.0.3.1 "$stok" -A -R
forge_case join-bad-hmac reject 2 1 10.0.3.1 "$stok" -A -R
# the right token toward an address of the server it never used nor announced
# (accept last: the server answers that join, and then it does use the address)
forge_case join-not-owned drop 1 0 10.0.4.1 "$stok" -R -t 1500
forge_case join-not-owned reject 1 0 10.0.4.1 "$stok" -R
forge_case join-not-owned accept 1 0 10.0.4.1 "$stok"
# the right token to the right address, but the connection has all its subflows
nfm_ns_exec router nfmptcp config max-subflows 1
forge_case join-over-limit accept 1 0 10.0.3.1 "$stok"
forge_case join-over-limit drop 1 0 10.0.3.1 "$stok" -R -t 1500
forge_case join-over-limit reject 1 0 10.0.3.1 "$stok" -R
nfm_ns_exec router nfmptcp config max-subflows 8

# join-rate: a flood of right-token joins (spoofed sources) gets the rate's
# burst through, the rest takes join-over-limit's action
nfm_ns_exec router nfmptcp config join-rate 2 >/dev/null
nfm_ns_exec router nfmptcp config join-over-limit drop >/dev/null
f0=$(forwarded)
rate0=$(stat policy_join_rate)
nfm_ns_exec client mptcp_forge -s 10.0.1.100 -d 10.0.3.1 -p "$port" -S 61500 -k "$stok" -n 40 >/dev/null
sleep 0.5
fwd=$(( $(forwarded) - f0 ))
rated=$(( $(stat policy_join_rate) - rate0 ))
nfm_log "join-rate 2: $fwd of 40 forged joins forwarded, $rated refused by the rate"
nfm_check "join-rate 2: at most 3 of a flood of 40 joins forwarded ($fwd)" [ "$fwd" -le 3 ]
nfm_check "join-rate 2: the rest counted policy-join-rate ($rated)" [ "$rated" -ge 37 ]

pkill -USR1 -f 'mptcp_xfer -c'
if wait "$xfer"; then
	nfm_pass "the real transfer completed byte-exact"
else
	nfm_fail "the real transfer completed byte-exact" "mptcp_xfer failed"
fi

# a new connection with its own join, under the rate and every refusing policy
for p in join-unknown-token join-bad-hmac join-not-owned; do
	nfm_ns_exec router nfmptcp config "$p" reject >/dev/null
done
nfm_ns_exec client ip mptcp endpoint add 10.0.2.1 dev c2 subflow
if nfm_xfer -s 1M -t 60 -w 1 -- -J 2; then
	nfm_pass "under the policies: a real transfer with a join byte-exact"
else
	nfm_fail "under the policies: a real transfer with a join byte-exact" "mptcp_xfer failed"
fi
nfm_check "under the policies: the real join got through (2 subflows)" \
	[ "$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" max_subflows)" = 2 ]

# IPv6 (the other RST builder): a real client's own join, over the limit,
# rejected: it fails at once (TcpAttemptFails), the server never sees it
nfm_ns_exec router nfmptcp config max-subflows 1 >/dev/null
nfm_ns_exec router nfmptcp config join-over-limit reject >/dev/null
nfm_ns_exec client ip mptcp endpoint flush
nfm_ns_exec client ip mptcp endpoint add fd00:2::1 dev c2 subflow
fail0=$(nfm_nstat client TcpAttemptFails)
mprst0=$(nfm_nstat client MPTcpExtMPRstRx)
sj0=$(nfm_nstat server MPTcpExtMPJoinSynRx)
rej0=$(stat policy_reject)
if nfm_xfer -a fd00:3::1 -s 512K -t 60 -w 2; then
	nfm_pass "ipv6: a transfer whose join is over the limit is byte-exact"
else
	nfm_fail "ipv6: a transfer whose join is over the limit is byte-exact" "mptcp_xfer failed"
fi
nfm_log "ipv6: client TcpAttemptFails +$(( $(nfm_nstat client TcpAttemptFails) - fail0 )), MPTcpExtMPRstRx +$(( $(nfm_nstat client MPTcpExtMPRstRx) - mprst0 ))"
nfm_check "ipv6: the join was rejected (policy-reject counted)" [ "$(stat policy_reject)" -gt "$rej0" ]
nfm_check "ipv6: the client's join was reset (TcpAttemptFails)" \
	[ "$(nfm_nstat client TcpAttemptFails)" -gt "$fail0" ]
nfm_check "ipv6: the server never received the join SYN" \
	[ "$(nfm_nstat server MPTcpExtMPJoinSynRx)" -eq "$sj0" ]

nfm_monitor_stop
for pa in "join-unknown-token drop" "join-unknown-token reject" "join-bad-hmac drop" \
	  "join-bad-hmac reject" "join-not-owned drop" "join-not-owned reject" \
	  "join-over-limit drop" "join-over-limit reject" "join-rate drop"; do
	set -- $pa
	nfm_check "monitor -j: a policy event $1 $2" \
		[ "$(nfm_policy_events "$EVENTS" "$1" "$2")" -ge 1 ]
done
nfm_check "monitor -j: no policy event for accept" \
	[ "$(jq -s '[.[] | select(.event == "policy" and .action == "accept")] | length' "$EVENTS")" -eq 0 ]
nfm_check_dmesg
nfm_exit
