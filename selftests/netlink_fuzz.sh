#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_fuzz.sh - random and mutated messages to every operation of the
# nfmptcp generic netlink family (selftests/tools/nl_fuzz.c: attributes of
# wrong type, length, value and nesting, duplicates, unknown ones, lying
# header lengths, random headers), and nf_tables batches with the mptcp
# expression, while real MPTCP traffic is tracked:
#
# 1. an unprivileged user, and root of a user namespace that does not own the
#    network namespace: every CONFIG_SET, CONN_FLUSH and CONN_GET refused, the
#    events group refused; the config is what it was, the held connection is
#    still tracked (nothing flushed);
# 2. root: nl_fuzz models the config (each acknowledged CONFIG_SET applied as
#    the kernel parses it) and every probe's CONFIG_GET must match the model,
#    so the config changes only through valid sets; replies have clean
#    padding and identical bytes for identical requests;
# 3. nf_tables: root's rules with mutated mptcp expressions go into a forward
#    chain that the traffic crosses; an unprivileged user's batches are all
#    refused;
# then: no oops or warning, the module still answers, every transfer that ran
# meanwhile was byte-exact, the restored config is the old one, `nfmptcp show`
# is consistent and a new transfer is tracked with its join verified.
. "$(dirname "$0")/lib.sh"

nfm_require_root
nfm_require_cmd ip jq setpriv unshare mptcp_xfer nfmptcp nl_fuzz

# messages per run; each run is also bounded in time (TCG runs ~1-2k/s)
COUNT=${NFM_T_FUZZ_COUNT:-100000}
SECS=${NFM_T_FUZZ_SECS:-15}
SEED=${NFM_T_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}

nfm_load_module || { nfm_fail "modprobe $NFM_MODULE" "failed"; nfm_exit; }
nfm_topo_setup || { nfm_fail "topology" "setup failed"; nfm_exit; }
nfm_log "seed $SEED (NFM_T_FUZZ_SEED to repeat)"

