#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - a debug build of Debian 12's 6.1 kernel for the test VM
# (`make debug-kernel`, used by `make check-debug`).
#
# Usage: scripts/debug-kernel.sh [build|kver|root]   (default: build)
#
#   build  build it unless the cache already holds this exact build
#   kver   its release string (e.g. 6.1.192-nfm-debug)
#   root   the installed tree: boot/vmlinuz-KVER, lib/modules/KVER (with
#          build -> the build directory, for building our modules against
#          it); NFM_KERNEL_ROOT=<root> KVER=<kver> selftests/vm-run boots it
#
# Source: linux-source-6.1 (Debian's patched tree, `make deps`).  Config:
# Debian's own 6.1 config, its modules cut down to what the VM tests can
# load (localmodconfig over net/, 9p, virtio and their dependencies), no
# debug info or module signing, plus the checkers: KASAN (generic, inline),
# lockdep (PROVE_LOCKING, PROVE_RCU), KMEMLEAK, DEBUG_ATOMIC_SLEEP,
# DEBUG_LIST, DEBUG_OBJECTS_RCU_HEAD.  About 45 minutes on two cores the
# first time; cached in $NFM_DEBUG_KERNEL_DIR (default
# ~/.cache/nf-mptcp/debug-kernel), rebuilt when the source package, Debian's
# config or the way this script configures and builds it change.  Not part of `make check` (CI): too slow for it.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
CACHE=${NFM_DEBUG_KERNEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nf-mptcp/debug-kernel}
TARBALL=${NFM_DEBUG_KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
LOCALVERSION=-nfm-debug
what=${1:-build}

die() { echo "debug-kernel: $*" >&2; exit 1; }

# the Debian kernel whose config we start from (the default 6.1)
base_kver() {
	KVER= "$REPO/scripts/kver.sh" kver
}

# what the build depends on: the source package, Debian's config and how
# we configure and build (the functions' code, not this file's comments)
cache_key() {
	{
		stat -L -c '%s %Y' "$TARBALL"
		cat "/boot/config-$(base_kver)"
		declare -f seed_modules configure build
	} | sha256sum | cut -d' ' -f1
}

kver() {
	[ -s "$CACHE/kver" ] || die "not built yet: run 'make debug-kernel'"
	cat "$CACHE/kver"
}

built() {
	[ -s "$CACHE/key" ] && [ "$(cat "$CACHE/key")" = "$(cache_key)" ] &&
		[ -s "$CACHE/kver" ] && [ -r "$CACHE/root/boot/vmlinuz-$(cat "$CACHE/kver")" ]
}

# seed_modules: module names the VM tests may load (all of net/ that is not
# a radio, a storage or an exotic protocol, 9p, virtio, the test links),
# with their dependencies, as modprobe of the base kernel resolves them
seed_modules() {
	local base=$1 mods=/lib/modules/$1/kernel
	{
		find "$mods/net" "$mods/fs/9p" "$mods/fs/netfs" "$mods/fs/fscache" \
			"$mods/drivers/virtio" -name '*.ko*' 2>/dev/null |
			grep -vE '/net/(wireless|mac80211|bluetooth|nfc|can|ieee802154|mac802154|6lowpan|batman-adv|ceph|sunrpc|rxrpc|tipc|rds|smc|atm|appletalk|ax25|netrom|rose|x25|lapb|phonet|caif|qrtr|vmw_vsock|rfkill|l2tp|openvswitch|dsa|hsr|sctp|dccp|mpls|9p/9pnet_(rdma|xen))/'
		for m in veth dummy ifb virtio_net macvlan vrf tun; do
			modinfo -k "$base" -n "$m" 2>/dev/null || true
		done
	} | sed -e 's#.*/##' -e 's/\.ko.*//' | sort -u |
		xargs modprobe -S "$base" --show-depends -a 2>/dev/null |
		awk '$1 == "insmod" { print $2 }' | sed -e 's#.*/##' -e 's/\.ko.*//' -e 's/-/_/g' |
		sort -u
}

configure() {
	local base=$1 src=$2 build=$3 lsmod=$build/nfm-lsmod
	mkdir -p "$build"
	cp "/boot/config-$base" "$build/.config"
	{
		echo "Module                  Size  Used by"
		seed_modules "$base" | awk '{ print $1 " 16384 0" }'
	} >"$lsmod"
	[ "$(wc -l <"$lsmod")" -gt 100 ] || die "module list for $base looks empty ($lsmod)"
	make -s -C "$src" O="$build" LSMOD="$lsmod" localmodconfig </dev/null >/dev/null 2>&1 ||
		die "localmodconfig failed"
	local c=("$src/scripts/config" --file "$build/.config")
	"${c[@]}" --set-str LOCALVERSION "$LOCALVERSION" -d LOCALVERSION_AUTO \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		-d MODULE_SIG -d MODULE_SIG_ALL -d MODULE_SIG_FORCE -d SECURITY_LOCKDOWN_LSM \
		-d MODULE_COMPRESS_XZ -e MODULE_COMPRESS_NONE \
		-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 \
		-e DEBUG_INFO_NONE -d DEBUG_INFO_BTF -d DEBUG_INFO_BTF_MODULES \
		-e KASAN -e KASAN_GENERIC -e KASAN_INLINE -d KASAN_OUTLINE \
		-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST \
		-e DEBUG_OBJECTS -e DEBUG_OBJECTS_RCU_HEAD \
		--set-val LOCKDEP_BITS 16 --set-val LOCKDEP_CHAINS_BITS 17 \
		--set-val LOCKDEP_STACK_TRACE_BITS 20 \
		-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF -d DEBUG_KMEMLEAK_AUTO_SCAN \
		--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 65536 \
		-e DETECT_HUNG_TASK -e SOFTLOCKUP_DETECTOR
	make -s -C "$src" O="$build" olddefconfig </dev/null >/dev/null
	local opt
	for opt in KASAN KASAN_INLINE PROVE_LOCKING PROVE_RCU DEBUG_KMEMLEAK DEBUG_ATOMIC_SLEEP \
		MPTCP NF_CONNTRACK NF_TABLES VIRTIO_PCI NET_9P_VIRTIO 9P_FS VETH; do
		grep -qE "^CONFIG_$opt=[ym]" "$build/.config" || die "CONFIG_$opt did not stay set"
	done
}

build() {
	command -v bc >/dev/null && command -v flex >/dev/null && command -v bison >/dev/null ||
		die "bc, flex, bison, libelf-dev, libssl-dev missing: run 'make deps'"
	[ -r "$TARBALL" ] || die "$TARBALL missing: run 'make deps' (linux-source-6.1)"
	local base src=$CACHE/src build=$CACHE/build kver src_key
	base=$(base_kver)
	[ -r "/boot/config-$base" ] || die "/boot/config-$base missing"
	mkdir -p "$CACHE"
	rm -f "$CACHE/key" "$CACHE/kver"
	# A new source package starts afresh; otherwise the build is incremental.
	src_key=$(stat -L -c '%s %Y' "$TARBALL")
	if [ "$(cat "$CACHE/src-key" 2>/dev/null)" != "$src_key" ] || [ ! -d "$src" ]; then
		rm -rf "$src" "$build" "$CACHE/root" "$CACHE/unpack"
		echo "debug-kernel: unpacking $TARBALL"
		mkdir -p "$CACHE/unpack"
		tar -C "$CACHE/unpack" -xf "$TARBALL"
		mv "$CACHE"/unpack/linux-source-* "$src" || die "no linux-source-* directory in $TARBALL"
		rmdir "$CACHE/unpack"
		echo "$src_key" >"$CACHE/src-key"
	fi
	echo "debug-kernel: configuring (Debian's $base config, localmodconfig, checkers)"
	configure "$base" "$src" "$build"
	echo "debug-kernel: building with $(nproc) jobs (log: $build/nfm-build.log)"
	if ! make -C "$src" O="$build" -j"$(nproc)" bzImage modules >"$build/nfm-build.log" 2>&1; then
		tail -n 40 "$build/nfm-build.log" >&2
		die "build failed"
	fi
	# written by the build (kernelrelease before it lacks CONFIG_LOCALVERSION)
	kver=$(cat "$build/include/config/kernel.release")
	rm -rf "$CACHE/root"
	make -s -C "$src" O="$build" INSTALL_MOD_PATH="$CACHE/root" INSTALL_MOD_STRIP=1 \
		DEPMOD=/sbin/depmod modules_install >/dev/null
	mkdir -p "$CACHE/root/boot"
	cp "$build/arch/x86/boot/bzImage" "$CACHE/root/boot/vmlinuz-$kver"
	cp "$build/.config" "$CACHE/root/boot/config-$kver"
	ln -sfn "$build" "$CACHE/root/lib/modules/$kver/build"
	echo "$kver" >"$CACHE/kver"
	cache_key >"$CACHE/key"
	echo "debug-kernel: $kver ready in $CACHE/root"
}

case $what in
build)
	if built; then
		echo "debug-kernel: $(kver) is up to date in $CACHE/root"
	else
		build
	fi
	;;
kver)	kver ;;
root)	built || die "not built (or out of date): run 'make debug-kernel'"
	echo "$CACHE/root" ;;
*)	echo "usage: $0 [build|kver|root]" >&2; exit 2 ;;
esac
