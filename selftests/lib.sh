# SPDX-License-Identifier: GPL-2.0
# lib.sh - shared helpers for the nf-mptcp selftests (kselftest style).
#
# Source it from a test script:   . "$(dirname "$0")/lib.sh"
# A test prints one TAP line per check (nfm_pass/nfm_fail/nfm_skip) and ends
# with `nfm_exit`: 0 all passed, 1 something failed, 4 only skips.  Under
# CI=true a skip is reported and counted as a failure: CI must not pass on a
# missing prerequisite.  Everything a test creates (namespaces, background
# processes, modules it loaded) is removed by the EXIT trap; a test may define
# a `cleanup` function that runs first.
#
# Topology built by nfm_topo_setup (namespaces are unique per test run and
# their names are in $NFM_NS_CLIENT, $NFM_NS_ROUTER, $NFM_NS_SERVER; every
# helper taking NS also accepts the short names client, router, server):
#
#   client                      router                      server
#   c1 10.0.1.1  fd00:1::1 ---- r1 10.0.1.254 fd00:1::254
#   c2 10.0.2.1  fd00:2::1 ---- r2 10.0.2.254 fd00:2::254
#                               r3 10.0.3.254 fd00:3::254 ---- s1 10.0.3.1 fd00:3::1
#                               r4 10.0.4.254 fd00:4::254 ---- s2 10.0.4.1 fd00:4::1
#
# The client's default route is c1; traffic from 10.0.2.1/fd00:2::1 leaves
# via c2 (source policy routing).  The server's is s1; from 10.0.4.1/fd00:4::1
# via s2.  The client has an MPTCP "subflow" endpoint 10.0.2.1 (dev c2), so a
# second subflow 10.0.2.1 -> server's address joins each connection.

NFM_KSFT_PASS=0
NFM_KSFT_FAIL=1
NFM_KSFT_SKIP=4

NFM_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NFM_REPO=${NFM_REPO:-$(cd "$NFM_SELFTESTS/.." && pwd)}
NFM_TEST=${NFM_TEST:-$(basename "$0" .sh)}
NFM_MODULE=${NFM_MODULE:-nf_conntrack_mptcp}
PATH=$NFM_SELFTESTS/tools:$NFM_REPO/userspace:$PATH

NFM_TAP_N=0
NFM_NFAIL=0
NFM_NSKIP=0
NFM_NETNS=()		# namespaces to delete on exit
NFM_PIDS=()		# background processes to kill on exit
NFM_MODULES_LOADED=()	# modules loaded by nfm_load_module
NFM_SUFFIX=$(mktemp -u XXXXXX)
NFM_TMP=$(mktemp -d "/tmp/nfm-$NFM_TEST.XXXXXX")
NFM_NS_CLIENT=nfmc-$NFM_SUFFIX
NFM_NS_ROUTER=nfmr-$NFM_SUFFIX
NFM_NS_SERVER=nfms-$NFM_SUFFIX
NFM_PORT=$((10000 + RANDOM % 20000))
NFM_DMESG_START=$(dmesg 2>/dev/null | wc -l)

# ---- TAP and results -----------------------------------------------------------

nfm_log() { echo "# $*"; }

# nfm_pass NAME
nfm_pass() {
	NFM_TAP_N=$((NFM_TAP_N + 1))
	echo "ok $NFM_TAP_N - $NFM_TEST: $1"
}

