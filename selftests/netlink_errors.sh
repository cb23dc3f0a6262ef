#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netlink_errors.sh - the nfmptcp family refuses what it must, says why
# (extack), and the CLI turns that into a clear message and exit status:
#  - module not loaded (and not loadable): named in the message, exit 1;
#    loadable: the first request loads it (genl family alias);
#  - values out of the policy's range: "integer out of range" with the range,
#    config unchanged; an unknown token: "no connection with this token";
#    a nat-map the kernel refuses (special address, an address in two pairs):
#    its reason;
#  - bad arguments: usage error, exit 2;
#  - an unprivileged user, and root of a user namespace that does not own the
#    network namespace, get EPERM on config set (reads are allowed);
#  - root of a user namespace that owns its network namespace can change that
#    netns's config, and only that one (config is per netns).
. "$(dirname "$0")/lib.sh"

NFMPTCP=${NFMPTCP:-nfmptcp}

nfm_require_root
nfm_require_cmd ip setpriv unshare "$NFMPTCP"

# expect NAME STATUS PATTERN CMD... : CMD exits STATUS and its stderr matches PATTERN
expect() {
	local name=$1 status=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$status" ] && grep -Eq -- "$pat" <<<"$out"; then
		nfm_pass "$name"
	else
		nfm_fail "$name" "exit $rc, stderr: $(head -c 300 <<<"$out" | tr '\n' ' ')"
	fi
}

# The module carries the family's alias, so the first request loads it; with
# module loading disabled (kernel.modprobe) the CLI must say what is missing.
MODPROBE_SAVED=$(cat /proc/sys/kernel/modprobe)
cleanup() { echo "$MODPROBE_SAVED" >/proc/sys/kernel/modprobe; }
nfm_unload_module 2>/dev/null
if nfm_module_loaded "$NFM_MODULE"; then
	nfm_log "$NFM_MODULE is in use, cannot test the not-loaded case"
else
	echo /bin/false >/proc/sys/kernel/modprobe
	expect "module not loaded: clear message, exit 1" 1 \
		"kernel module nf_conntrack_mptcp is not loaded \(modprobe nf_conntrack_mptcp\)" \
		"$NFMPTCP" show
	cleanup
	if modinfo "$NFM_MODULE" >/dev/null 2>&1; then
		"$NFMPTCP" stats >/dev/null 2>&1
		nfm_check "first request autoloads $NFM_MODULE" nfm_module_loaded "$NFM_MODULE"
		NFM_MODULES_LOADED+=("$NFM_MODULE")
	fi
