#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_corrupt.sh - `nfmptcp replay` on damaged captures must never crash,
# leak memory or file descriptors, or print broken JSON.
#
# Every capture in selftests/captures/ (or the files given) is replayed as is
# (text and -j), then as deterministic corruptions (fixed seeds, so a failure
# reproduces): cut at pseudo-random offsets, and with pseudo-random bytes
# flipped (in the record headers as well as in the packets). A handful of
# command line cases (--help, usage errors, missing and non-pcap files) run
# under valgrind too.
#
# Pass: exit status 0 or 1 (never a signal, never 2 for a file problem), no
# valgrind error or definite/indirect leak, no file descriptor left open
# that was not inherited, and -j output, when there is any, parses as JSON.
#
# Usage: selftests/host/replay_corrupt.sh [CAPTURE...]
# Environment: NFMPTCP (binary), CUTS and FLIPS (corrupted copies per capture
# and kind, default 6), JOBS (parallel valgrind runs, default nproc).
# Needs valgrind and python3: without them the test is skipped, and fails
# when CI=true. Prints TAP; exit 0 all passed, 1 a failure, 4 skipped.
set -u

TEST=replay_corrupt
. "$(dirname "$(readlink -f "$0")")/lib.sh"
CUTS=${CUTS:-6}
FLIPS=${FLIPS:-6}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

require_prereqs valgrind python3