# nfm_fail NAME [MESSAGE...]
nfm_fail() {
	local name=$1
	shift
	NFM_TAP_N=$((NFM_TAP_N + 1))
	NFM_NFAIL=$((NFM_NFAIL + 1))
	[ $# -gt 0 ] && echo "# FAIL: $name: $*"
	echo "not ok $NFM_TAP_N - $NFM_TEST: $name${*:+ # $*}"
}

# nfm_skip NAME REASON...   (a failure under CI=true)
nfm_skip() {
	local name=$1
	shift
	if [ "${CI:-}" = true ]; then
		nfm_fail "$name" "skipped in CI: $*"
		return
	fi
	NFM_TAP_N=$((NFM_TAP_N + 1))
	NFM_NSKIP=$((NFM_NSKIP + 1))
	echo "ok $NFM_TAP_N - $NFM_TEST: $name # SKIP $*"
}

# nfm_check NAME CMD... : pass if CMD succeeds, else fail with its output
nfm_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		nfm_pass "$name"
	else
		nfm_fail "$name" "'$*' failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# nfm_rc_says RC EXPECTED TEXT SUBSTRING... : RC is EXPECTED and TEXT contains
# every SUBSTRING. For nfm_check, whose CMD must be one command: a test's own
# `[ a ] && [ b ]` after nfm_check would check only `a`, and a function of
# the test reading a variable named out or name would see nfm_check's locals.
nfm_rc_says() {
	local rc=$1 want=$2 text=$3 s
	shift 3
	[ "$rc" -eq "$want" ] || { echo "exit $rc, not $want: $text"; return 1; }
	for s in "$@"; do
		[[ "$text" == *"$s"* ]] || { echo "no '$s' in: $text"; return 1; }
	done
}

# nfm_exit : end the test with the kselftest exit code
nfm_exit() {
	if [ "$NFM_NFAIL" -gt 0 ]; then
		exit $NFM_KSFT_FAIL
	elif [ "$NFM_NSKIP" -gt 0 ] && [ "$NFM_TAP_N" -eq "$NFM_NSKIP" ]; then
		exit $NFM_KSFT_SKIP
	fi
	exit $NFM_KSFT_PASS
}

# nfm_skip_all REASON : skip the whole test now (fails under CI=true)
nfm_skip_all() {
	nfm_skip "prerequisites" "$*"
	nfm_exit
}

# nfm_require_cmd CMD... : every command must exist, or skip the test
nfm_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || nfm_skip_all "'$c' not found"
	done
}

nfm_require_root() {
	[ "$(id -u)" -eq 0 ] || nfm_skip_all "needs root (run through selftests/vm-run)"
}

# nfm_unpriv_bin CMD : path of a copy of CMD that an unprivileged user can
# execute (the checkout may live where only root can enter, e.g. /root)
nfm_unpriv_bin() {
	local src dir
	src=$(command -v "$1") || return 1
	dir=$NFM_TMP/unpriv-bin
	mkdir -p "$dir" && chmod 755 "$NFM_TMP" "$dir" || return 1
	install -m 755 "$src" "$dir/" || return 1
	echo "$dir/$(basename "$src")"
}

# ---- cleanup ------------------------------------------------------------------

nfm_cleanup() {
	local rc=$? ns pid m
	trap - EXIT
	set +e
	declare -F cleanup >/dev/null && cleanup
	for pid in ${NFM_PIDS[@]+"${NFM_PIDS[@]}"}; do
		kill "$pid" 2>/dev/null
	done
	for pid in ${NFM_PIDS[@]+"${NFM_PIDS[@]}"}; do
		wait "$pid" 2>/dev/null
	done
	for ns in ${NFM_NETNS[@]+"${NFM_NETNS[@]}"}; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for m in ${NFM_MODULES_LOADED[@]+"${NFM_MODULES_LOADED[@]}"}; do
		grep -q "^$m " /proc/modules && { nfm_unload_module "$m" || modprobe -r "$m"; } 2>/dev/null
	done
	rm -rf "$NFM_TMP"
	exit "$rc"
}
trap nfm_cleanup EXIT

# ---- namespaces ---------------------------------------------------------------

# nfm_ns NAME : real namespace name for client|router|server (or itself)
nfm_ns() {
	case $1 in
	client) echo "$NFM_NS_CLIENT" ;;
	router) echo "$NFM_NS_ROUTER" ;;
	server) echo "$NFM_NS_SERVER" ;;
	*) echo "$1" ;;
	esac
}

