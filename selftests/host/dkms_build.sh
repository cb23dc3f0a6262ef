#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms_build.sh - dkms.conf works: `dkms add` + `dkms build` of this tree
# against every kernel we build for (the default, 6.1, and the others, 6.12),
# in private DKMS/source trees (nothing under /var/lib/dkms or /usr/src is
# touched); every module of the Kbuild files is listed in dkms.conf and comes
# out of each build; and the VM boots the default kernel with the DKMS-built
# modules and loads them once (NFM_DKMS_VM=0 leaves that out).
set -u
TEST=dkms_build
. "$(dirname "$(readlink -f "$0")")/lib.sh"

echo "TAP version 13"
command -v dkms >/dev/null || { skip "prerequisites" "dkms not installed (make deps)"; finish; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
D=(-m nf-mptcp -v "$ver" --sourcetree "$T/src" --dkmstree "$T/dkms")

# every module of the Kbuild files is a BUILT_MODULE_NAME at its location
missing=
for m in $("$REPO/scripts/list-modules.sh"); do
	idx=$(sed -n "s/^BUILT_MODULE_NAME\[\([0-9]*\)\]=\"${m##*/}\"$/\1/p" "$REPO/dkms.conf")
	if [ -z "$idx" ] ||
		! grep -qx "BUILT_MODULE_LOCATION\[$idx\]=\"${m%/*}/\"" "$REPO/dkms.conf"; then
		missing+=" $m"
	fi
done
[ -z "$missing" ] && pass "dkms.conf lists every module of the Kbuild files" ||
	fail "dkms.conf lists every module of the Kbuild files" "missing:$missing"

mkdir -p "$T/dkms"
"$REPO/scripts/copy-module-sources.sh" "$T/src/nf-mptcp-$ver"
if dkms add "${D[@]}" >"$T/log" 2>&1; then
	pass "dkms add"
else
	fail "dkms add"; sed 's/^/# /' "$T/log"; finish
fi

kvers="$("$REPO/scripts/kver.sh" kver) $("$REPO/scripts/kver.sh" others)"
for kv in $kvers; do
	if dkms build "${D[@]}" -k "$kv" >"$T/log" 2>&1; then
		pass "dkms build against $kv"
	else
		fail "dkms build against $kv"; sed 's/^/# /' "$T/log" | tail -n 30
		cat "$T/dkms/nf-mptcp/$ver/build/make.log" 2>/dev/null | sed 's/^/# /' | tail -n 30
		continue
	fi
	out=$T/dkms/nf-mptcp/$ver/$kv/x86_64/module
	for m in $("$REPO/scripts/list-modules.sh"); do
		f=$(ls "$out/${m##*/}".ko* 2>/dev/null | head -n1)
		if [ -n "$f" ] && [ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$kv" ]; then
			pass "$kv: ${m##*/} built, vermagic $kv"
		else
			fail "$kv: ${m##*/} built, vermagic $kv"
		fi
	done
done

# the VM loads what DKMS built, once
kv=$("$REPO/scripts/kver.sh" kver)
if [ "${NFM_DKMS_VM:-1}" = 0 ]; then
	skip "VM loads the DKMS-built modules" "NFM_DKMS_VM=0"
elif ! command -v qemu-system-x86_64 >/dev/null; then
	skip "VM loads the DKMS-built modules" "no qemu"
else
	mods=$("$REPO/scripts/list-modules.sh" | sed 's|.*/||' | tr '\n' ' ')
	# unloaded in reverse: nf_nat_mptcp and nft_mptcp use nf_conntrack_mptcp
	rmods=$(echo "$mods" | tr ' ' '\n' | sed '/^$/d' | tac | tr '\n' ' ')
	# shellcheck disable=SC2016
	if NFM_MODULES_DIR="$T/dkms/nf-mptcp/$ver/$kv" KVER="$kv" VM_TIMEOUT=300 \
		"$REPO/selftests/vm-run" sh -c 'for m in $0; do modprobe "$m" || exit 1;
			grep -q "^$m " /proc/modules || exit 1;
			modinfo -n "$m" | grep -q /extra/ || exit 1; done;
			for m in $1; do rmmod "$m" || exit 1; done' "$mods" "$rmods" >"$T/log" 2>&1; then
		pass "VM ($kv) modprobes and unloads the DKMS-built $mods"
	else
		fail "VM ($kv) modprobes and unloads the DKMS-built $mods"; sed 's/^/# /' "$T/log" | tail -n 20
	fi
fi

dkms remove "${D[@]}" --all >"$T/log" 2>&1 && pass "dkms remove --all" || fail "dkms remove --all"
finish
