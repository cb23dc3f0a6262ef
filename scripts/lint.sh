#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lint.sh - `make lint`: the kernel's own checks on the kernel code, static
# analysis on the userspace code; one TAP line per tool, findings as "#" lines
# under a "not ok".  Exit 1 if anything was found.
#
#   checkpatch.pl --strict   every kernel source file (kmod/, nft-ext/, the test modules), from
#                            linux-source-6.1 (CHECKPATCH=path to use another)
#   sparse (C=2)             the modules, against each kernel we build for
#   cppcheck, clang-tidy     userspace/*.c, the libFuzzer harnesses userspace/fuzz/*.c and
#                            the protocol core kmod/core/
#
# Everything builds in a copy (scripts/build-modules.sh): the tree is untouched.
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$REPO" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0

tap_ok() { n=$((n + 1)); echo "ok $n - lint: $1"; }
tap_skip() {
	n=$((n + 1))
	if [ "${CI:-}" = true ]; then
		failed=1; echo "not ok $n - lint: $1 # skipped in CI: $2"
	else
		echo "ok $n - lint: $1 # SKIP $2"
	fi
}
# tap_findings NAME FILE: ok when FILE is empty, else not ok and FILE as diagnostics
tap_findings() {
	n=$((n + 1))
	if [ -s "$2" ]; then
		failed=1
		echo "not ok $n - lint: $1 ($(wc -l <"$2") findings)"
		sed 's/^/#   /' "$2"
	else
		echo "ok $n - lint: $1"
	fi
}

