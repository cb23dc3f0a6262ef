#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_monitor.sh - `nfmptcp monitor` in the router receives the events of
# a two-path MPTCP transfer with a signalled address, in order:
# conn-created -> sf-added (initial) -> conn-established -> joins added and
# established -> addr-announced -> sf-closed ... -> conn-closed (last).
# The connection ends when its conntracks die: the router's TCP conntrack
# timeouts after FIN are cut to 1 s so that this happens within the test.
# Also: -j gives one JSON object per line, -c N stops after N events,
# -t stops on time, SIGTERM ends the monitor cleanly.
. "$(dirname "$0")/lib.sh"

NFMPTCP=${NFMPTCP:-nfmptcp}
PY=${NFM_PY:-/usr/bin/python3}

nfm_require_root
nfm_require_cmd ip nft "$NFMPTCP" mptcp_xfer "$PY"

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE"; nfm_exit; }
nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec router nft -f - <<'NFT' || nfm_fail "router ruleset" "nft failed"
table inet nfm_test {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		tcp flags syn accept
	}
}
NFT
for t in time_wait close close_wait fin_wait last_ack; do
	nfm_ns_exec router sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_$t=1
done

events=$NFM_TMP/events.jsonl
# JSON, text and a counting monitor, all on the same events. Plain
# `ip netns exec` (which execs) so that $! is the monitor and gets our SIGTERM.
rns=$(nfm_ns router)
ip netns exec "$rns" "$NFMPTCP" -j monitor -t 90 >"$events" 2>"$NFM_TMP/mon.err" &
mon=$!
NFM_PIDS+=("$mon")
ip netns exec "$rns" "$NFMPTCP" monitor -t 90 >"$NFM_TMP/events.txt" 2>&1 &
mon_txt=$!
NFM_PIDS+=("$mon_txt")
ip netns exec "$rns" "$NFMPTCP" monitor -c 2 -t 90 >"$NFM_TMP/events2.txt" 2>&1 &
mon_c=$!
NFM_PIDS+=("$mon_c")
sleep 1	# let them join the group before the first SYN

if nfm_xfer -s 256k -w 3 -t 60; then
	nfm_pass "transfer byte-exact"
else
	nfm_fail "transfer byte-exact"
fi

# wait for the conntracks to expire and the connection to close; reading the
# conntrack table reaps expired entries without waiting for conntrack's GC
for ((i = 0; i < 300; i++)); do
	grep -q '"event":"conn-closed"' "$events" && break
	nfm_ns_exec router cat /proc/net/nf_conntrack >/dev/null
	sleep 0.2
done
sleep 0.5
kill -TERM "$mon" "$mon_txt" 2>/dev/null
wait "$mon"
rc=$?
wait "$mon_txt"
nfm_check "monitor exits 0 on SIGTERM" [ "$rc" -eq 0 ]
sed 's/^/# /' "$NFM_TMP/events.txt"

if wait "$mon_c" && [ "$(wc -l <"$NFM_TMP/events2.txt")" -eq 2 ]; then
	nfm_pass "monitor -c 2 exits after two events"
else
	nfm_fail "monitor -c 2 exits after two events" "$(cat "$NFM_TMP/events2.txt")"
fi

"$PY" - "$events" >"$NFM_TMP/checks" <<'PY'
import json, sys
def check(name, ok, why=""):
	print(("ok" if ok else "fail") + "\t" + name + "\t" + ("" if ok else why))
ev = []
try:
	for line in open(sys.argv[1]):
		ev.append(json.loads(line))
	check("every line is one JSON object", len(ev) > 0, "no events")
except Exception as e:
	check("every line is one JSON object", False, str(e)); sys.exit(0)
names = [e["event"] for e in ev]
ids = {e["conn"]["id"] for e in ev if "conn" in e}
check("events of exactly one connection", len(ids) == 1, str(ids))
def idx(n, start=0):
	for i in range(start, len(names)):
		if names[i] == n:
			return i
	return -1
cr, est, cl = idx("conn-created"), idx("conn-established"), idx("conn-closed")
check("conn-created comes first", cr == 0, str(names[:3]))
check("conn-established after conn-created", est > cr >= 0, str(names))
check("conn-closed comes last", cl == len(names) - 1 and cl > est, str(names[-3:]))
added = [i for i, n in enumerate(names) if n == "sf-added"]
sfest = [i for i, n in enumerate(names) if n == "sf-established"]
closed = [i for i, n in enumerate(names) if n == "sf-closed"]
check("three subflows added (initial + 2 joins)", len(added) >= 3, str(names))
check("initial subflow added right after conn-created",
      len(added) > 0 and added[0] == cr + 1 and not ev[added[0]]["subflow"]["join"], str(names[:3]))
check("joins established after conn-established",
      len([i for i in sfest if i > est and ev[i]["subflow"]["join"]]) >= 2, str(names))
check("every join established after it was added",
      all(any(j > i and ev[j]["subflow"]["sport"] == ev[i]["subflow"]["sport"] and
              ev[j]["subflow"]["saddr"] == ev[i]["subflow"]["saddr"] for j in sfest)
          for i in added if ev[i]["subflow"]["join"]), str(names))
check("addr-announced 10.0.4.1 by the server",
      any(e["event"] == "addr-announced" and e["addr"].get("addr") == "10.0.4.1" and
          e["addr"]["sender"] == "server" for e in ev), str(names))
check("every subflow closed before conn-closed",
      len(closed) == len(added) and all(i < cl for i in closed), "%d added, %d closed" % (len(added), len(closed)))
check("events carry no keys", all("key_client" not in e.get("conn", {}) for e in ev))
PY
while IFS=$'\t' read -r res a b; do
	case $res in
	ok) nfm_pass "$a" ;;
	fail) nfm_fail "$a" "$b" ;;
	esac
done <"$NFM_TMP/checks"

start=$SECONDS
nfm_ns_exec router "$NFMPTCP" monitor -t 1 >/dev/null
rc=$?
nfm_check "monitor -t 1 returns 0 after about a second" [ "$rc" -eq 0 -a $((SECONDS - start)) -le 3 ]
nfm_check_dmesg
nfm_exit
