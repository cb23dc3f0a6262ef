#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_dump.sh - the nfmptcp dump shows what the router's tracker must know
# about a real two-path MPTCP transfer with a signalled address.
#
# Checks, on `nfmptcp -j show` in the router while the connection is held open:
# exactly one connection, version 1, established; its subflows are those the
# endpoints opened (one initial + at least two joins: the client's "subflow"
# endpoint and the server's signalled 10.0.4.1), all with verdict "valid";
# the announced address 10.0.4.1 from the server is listed; the client and
# server tokens equal the tokens that `ss -Mni` shows on the endpoints; keys
# are shown to root and an unprivileged user reads nothing; `show TOKEN` finds
# the same connection by either token; the table output has the same id.
. "$(dirname "$0")/lib.sh"

NFMPTCP=${NFMPTCP:-nfmptcp}
PY=${NFM_PY:-/usr/bin/python3}

nfm_require_root
nfm_require_cmd ip ss nft "$NFMPTCP" mptcp_xfer "$PY"

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE"; nfm_exit; }
nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
# conntrack must be active in the router for the helper to see the flows
nfm_ns_exec router nft -f - <<'NFT' || nfm_fail "router ruleset" "nft failed"
table inet nfm_test {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		tcp flags syn accept
	}
}
NFT

# Hold the connection open long enough to look at it (TCG is slow).
nfm_xfer -s 64k -w 20 -t 60 >"$NFM_TMP/xfer.log" 2>&1 &
xfer=$!
NFM_PIDS+=("$xfer")

# Wait until the router has the initial subflow and both joins, established.
dump=$NFM_TMP/dump.json
for ((i = 0; i < 100; i++)); do
	nfm_ns_exec router "$NFMPTCP" -j show >"$dump" 2>"$NFM_TMP/show.err"
	"$PY" - "$dump" <<'PY' && break
import json, sys
c = json.load(open(sys.argv[1]))
ok = len(c) == 1 and len(c[0]["subflows"]) >= 3 and \
	all(s["established"] for s in c[0]["subflows"]) and c[0]["addrs"]
sys.exit(0 if ok else 1)
PY
	sleep 0.2
done
nfm_log "dump: $(head -c 3000 "$dump")"
# ss -Mni on both ends while the connection is still up: "token:hex"
ctok=$(nfm_ns_exec client ss -Mni state established | sed -n 's/.*token:\([0-9a-f]*\).*/\1/p' | head -n1)
stok=$(nfm_ns_exec server ss -Mni state established | sed -n 's/.*token:\([0-9a-f]*\).*/\1/p' | head -n1)
nfm_log "ss tokens: client=$ctok server=$stok"
nfm_ns_exec router setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$(nfm_unpriv_bin "$NFMPTCP")" -j show >"$NFM_TMP/dump-nobody.json" 2>&1
nfm_ns_exec router "$NFMPTCP" show >"$NFM_TMP/table.txt" 2>&1
sed 's/^/# /' "$NFM_TMP/table.txt"

# One TAP line per check, computed from the JSON.
"$PY" - "$dump" "$NFM_TMP/dump-nobody.json" "$ctok" "$stok" >"$NFM_TMP/checks" <<'PY'
import json, sys
def check(name, ok, why=""):
	print(("ok" if ok else "fail") + "\t" + name + "\t" + (why if not ok else ""))
try:
	conns = json.load(open(sys.argv[1]))
except Exception as e:
	check("dump is valid JSON", False, str(e)); sys.exit(0)
check("dump is valid JSON", True)
check("exactly one connection", len(conns) == 1, "%d connections" % len(conns))
if not conns:
	sys.exit(0)
c = conns[0]
ctok, stok = sys.argv[3], sys.argv[4]
sfs = c["subflows"]
check("MPTCP v1, established", c["version"] == 1 and c["state"] == "established",
      "v%s %s" % (c["version"], c["state"]))
check("nsubflows matches the subflow list", c["nsubflows"] == len(sfs),
      "%d vs %d" % (c["nsubflows"], len(sfs)))
check("one initial subflow 10.0.1.1 -> 10.0.3.1",
      [ (s["saddr"], s["daddr"]) for s in sfs if not s["join"] ] == [("10.0.1.1", "10.0.3.1")],
      str([s for s in sfs if not s["join"]]))
joins = [ (s["saddr"], s["daddr"]) for s in sfs if s["join"] ]
check("join from the client's subflow endpoint 10.0.2.1", any(a == "10.0.2.1" for a, _ in joins), str(joins))
check("join to the signalled address 10.0.4.1", any(d == "10.0.4.1" for _, d in joins), str(joins))
check("every subflow verdict valid", all(s["verdict"] == "valid" for s in sfs),
      str([s["verdict"] for s in sfs]))
check("joins opened by the client", all(s["opener"] == "client" for s in sfs if s["join"]))
check("server announced 10.0.4.1",
      any(a.get("addr") == "10.0.4.1" and a["sender"] == "server" for a in c["addrs"]), str(c["addrs"]))
check("client token equals ss -Mni on the client", ctok != "" and c["token_client"] is not None
      and int(c["token_client"], 16) == int(ctok, 16), "%s vs %s" % (c["token_client"], ctok))
check("server token equals ss -Mni on the server", stok != "" and c["token_server"] is not None
      and int(c["token_server"], 16) == int(stok, 16), "%s vs %s" % (c["token_server"], stok))
check("keys shown to root", "key_client" in c and "key_server" in c)
# tokens and addresses of others' flows are as private as conntrack's table
nb = open(sys.argv[2]).read()
check("an unprivileged user cannot read the table (EPERM)",
      "not permitted" in nb and c["token_client"] not in nb, nb[:200])
print("id\t%d\t%s\t%s" % (c["id"], c["token_client"], c["token_server"]))
PY
while IFS=$'\t' read -r res a b c; do
	case $res in
	ok) nfm_pass "$a" ;;
	fail) nfm_fail "$a" "$b" ;;
	id) id=$a tc=$b ts=$c ;;
	esac
done <"$NFM_TMP/checks"

if [ -n "${id:-}" ]; then
	for t in "$tc" "$ts"; do
		got=$(nfm_ns_exec router "$NFMPTCP" -j show "$t" |
			"$PY" -c 'import json,sys; print(" ".join(str(c["id"]) for c in json.load(sys.stdin)))')
		nfm_check "show $t finds connection $id" [ "$got" = "$id" ]
	done
	nfm_check "table has a header line" grep -Eq "^ID .*STATE" "$NFM_TMP/table.txt"
	# the connection may be closing by now on a slow machine: any state will do
	if grep -Eq "^$id +ipv4 +1 +(established|closing|closed) +$tc +$ts +[0-9]+ " "$NFM_TMP/table.txt"; then
		nfm_pass "table row for connection $id"
	else
		nfm_fail "table row for connection $id" "$(head -n2 "$NFM_TMP/table.txt" | tail -n1)"
	fi
fi

wait "$xfer" && nfm_pass "transfer byte-exact" || { nfm_fail "transfer byte-exact"; sed 's/^/# /' "$NFM_TMP/xfer.log"; }
nfm_check_dmesg
nfm_exit
