#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - `make check`: build everything and run every test, collecting TAP
# from all pieces into .check/*.tap; the last line printed is the summary
# "N passed, N failed, N skipped" (selftests/tap-summary).  Non-zero exit if
# anything failed or, with CI=true, was skipped.
#
#   1. module build (kmod/, nft-ext/ via the top-level Kbuild), W=1,
#      warning-free, for $KVER (scripts/kver.sh: Debian 12's 6.1 by default)
#   2. selftest tools build                                     - 1 test
#   3. userspace build + `make -C userspace check` (TAP)        - if present
#   4. make lint (scripts/lint.sh, TAP)
#   5. selftests/host/*.sh on the host (TAP)
#   6. selftests/*.sh inside one VM boot (selftests/run-tests) on $KVER
#   7. the other kernel (first of `scripts/kver.sh others`, 6.12 here; or
#      NFM_ALT_KVER; "none" to leave out): module build W=1 in .check/, then
#      the tracking, netlink, NAT, nft and policy VM tests ($NFM_ALT_TESTS) on it,
#      their TAP names prefixed "[KVER]"
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$REPO" || exit 1
OUT=$REPO/.check
rm -rf "$OUT"
mkdir -p "$OUT"
MAKE=${MAKE:-make}
start=$SECONDS

tap() { echo "$*" | tee -a "$OUT/build.tap"; }

# step NAME LOG CMD... : run CMD, one TAP line, show the log tail on failure
step() {
	local name=$1 log=$2
	shift 2
	echo "# --- $name: $*"
	if "$@" >"$log" 2>&1; then
		tap "ok - $name"
		return 0
	fi
	sed 's/^/# /' "$log" | tail -n 40
	tap "not ok - $name # see $log"
	return 1
}

: >"$OUT/build.tap"
# build_warning_free LOG CMD...: CMD succeeds and prints no compiler/modpost warning
build_warning_free() {
	local log=$1
	shift
	"$@" >"$log.raw" 2>&1
	local rc=$?
	cat "$log.raw"
	[ $rc -eq 0 ] || return $rc
	! grep -iE '(warning|error):' "$log.raw"
}
KVER=${KVER:-$(scripts/kver.sh kver)}
if [ -f kmod/Kbuild ] || [ -f kmod/Makefile ]; then
	step "module build for $KVER (W=1, warning-free)" "$OUT/modules.log" \
		build_warning_free "$OUT/modules.log" $MAKE --no-print-directory modules W=1
else
	tap "not ok - module build # kmod/Kbuild missing"
fi
step "selftest tools build" "$OUT/tools.log" $MAKE --no-print-directory tools

if [ -f userspace/Makefile ]; then
	if step "userspace build" "$OUT/userspace.log" $MAKE --no-print-directory -C userspace; then
		if grep -qE '^check[[:space:]]*:' userspace/Makefile; then
			echo "# --- userspace unit tests: make -C userspace check"
			$MAKE --no-print-directory -s -C userspace check 2>&1 | tee "$OUT/userspace.log.check"
			urc=${PIPESTATUS[0]}
			grep -E '^(not )?ok([ \t]|$)' "$OUT/userspace.log.check" >"$OUT/userspace.tap"
			if [ "$urc" -ne 0 ] && ! grep -q '^not ok' "$OUT/userspace.tap"; then
				tap "not ok - userspace check: exited $urc"
			fi
		fi
	fi
fi

echo "# --- make lint"
scripts/lint.sh 2>&1 | tee "$OUT/lint.log"
grep -E '^(not )?ok([ \t]|$)' "$OUT/lint.log" >"$OUT/lint.tap"
[ -s "$OUT/lint.tap" ] || tap "not ok - lint: scripts/lint.sh gave no result"

