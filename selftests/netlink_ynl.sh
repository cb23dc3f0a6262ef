#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_ynl.sh - the netlink spec is the family's real description: the
# kernel's own YNL client (tools/net/ynl/cli.py of linux-source-6.12), driven
# only by Documentation/netlink/specs/nfmptcp.yaml, validates the spec against
# the genetlink-legacy schema (and refuses a spec that breaks it), then, on a
# router tracking a real three-subflow connection, dumps and gets connections,
# reads stats and config, changes the config and receives events, with the
# same content as `nfmptcp -j` shows.
. "$(dirname "$0")/lib.sh"

PY=${NFM_PY:-/usr/bin/python3}
YNL=${NFM_YNL_DIR:-$NFM_REPO/.vm/ynl}
SPEC=$NFM_REPO/Documentation/netlink/specs/nfmptcp.yaml
SCHEMA=$YNL/Documentation/netlink/genetlink-legacy.yaml
CMP=$NFM_SELFTESTS/tools/ynl_vs_nfmptcp.py

nfm_require_root
nfm_require_cmd ip nft jq nfmptcp mptcp_xfer "$PY"
[ -f "$YNL/tools/net/ynl/cli.py" ] && [ -f "$SCHEMA" ] ||
	nfm_skip_all "YNL client missing in $YNL ('make deps' installs linux-source-6.12, 'make tools' unpacks it)"
"$PY" -c 'import yaml, jsonschema' 2>/dev/null ||
	nfm_skip_all "python3-yaml / python3-jsonschema missing ('make deps')"

# ycmp NAME WHAT FILES... : TAP check that ynl_vs_nfmptcp.py finds them equal
ycmp() {
	local name=$1
	shift
	if "$PY" "$CMP" "$@" >"$NFM_TMP/cmp.out" 2>&1; then
		nfm_pass "$name"
	else
		sed 's/^/# /' "$NFM_TMP/cmp.out" | head -n 40
		nfm_fail "$name" "differences above"
	fi
}

# ynl [--spec FILE] ARGS... : the YNL CLI in the router's netns, JSON out
ynl() {
	local spec=$SPEC
	[ "$1" = --spec ] && { spec=$2; shift 2; }
	nfm_ns_exec router "$PY" "$YNL/tools/net/ynl/cli.py" --spec "$spec" \
		--schema "$SCHEMA" --output-json "$@"
}

# ynl_subscribed: the cli.py --subscribe process holds a generic netlink
# socket that has joined a multicast group (/proc/PID/net/netlink is its
# netns's view; Groups shows the first 32 group ids, where the family's one
# lands on a VM with few families).
ynl_subscribed() {
	local pid inodes
	for pid in $(pgrep -f -- 'cli.py .*--subscribe events'); do
		inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null |
			sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
		awk -v list=" $inodes " 'NR > 1 && $2 == 16 && $4 != "00000000" &&
			index(list, " " $NF " ") { found = 1 } END { exit !found }' \
			"/proc/$pid/net/netlink" 2>/dev/null && return 0
	done
	return 1
}

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE"; nfm_exit; }
nfm_topo_setup --signal || { nfm_fail "topology" "setup failed"; nfm_exit; }

# ---- the spec against the schema ----
ops=$(ynl --list-ops 2>"$NFM_TMP/ops.err")
rc=$?
nfm_log "ops: $(echo "$ops" | tr '\n' ';') $(head -c 600 "$NFM_TMP/ops.err")"
nfm_check "the spec validates against genetlink-legacy.yaml (cli.py --list-ops)" \
	test "$rc" -eq 0
nfm_check "YNL sees conn-get as do and dump, config-set as do" \
	bash -c 'grep -Eq "^conn-get +\[ (do, dump|dump, do) \]" <<<"$1" &&
		grep -Eq "^config-set +\[ do \]" <<<"$1"' _ "$ops"
# control: the schema is applied (an operation without its doc is refused)
sed '/^      doc: Counters of the netns\.$/d' "$SPEC" >"$NFM_TMP/broken.yaml"
ynl --spec "$NFM_TMP/broken.yaml" --list-ops >"$NFM_TMP/broken.out" 2>&1
brc=$?
nfm_check "control: a spec breaking the schema is refused" \
	bash -c '[ "$1" -ne 0 ] && grep -q "ValidationError" "$2"' _ "$brc" "$NFM_TMP/broken.out"

