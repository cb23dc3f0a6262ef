#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install what building and testing nf-mptcp needs (Debian 12).
# Fast no-op when everything is present; otherwise apt-get update + install.
#
# Two kernels: Debian 12's default (6.1, linux-image-amd64), which everything
# builds for and boots unless KVER says otherwise (scripts/kver.sh), and the
# 6.12 LTS from bookworm-security (linux-image-6.12.*+deb12-amd64, the kernel
# of Debian 13), on which `make check` runs part of the suite too.  Any
# installed 6.12 with its headers will do; else the newest one apt offers.
set -euo pipefail

PKGS=(
	linux-image-amd64 linux-headers-amd64	# kernel the VM boots + headers to build for
	dkms sparse linux-source-6.1 cppcheck clang-tidy	# DKMS test, make lint (checkpatch.pl)
	linux-source-6.12 python3-jsonschema	# the kernel's YNL client (selftests/netlink_ynl.sh)
	bc bison flex libelf-dev	# make debug-kernel (with linux-source-6.1, libssl-dev)
	qemu-system-x86 busybox-static cpio kmod xz-utils	# the test VM
	iproute2 nftables ethtool procps iputils-ping tshark jq	# test tools in the guest
	libmnl-dev libnftnl-dev libpcap-dev libssl-dev	# userspace
	clang libclang-rt-14-dev gcc make pkg-config python3 python3-yaml valgrind
)

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# have_612: a 6.12 kernel image whose headers are installed as well
have_612() {
	local img v
	for img in $(dpkg-query -W -f='${Package}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null); do
		v=${img#linux-image-}
		installed "$img" && installed "linux-headers-$v" && return 0
	done
	return 1
}

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
	installed "$p" || missing+=("$p")
done
if have_612 && [ ${#missing[@]} -eq 0 ]; then
	install_suricata
	exit
fi

if [ "$(id -u)" -ne 0 ]; then
	have_612 || missing+=("linux-image-6.12.*+deb12-amd64 + its linux-headers")
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'sudo make deps' (or apt-get install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
if ! have_612; then
	# 6.12 comes from bookworm-security: configure it only if no source has it
	if ! grep -rqsE '^[^#]*bookworm-security' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		echo "deps: adding bookworm-security to the apt sources (6.12 kernel)"
		cat >/etc/apt/sources.list.d/nf-mptcp-bookworm-security.sources <<-'EOS'
		Types: deb
		URIs: http://security.debian.org/debian-security
		Suites: bookworm-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOS
	fi
fi
apt-get update -qq
if ! have_612; then
	v=$(apt-cache pkgnames linux-image-6.12. | grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		sed 's/^linux-image-//' | sort -V | tail -n1)
	if [ -z "$v" ]; then
		echo "deps: no linux-image-6.12.*+deb12-amd64 in the apt sources" >&2
		exit 1
	fi
	missing+=("linux-image-$v" "linux-headers-$v")
fi
echo "deps: installing: ${missing[*]}"
apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" >/tmp/nfm-deps-apt.log 2>&1 || {
	tail -n 40 /tmp/nfm-deps-apt.log >&2
	echo "deps: apt-get install failed (full log: /tmp/nfm-deps-apt.log)" >&2
	exit 1
}
install_suricata
echo "deps: done"
