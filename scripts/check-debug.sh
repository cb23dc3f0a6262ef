#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-debug.sh - `make check-debug`: the VM suite on the debug kernel
# (scripts/debug-kernel.sh: KASAN, lockdep, kmemleak, ...), failing on any
# report of its checkers.  TAP in .check-debug/*.tap; the last line printed
# is the summary "N passed, N failed, N skipped".
#
#   1. the debug kernel (built once, then cached: `make debug-kernel`)
#   2. our modules built against it (W=1, warning-free)
#      and the canary module (selftests/debug: one defect per checker)
#   3. selftests/*.sh in one boot of it, then selftests/vm/debug-checks:
#      the checkers were on, no report in the whole log, no leak
#
# TESTS="a.sh b.sh" limits the VM tests.  Under the checkers the kernel is
# several times slower than Debian's: tests get NFM_T_TIMEOUT (default
# 1800 s) each and the boot VM_TIMEOUT (default 4 h); a 16 MiB kernel log,
# so that the whole run's messages stay for the final check.
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$REPO" || exit 1
OUT=$REPO/.check-debug
rm -rf "$OUT"
mkdir -p "$OUT"
MAKE=${MAKE:-make}
start=$SECONDS

tap() { echo "$*" | tee -a "$OUT/build.tap"; }
: >"$OUT/build.tap"

if ! scripts/debug-kernel.sh build; then
	tap "not ok - debug kernel build"
	exec selftests/tap-summary "$OUT"/*.tap
fi
NFM_KERNEL_ROOT=$(scripts/debug-kernel.sh root)
kver=$(scripts/debug-kernel.sh kver)
export NFM_KERNEL_ROOT KVER=$kver
tap "ok - debug kernel $kver"

if scripts/build-modules.sh "$kver" "$OUT/build-$kver" >"$OUT/modules.log" 2>&1; then
	tap "ok - module build for $kver (W=1, warning-free)"
else
	sed 's/^/# /' "$OUT/modules.log" | tail -n 40
	tap "not ok - module build for $kver # see $OUT/modules.log"
	exec selftests/tap-summary "$OUT"/*.tap
fi
# the canary (selftests/debug) beside them, so that vm-run's index has it
canary=$OUT/build-$kver/canary
mkdir -p "$canary"
cp selftests/debug/Kbuild selftests/debug/*.c "$canary/"
if make -C "$(KDIR= scripts/kver.sh kdir)" M="$canary" modules >"$OUT/canary.log" 2>&1; then
	tap "ok - canary module build"
else
	sed 's/^/# /' "$OUT/canary.log" | tail -n 20
	tap "not ok - canary module build # see $OUT/canary.log"
fi
if $MAKE --no-print-directory userspace tools >"$OUT/tools.log" 2>&1; then
	tap "ok - userspace and selftest tools build"
else
	sed 's/^/# /' "$OUT/tools.log" | tail -n 40
	tap "not ok - userspace and selftest tools build # see $OUT/tools.log"
fi

echo "# --- selftests in the VM on $kver"
mkdir -p "$OUT/vm-results"
# shellcheck disable=SC2086
KVER=$kver NFM_MODULES_DIR=$OUT/build-$kver RESULTS_DIR=$OUT/vm-results \
	VM_TIMEOUT=${VM_TIMEOUT:-14400} VM_MEM=${VM_MEM:-4G} NFM_T_TIMEOUT=${NFM_T_TIMEOUT:-1800} \
	VM_APPEND="log_buf_len=16M ${VM_APPEND:-}" \
	selftests/vm-run selftests/vm/debug-checks ${TESTS:-}
vrc=$?
cp "$OUT/vm-results/tap" "$OUT/vm.tap" 2>/dev/null || : >"$OUT/vm.tap"
case $vrc in
0|1) ;;
124) tap "not ok - VM selftests on $kver: timed out" ;;
*) tap "not ok - VM selftests on $kver: vm-run exited $vrc (guest crashed?)" ;;
esac
[ -s "$OUT/vm.tap" ] || [ $vrc -gt 1 ] || tap "not ok - VM selftests on $kver: no TAP results"
echo "# make check-debug took $((SECONDS - start))s"
exec selftests/tap-summary "$OUT"/*.tap