# ---- events: YNL and nfmptcp monitor listen over the same traffic ----
nfm_monitor_start "$NFM_TMP/monitor.json"
ynl --subscribe events --sleep 90 >"$NFM_TMP/ynl-events.json" 2>"$NFM_TMP/ynl-events.err" &
ynl_ev=$!
NFM_PIDS+=("$ynl_ev")
# The transfer starts only once cli.py has joined the events group: its
# start-up under TCG takes from 2 s to much more on a loaded host, and events
# sent before are not queued for it.
for ((i = 0; i < 300; i++)); do
	ynl_subscribed && break
	sleep 0.2
done
nfm_check "YNL joined the events multicast group (after $((i / 5)) s)" ynl_subscribed

# Held open (-w) until the dump and get below have read it (cli.py's start-up
# alone can take 15 s), then closed with SIGUSR1 for the events' sake.
nfm_xfer -s 64k -w 120 -t 60 >"$NFM_TMP/xfer.log" 2>&1 &
xfer=$!
xfer_port=$((NFM_PORT + 1))	# nfm_xfer advanced NFM_PORT in its subshell only
NFM_PIDS+=("$xfer")

show=$NFM_TMP/show.json
for ((i = 0; i < 100; i++)); do
	nfm_ns_exec router nfmptcp -j show >"$show" 2>/dev/null &&
		jq -e 'length == 1 and (.[0].subflows | length) >= 3 and
			all(.[0].subflows[]; .established) and (.[0].addrs | length) >= 1' \
			"$show" >/dev/null && break
	sleep 0.2
done
nfm_log "nfmptcp show: $(head -c 2000 "$show")"

# ---- dump and get ----
ynl --dump conn-get >"$NFM_TMP/ynl-dump.json" 2>"$NFM_TMP/ynl-dump.err"
nfm_ns_exec router nfmptcp -j show >"$show" 2>/dev/null
nfm_log "ynl dump: $(head -c 2000 "$NFM_TMP/ynl-dump.json") $(head -c 600 "$NFM_TMP/ynl-dump.err")"
ycmp "YNL dump of conn-get equals nfmptcp show -j (connection, 3 subflows, addresses)" \
	conns "$NFM_TMP/ynl-dump.json" "$show" 3
tok=$(jq -r '.[0].token_client // empty' "$show")
ynl --do conn-get --json "{\"token\": $((16#${tok:-0}))}" >"$NFM_TMP/ynl-get.json" \
	2>"$NFM_TMP/ynl-get.err"
nfm_log "ynl get $tok: $(head -c 1000 "$NFM_TMP/ynl-get.json") $(head -c 600 "$NFM_TMP/ynl-get.err")"
ycmp "YNL do conn-get by the client token returns that connection" \
	conns "$NFM_TMP/ynl-get.json" "$show" 3
nfm_xfer_signal "$xfer_port"

# ---- stats (nfmptcp before <= YNL <= nfmptcp after) and config ----
nfm_ns_exec router nfmptcp -j stats >"$NFM_TMP/stats-before.json"
ynl --do stats-get >"$NFM_TMP/ynl-stats.json" 2>"$NFM_TMP/ynl-stats.err"
nfm_ns_exec router nfmptcp -j stats >"$NFM_TMP/stats-after.json"
nfm_log "ynl stats: $(head -c 1500 "$NFM_TMP/ynl-stats.json") $(head -c 600 "$NFM_TMP/ynl-stats.err")"
ycmp "YNL stats-get has every counter of nfmptcp stats -j, between two readings of it" \
	stats "$NFM_TMP/ynl-stats.json" "$NFM_TMP/stats-before.json" \
	"$NFM_TMP/stats-after.json"

ynl --do config-get >"$NFM_TMP/ynl-config.json" 2>"$NFM_TMP/ynl-config.err"
nfm_ns_exec router nfmptcp -j config >"$NFM_TMP/config.json"
nfm_log "ynl config: $(cat "$NFM_TMP/ynl-config.json") $(head -c 600 "$NFM_TMP/ynl-config.err")"
ycmp "YNL config-get equals nfmptcp config -j" \
	config "$NFM_TMP/ynl-config.json" "$NFM_TMP/config.json"