# nfm_ns_exec NS CMD... : run CMD in namespace NS
nfm_ns_exec() {
	local ns
	ns=$(nfm_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# nfm_ns_create NAME... : fresh namespaces with lo up, deleted on exit
nfm_ns_create() {
	local n ns
	for n in "$@"; do
		ns=$(nfm_ns "$n")
		ip netns add "$ns" || return 1
		NFM_NETNS+=("$ns")
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 net.mptcp.enabled=1 \
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
	done
}

# nfm_bg NS CMD... : start CMD in NS in the background (killed on exit);
# its pid is in $NFM_BG_PID
nfm_bg() {
	local ns
	ns=$(nfm_ns "$1")
	shift
	ip netns exec "$ns" "$@" &
	NFM_BG_PID=$!
	NFM_PIDS+=("$NFM_BG_PID")
}

# ---- topology -----------------------------------------------------------------

# _nfm_link NS_A DEV_A ADDR4_A ADDR6_A NS_B DEV_B ADDR4_B ADDR6_B (prefixes /24, /64)
_nfm_link() {
	local nsa=$1 da=$2 a4=$3 a6=$4 nsb=$5 db=$6 b4=$7 b6=$8
	ip link add "$da" netns "$nsa" type veth peer name "$db" netns "$nsb" || return 1
	ip -n "$nsa" addr add "$a4/24" dev "$da"
	ip -n "$nsa" addr add "$a6/64" dev "$da" nodad
	ip -n "$nsb" addr add "$b4/24" dev "$db"
	ip -n "$nsb" addr add "$b6/64" dev "$db" nodad
	ip -n "$nsa" link set "$da" up
	ip -n "$nsb" link set "$db" up
}

# nfm_topo_setup [--signal] [--signal6] [--no-subflow] [--no-mptcp-limits]
#   --signal     server announces 10.0.4.1 (ADD_ADDR) on its connections
#   --signal6    server announces fd00:4::1
#   --no-subflow client gets no "subflow" endpoint (single path unless signalled)
nfm_topo_setup() {
	local signal= signal6= subflow=1 limits=1 c r s
	while [ $# -gt 0 ]; do
		case $1 in
		--signal) signal=1 ;;
		--signal6) signal6=1 ;;
		--no-subflow) subflow= ;;
		--no-mptcp-limits) limits= ;;
		*) echo "nfm_topo_setup: unknown option $1" >&2; return 1 ;;
		esac
		shift
	done
	c=$NFM_NS_CLIENT r=$NFM_NS_ROUTER s=$NFM_NS_SERVER

	nfm_ns_create client router server || return 1
	_nfm_link "$c" c1 10.0.1.1 fd00:1::1 "$r" r1 10.0.1.254 fd00:1::254 || return 1
	_nfm_link "$c" c2 10.0.2.1 fd00:2::1 "$r" r2 10.0.2.254 fd00:2::254 || return 1
	_nfm_link "$s" s1 10.0.3.1 fd00:3::1 "$r" r3 10.0.3.254 fd00:3::254 || return 1
	_nfm_link "$s" s2 10.0.4.1 fd00:4::1 "$r" r4 10.0.4.254 fd00:4::254 || return 1

	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null
	# An ADD_ADDR the receiver drops (PAWS, when a busy box delayed it
	# behind later ACKs) is retransmitted after 1 s, not 120: joins to
	# announced addresses then come within a test's patience.
	ip netns exec "$c" sysctl -qw net.mptcp.add_addr_timeout=1 || return 1
	ip netns exec "$s" sysctl -qw net.mptcp.add_addr_timeout=1 || return 1

	# default via the first link, per-source tables for the second one
	ip -n "$c" route add default via 10.0.1.254 dev c1
	ip -n "$c" -6 route add default via fd00:1::254 dev c1
	ip -n "$c" rule add from 10.0.2.1 table 102 pref 100
	ip -n "$c" route add default via 10.0.2.254 dev c2 table 102
	ip -n "$c" -6 rule add from fd00:2::1 table 102 pref 100
	ip -n "$c" -6 route add default via fd00:2::254 dev c2 table 102

	ip -n "$s" route add default via 10.0.3.254 dev s1
	ip -n "$s" -6 route add default via fd00:3::254 dev s1
	ip -n "$s" rule add from 10.0.4.1 table 104 pref 100
	ip -n "$s" route add default via 10.0.4.254 dev s2 table 104
	ip -n "$s" -6 rule add from fd00:4::1 table 104 pref 100
	ip -n "$s" -6 route add default via fd00:4::254 dev s2 table 104

	if [ -n "$limits" ]; then
		ip -n "$c" mptcp limits set subflow 4 add_addr_accepted 4 || return 1
		ip -n "$s" mptcp limits set subflow 4 add_addr_accepted 4 || return 1
	fi
	if [ -n "$subflow" ]; then
		ip -n "$c" mptcp endpoint add 10.0.2.1 dev c2 subflow || return 1
	fi
	[ -n "$signal" ] && { ip -n "$s" mptcp endpoint add 10.0.4.1 dev s2 signal || return 1; }
	[ -n "$signal6" ] && { ip -n "$s" mptcp endpoint add fd00:4::1 dev s2 signal || return 1; }

	# fail fast if a path is broken
	local a
	for a in 10.0.3.1 10.0.4.1; do
		ip netns exec "$c" ping -q -c1 -W5 "$a" >/dev/null ||
			{ echo "nfm_topo_setup: client cannot reach $a" >&2; return 1; }
	done
	ip netns exec "$c" ping -q -c1 -W5 -I 10.0.2.1 10.0.4.1 >/dev/null ||
		{ echo "nfm_topo_setup: 10.0.2.1 cannot reach 10.0.4.1" >&2; return 1; }
	ip netns exec "$c" ping -q -6 -c1 -W5 fd00:3::1 >/dev/null ||
		{ echo "nfm_topo_setup: client cannot reach fd00:3::1" >&2; return 1; }
	return 0
}

