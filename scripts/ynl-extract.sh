#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ynl-extract.sh DIR - unpack the kernel's YNL client (tools/net/ynl) and the
# netlink spec schemas (Documentation/netlink/*.yaml) from linux-source-6.12
# into DIR, where selftests/netlink_ynl.sh finds them inside the VM (the host
# root is visible there, but unpacking 150 MB of xz under TCG takes minutes).
# Does nothing when DIR is newer than the tarball; without the tarball it
# says so and leaves DIR absent (the test then reports the missing
# prerequisite).
set -euo pipefail

dir=$1
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
if [ -z "$tarball" ]; then
	echo "ynl-extract: /usr/src/linux-source-6.12.tar.xz not installed ('make deps')" >&2
	exit 0
fi
stamp=$dir/.stamp
[ -e "$stamp" ] && [ "$stamp" -nt "$tarball" ] && exit 0

tmp=$(mktemp -d "${dir%/*}/.ynl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards \
	'linux-source-6.12/tools/net/ynl/*' 'linux-source-6.12/Documentation/netlink/*.yaml'
touch "$tmp/.stamp"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
