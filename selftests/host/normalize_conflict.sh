#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# normalize_conflict.sh - crafted MPTCP v1 captures (valid keys, tokens and join
# HMACs, computed here) for `nfmptcp normalize`:
#  - split: a string carried half on the initial subflow, half on a join; the
#    normalized capture has it whole in one TCP stream (tshark follow), the
#    original in neither subflow;
#  - conflict: the join also carries a different copy of a DSN range the initial
#    subflow sent, twice, never acknowledged: each reported as a conflict with
#    exactly its range, the initial subflow's (acknowledged) copy written;
#  - ackfirst: the join's different copy, captured later, is acknowledged first:
#    it is the one written, the conflict reported with its range and copies;
#    acklater (the control): the same capture with the two ACKs swapped writes
#    the initial subflow's copy;
#  - badjoin: a join with a wrong HMAC is not merged (its packets pass unchanged);
#  - afterfin: data mapped at and past the client's DATA_FIN (before and after
#    the server's) is never written: the stream and its FIN end where the
#    DATA_FIN was, the bytes counted (after_data_fin_bytes);
#  - 32-bit DSNs (DSS without flag m) map like 64-bit ones;
#  - every variant cut at every 7th byte and with flipped bytes: exit 0/1, no
#    signal, valid JSON; under valgrind when present, unless NFM_T_VALGRIND=0 or
#    NFMPTCP is an ASan build (valgrind cannot run one: ASan and UBSan report
#    instead, with their own exit code), e.g.
#      make -C userspace build/nfmptcp-asan
#      NFMPTCP=userspace/build/nfmptcp-asan selftests/host/normalize_conflict.sh
# Needs tshark, python3 and userspace/nfmptcp. Prints TAP; exit 0 pass, 1 fail, 4 skip.
set -u

TEST=normalize_conflict
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_prereqs tshark python3

tmp=$(mktemp -d /tmp/nfm-normconf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

CRAFT=$HERE/normalize_craft.py

# stream_has FILE STREAM : the client's bytes of one TCP stream, as text
stream_text() {
	tshark -r "$1" -q -z "follow,tcp,raw,$2" 2>/dev/null |
		python3 -c 'import sys
out = b""
for l in sys.stdin:
    l = l.rstrip("\n")
    if l and not l.startswith(("=", "Follow", "Filter", "Node", "\t")):
        out += bytes.fromhex(l)
sys.stdout.write(out.decode("latin1"))'
}
SIG=NFMP-EVIL-SIGNATURE-SPLIT-ACROSS-SUBFLOWS

for v in split dsn32 conflict badjoin ackfirst acklater afterfin; do
	d0=$(python3 "$CRAFT" $v "$tmp/$v.pcap") || { fail "$v: crafting the capture"; continue; }
	if ! "$NFMPTCP" -j normalize "$tmp/$v.pcap" "$tmp/$v.out.pcap" >"$tmp/$v.json" 2>"$tmp/err"; then
		fail "$v: normalize exited $?" "$(head -c 300 "$tmp/err")"
		continue
	fi
	orig0=$(stream_text "$tmp/$v.pcap" 0) orig1=$(stream_text "$tmp/$v.pcap" 1)
	# the normalized connection keeps the initial subflow's ports
	ns=$(tshark -r "$tmp/$v.out.pcap" -T fields -e tcp.stream -Y 'tcp.port == 40000' 2>/dev/null | head -1)
	norm=$(stream_text "$tmp/$v.out.pcap" "${ns:-0}")
	case $v in
	split|dsn32)
		if [[ $norm == *"$SIG"* && $orig0 != *"$SIG"* && $orig1 != *"$SIG"* ]]; then
			pass "$v: the split string is whole in the normalized stream, in neither subflow"
		else
			fail "$v: normalized stream '$norm'"
		fi
		;;
	conflict)
		msg=$(python3 - "$tmp/$v.json" "$d0" <<-'PY'
		import json, sys
		d = json.load(open(sys.argv[1])); d0 = int(sys.argv[2])
		c = d["connections"][0]["client"]
		acked0 = {"subflow": 0, "acked": True}; unacked1 = {"subflow": 1, "acked": False}
		want = [{"dsn": d0 + 10, "len": 10, "written": acked0, "other": unacked1},
		        {"dsn": d0 + 12, "len": 4, "written": acked0, "other": unacked1}]
		if c["conflicts"] != 2 or c["conflict_ranges"] != want:
		    sys.exit("conflicts %d ranges %s" % (c["conflicts"], c["conflict_ranges"]))
		# released unacknowledged at the end of the capture: the join's 30 + 10 + 4 bytes
		if c["unacked_bytes"] != 44:
		    sys.exit("unacked_bytes %d" % c["unacked_bytes"])
		PY
		) && [[ $norm == *"$SIG"* && $norm == "GET /index.html"* ]] &&
			pass "$v: both different copies reported with their DSN ranges, the acknowledged copy written" ||
			fail "$v: $msg" "normalized: $norm"
		;;
	ackfirst|acklater)
		# written: the join's copy (subflow 1) if its ACK came first, else the initial subflow's
		if [ $v = ackfirst ]; then want="GET /indexXXXXXXXXXX/1.0"; w=1 o=0
		else want="GET /index.html HTTP/1.0"; w=0 o=1; fi
		msg=$(python3 - "$tmp/$v.json" "$d0" $w $o <<-'PY'
		import json, sys
		d = json.load(open(sys.argv[1])); d0, w, o = (int(a) for a in sys.argv[2:])
		c = d["connections"][0]["client"]
		want = [{"dsn": d0 + 10, "len": 10, "written": {"subflow": w, "acked": True},
		         "other": {"subflow": o, "acked": True}}]
		if c["conflicts"] != 1 or c["conflict_ranges"] != want or c["unacked_bytes"] != 0:
		    sys.exit("conflicts %d ranges %s unacked %d" % (c["conflicts"], c["conflict_ranges"],
		                                                    c["unacked_bytes"]))
		PY
		) && [[ $norm == "$want"* && $norm == *"$SIG"* ]] &&
			pass "$v: the copy acknowledged first is written ($want), the conflict reported with its range" ||
			fail "$v: $msg" "normalized: $norm"
		;;
	afterfin)
		# the client's FIN right after its last byte (relative seq 1 + 80 bytes)
		fin=$(tshark -r "$tmp/$v.out.pcap" -Y 'tcp.srcport == 40000 && tcp.flags.fin == 1' \
			-T fields -e tcp.seq 2>/dev/null | head -1)
		af=$(jq '.connections[0].client | "\(.after_data_fin_bytes) \(.bytes)"' -r "$tmp/$v.json")
		[[ $norm == "GET /index.html"* && $norm == *"$SIG"* && $norm != *AFTERFIN* ]] &&
			[ "$af" = "18 80" ] && [ "$fin" = 81 ] &&
			pass "$v: nothing past the DATA_FIN written, its 18 bytes counted, the FIN where the DATA_FIN was" ||
			fail "$v: after_data_fin_bytes/bytes '$af', FIN at '$fin'" "normalized: $norm"
		;;
	badjoin)
		# the join's half stays in its own (passed through) subflow
		[[ $norm != *"$SIG"* ]] && [ "$(tshark -r "$tmp/$v.out.pcap" -Y 'tcp.port == 40001' 2>/dev/null | wc -l)" = 4 ] &&
			pass "$v: a join with a bad HMAC is not merged, its packets pass unchanged" ||
			fail "$v: bad join merged" "normalized: $norm"
		;;
	esac
