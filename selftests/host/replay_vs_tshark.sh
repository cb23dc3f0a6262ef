#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_vs_tshark.sh - `nfmptcp replay -j` must group subflows into MPTCP
# connections exactly as Wireshark's MPTCP analysis does, and derive the same
# tokens, on every capture in selftests/captures/ (or the files given).
#
# Usage: selftests/host/replay_vs_tshark.sh [CAPTURE...]
# Runs on the host (no VM): needs userspace/nfmptcp (make -C userspace),
# tshark and python3. Prints TAP; exit 0 all passed, 1 a failure, 4 skipped.
#
# tshark 4.0: with mptcp.analyze_mptcp every packet of an MPTCP subflow carries
# mptcp.stream (the connection) once the connection is known; mptcp.expected_token
# is the token of the key a packet carries (tcp.options.mptcp.sendkey). A plain
# TCP stream, or an MP_CAPABLE SYN that was never answered with MP_CAPABLE,
# has no mptcp.stream: such connections are compared only if tshark has them.
set -u

TEST=replay_vs_tshark
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_prereqs tshark python3

if [ $# -gt 0 ]; then
	captures=("$@")
else
	captures=("$REPO"/selftests/captures/*.pcap "$REPO"/selftests/captures/*.pcapng)
	# both sides of a NAT: tshark knows no NAT (it lumps the two copies of
	# each subflow together and loses a token); replay_nat.sh checks those
	for i in "${!captures[@]}"; do
		case ${captures[$i]##*/} in nat-*) unset "captures[$i]" ;; esac
	done
fi

tmp=$(mktemp -d /tmp/nfm-replay-tshark.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Both sides reduced to one line per connection: "tuple tuple ... | token token",
# a tuple being the subflow's two endpoints in sorted order.
cat >"$tmp/groups.py" <<'PY'
import json, sys

def ep(a, p):
    return ("[%s]:%s" if ":" in a else "%s:%s") % (a, p)

def canon(a, pa, b, pb):
    return "-".join(sorted([ep(a, pa), ep(b, pb)]))

def show(groups):
    for tuples, tokens in sorted(groups):
        print(" ".join(tuples), "|", " ".join(tokens))

mode, path = sys.argv[1], sys.argv[2]
groups = []
if mode == "tshark":
    streams = {}          # tcp.stream -> (tuple, mptcp.stream)
    tokens = {}           # mptcp.stream -> tokens seen
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 9 or not f[0]:
            continue
        tcp, mp, s4, d4, s6, d6, sp, dp, tok = f[:9]
        src, dst = (s4, d4) if s4 else (s6, d6)
        t, m = streams.get(tcp, (canon(src, sp, dst, dp), ""))
        if mp:
            m = mp
        streams[tcp] = (t, m)
        if mp and tok:
            for x in tok.split(","):
                tokens.setdefault(mp, set()).add("%08x" % int(x, 0))
    conns = {}
    for t, m in streams.values():
        if m:
            conns.setdefault(m, []).append(t)
    for m, ts in conns.items():
        groups.append((sorted(ts), sorted(tokens.get(m, ()))))
else:
    doc = json.load(open(path))
    for c in doc["connections"]:
        ts = sorted(canon(s["src"], s["sport"], s["dst"], s["dport"]) for s in c["subflows"])
        toks = sorted(c[e]["token"] for e in ("client", "server") if c[e]["token"])
        groups.append((ts, toks, c))
    if mode == "replay-all":
        groups = [(t, k) for t, k, c in groups]
    else:
        # tshark knows a connection only once an MP_CAPABLE SYN/ACK answered:
        # drop those that fell back at the SYN/ACK or never got one
        groups = [(t, k) for t, k, c in groups
                  if c["server"]["key"] is not None]
show(groups)
PY

# clean errors: message on stderr, exit 1, nothing on stdout
printf 'not a capture\n' >"$tmp/text.pcap"
python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,105))' \
	"$tmp/wlan.pcap"