rns=$(nfm_ns router)
NLF_U=$(nfm_unpriv_bin nl_fuzz) || nfm_skip_all "cannot copy nl_fuzz for the unprivileged user"
nobody() { ip netns exec "$rns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
cfg_json() { nfm_ns_exec router nfmptcp -j config | jq -S -c .; }
conn_json() { # ID : that connection, or nothing
	nfm_ns_exec router nfmptcp show -j | jq -c --argjson id "$1" '.[] | select(.id == $id)'
}

# fuzz NAME CMD... : run an nl_fuzz command, pass if it exits 0 (no violation)
fuzz() {
	local name=$1 out rc
	shift
	out=$("$@" 2>"$NFM_TMP/fuzz.err")
	rc=$?
	sed 's/^/# /' "$NFM_TMP/fuzz.err" | head -n 20
	nfm_log "$name: $out"
	FUZZ_OUT=$out
	if [ "$rc" -eq 0 ] && [ -n "$out" ]; then
		nfm_pass "$name: no violation"
	else
		nfm_fail "$name: no violation" "nl_fuzz exited $rc: $(tail -n 1 "$NFM_TMP/fuzz.err")"
	fi
}
# field NAME : a figure of the last nl_fuzz line ("sent 123 ok 4 ...")
field() {
	sed -n "s/.* $1 \([0-9]*\).*/\1/p" <<<"$FUZZ_OUT"
}

before=$(cfg_json)

# -- real traffic: one connection held open, short transfers in a loop --------
NFM_PORT=$((NFM_PORT + 10))
held_port=$((NFM_PORT + 1))
nfm_xfer -s 256K -t 200 -w 180 >/dev/null &
held=$!
NFM_PORT=$held_port
held_id=
for _ in $(seq 100); do
	held_id=$(nfm_ns_exec router nfmptcp show -j | jq --argjson p "$held_port" \
		'[.[] | select(.nsubflows == 2 and any(.subflows[]; .dport == $p)) | .id] | first // empty')
	[ -n "$held_id" ] && break
	sleep 0.2
done
nfm_check "held connection tracked with 2 subflows (id ${held_id:-none})" [ -n "$held_id" ]
held_before=$(conn_json "${held_id:-0}" | jq -c '{id, token_client, token_server, nsubflows}')

STOP=$NFM_TMP/stop
RESULTS=$NFM_TMP/loop
: >"$RESULTS"
(
	NFM_PORT=$((NFM_PORT + 100))
	while [ ! -e "$STOP" ]; do
		if nfm_xfer -s 64K -P 2 -t 60 >/dev/null 2>&1; then
			echo ok >>"$RESULTS"
		else
			echo "fail port $NFM_PORT" >>"$RESULTS"
		fi
	done
) &
loop=$!
NFM_PIDS+=("$loop")
NFM_PORT=$((NFM_PORT + 2000))	# the loop's ports are its own

# -- 1. unprivileged ------------------------------------------------------------
fuzz "unprivileged user" nobody "$NLF_U" -u -s "$SEED" -n "$COUNT" -T "$SECS"
nfm_check "unprivileged user: requests were answered and refused ($(field replies) replies, $(field errors) errors)" \
	[ "$(field replies)" -gt 0 -a "$(field errors)" -gt 0 ]
fuzz "root of a user namespace not owning the netns" \
	nobody unshare --user --map-root-user "$NLF_U" -u -s "$((SEED + 1))" -n "$COUNT" -T "$SECS"
nfm_check "unprivileged: config unchanged" [ "$(cfg_json)" = "$before" ]
nfm_check "unprivileged: the held connection is still tracked, as it was" \
	[ "$(conn_json "${held_id:-0}" | jq -c '{id, token_client, token_server, nsubflows}')" = "$held_before" ]

# -- 2. root ----------------------------------------------------------------------
fuzz "root" nfm_ns_exec router nl_fuzz -s "$((SEED + 2))" -n "$COUNT" -T "$SECS"
sets=$(field config-sets)
nfm_check "root: some fuzzed CONFIG_SETs were valid and applied (${sets:-?}), and matched the model" \
	[ "${sets:-0}" -gt 0 ]
nfm_check "root: most messages refused ($(field errors) errors of $(field sent) sent)" \
	[ "$(field errors)" -gt "$(( $(field sent) / 4 ))" ]

# -- 3. nf_tables with the mptcp expression --------------------------------------
if modinfo nft_mptcp >/dev/null 2>&1; then
	fuzz "nft root" nfm_ns_exec router nl_fuzz -m nft -s "$((SEED + 3))" -n "$COUNT" -T "$SECS"
	nfm_check "nft root: some rules with a mutated mptcp expression were accepted ($(field accepted-rules))" \
		[ "$(field accepted-rules)" -gt 0 ]
	nfm_check "nft root: its table is gone afterwards" \
		bash -c "! ip netns exec '$rns' nft list table inet nfmfuzz"
	fuzz "nft unprivileged" nobody "$NLF_U" -m nft -u -s "$((SEED + 4))" -n 2000 -T 5
else
	nfm_skip "nft" "nft_mptcp not built"
fi

# -- after ---------------------------------------------------------------------
touch "$STOP"
wait "$loop"
nok=$(grep -c '^ok' "$RESULTS")
nbad=$(grep -vc '^ok' "$RESULTS")
grep -v '^ok' "$RESULTS" | head -n 3 | sed 's/^/# /'
nfm_check "transfers during the fuzzing: all byte-exact ($nok ok, $nbad failed)" \
	[ "$nok" -gt 0 -a "$nbad" -eq 0 ]
pkill -USR1 -f "mptcp_xfer -c 10.0.3.1 -p $held_port "
if wait "$held"; then
	nfm_pass "the held connection completed byte-exact"
else
	nfm_fail "the held connection completed byte-exact" "mptcp_xfer failed"
fi

nfm_check "module still loaded" nfm_module_loaded "$NFM_MODULE"
nfm_check "the family still answers (stats)" nfm_ns_exec router nfmptcp stats
# restore what root's fuzzing set (one key per call), then it must be the old config
nfm_ns_exec router nfmptcp config >"$NFM_TMP/cfg.now"
jq -r 'to_entries[] | "\(.key | gsub("_"; "-")) \(.value | if . == true then "on" elif . == false then "off"
	elif type == "array" then (map("\(.inside)=\(.outside)") | join(",") | if . == "" then "none" else . end)
	else . end)"' \
	<<<"$before" >"$NFM_TMP/cfg.old"
while read -r k v; do
	nfm_ns_exec router nfmptcp config "$k" "$v" || nfm_log "cannot restore $k $v"
done <"$NFM_TMP/cfg.old"
nfm_check "config restored to what it was" [ "$(cfg_json)" = "$before" ]

show_sane() {
	nfm_ns_exec router nfmptcp show -j | jq -e '
		type == "array" and all(.[];
			(.id | type) == "number" and
			(.state | IN("syn-sent", "syn-rcvd", "established", "fallback", "closing", "closed")) and
			.nsubflows == (.subflows | length))' >/dev/null
}
nfm_check "nfmptcp show is consistent (states known, nsubflows = subflows listed)" show_sane
nfm_ns_exec router nfmptcp flush
seen0=$(nfm_stat conn_seen)
valid0=$(nfm_stat join_valid)
if nfm_xfer -s 256K -t 60 -w 1; then
	nfm_pass "a new transfer after the fuzzing: byte-exact"
else
	nfm_fail "a new transfer after the fuzzing: byte-exact" "mptcp_xfer failed"
fi
nfm_check "it is tracked (conn-seen +1, its join verified)" \
	[ "$(nfm_stat conn_seen)" -eq $((seen0 + 1)) -a "$(nfm_stat join_valid)" -gt "$valid0" ]

nfm_check_dmesg
nfm_exit
