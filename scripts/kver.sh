#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kver.sh - the one place that decides which kernel we build for and boot.
#
# Usage: scripts/kver.sh [kver|kdir|vmlinuz|others]   (default: kver)
#
#   others: every other installed kernel we can build for and boot (headers in
#   /lib/modules/<v>/build and /boot/vmlinuz-<v>), newest first, one a line;
#   `make check` runs part of the suite on the first one too (6.12 here).
#
# Order: $KVER if set; else the running kernel if its headers are installed
# (/lib/modules/$(uname -r)/build); else the kernel Debian's linux-headers-amd64
# metapackage points at (the distribution's default, even when a newer kernel
# such as 6.12 from bookworm-security is installed beside it); else the newest
# /lib/modules/*/build.  The Makefile and selftests/vm-run both call
# this so that the VM boots exactly the kernel the modules were built against.
# NFM_KERNEL_ROOT: a kernel installed under that directory instead of / (its
# boot/vmlinuz-KVER and lib/modules/KVER/build: scripts/debug-kernel.sh).
set -eu

what=${1:-kver}

pick_kver() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"; return 0
	fi
	run=$(uname -r)
	if [ -d "/lib/modules/$run/build" ]; then
		echo "$run"; return 0
	fi
	# the distribution's default kernel, if its headers are installed
	dflt=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
	if [ -n "$dflt" ] && [ -d "/lib/modules/$dflt/build" ]; then
		echo "$dflt"; return 0
	fi
	# else the newest kernel that has headers
	best=
	for d in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V); do
		v=${d#/lib/modules/}; v=${v%/build}
		best=$v
	done
	if [ -z "$best" ]; then
		echo "kver.sh: no kernel headers in /lib/modules/*/build (run 'make deps')" >&2
		return 1
	fi
	echo "$best"
}

kver=$(pick_kver)
case "$what" in
kver)	 echo "$kver" ;;
kdir)	 echo "${KDIR:-${NFM_KERNEL_ROOT:-}/lib/modules/$kver/build}" ;;
vmlinuz) echo "${NFM_KERNEL_ROOT:-}/boot/vmlinuz-$kver" ;;
others)
	for d in $(ls -d /lib/modules/*/build 2>/dev/null | sort -rV); do
		v=${d#/lib/modules/}; v=${v%/build}
		if [ "$v" != "$kver" ] && [ -r "/boot/vmlinuz-$v" ]; then echo "$v"; fi
	done
	;;
*)	 echo "usage: $0 [kver|kdir|vmlinuz|others]" >&2; exit 2 ;;
esac