# nfm_hide_networks client|server NET... : blackhole NETs in that namespace, in
# its main table and its second link's table (102, 104), as private networks
# are on the Internet: only a NAT's translations reach them.
nfm_hide_networks() {
	local ns=$1 table n
	shift
	case $ns in
	client) table=102 ;;
	server) table=104 ;;
	*) echo "nfm_hide_networks: client or server, not $ns" >&2; return 1 ;;
	esac
	for n in "$@"; do
		nfm_ns_exec "$ns" ip route add blackhole "$n" || return 1
		nfm_ns_exec "$ns" ip route add blackhole "$n" table "$table" || return 1
	done
}

# nfm_port_forward PUB PORT [RULE...] : the router as the server's home gateway.
# Connections to PUB:PORT from outside (r1, r2) are DNATed to the server's
# first address (10.0.3.1 or fd00:3::1, PUB's family), everything leaving
# through r1/r2 is masqueraded, and the forward chain (inet nfm_fw forward)
# drops all but ct state established,related, new connections from inside and
# the forwarded port; each RULE goes first in it (e.g. a counter the test
# reads). Replaces the tables of an earlier call. Counters: "dropped".
nfm_port_forward() {
	local pub=$1 port=$2 fam=ip inside=10.0.3.1 rules= r
	shift 2
	case $pub in *:*) fam=ip6 inside=fd00:3::1 ;; esac
	for r in "$@"; do
		rules+="		$r"$'\n'
	done
	nfm_ns_exec router nft -f - <<NFT
table $fam nfm_nat
delete table $fam nfm_nat
table inet nfm_fw
delete table inet nfm_fw
table $fam nfm_nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname { "r1", "r2" } $fam daddr $pub tcp dport $port dnat to $inside
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname { "r1", "r2" } masquerade
	}
}
table inet nfm_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
$rules		ct state established,related counter accept
		iifname { "r3", "r4" } ct state new accept
		iifname { "r1", "r2" } $fam daddr $inside tcp dport $port ct state new accept
		meta l4proto ipv6-icmp accept
		counter comment "dropped"
	}
}
NFT
}

