#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install what building and testing nf-mptcp needs (Debian 12).
# Fast no-op when everything is present; otherwise apt-get update + install.
set -euo pipefail

PKGS=(
	linux-image-amd64 linux-headers-amd64	# kernel the VM boots + headers to build for
	qemu-system-x86 busybox-static cpio kmod xz-utils	# the test VM
	iproute2 nftables ethtool procps iputils-ping tshark jq	# test tools in the guest
	libmnl-dev libnftnl-dev libpcap-dev libssl-dev	# userspace
	clang libclang-rt-14-dev gcc make pkg-config python3 python3-yaml valgrind
)

# Suricata 7 (selftests/host/normalize_suricata.sh: the IDS that consumes
# `nfmptcp normalize` output) is only in bookworm-backports. Backports have
# pin priority 100: adding the suite upgrades nothing else; only this package
# is taken from it (-t). It is installed separately, after the main list.
BACKPORTS_LIST=/etc/apt/sources.list.d/nfm-bookworm-backports.list
install_suricata() {
	dpkg-query -W -f='${db:Status-Status}' suricata 2>/dev/null | grep -qx installed && return 0
	[ "$(id -u)" -eq 0 ] || { echo "deps: suricata missing (run 'sudo make deps')" >&2; return 1; }
	[ -e "$BACKPORTS_LIST" ] ||
		echo "deb http://deb.debian.org/debian bookworm-backports main" >"$BACKPORTS_LIST"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports suricata >/tmp/nfm-deps-suricata.log 2>&1 || {
		tail -n 20 /tmp/nfm-deps-suricata.log >&2
		echo "deps: suricata install failed" >&2
		return 1
	}
}

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	install_suricata
	exit
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'sudo make deps' (or apt-get install them)" >&2
	exit 1
fi
echo "deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" >/tmp/nfm-deps-apt.log 2>&1 || {
	tail -n 40 /tmp/nfm-deps-apt.log >&2
	echo "deps: apt-get install failed (full log: /tmp/nfm-deps-apt.log)" >&2
	exit 1
}
install_suricata
echo "deps: done"
