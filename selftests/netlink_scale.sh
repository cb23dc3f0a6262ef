#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_scale.sh - the connection dump stays complete and duplicate-free
# when it spans many netlink messages: 5,000 real MPTCP connections.
#
# The connections are real (mptcp_xfer, single path, a few bytes each) and
# short: a closed connection stays in the tracker's table as long as its
# conntrack lives (TIME_WAIT, 120 s by default), which is all the dump needs.
# Checks: the dump lists exactly as many connections as the table holds
# (conn-active), every MPTCP one made (a handshake may fall back under
# load: few may), every id and 4-tuple once, every one with both tokens and
# a valid initial subflow; the table output agrees.
. "$(dirname "$0")/lib.sh"

NFMPTCP=${NFMPTCP:-nfmptcp}
PY=${NFM_PY:-/usr/bin/python3}
CONNS=${NFM_T_CONNS:-5000}
BATCH=${NFM_T_BATCH:-1000}

nfm_require_root
nfm_require_cmd ip nft "$NFMPTCP" mptcp_xfer "$PY"

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE"; nfm_exit; }
nfm_topo_setup --no-subflow || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec router nft -f - <<'NFT' || nfm_fail "router ruleset" "nft failed"
table inet nfm_test {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		tcp flags syn accept
	}
}
NFT
ulimit -n $((BATCH * 2 + 64))
# Closed connections stay tracked while their conntracks live: keep them for
# the whole test even on a slow emulated CPU.
for t in time_wait close close_wait fin_wait last_ack; do
	nfm_ns_exec router sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_$t=1800
done

start=$SECONDS
made=0 mptcp=0 ok=1
while [ $made -lt "$CONNS" ]; do
	n=$((CONNS - made < BATCH ? CONNS - made : BATCH))
	if ! nfm_xfer -s 16 -P "$n" -t 120 >"$NFM_TMP/xfer.log" 2>&1; then
		ok=0
		sed 's/^/# /' "$NFM_TMP/xfer.log" | tail -n 5
		break
	fi
	made=$((made + n))
	m=$(nfm_report_get "$NFM_XFER_CLIENT_REPORT" mptcp)
	mptcp=$((mptcp + ${m:-0}))
done
# a loaded emulator can make a handshake fall back to TCP (not tracked: plain
# TCP); a few may, more would mean something else is wrong
nfm_log "$made connections in $((SECONDS - start)) s, $mptcp of them MPTCP (the rest fell back)"
nfm_log "server: $(nfm_ns_exec server nstat -asz | awk '/MPTcpExtMPCapable|MPTcpExtMPFallback/ { printf "%s %s ", $1, $2 }')"
if [ $ok -eq 1 ]; then
	nfm_pass "$CONNS MPTCP connections through the router"
else
	nfm_fail "$CONNS MPTCP connections through the router" "stopped after $made"
fi
nfm_check "at most 1% fell back to TCP ($((made - mptcp)) of $made)" \
	[ $((100 * (made - mptcp))) -le "$made" ]

start=$SECONDS
nfm_ns_exec router "$NFMPTCP" -j show >"$NFM_TMP/dump.json" 2>"$NFM_TMP/dump.err"
rc=$?
nfm_log "dump took $((SECONDS - start)) s, $(wc -c <"$NFM_TMP/dump.json") bytes of JSON"
nfm_check "dump succeeds" [ "$rc" -eq 0 ]
active=$(nfm_ns_exec router "$NFMPTCP" -j stats |
	"$PY" -c 'import json,sys; print(json.load(sys.stdin)["conn_active"])')

"$PY" - "$NFM_TMP/dump.json" "$mptcp" "$active" >"$NFM_TMP/checks" <<'PY'
import json, sys
def check(name, ok, why=""):
	print(("ok" if ok else "fail") + "\t" + name + "\t" + ("" if ok else why))
try:
	conns = json.load(open(sys.argv[1]))
except Exception as e:
	check("dump is valid JSON", False, str(e)); sys.exit(0)
want, active = int(sys.argv[2]), int(sys.argv[3])
ids = [c["id"] for c in conns]
# Every MPTCP connection made is still tracked: each batch uses a new server port,
# so no 4-tuple repeats, and the conntracks outlive the test (timeouts above).
check("dump count equals conn-active", len(conns) == active, "%d vs %d" % (len(conns), active))
check("table holds every MPTCP connection made (%d)" % want, len(conns) == want,
      "got %d" % len(conns))
check("no connection twice", len(set(ids)) == len(ids), "%d ids, %d distinct" % (len(ids), len(set(ids))))
check("every connection has both tokens",
      all(c["token_client"] and c["token_server"] for c in conns))
check("every connection has its initial subflow, valid",
      all(len(c["subflows"]) == 1 and c["subflows"][0]["verdict"] == "valid" for c in conns))
pairs = {(s["saddr"], s["sport"], s["daddr"], s["dport"]) for c in conns for s in c["subflows"]}
check("every subflow distinct", len(pairs) == len(conns), "%d distinct of %d" % (len(pairs), len(conns)))
PY
while IFS=$'\t' read -r res a b; do
	case $res in
	ok) nfm_pass "$a" ;;
	fail) nfm_fail "$a" "$b" ;;
	esac
done <"$NFM_TMP/checks"

rows=$(nfm_ns_exec router "$NFMPTCP" show | grep -Ec '^[0-9]+ ')
nfm_check "table output has as many rows ($rows) as conn-active ($active)" [ "$rows" -eq "$active" ]
nfm_check_dmesg
nfm_exit