# nfm_one_cpu : run the rest of the test (every process it starts) on CPU 0.
# Packets a process sends are handled on its CPU to the end of the veth
# chain, and the work and timers they start stay there: the whole exchange
# is in order. On two CPUs a pure ACK that an MPTCP endpoint sends from its
# path manager's worker (an ADD_ADDR) can be overtaken by the ACKs sent from
# softirq on the other CPU whenever the host deschedules the worker's vCPU
# (a few ms under TCG); the receiver's PAWS check then discards it
# (TcpExtPAWSEstab), with or without a NAT, and the join waits for a
# retransmission. For tests whose subject is the announcement itself.
nfm_one_cpu() {
	taskset -pc 0 $$ >/dev/null
}

# nfm_set_offload NS DEV on|off : toggle GSO/GRO/TSO on a veth
nfm_set_offload() {
	nfm_ns_exec "$1" ethtool -K "$2" gso "$3" gro "$3" tso "$3" >/dev/null 2>&1
}

# ---- counters -----------------------------------------------------------------

# nfm_nstat NS COUNTER : print the absolute value of a netstat/snmp counter
# (e.g. MPTcpExtMPCapableSYNRX), 0 when the kernel has not created it yet
nfm_nstat() {
	nfm_ns_exec "$1" nstat -asz "$2" 2>/dev/null |
		awk -v c="$2" '$1 == c { v = $2 } END { print v + 0 }'
}

# nfm_stat NAME [NS] : a counter of `nfmptcp stats -j` (e.g. join_valid) in NS
# (default router), 0 when the module does not have it
nfm_stat() {
	nfm_ns_exec "${2:-router}" nfmptcp stats -j | jq -r ".\"$1\" // 0"
}

# nfm_nft_counter NS FAMILY TABLE CHAIN COMMENT [packets|bytes] : the sum of
# the counters of the rules with that comment (default: packets)
nfm_nft_counter() {
	nfm_ns_exec "$1" nft -j list chain "$2" "$3" "$4" |
		jq --arg c "$5" '[.nftables[] | .rule? | select(.comment == $c) | .expr[] | .counter? | select(.) | .'"${6:-packets}"'] | add // 0'
}

# nfm_rule_counter NS FAMILY TABLE CHAIN PREFIX [packets|bytes] : the sum of
# the counters of the rules of CHAIN whose text, as `nfmptcp rule list` prints
# it, starts with PREFIX (default: packets); prints nothing and fails when no
# rule has that text (a misspelt PREFIX must not read as a zero count)
nfm_rule_counter() {
	nfm_ns_exec "$1" nfmptcp -j rule list "$2" "$3" "$4" |
		jq -e --arg p "$5" '[.nftables[].rule | select(.text | startswith($p))] |
			if length == 0 then empty
			else [.[].expr[] | .counter? | select(.) | .'"${6:-packets}"'] | add // 0 end'
}

# nfm_rule_handles NS FAMILY TABLE CHAIN : handles of the rules of CHAIN, in order
nfm_rule_handles() {
	nfm_ns_exec "$1" nfmptcp -j rule list "$2" "$3" "$4" | jq -r '.nftables[].rule.handle'
}

# nfm_monitor_start FILE : `nfmptcp -j monitor` in the router, into FILE,
# until nfm_monitor_stop (or 300 s)
nfm_monitor_start() {
	# plain `ip netns exec` (it execs): $! is the monitor
	ip netns exec "$NFM_NS_ROUTER" nfmptcp -j monitor -t 300 >"$1" 2>"$1.err" &
	NFM_MONITOR=$!
	NFM_PIDS+=("$NFM_MONITOR")
	sleep 1	# in the group before the first event
}

nfm_monitor_stop() {
	sleep 0.5
	kill -TERM "$NFM_MONITOR" 2>/dev/null
	wait "$NFM_MONITOR" 2>/dev/null
}

