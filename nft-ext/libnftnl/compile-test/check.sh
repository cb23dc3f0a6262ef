#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compile-check nft-ext/libnftnl/mptcp.c against the stand-in internal.h and
# the system's libmnl/libnftnl headers (no libnftnl source tree here).
set -e
d=$(cd "$(dirname "$0")" && pwd)
${CC:-cc} -Wall -Wextra -Wno-unused-parameter -Werror -fsyntax-only -I"$d" -I"$d/../../uapi" "$d/../mptcp.c"
echo "mptcp.c: compiles"
