#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - `make check`: build everything and run every test, collecting TAP
# from all pieces into .check/*.tap; the last line printed is the summary
# "N passed, N failed, N skipped" (selftests/tap-summary).  Non-zero exit if
# anything failed or, with CI=true, was skipped.
#
#   1. module build (kmod/, nft-ext/ via the top-level Kbuild)   - 1 test
#   2. selftest tools build                                     - 1 test
#   3. userspace build + `make -C userspace check` (TAP)        - if present
#   4. selftests/host/*.sh on the host (TAP)
#   5. selftests/*.sh inside one VM boot (selftests/run-tests)
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
if [ -f kmod/Kbuild ] || [ -f kmod/Makefile ]; then
	step "module build" "$OUT/modules.log" $MAKE --no-print-directory modules
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

# host-side tests (no kernel needed): replay vs tshark, uapi vs netlink spec
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
export VM_TIMEOUT=${VM_TIMEOUT:-1800}	# all VM tests in one boot
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
echo "# VM selftests took $((SECONDS - vm_start))s; make check took $((SECONDS - start))s"

exec selftests/tap-summary "$OUT"/*.tap
