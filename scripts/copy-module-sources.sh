#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# copy-module-sources.sh DEST - copy what building the kernel modules needs
# (top-level Kbuild, kmod/ and nft-ext/ sources, dkms.conf) into DEST, without
# the tree's build outputs: a DKMS source tree (/usr/src/nf-mptcp-VERSION) or
# a private build directory (scripts/build-modules.sh).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
cd "$src"
find Kbuild dkms.conf kmod nft-ext \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \
	-o -name dkms.conf \) ! -name '*.mod.c' -print 2>/dev/null |
	cpio -pdm --quiet "$1"
