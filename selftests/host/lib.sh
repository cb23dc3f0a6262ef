# SPDX-License-Identifier: GPL-2.0
# lib.sh - TAP and prerequisite helpers for the host-side tests in this
# directory (sourced, not run: check.sh runs only the executable scripts).
# Set TEST before sourcing. A skip counts as a failure when CI=true.

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NFMPTCP=${NFMPTCP:-$REPO/userspace/nfmptcp}
n=0
nfail=0
nskip=0

pass() { n=$((n + 1)); echo "ok $n - $TEST: $1"; }
fail() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $TEST: $1${2:+ # $2}"; }
skip() {
	if [ "${CI:-}" = true ]; then fail "$1" "skipped in CI: $2"; return; fi
	n=$((n + 1)); nskip=$((nskip + 1)); echo "ok $n - $TEST: $1 # SKIP $2"
}
finish() {
	echo "1..$n"
	[ $nfail -gt 0 ] && exit 1
	[ $n -gt 0 ] && [ $nskip -eq $n ] && exit 4
	exit 0
}

# require_prereqs CMD... : the commands and a built nfmptcp, or skip the whole test
require_prereqs() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || { skip "prerequisites" "$c not found"; finish; }
	done
	[ -x "$NFMPTCP" ] || { skip "prerequisites" "$NFMPTCP not built (make -C userspace)"; finish; }
}
