#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-modules.sh KVER OUTDIR [MAKE ARGS...] - build the kernel modules for
# kernel KVER in a copy of the module sources under OUTDIR, with W=1, and fail
# on any compiler, modpost or sparse warning.  The tree's own build (make
# modules) is left alone, so that builds for several kernels, or with C=2
# (sparse), can sit side by side; `NFM_MODULES_DIR=OUTDIR selftests/vm-run`
# boots KVER with the modules built here.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 KVER OUTDIR [MAKE ARGS...]" >&2; exit 2; }
kver=$1 out=$2
shift 2
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# KDIR in the environment (make exports the default kernel's) must not win here
kdir=$(KDIR= KVER=$kver "$REPO/scripts/kver.sh" kdir)
[ -d "$kdir" ] || { echo "build-modules: no headers for $kver ($kdir)" >&2; exit 1; }

# the module sources only: what Kbuild reads, none of the tree's build outputs
rm -rf "$out"
"$REPO/scripts/copy-module-sources.sh" "$out"
out=$(cd "$out" && pwd)

log=$out/build.log
rc=0
make -C "$kdir" M="$out" W=1 "$@" modules >"$log" 2>&1 || rc=$?
cat "$log"
[ $rc -eq 0 ] || { echo "build-modules: build for $kver failed" >&2; exit 1; }
if grep -qiE '(warning|error):' "$log"; then
	echo "build-modules: the build for $kver is not warning-free (W=1 $*)" >&2
	exit 1
fi
ls "$out"/*/*.ko >/dev/null