# nfm_policy_events FILE POLICY ACTION : policy events of that kind in FILE
nfm_policy_events() {
	jq -s --arg p "$2" --arg a "$3" \
		'[.[] | select(.event == "policy" and .policy == $p and .action == $a)] | length' "$1"
}

# nfm_assert_nstat_ge NS COUNTER MIN : TAP check counter >= MIN
nfm_assert_nstat_ge() {
	local v
	v=$(nfm_nstat "$1" "$2")
	if [ "$v" -ge "$3" ]; then
		nfm_pass "$1 $2 >= $3 ($v)"
	else
		nfm_fail "$1 $2 >= $3" "got $v"
	fi
}

# ---- modules ------------------------------------------------------------------

# nfm_module_loaded NAME
nfm_module_loaded() {
	grep -q "^$1 " /proc/modules
}

# nfm_load_module [NAME] : modprobe NAME (default nf_conntrack_mptcp); in the
# VM our freshly built modules are in /lib/modules/$KVER/extra.  Returns 1
# with a clear message when the module does not exist or fails to load.
nfm_load_module() {
	local m=${1:-$NFM_MODULE} out
	if ! modinfo "$m" >/dev/null 2>&1; then
		echo "nfm_load_module: module $m not found: build it ('make') and run the test via selftests/vm-run" >&2
		return 1
	fi
	nfm_module_loaded "$m" && return 0
	if ! out=$(modprobe "$m" 2>&1); then
		echo "nfm_load_module: modprobe $m failed: $out" >&2
		dmesg | tail -n 5 >&2
		return 1
	fi
	NFM_MODULES_LOADED+=("$m")
}

# nfm_unload_module [NAME] : remove NAME (must not be in use)
nfm_unload_module() {
	local m=${1:-$NFM_MODULE} out dep
	nfm_module_loaded "$m" || return 0
	# its users go first: nf_nat_mptcp (autoloaded on the first NATed MPTCP
	# subflow) and nft_mptcp (loaded by a rule; in use while rules exist)
	if [ "$m" = nf_conntrack_mptcp ]; then
		for dep in nft_mptcp nf_nat_mptcp; do
			nfm_module_loaded "$dep" || continue
			if ! out=$(rmmod "$dep" 2>&1); then
				echo "nfm_unload_module: rmmod $dep failed: $out" >&2
				return 1
			fi
		done
	fi
	if ! out=$(rmmod "$m" 2>&1); then
		echo "nfm_unload_module: rmmod $m failed: $out" >&2
		return 1
	fi
}

# ---- kernel log ---------------------------------------------------------------

# nfm_dmesg_new : kernel messages since the test started
nfm_dmesg_new() {
	dmesg 2>/dev/null | tail -n +"$((NFM_DMESG_START + 1))"
}

# nfm_kernel_complaints : the lines of stdin (kernel messages) that tell of a
# kernel bug or a stuck CPU or task: WARN/BUG (soft lockups print "BUG: soft
# lockup"), oopses, sanitizers, refcount and list corruption, RCU stalls
# ("rcu: INFO: rcu_sched self-detected stall on CPU", "rcu_preempt detected
# stalls"), hard lockups and hung tasks ("INFO: task X blocked for more than
# N seconds"). selftests/host/lib_dmesg.sh tests it on sample lines.
NFM_KERNEL_COMPLAINTS='WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|refcount_t|list_(add|del) corruption'
NFM_KERNEL_COMPLAINTS+='|rcu: INFO|rcu_[a-z]+ (self-)?detected stall|detected stalls on CPU'
NFM_KERNEL_COMPLAINTS+='|soft lockup|hard LOCKUP|blocked for more than [0-9]+ seconds|hung_task'
nfm_kernel_complaints() {
	grep -E "$NFM_KERNEL_COMPLAINTS"
}

