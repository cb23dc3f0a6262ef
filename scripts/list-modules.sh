#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# list-modules.sh - the kernel modules this tree builds, one "dir/name" a line
# (e.g. kmod/nf_conntrack_mptcp), from the obj-m lines of each subdirectory's
# Kbuild: what `make install`/`uninstall` put and remove under extra/, and what
# dkms.conf must list (selftests/host/dkms_build.sh checks that it does).
set -eu
cd "$(dirname "$0")/.."
for kb in kmod/Kbuild nft-ext/Kbuild; do
	[ -f "$kb" ] || continue
	awk -v dir="${kb%/Kbuild}" '
		$1 ~ /^obj-m/ && ($2 == "+=" || $2 == ":=" || $2 == "=") {
			for (i = 3; i <= NF; i++)
				if ($i ~ /\.o$/) { sub(/\.o$/, "", $i); print dir "/" $i }
		}' "$kb"
done