if [ $# -gt 0 ]; then
	captures=("$@")
else
	shopt -s nullglob
	captures=("$REPO"/selftests/captures/*.pcap "$REPO"/selftests/captures/*.pcapng)
	shopt -u nullglob
fi
[ ${#captures[@]} -gt 0 ] || { fail "captures" "none found"; finish; }

tmp=$(mktemp -d /tmp/nfm-replay-corrupt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Corrupted copies: KIND SEED IN OUT. Python's Random(seed) is the same on every
# machine and version 3.2+, so the copies are too.
cat >"$tmp/corrupt.py" <<'PY'
import random, sys

kind, seed, src, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
data = bytearray(open(src, "rb").read())
rng = random.Random(seed)
if kind == "cut":
    # anywhere, including inside the 24-byte file header and record headers
    data = data[:rng.randrange(0, len(data))]
else:
    # 1..32 bytes, mostly after the file header (else libpcap just refuses it)
    for _ in range(rng.randint(1, 32)):
        lo = 0 if rng.random() < 0.1 else min(24, len(data) - 1)
        i = rng.randrange(lo, len(data))
        data[i] = rng.choice([data[i] ^ (1 << rng.randrange(8)), rng.randrange(256),
                              0x00, 0xff])
open(dst, "wb").write(data)
PY

# One case: NAME, then the nfmptcp arguments. Writes $tmp/res/NAME: "ok" or why not.
cat >"$tmp/one.sh" <<'SH'
#!/bin/bash
set -u
tmp=$1 name=$2
shift 2
out=$tmp/out/$name log=$tmp/vg/$name
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --track-fds=yes --log-file="$log" \
	"$@" >"$out.stdout" 2>"$out.stderr" </dev/null
rc=$?
why=
case $rc in
0|1) ;;
2) [ -n "${EXPECT_USAGE:-}" ] || why="exit 2 (usage error) on a file problem" ;;
99) why="valgrind errors" ;;
*) why="exit $rc" ;;
esac
[ -z "$why" ] && [ -n "${EXPECT_USAGE:-}" ] && [ $rc != 2 ] && why="exit $rc, expected 2"
if [ -z "$why" ] && grep -q 'Open file descriptor' "$log"; then
	# every descriptor still open at exit must be one we were started with
	leaked=$(awk '/Open file descriptor/ { fd = $0; getline; if ($0 !~ /inherited from parent/) print fd }' "$log")
	[ -n "$leaked" ] && why="file descriptor left open: $(echo $leaked | head -c 200)"
fi
if [ -z "$why" ] && [ -n "${JSON:-}" ] && [ -s "$out.stdout" ]; then
	python3 -m json.tool "$out.stdout" >/dev/null 2>"$out.json" ||
		why="invalid JSON: $(head -c 200 "$out.json")"
fi
if [ -z "$why" ] && grep -Eq 'AddressSanitizer|runtime error|Segmentation|Aborted' "$out.stderr"; then
	why="crash message on stderr"
fi
if [ -z "$why" ] && [ $rc != 0 ] && [ ! -s "$out.stderr" ]; then
	why="exit $rc without a message on stderr"
fi
echo "${why:-ok}" >"$tmp/res/$name"
SH
chmod +x "$tmp/one.sh"
mkdir -p "$tmp/out" "$tmp/vg" "$tmp/res" "$tmp/cap"

# The case list: NAME|ENV|ARGS..., run JOBS at a time, reported in this order.
cases=()
add() { cases+=("$*"); }

add "cli-help||--help"
add "cli-replay-help||replay --help"
add "cli-help-replay||help replay"
add "cli-no-args|EXPECT_USAGE=1|"
add "cli-unknown-command|EXPECT_USAGE=1|bogus"
add "cli-replay-no-file|EXPECT_USAGE=1|replay"
add "cli-replay-two-files|EXPECT_USAGE=1|replay a b"
add "cli-replay-bad-option|EXPECT_USAGE=1|replay -x"
add "cli-monitor-bad-count|EXPECT_USAGE=1|monitor -c 12x"
add "cli-monitor-huge-timeout|EXPECT_USAGE=1|monitor -t 99999999999999999999"
add "cli-show-bad-token|EXPECT_USAGE=1|show 123456789"
add "cli-config-bad-value|EXPECT_USAGE=1|config max-conns -1"
add "cli-replay-missing|JSON=1|-j replay $tmp/does-not-exist.pcap"
add "cli-replay-dev-null|JSON=1|-j replay /dev/null"
add "cli-replay-directory|JSON=1|-j replay $tmp"
echo "not a capture" >"$tmp/cap/text.pcap"
add "cli-replay-text-file|JSON=1|-j replay $tmp/cap/text.pcap"

names=()
for cap in "${captures[@]}"; do
	b=$(basename "$cap")
	names+=("$b")
	add "$b-text||replay $cap"
	add "$b-json|JSON=1|-j replay $cap"
	for kind in cut flip; do
		count=$CUTS
		[ $kind = flip ] && count=$FLIPS
		for ((s = 1; s <= count; s++)); do
			c="$tmp/cap/$b.$kind$s"
			python3 "$tmp/corrupt.py" $kind $s "$cap" "$c" || { fail "$b: $kind $s" "corrupt.py"; continue; }
			add "$b-$kind$s|JSON=1|-j replay $c"
			# text output walks other code: every other copy in text too
			[ $((s % 2)) = 0 ] && add "$b-$kind$s-text||replay $c"
		done
	done
done

for c in "${cases[@]}"; do
	IFS='|' read -r name env args <<<"$c"
	# shellcheck disable=SC2086
	printf '%s\0' "env ${env:-X=} $tmp/one.sh $tmp $name $NFMPTCP $args"
done | xargs -0 -P "$JOBS" -I{} sh -c '{}'

# One TAP line per CLI case, per capture as is, and per capture and corruption kind.
report() {		# TITLE NAME...
	local title=$1 bad=() x r
	shift
	for x in "$@"; do
		r=$(cat "$tmp/res/$x" 2>/dev/null || echo "did not run")
		if [ "$r" != ok ]; then
			bad+=("$x: $r")
			if [ -s "$tmp/vg/$x" ]; then
				sed 's/^/# /' "$tmp/vg/$x" | head -40
			fi
			head -5 "$tmp/out/$x.stderr" 2>/dev/null | sed 's/^/# stderr: /'
		fi
	done
	if [ ${#bad[@]} = 0 ]; then
		pass "$title"
	else
		fail "$title" "$(printf '%s; ' "${bad[@]}" | head -c 400)"
	fi
}

for c in "${cases[@]}"; do
	IFS='|' read -r name _ <<<"$c"
	case $name in cli-*) report "${name#cli-} under valgrind" "$name" ;; esac
done
for b in "${names[@]}"; do
	report "$b: as captured, text and JSON" "$b-text" "$b-json"
	for kind in cut flip; do
		list=()
		for c in "${cases[@]}"; do
			IFS='|' read -r name _ <<<"$c"
			case $name in "$b-$kind"[0-9]*) list+=("$name") ;; esac
		done
		[ ${#list[@]} -gt 0 ] || continue
		if [ $kind = cut ]; then
			report "$b: cut at $CUTS offsets, ${#list[@]} runs (seeds 1..$CUTS)" "${list[@]}"
		else
			report "$b: bytes flipped, ${#list[@]} runs (seeds 1..$FLIPS)" "${list[@]}"
		fi
	done
done
finish