# ---- checkpatch --strict ------------------------------------------------------
# Checks waived for one file, each with the reason (--ignore TYPES).
checkpatch_ignores() {
	case $1 in
	# a stand-in for libnftnl's private src/internal.h, only for the compile
	# check: libnftnl's types and its own macro forms, never submitted
	nft-ext/libnftnl/compile-test/*) echo PREFER_KERNEL_TYPES,COMPLEX_MACRO ;;
	# the libnftnl expression is userspace code in libnftnl's style, which
	# uses uint32_t and friends, not the kernel's u32
	nft-ext/libnftnl/*) echo PREFER_KERNEL_TYPES ;;
	# comparing LINUX_VERSION_CODE is what the compatibility header is for;
	# it is dropped, not merged, if the code goes upstream
	kmod/nfmp_compat.h) echo LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
	# the userspace branch (#ifndef __KERNEL__) defines u8..u64 from stdint.h
	kmod/core/nfmp_types.h) echo PREFER_KERNEL_TYPES ;;
	# nfmp_for_each_subflow() assigns and tests its cursor, as list_for_each() does
	kmod/nfmp_kernel.h) echo MACRO_ARG_REUSE ;;
	# the protocol core is shared with userspace and cannot carry
	# EXPORT_SYMBOL: the tracker exports what nf_nat_mptcp needs of it here
	kmod/nfmp_nat_hook.c) echo EXPORT_SYMBOL ;;
	# "(a == 4) != (b == c)": without them it would parse as ((a == 4) != b) == c
	kmod/nfmp_track.c|kmod/nf_nat_mptcp.c) echo UNNECESSARY_PARENTHESES ;;
	esac
}

find_checkpatch() {
	local tarball=/usr/src/linux-source-6.1.tar.xz cache top
	if [ -n "${CHECKPATCH:-}" ]; then
		echo "$CHECKPATCH"; return
	fi
	[ -r "$tarball" ] || return 1
	# checkpatch.pl needs its spelling and const_structs lists beside it
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/nf-mptcp/checkpatch-$(stat -c %Y "$tarball")
	if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
		mkdir -p "$cache.tmp" || return 1
		top=linux-source-6.1
		tar -xJf "$tarball" -C "$cache.tmp" --strip-components=1 \
			"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
			"$top/scripts/const_structs.checkpatch" || return 1
		rm -rf "$cache" && mv "$cache.tmp" "$cache"
	fi
	echo "$cache/scripts/checkpatch.pl"
}

mapfile -t KFILES < <(find kmod nft-ext selftests/bench/kmod selftests/debug -name '*.[ch]' \
	! -name '*.mod.c' 2>/dev/null | sort)
if cp=$(find_checkpatch) && [ -x "$cp" ]; then
	: >"$TMP/checkpatch"
	for f in "${KFILES[@]}"; do
		ign=$(checkpatch_ignores "$f")
		"$cp" --strict --no-tree --terse --show-types ${ign:+--ignore "$ign"} -f "$f" 2>&1 |
			grep -v '^total: ' >>"$TMP/checkpatch"
	done
	tap_findings "checkpatch.pl --strict, ${#KFILES[@]} kernel source files" "$TMP/checkpatch"
else
	tap_skip "checkpatch.pl --strict" "no checkpatch.pl (apt-get install linux-source-6.1, or CHECKPATCH=)"
fi

# ---- sparse -------------------------------------------------------------------
if command -v sparse >/dev/null; then
	kvers=$("$REPO/scripts/kver.sh" kver)
	kvers="$kvers $("$REPO/scripts/kver.sh" others | head -n1)"
	for kv in $kvers; do
		if "$REPO/scripts/build-modules.sh" "$kv" "$TMP/sparse-$kv" C=2 >"$TMP/sparse.log" 2>&1; then
			: >"$TMP/sparse"
		else
			grep -iE '(warning|error):' "$TMP/sparse.log" >"$TMP/sparse" ||
				tail -n 20 "$TMP/sparse.log" >"$TMP/sparse"
		fi
		tap_findings "sparse (make C=2 W=1) against $kv" "$TMP/sparse"
	done
else
	tap_skip "sparse" "sparse not installed"
fi

# ---- userspace: cppcheck, clang-tidy ---------------------------------------------
mapfile -t UFILES < <(ls userspace/*.c userspace/fuzz/*.c kmod/core/*.c 2>/dev/null)
UINC=(-Ikmod/core -Iuserspace -Ikmod)

if command -v cppcheck >/dev/null; then
	# Waived (cppcheck 2.10 false positives, each checked by hand):
	#  legacyUninitvar in cmd_monitor.c: 'end' is read only after strtoull set it
	#  memleak in json_out.c: 'big' is freed on the one path that allocates it
	cppcheck --quiet --enable=warning,portability,performance --std=c11 -D__linux__ \
		"${UINC[@]}" --include=/usr/include/libmnl/libmnl.h \
		--suppress=missingIncludeSystem \
		--suppress=legacyUninitvar:userspace/cmd_monitor.c \
		--suppress=memleak:userspace/json_out.c \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		"${UFILES[@]}" >"$TMP/cppcheck" 2>&1
	tap_findings "cppcheck, ${#UFILES[@]} userspace and core files" "$TMP/cppcheck"
else
	tap_skip "cppcheck" "cppcheck not installed"
fi

if command -v clang-tidy >/dev/null; then
	# The static analyser and the bug-finding checks, without those that only
	# flag style here: swappable parameters, _GNU_SOURCE as "reserved", int
	# widening of constant sizes, sizeof(*ptr) of pointer arrays, a ternary
	# whose arms are equal by value (GENL_ID_CTRL's version 1 vs ours).
	# valist.Uninitialized: clang 14 reports every va_start()ed list.
	checks='-*,clang-analyzer-*,-clang-analyzer-valist.Uninitialized'
	checks+=',-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
	checks+=',bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier'
	checks+=',-bugprone-implicit-widening-of-multiplication-result,-bugprone-narrowing-conversions'
	checks+=',-bugprone-sizeof-expression,-bugprone-branch-clone'
	clang-tidy --quiet --checks="$checks" "${UFILES[@]}" -- -std=gnu11 -D_GNU_SOURCE \
		"${UINC[@]}" >"$TMP/clang-tidy.log" 2>&1
	grep -E '(warning|error):' "$TMP/clang-tidy.log" >"$TMP/clang-tidy"
	tap_findings "clang-tidy, ${#UFILES[@]} userspace and core files" "$TMP/clang-tidy"
else
	tap_skip "clang-tidy" "clang-tidy not installed"
fi

echo "1..$n"
exit $failed