fi
nfm_load_module || { nfm_fail "modprobe $NFM_MODULE"; nfm_exit; }
nfm_ns_create router
ns=$(nfm_ns router)
run() { ip netns exec "$ns" "$@"; }
# nobody runs a copy of nfmptcp it can reach (the checkout may be root-only)
NFMPTCP_U=$(nfm_unpriv_bin "$NFMPTCP") || nfm_skip_all "cannot copy $NFMPTCP for the unprivileged user"
nobody() { ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

before=$(run "$NFMPTCP" -j config)
expect "max-subflows 0 rejected by policy" 1 "integer out of range.*accepted: 1\.\.64" \
	run "$NFMPTCP" config max-subflows 0
expect "max-subflows 65 rejected by policy" 1 "integer out of range" \
	run "$NFMPTCP" config max-subflows 65
expect "max-conns 4194305 rejected by policy" 1 "integer out of range.*4194304" \
	run "$NFMPTCP" config max-conns 4194305
expect "join-related 2 rejected by policy" 1 "integer out of range" \
	run "$NFMPTCP" config join-related 2
# nat-map: the CLI checks the syntax, the kernel what makes a map wrong
expect "nat-map: a special address refused by the kernel" 1 "a pair's addresses must be unicast" \
	run "$NFMPTCP" config nat-map 10.0.3.1=192.0.2.1,224.0.0.1=192.0.2.2
expect "nat-map: an address in two pairs refused by the kernel" 1 "an address is in two pairs" \
	run "$NFMPTCP" config nat-map 10.0.3.1=192.0.2.1,10.0.4.1=192.0.2.1
expect "nat-map: IPv6 loopback refused by the kernel" 1 "must be unicast" \
	run "$NFMPTCP" config nat-map fd00:3::1=::1
nfm_check "rejected values left the config unchanged" [ "$(run "$NFMPTCP" -j config)" = "$before" ]
expect "nat-map: families mixed in a pair: usage error" 2 \
	"invalid value '10.0.3.1=2001:db8::1' for nat-map \(pair 1: IN and OUT must be of the same family\)" \
	run "$NFMPTCP" config nat-map 10.0.3.1=2001:db8::1
expect "nat-map: not an address: usage error" 2 "pair 2: outside address 'pub' is not an IPv4 or IPv6 address" \
	run "$NFMPTCP" config nat-map 10.0.3.1=192.0.2.1,10.0.4.1=pub
expect "nat-map: no '=': usage error" 2 "pair 1: IN=OUT" run "$NFMPTCP" config nat-map 10.0.3.1
expect "nat-map: empty: usage error" 2 "IN=OUT\[,IN=OUT...\] or none" run "$NFMPTCP" config nat-map ""
many=$(for i in $(seq 0 64); do printf '10.1.%d.1=192.0.%d.1,' "$i" "$i"; done)
expect "nat-map: 65 pairs: usage error" 2 "at most 64 pairs" run "$NFMPTCP" config nat-map "${many%,}"
# 1..64: no zero group, so that the canonical form printed back is the one typed
many=$(for i in $(seq 1 64); do printf 'fd00:%x::1=2001:db8:%x::1,' "$i" "$i"; done)
nfm_check "nat-map: 64 IPv6 pairs are taken, and shown back" \
	bash -c 'ip netns exec "$1" "$2" config nat-map "$3" && [ "$(ip netns exec "$1" "$2" config nat-map)" = "$3" ]' \
	_ "$ns" "$NFMPTCP" "${many%,}"
run "$NFMPTCP" config nat-map none
nfm_check "nat-map none: the config is what it was" [ "$(run "$NFMPTCP" -j config)" = "$before" ]
expect "unknown token: extack message, exit 1" 1 "no connection with this token" \
	run "$NFMPTCP" show 0xdeadbeef
expect "unknown config key: usage error" 2 "unknown key 'max-foo'" run "$NFMPTCP" config max-foo
expect "non-numeric value: usage error" 2 "invalid value 'lots'" run "$NFMPTCP" config max-conns lots
expect "bad token: usage error" 2 "invalid token 'xyz'" run "$NFMPTCP" show xyz
expect "unknown command: usage error" 2 "unknown command" run "$NFMPTCP" frobnicate
expect "monitor -c without a number: usage error" 2 "-c needs a value" \
	run "$NFMPTCP" monitor -c
nfm_check "--help exits 0" run "$NFMPTCP" --help
nfm_check "config --help exits 0" run "$NFMPTCP" config --help

# Privileges: CONFIG_SET and CONN_FLUSH carry GENL_UNS_ADMIN_PERM.
run "$NFMPTCP" config max-subflows 8 >/dev/null
expect "nobody cannot change config: EPERM" 1 "Operation not permitted" \
	nobody "$NFMPTCP_U" config max-subflows 9
expect "nobody cannot set a nat-map: EPERM" 1 "Operation not permitted" \
	nobody "$NFMPTCP_U" config nat-map 10.0.3.1=192.0.2.1
expect "nobody cannot flush: EPERM" 1 "Operation not permitted" nobody "$NFMPTCP_U" flush
nfm_check "root can flush" run "$NFMPTCP" flush
nfm_check "nobody can read config" nobody "$NFMPTCP_U" config
nfm_check "nobody can read stats" nobody "$NFMPTCP_U" stats
expect "nobody cannot list connections: EPERM" 1 "Operation not permitted" nobody "$NFMPTCP_U" show
expect "nobody cannot subscribe to events: EPERM" 1 "Operation not permitted" \
	nobody "$NFMPTCP_U" monitor -t 1
expect "root of a foreign user namespace cannot change config: EPERM" 1 "Operation not permitted" \
	run unshare --user --map-root-user "$NFMPTCP" config max-subflows 9
expect "nobody in a fresh user namespace cannot change config: EPERM" 1 "Operation not permitted" \
	nobody unshare --user "$NFMPTCP_U" config max-subflows 9
nfm_check "config still max-subflows 8" [ "$(run "$NFMPTCP" config max-subflows)" = 8 ]

# An unprivileged user's own user + network namespace: its config is its own.
out=$(nobody unshare --user --map-root-user --net sh -c \
	"'$NFMPTCP_U' config max-subflows 3 && '$NFMPTCP_U' config max-subflows" 2>&1)
nfm_check "owner of a new user+net namespace may set its config" [ "$out" = 3 ]
nfm_check "and the parent netns is not affected" [ "$(run "$NFMPTCP" config max-subflows)" = 8 ]

nfm_check_dmesg
nfm_exit