# host-side tests (no VM): replay vs tshark, uapi vs netlink spec, install, dkms
: >"$OUT/host.tap"
for t in selftests/host/*.sh; do
	[ -x "$t" ] || continue
	echo "# --- host test: $t"
	"$t" 2>&1 | tee "$OUT/host-$(basename "$t" .sh).log"
	hrc=${PIPESTATUS[0]}
	grep -E '^(not )?ok([ \t]|$)' "$OUT/host-$(basename "$t" .sh).log" >>"$OUT/host.tap"
	case $hrc in
	0) ;;
	4) grep -q '# SKIP' "$OUT/host-$(basename "$t" .sh).log" ||
		echo "not ok - $t: skipped without a TAP line" >>"$OUT/host.tap" ;;
	*) grep -q '^not ok' "$OUT/host-$(basename "$t" .sh).log" ||
		echo "not ok - $t: exited $hrc" >>"$OUT/host.tap" ;;
	esac
done

echo "# --- selftests in the VM"
vm_start=$SECONDS
RESULTS_DIR=$OUT/vm-results
export VM_TIMEOUT=${VM_TIMEOUT:-2700}	# all VM tests in one boot (6.1: ~1900 s under TCG)
mkdir -p "$RESULTS_DIR"
RESULTS_DIR=$RESULTS_DIR selftests/vm-run selftests/run-tests ${TESTS:-}
vrc=$?
cp "$RESULTS_DIR/tap" "$OUT/vm.tap" 2>/dev/null || : >"$OUT/vm.tap"
case $vrc in
0|1) ;;
124) tap "not ok - VM selftests: timed out" ;;
*) tap "not ok - VM selftests: vm-run exited $vrc (VM did not run the tests)" ;;
esac
[ -s "$OUT/vm.tap" ] || [ $vrc -gt 1 ] || tap "not ok - VM selftests: no TAP results"
echo "# VM selftests took $((SECONDS - vm_start))s"

# ---- the other kernel ----------------------------------------------------------
alt=${NFM_ALT_KVER:-$(scripts/kver.sh others | head -n1)}
if [ "$alt" = none ]; then
	:
elif [ -z "$alt" ]; then
	if [ "${CI:-}" = true ]; then
		tap "not ok - other kernel: none installed besides $KVER ('make deps')"
	else
		tap "ok - other kernel: none installed besides $KVER # SKIP make deps installs 6.12"
	fi
else
	alt_start=$SECONDS
	if step "module build for $alt (W=1, warning-free)" "$OUT/modules-$alt.log" \
		scripts/build-modules.sh "$alt" "$OUT/build-$alt"; then
		if [ -z "${NFM_ALT_TESTS:-}" ]; then
			NFM_ALT_TESTS=$(cd selftests && ls mptcp_transfer.sh track_*.sh netlink_*.sh \
				nat_*.sh nft_*.sh policy_*.sh 2>/dev/null | tr '\n' ' ')
		fi
		echo "# --- selftests in the VM on $alt: $NFM_ALT_TESTS"
		mkdir -p "$OUT/vm-results-$alt"
		# shellcheck disable=SC2086
		KVER=$alt NFM_MODULES_DIR=$OUT/build-$alt RESULTS_DIR=$OUT/vm-results-$alt \
			selftests/vm-run selftests/run-tests $NFM_ALT_TESTS
		arc=$?
		sed -E "s/^((not )?ok( [0-9]+)?( -)?) ?/\1 [$alt] /" "$OUT/vm-results-$alt/tap" \
			>"$OUT/vm-$alt.tap" 2>/dev/null || : >"$OUT/vm-$alt.tap"
		case $arc in
		0|1) ;;
		124) tap "not ok - [$alt] VM selftests: timed out" ;;
		*) tap "not ok - [$alt] VM selftests: vm-run exited $arc" ;;
		esac
		[ -s "$OUT/vm-$alt.tap" ] || [ $arc -gt 1 ] || tap "not ok - [$alt] VM selftests: no TAP results"
	fi
	echo "# $alt: build and VM selftests took $((SECONDS - alt_start))s"
fi
echo "# make check took $((SECONDS - start))s"

exec selftests/tap-summary "$OUT"/*.tap