# nfm_check_dmesg [NAME] : TAP check that the kernel complained of nothing
# since the test started (nfm_kernel_complaints)
nfm_check_dmesg() {
	local name=${1:-"no kernel warnings in dmesg"} bad
	bad=$(nfm_dmesg_new | nfm_kernel_complaints)
	if [ -z "$bad" ]; then
		nfm_pass "$name"
	else
		nfm_dmesg_new | grep -E -A20 "$NFM_KERNEL_COMPLAINTS" | head -60 | sed 's/^/# /'
		nfm_fail "$name" "$(echo "$bad" | head -n1)"
	fi
}

# ---- MPTCP transfer -----------------------------------------------------------

# nfm_wait_file FILE [SECONDS] : wait until FILE exists
nfm_wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# nfm_xfer [-n CLIENT_NS] [-N SERVER_NS] [-a SERVER_ADDR] [-s SIZE] [-P CONNS]
#          [-w HOLD] [-t TIMEOUT] [-T] [-- extra client args]
# Run mptcp_xfer: server in SERVER_NS (default server), client in CLIENT_NS
# (default client) to SERVER_ADDR (default 10.0.3.1), SIZE bytes (default 1M)
# per connection.  Returns 0 when both sides verified every byte.  Reports are
# in $NFM_XFER_CLIENT_REPORT / $NFM_XFER_SERVER_REPORT (key=value lines).
nfm_xfer() {
	local cns=client sns=server addr=10.0.3.1 size=1M conns=1 hold=0 tmo=30 tcp=
	local OPTIND o port ready srv rc crc
	while getopts "n:N:a:s:P:w:t:T" o; do
		case $o in
		n) cns=$OPTARG ;;
		N) sns=$OPTARG ;;
		a) addr=$OPTARG ;;
		s) size=$OPTARG ;;
		P) conns=$OPTARG ;;
		w) hold=$OPTARG ;;
		t) tmo=$OPTARG ;;
		T) tcp=-T ;;
		*) return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	command -v mptcp_xfer >/dev/null || { echo "nfm_xfer: mptcp_xfer not built ('make')" >&2; return 2; }

	NFM_PORT=$((NFM_PORT + 1))
	port=$NFM_PORT
	ready=$NFM_TMP/ready.$port
	NFM_XFER_SERVER_REPORT=$NFM_TMP/server.$port
	NFM_XFER_CLIENT_REPORT=$NFM_TMP/client.$port
	# a caller in a subshell (nfm_xfer ... &) does not advance the parent's
	# NFM_PORT: never take a previous run's ready file for this one's
	rm -f "$ready" "$NFM_XFER_SERVER_REPORT" "$NFM_XFER_CLIENT_REPORT"
	nfm_ns_exec "$sns" mptcp_xfer -l -6 -p "$port" -n "$conns" -e "$size" -t "$tmo" $tcp \
		-R "$ready" -o "$NFM_XFER_SERVER_REPORT" &
	srv=$!
	NFM_PIDS+=("$srv")
	if ! nfm_wait_file "$ready" 10; then
		echo "nfm_xfer: server did not start listening" >&2
		kill "$srv" 2>/dev/null
		return 1
	fi
	nfm_ns_exec "$cns" mptcp_xfer -c "$addr" -p "$port" -s "$size" -P "$conns" -w "$hold" \
		-t "$tmo" $tcp -o "$NFM_XFER_CLIENT_REPORT" "$@"
	crc=$?
	wait "$srv"
	rc=$?
	[ "$crc" -eq 0 ] && [ "$rc" -eq 0 ]
}

# nfm_xfer_signal PORT : SIGUSR1 to the mptcp_xfer client of port PORT: it
# ends its current hold (-H: starts sending; -w: closes). Only once the client
# holds: before its handler is installed the signal would kill it.
nfm_xfer_signal() {
	pkill -USR1 -f "^mptcp_xfer -c [^ ]+ -p $1 " || {
		echo "nfm_xfer_signal: no mptcp_xfer client on port $1" >&2
		return 1
	}
}

# nfm_report_get FILE KEY : value of KEY in a mptcp_xfer report
nfm_report_get() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null
}
