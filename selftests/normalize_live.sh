#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# normalize_live.sh - `nfmptcp normalize -i any -w -` on the router, as an IDS
# feed on the box itself: while a real MPTCP transfer runs over three or four
# subflows (client subflow endpoint, server ADD_ADDR) and the router drops one
# in 40 data segments (retransmitted or reinjected on another subflow), the
# normalized capture streams out of a pipe. Every packet is captured twice
# there (in and out interface). Before the tool is stopped, the stream already
# holds the whole transfer (written as it goes, not at exit): one TCP stream,
# the 300 KiB pattern one way and its count back, nothing tshark flags. SIGINT
# ends it with exit 0 and a JSON summary (one connection, its subflows, the
# capture's drop count). An interface that does not exist is a clear error.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip nft tshark python3 mptcp_xfer nfmptcp
CHECK=$NFM_SELFTESTS/tools/xfer_stream_check.py
SIZE=307200

nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_ns_exec router nft -f - <<'NFT' || nfm_fail "loss rule"
table inet nfm_lose {
	chain fwd_lose {
		type filter hook forward priority filter; policy accept;
		meta l4proto tcp meta length > 1000 numgen inc mod 40 == 7 counter drop
	}
}
NFT

out=$NFM_TMP/live.pcap sum=$NFM_TMP/live.json
# the pipe is the point: '-w -' must be flushed as it goes for a reader to see anything
nfm_ns_exec router bash -c 'nfmptcp -j normalize -i any -w - 2>"$1" | cat >"$2"
	echo "${PIPESTATUS[0]}" >"$3"' _ "$sum" "$out" "$NFM_TMP/live.rc" &
nz=$!
NFM_PIDS+=("$nz")
# the capture file's header appears once the capture is active
for ((i = 0; i < 100; i++)); do
	[ -s "$out" ] && break
	sleep 0.1
done
nfm_check "the live capture started (pcap header written to the pipe)" test -s "$out"

nfm_xfer -s 300k -w 2 -t 60 >"$NFM_TMP/xfer.log" 2>&1
nfm_check "transfer through the router completed" test $? -eq 0
dropped=$(nfm_ns_exec router nft list table inet nfm_lose | grep -o 'packets [0-9]*' | cut -d' ' -f2)
nfm_log "data segments dropped by the router: ${dropped:-?}"
nfm_check "the router dropped data segments (retransmissions, reinjections)" \
	test "${dropped:-0}" -gt 0

# still running: what reached the pipe so far is the whole transfer
sleep 1
cp "$out" "$NFM_TMP/early.pcap"
nfm_check "normalize still running when the stream is read" kill -0 "$nz"
python3 "$CHECK" "$NFM_TMP/early.pcap" "$SIZE" >"$NFM_TMP/check.out" 2>&1
crc=$?
nfm_log "$(cat "$NFM_TMP/check.out")"
nfm_check "streamed before exit: the pattern one way, its count back, byte for byte" \
	test "$crc" -eq 0
streams=$(tshark -r "$NFM_TMP/early.pcap" -T fields -e tcp.stream \
	-Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | sort -u | wc -l)
nfm_check "one TCP stream for the MPTCP connection ($streams)" test "$streams" = 1
flags=$(tshark -r "$NFM_TMP/early.pcap" -Y tcp.analysis.flags 2>/dev/null | wc -l)
nfm_check "tshark flags nothing in the normalized stream ($flags flagged)" test "$flags" = 0

pkill -INT -x nfmptcp
wait "$nz"
rc=$(cat "$NFM_TMP/live.rc" 2>/dev/null)
nfm_log "summary: $(head -c 1500 "$sum")"
nfm_check "SIGINT ends it with exit 0 (${rc:-none})" test "${rc:-1}" = 0
nfm_check "JSON summary: one normalized connection with >= 3 subflows, capture drops reported" \
	python3 - "$sum" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["connections"] if c["mode"] == "normalized"]
ok = (len(c) == 1 and c[0]["subflows"] >= 3 and c[0]["client"]["bytes"] == 307200 and
      c[0]["client"]["conflicts"] == 0 and "capture_dropped" in d["stats"])
sys.exit(0 if ok else 1)
PY

nfm_ns_exec router nfmptcp normalize -i nfm-nonexistent0 -w "$NFM_TMP/x.pcap" \
	>"$NFM_TMP/bad.out" 2>&1
rc=$?
nfm_log "bad interface: rc=$rc $(head -c 300 "$NFM_TMP/bad.out")"
nfm_check "an interface that does not exist: exit 1, named in the message" \
	bash -c '[ "$1" -eq 1 ] && grep -q "nfm-nonexistent0" "$2"' _ "$rc" "$NFM_TMP/bad.out"

nfm_check_dmesg
nfm_exit
