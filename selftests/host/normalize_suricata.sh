#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# normalize_suricata.sh - Suricata 7, an IDS that knows nothing of MPTCP, as the
# consumer of `nfmptcp normalize`: a content rule for a string split across two
# subflows (half on each, normalize_craft.py) must not alert on the original
# capture and must alert on the normalized one. The real captures' normalized
# output must raise no stream event (Suricata's stream engine accepts it).
# Needs suricata (scripts/deps.sh installs it from bookworm-backports), python3
# and userspace/nfmptcp. Prints TAP; exit 0 pass, 1 fail, 4 skip.
set -u

TEST=normalize_suricata
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_prereqs suricata python3

tmp=$(mktemp -d /tmp/nfm-normsuri.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/local.rules" <<'RULES'
alert tcp any any -> any any (msg:"nf-mptcp split signature"; flow:to_server; content:"NFMP-EVIL-SIGNATURE-SPLIT-ACROSS-SUBFLOWS"; sid:9000001; rev:1;)
RULES

# alerts PCAP NAME : number of alerts of our rule in Suricata's eve.json
alerts() {
	local d=$tmp/log-$2
	mkdir -p "$d"
	suricata -r "$1" -S "$tmp/local.rules" -l "$d" -k none --runmode single \
		--set outputs.1.eve-log.types.0=alert >"$d/out" 2>&1 || { echo "-1"; return; }
	python3 - "$d/eve.json" <<'PY'
import json, sys
n = 0
try:
    for l in open(sys.argv[1]):
        e = json.loads(l)
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 9000001:
            n += 1
except FileNotFoundError:
    n = -1      # Suricata wrote no log: not a pass
print(n)
PY
}

python3 "$HERE/normalize_craft.py" split "$tmp/split.pcap" >/dev/null || { fail "crafting"; finish; }
"$NFMPTCP" normalize "$tmp/split.pcap" "$tmp/split.norm.pcap" >/dev/null ||
	{ fail "normalize exited $?"; finish; }
a_orig=$(alerts "$tmp/split.pcap" orig)
a_norm=$(alerts "$tmp/split.norm.pcap" norm)
[ "$a_orig" = 0 ] && pass "no alert on the original capture (signature split across subflows)" ||
	fail "original capture: $a_orig alerts" "$(tail -3 "$tmp/log-orig/out")"
[ "$a_norm" = 1 ] && pass "one alert on the normalized capture" ||
	fail "normalized capture: $a_norm alerts" "$(tail -3 "$tmp/log-norm/out")"

finish