old=$(jq -r .max_subflows "$NFM_TMP/config.json")
ynl --do config-set --json '{"config": {"max-subflows": 5, "join-bad-hmac": "drop"}}' \
	>"$NFM_TMP/ynl-set.out" 2>&1
src=$?
nfm_ns_exec router nfmptcp -j config >"$NFM_TMP/config-set.json"
nfm_log "config-set rc=$src $(head -c 600 "$NFM_TMP/ynl-set.out"); now $(cat "$NFM_TMP/config-set.json")"
nfm_check "YNL config-set (max-subflows 5, join-bad-hmac drop) is what nfmptcp config shows" \
	jq -e '.max_subflows == 5 and .join_bad_hmac == "drop"' "$NFM_TMP/config-set.json"
nfm_ns_exec router nfmptcp config max-subflows "$old"
nfm_ns_exec router nfmptcp config join-bad-hmac "$(jq -r .join_bad_hmac "$NFM_TMP/config.json")"

# ---- events ----
wait "$xfer"
nfm_check "transfer completed" test $? -eq 0
wait "$ynl_ev"
nfm_monitor_stop
nfm_log "ynl events: $(head -c 2500 "$NFM_TMP/ynl-events.json") $(head -c 600 "$NFM_TMP/ynl-events.err")"
nfm_log "monitor: $(head -c 2500 "$NFM_TMP/monitor.json")"
ycmp "YNL receives the events nfmptcp monitor -j prints, in order, same content" \
	events "$NFM_TMP/ynl-events.json" "$NFM_TMP/monitor.json"

# ---- nat-map: a nest of pairs, set by YNL, shown by nfmptcp and read back by YNL ----
# (after the events: its cli.py runs must not stretch their window)
map='{"pair": [{"inside4": 167773185, "outside4": 3221225986},
	{"inside6": "fd000004000000000000000000000001", "outside6": "20010db8000100000000000000000002"}]}'
ynl --do config-set --json "{\"config\": {\"nat-map\": $map}}" >"$NFM_TMP/ynl-map.out" 2>&1
nfm_log "nat-map set: $(head -c 600 "$NFM_TMP/ynl-map.out")"
nfm_check "YNL config-set nat-map (IPv4 and IPv6 pairs) is what nfmptcp config nat-map shows" \
	[ "$(nfm_ns_exec router nfmptcp config nat-map)" = "10.0.4.1=192.0.2.2,fd00:4::1=2001:db8:1::2" ]
ynl --do config-get >"$NFM_TMP/ynl-config-map.json" 2>"$NFM_TMP/ynl-config-map.err"
nfm_ns_exec router nfmptcp -j config >"$NFM_TMP/config-map.json"
nfm_log "ynl config: $(cat "$NFM_TMP/ynl-config-map.json") $(head -c 600 "$NFM_TMP/ynl-config-map.err")"
ycmp "YNL config-get equals nfmptcp config -j, with a nat-map" \
	config "$NFM_TMP/ynl-config-map.json" "$NFM_TMP/config-map.json"
ynl --do config-set --json \
	'{"config": {"nat-map": {"pair": [{"inside4": 167773185, "outside6": "20010db8000100000000000000000002"}]}}}' \
	>"$NFM_TMP/ynl-map-bad.out" 2>&1
mrc=$?
nfm_log "mixed pair: rc=$mrc $(head -c 600 "$NFM_TMP/ynl-map-bad.out")"
nfm_check "a pair of two families is refused, the extack says why, the map stays" \
	bash -c '[ "$1" -ne 0 ] && grep -q "a pair is one inside and one outside address of one family" "$2" &&
		[ "$(ip netns exec "$3" nfmptcp config nat-map)" = "10.0.4.1=192.0.2.2,fd00:4::1=2001:db8:1::2" ]' \
	_ "$mrc" "$NFM_TMP/ynl-map-bad.out" "$(nfm_ns router)"
ynl --do config-set --json '{"config": {"nat-map": {}}}' >"$NFM_TMP/ynl-map-clear.out" 2>&1
nfm_check "YNL config-set with an empty nat-map clears it" \
	[ "$(nfm_ns_exec router nfmptcp config nat-map)" = none ]

nfm_check_dmesg
nfm_exit