done

# damaged copies: cut at every 7th byte, and bytes flipped (fixed seeds)
VG= CHECKER=
if grep -q __asan_init "$NFMPTCP"; then
	# a sanitizer error must not pass for exit 1 (a capture it rejects)
	export ASAN_OPTIONS=exitcode=98:detect_leaks=1 UBSAN_OPTIONS=exitcode=98:print_stacktrace=1
	CHECKER="ASan/UBSan clean"
elif [ "${NFM_T_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	CHECKER="valgrind clean"
fi
python3 - "$tmp" <<'PY'
import random, sys
tmp = sys.argv[1]
n = 0
for v in ("split", "conflict"):
    data = open("%s/%s.pcap" % (tmp, v), "rb").read()
    for cut in range(24, len(data), 97):
        open("%s/bad%03d.pcap" % (tmp, n), "wb").write(data[:cut]); n += 1
    for seed in range(20):
        r = random.Random(seed); b = bytearray(data)
        for _ in range(8):
            i = r.randrange(24, len(b)); b[i] ^= 1 << r.randrange(8)
        open("%s/bad%03d.pcap" % (tmp, n), "wb").write(b); n += 1
PY
bad=0 total=0
for f in "$tmp"/bad*.pcap; do
	total=$((total + 1))
	$VG "$NFMPTCP" -j normalize "$f" "$tmp/bad.out" >"$tmp/bad.json" 2>"$tmp/bad.err"
	rc=$?
	if [ $rc -gt 1 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$tmp/bad.err" ||
	   ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/bad.json" 2>/dev/null; then
		bad=$((bad + 1))
		echo "# $(basename "$f"): exit $rc $(head -c 200 "$tmp/bad.err")"
	fi
done
[ $bad = 0 ] && pass "$total damaged captures: exit 0/1, valid JSON${CHECKER:+, $CHECKER}" ||
	fail "$bad of $total damaged captures crashed or printed broken JSON"

finish