for bad in "$tmp/missing.pcap:No such file" "$tmp/text.pcap:format" "$tmp/wlan.pcap:unsupported link type"; do
	f=${bad%%:*} msg=${bad#*:}
	"$NFMPTCP" replay "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "$msg" "$tmp/err"; then
		pass "error: $(basename "$f") -> exit 1, '$msg'"
	else
		fail "error: $(basename "$f") -> exit 1, '$msg'" "rc $rc: $(head -c 120 "$tmp/err")"
	fi
done

# lost-ack.pcap (make-captures.sh): the MP_CAPABLE third ACK was dropped before
# the capture point, so the client key first shows on the first data packet
# (MP_CAPABLE of length 22, RFC 8684 §3.1). Replay must learn both keys there
# and the connection must not fall back. Uses $tmp/replay.json of this capture.
check_lost_ack() {
	local cap=$1 name
	name=$(basename "$1")
	# every MP_CAPABLE of the capture: kind/len of each TCP option (paired in order),
	# flags, endpoints and the keys it carries
	tshark -r "$cap" -Y 'tcp.options.mptcp.subtype == 0' -T fields -E separator=/t \
		-E occurrence=a -E aggregator=, -e tcp.option_kind -e tcp.option_len \
		-e tcp.flags -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
		-e tcp.options.mptcp.sendkey -e tcp.options.mptcp.recvkey \
		>"$tmp/mpc.txt" 2>"$tmp/tshark.err"
	python3 - "$tmp/mpc.txt" "$tmp/replay.json" >"$tmp/lost.out" <<'PY'
import json, sys

mpc = {}                    # MP_CAPABLE length -> [(flags, src, sport, dst, dport, skey, rkey)]
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 9:
        continue
    # NOP and EOL have no length field: tcp.option_len skips them
    kinds = [k for k in f[0].split(",") if k not in ("0", "1")]
    lens = f[1].split(",")
    for k, l in zip(kinds, lens):
        if k == "30":
            mpc.setdefault(int(l), []).append(tuple(f[2:9]))
            break           # the first MPTCP option is the MP_CAPABLE here (Linux sends one)
conns = json.load(open(sys.argv[2]))["connections"]
print("third_acks", len(mpc.get(20, [])))
print("mpc22", len(mpc.get(22, [])))
ok = False
for flags, src, sport, dst, dport, skey, rkey in mpc.get(22, []):
    for c in conns:
        if any(s["src"] == src and s["sport"] == int(sport) and s["dst"] == dst and
               s["dport"] == int(dport) and s["type"] == "initial" for s in c["subflows"]):
            ok = (c["client"]["key"] == "%016x" % int(skey, 0) and
                  c["server"]["key"] == "%016x" % int(rkey, 0))
            print("conn", c["index"], c["state"], "fallback" if c["fallback"] else "mptcp",
                  c["end_reason"], "keys_match" if ok else "keys_differ",
                  c["client"]["token"] or "-", c["server"]["token"] or "-",
                  sum(1 for s in c["subflows"] if s["type"] == "join" and s["verdict"] == "valid"))
    break
PY
	sed 's/^/# /' "$tmp/lost.out"
	if grep -q '^mpc22 [1-9]' "$tmp/lost.out" && grep -q '^third_acks 0$' "$tmp/lost.out"; then
		pass "$name: no 20-byte MP_CAPABLE third ACK, a 22-byte MP_CAPABLE on data"
	else
		fail "$name: no 20-byte MP_CAPABLE third ACK, a 22-byte MP_CAPABLE on data" \
			"$(tr '\n' ' ' <"$tmp/lost.out")"
	fi
	if awk '$1 == "conn" && $6 == "keys_match" && $7 != "-" && $8 != "-" { f = 1 } END { exit !f }' \
		"$tmp/lost.out"; then
		pass "$name: replay learned both keys and tokens from the 22-byte MP_CAPABLE"
	else
		fail "$name: replay learned both keys and tokens from the 22-byte MP_CAPABLE" \
			"$(tr '\n' ' ' <"$tmp/lost.out")"
	fi
	if awk '$1 == "conn" && ($3 == "established" || ($3 == "closed" && $5 == "data-fin")) &&
		$4 == "mptcp" { f = 1 } END { exit !f }' "$tmp/lost.out"; then
		pass "$name: connection established or closed by DATA_FIN, no fallback"
	else
		fail "$name: connection established or closed by DATA_FIN, no fallback" \
			"$(tr '\n' ' ' <"$tmp/lost.out")"
	fi
	if awk '$1 == "conn" && $9 >= 1 { f = 1 } END { exit !f }' "$tmp/lost.out"; then
		pass "$name: its join verified with the keys learned late"
	else
		fail "$name: its join verified with the keys learned late" "$(tr '\n' ' ' <"$tmp/lost.out")"
	fi
}

for cap in "${captures[@]}"; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap")
	if ! "$NFMPTCP" -j replay "$cap" >"$tmp/replay.json" 2>"$tmp/replay.err"; then
		fail "$name: nfmptcp replay -j exits 0" "$(head -c 200 "$tmp/replay.err")"
		continue
	fi
	if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/replay.json" 2>/dev/null; then
		fail "$name: replay -j prints valid JSON"
		continue
	fi
	pass "$name: replay -j prints valid JSON"

	tshark -r "$cap" -o mptcp.analyze_mptcp:TRUE -T fields -E separator=/t -E occurrence=a \
		-E aggregator=, -e tcp.stream -e mptcp.stream -e ip.src -e ip.dst \
		-e ipv6.src -e ipv6.dst -e tcp.srcport -e tcp.dstport -e mptcp.expected_token \
		>"$tmp/tshark.txt" 2>"$tmp/tshark.err"
	python3 "$tmp/groups.py" tshark "$tmp/tshark.txt" >"$tmp/t.groups"
	python3 "$tmp/groups.py" replay "$tmp/replay.json" >"$tmp/r.groups"

	# grouping: the tuple part of each line must match one for one
	cut -d'|' -f1 "$tmp/t.groups" | sort >"$tmp/t.tuples"
	cut -d'|' -f1 "$tmp/r.groups" | sort >"$tmp/r.tuples"
	nconn=$(wc -l <"$tmp/t.tuples")
	if [ "$nconn" -eq 0 ]; then
		# no MPTCP connection per tshark: replay must not claim one either
		if [ -s "$tmp/r.tuples" ]; then
			fail "$name: no MPTCP connection, as tshark" "replay: $(tr '\n' ';' <"$tmp/r.tuples")"
		else
			pass "$name: no MPTCP connection, as tshark"
		fi
	elif diff -u "$tmp/t.tuples" "$tmp/r.tuples" >"$tmp/diff"; then
		pass "$name: $nconn connections grouped as tshark"
	else
		sed 's/^/# /' "$tmp/diff"
		fail "$name: connections grouped as tshark" "see diff"
	fi

	# tokens: each token tshark derived must be the same connection's token in replay
	if diff -u "$tmp/t.groups" "$tmp/r.groups" >"$tmp/diff"; then
		pass "$name: tokens equal tshark's"
	else
		sed 's/^/# /' "$tmp/diff"
		fail "$name: tokens equal tshark's" "see diff"
	fi

	case $name in
	lost-ack.*) check_lost_ack "$cap" ;;
	esac
done
[ $n -eq 0 ] && skip "captures" "no capture files found"
finish
