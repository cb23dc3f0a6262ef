#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install_destdir.sh - `make install DESTDIR=tmp` puts exactly the modules
# (extra/, indexed by depmod so that modinfo finds them), nfmptcp and its man
# page there, and `make uninstall DESTDIR=tmp` takes them all away again
# (leaving only depmod's index files, which no longer name our modules).
set -u
TEST=install_destdir
. "$(dirname "$(readlink -f "$0")")/lib.sh"

echo "TAP version 13"
command -v depmod >/dev/null || { skip "prerequisites" "depmod not found"; finish; }
KVER=${KVER:-$("$REPO/scripts/kver.sh" kver)}
[ -d "/lib/modules/$KVER/build" ] || { skip "prerequisites" "no headers for $KVER"; finish; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
M=lib/modules/$KVER

if make -s -C "$REPO" install KVER="$KVER" DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1; then
	pass "make install DESTDIR=... exits 0"
else
	fail "make install DESTDIR=... exits 0"; sed 's/^/# /' "$D.log" | tail -n 20
fi

expected=$(
	for m in $("$REPO/scripts/list-modules.sh"); do echo "$M/extra/$m.ko"; done
	echo usr/sbin/nfmptcp
	echo usr/share/man/man8/nfmptcp.8
)
# our files: everything but depmod's indexes
got=$(cd "$D" && find . -type f ! -path "./$M/modules.*" | sed 's|^\./||' | sort)
if [ "$got" = "$(sort <<<"$expected")" ]; then
	pass "installed files: $(tr '\n' ' ' <<<"$got")"
else
	fail "installed files" "expected: $(tr '\n' ' ' <<<"$expected") got: $(tr '\n' ' ' <<<"$got")"
fi
[ -x "$D/usr/sbin/nfmptcp" ] && pass "nfmptcp is executable" || fail "nfmptcp is executable"
if [ -s "$D/usr/share/man/man8/nfmptcp.8" ] && man -l "$D/usr/share/man/man8/nfmptcp.8" 2>/dev/null |
	grep -q nfmptcp; then
	pass "man page renders"
else
	fail "man page renders"
fi

for m in $("$REPO/scripts/list-modules.sh"); do
	name=${m##*/}
	if grep -q "^extra/$m.ko:" "$D/$M/modules.dep" &&
		[ "$(modinfo -b "$D" -k "$KVER" -F vermagic "$name" 2>/dev/null | cut -d' ' -f1)" = "$KVER" ]; then
		pass "depmod indexed $name, modinfo finds it, vermagic $KVER"
	else
		fail "depmod indexed $name, modinfo finds it, vermagic $KVER"
	fi
done

if make -s -C "$REPO" uninstall KVER="$KVER" DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1; then
	pass "make uninstall exits 0"
else
	fail "make uninstall exits 0"; sed 's/^/# /' "$D.log" | tail -n 20
fi
rm -f "$D.log"
left=$(cd "$D" && find . -type f ! -path "./$M/modules.*" | sed 's|^\./||')
[ -z "$left" ] && pass "uninstall removed every file" || fail "uninstall removed every file" "left: $left"
if grep -qs nf_conntrack_mptcp "$D/$M/modules.dep"; then
	fail "modules.dep no longer names our modules"
else
	pass "modules.dep no longer names our modules"
fi
finish
