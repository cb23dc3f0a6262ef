# SPDX-License-Identifier: GPL-2.0
# nf-mptcp top-level Makefile.
#
#   make            kernel modules (kmod/, nft-ext/) + userspace + selftest tools
#   make deps       install build/test packages (Debian 12; no-op when present)
#   make check      deps + build + all tests (userspace unit tests, module build,
#                   selftests/*.sh inside a QEMU VM); last line: "N passed, N failed, N skipped"
#   make demo       deps + build, then a narrated two-path MPTCP transfer in the VM
#   make bench      benchmarks (figures, never pass/fail); make fuzz: libFuzzer targets
#   make install    install modules (+ userspace) on this machine
#   make clean
#
# KVER/KDIR: scripts/kver.sh decides (running kernel if it has headers, else the
# newest /lib/modules/*/build); override with `make KVER=... ` or `KDIR=...`.

KVER ?= $(shell $(CURDIR)/scripts/kver.sh kver 2>/dev/null)
KDIR ?= $(shell KVER=$(KVER) $(CURDIR)/scripts/kver.sh kdir 2>/dev/null)
export KVER KDIR

CC ?= gcc
TOOLS_CFLAGS ?= -O2 -g -Wall -Wextra
TOOLS := selftests/tools/mptcp_xfer selftests/tools/mptcp_forge

HAVE_USERSPACE := $(wildcard userspace/Makefile)

.PHONY: all modules userspace tools deps check selftests demo bench fuzz install clean help

all: modules userspace tools

modules:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "error: no kernel headers (KDIR='$(KDIR)'): run 'make deps'" >&2; exit 1; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace
endif

tools: $(TOOLS)

selftests/tools/mptcp_xfer: selftests/tools/mptcp_xfer.c
	$(CC) $(TOOLS_CFLAGS) -o $@ $< -lpthread

selftests/tools/mptcp_forge: selftests/tools/mptcp_forge.c
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

deps:
	@scripts/deps.sh

# check: everything, one summary line.  TESTS="a.sh b.sh" limits the VM tests.
check: deps
	@scripts/check.sh

# selftests: only the VM tests, no deps/unit tests (quick iteration)
selftests: all
	selftests/vm-run selftests/run-tests $(TESTS)

demo: deps
	@$(MAKE) --no-print-directory all
	selftests/vm-run selftests/demo.sh

# bench: figures and ratios only, never a pass/fail (machines here are noisy)
bench: all
	$(MAKE) -C userspace bench-replay
	selftests/vm-run selftests/bench/forward.sh

# fuzz: libFuzzer targets for the protocol core and the capture decoder (clang)
fuzz:
	$(MAKE) -C userspace fuzz

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace install
endif

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace clean
endif
	rm -f $(TOOLS)
	rm -rf .vm .check

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
