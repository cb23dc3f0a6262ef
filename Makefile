# SPDX-License-Identifier: GPL-2.0
# nf-mptcp top-level Makefile.
#
#   make            kernel modules (kmod/, nft-ext/) + userspace + selftest tools
#   make deps       install build/test packages (Debian 12; no-op when present)
#   make check      deps + build + all tests (userspace unit tests, module build,
#                   selftests/*.sh inside a QEMU VM); last line: "N passed, N failed, N skipped"
#   make demo       deps + build, then a narrated two-path MPTCP transfer in the VM
#   make bench      benchmarks (figures, never pass/fail); make fuzz: libFuzzer targets,
#                   10 million executions each (FUZZ_RUNS)
#   make stress     the flood tests at full size (100,000 SYNs of each kind), not in check
#   make debug-kernel  Debian's 6.1 built with KASAN, lockdep, kmemleak (cached; ~45 min once)
#   make check-debug   the VM suite on it; fails on any report of its checkers (hours, not in CI)
#   make install    modules into /lib/modules/$KVER/extra + depmod, nfmptcp, its man page;
#                   honours DESTDIR, PREFIX (/usr/local), INSTALL_MOD_PATH (= DESTDIR)
#   make uninstall  removes what make install put there (same variables)
#   make dkms-install / dkms-uninstall   the modules through DKMS (rebuilt for new kernels)
#   make lint       checkpatch --strict, sparse, cppcheck, clang-tidy (scripts/lint.sh)
#   make clean
#
# KVER/KDIR: scripts/kver.sh decides (running kernel if it has headers, else the
# newest /lib/modules/*/build); override with `make KVER=... ` or `KDIR=...`.

KVER ?= $(shell $(CURDIR)/scripts/kver.sh kver 2>/dev/null)
KDIR ?= $(shell KVER=$(KVER) $(CURDIR)/scripts/kver.sh kdir 2>/dev/null)
export KVER KDIR

CC ?= gcc
TOOLS_CFLAGS ?= -O2 -g -Wall -Wextra
TOOLS := selftests/tools/mptcp_xfer selftests/tools/mptcp_forge selftests/tools/ct_helper \
	selftests/tools/nl_fuzz

HAVE_USERSPACE := $(wildcard userspace/Makefile)

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= extra
DEPMOD ?= depmod
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)
# kmod/nf_conntrack_mptcp ...: every module the Kbuild files name
MODULES = $(shell scripts/list-modules.sh)
# Debian's headers carry no signing key: sign at modules_install only when the key is there
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null)
NOSIGN = $(if $(SIG_KEY),$(if $(wildcard $(KDIR)/$(SIG_KEY) $(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=))
DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

.PHONY: all modules userspace tools ynl deps check selftests stress debug-kernel check-debug demo \
	bench bench-kmod fuzz install \
	uninstall dkms-install dkms-uninstall lint clean help

all: modules userspace tools

modules:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "error: no kernel headers (KDIR='$(KDIR)'): run 'make deps'" >&2; exit 1; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace
endif

tools: $(TOOLS) ynl

# the kernel's YNL client for selftests/netlink_ynl.sh (scripts/ynl-extract.sh)
ynl:
	@mkdir -p .vm && scripts/ynl-extract.sh .vm/ynl

selftests/tools/mptcp_xfer: selftests/tools/mptcp_xfer.c
	$(CC) $(TOOLS_CFLAGS) -o $@ $< -lpthread

selftests/tools/mptcp_forge: selftests/tools/mptcp_forge.c
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

selftests/tools/ct_helper: selftests/tools/ct_helper.c
	$(CC) $(TOOLS_CFLAGS) -o $@ $< -lmnl

selftests/tools/nl_fuzz: selftests/tools/nl_fuzz.c kmod/uapi/nfmptcp.h nft-ext/uapi/nft_mptcp.h
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

deps:
	@scripts/deps.sh

# check: everything, one summary line.  TESTS="a.sh b.sh" limits the VM tests.
check: deps
	@scripts/check.sh

# selftests: only the VM tests, no deps/unit tests (quick iteration)
selftests: all
	selftests/vm-run selftests/run-tests $(TESTS)

# stress: the hardening floods at the issue's size; make check runs them
# smaller (10,000 SYNs per kind, 300 joins, a 2,000-record table) for CI's time
STRESS_TESTS = track_flood_memory.sh track_join_flood.sh track_flood_teardown.sh
stress: all
	NFM_T_FLOOD=100000 NFM_T_FLOOD_RATE=5000 NFM_T_TABLE=20000 VM_MEM=4G VM_TIMEOUT=3600 \
		selftests/vm-run selftests/run-tests $(STRESS_TESTS)

# debug-kernel: scripts/debug-kernel.sh; check-debug: scripts/check-debug.sh
# (TESTS="a.sh b.sh" limits its VM tests too)
debug-kernel: deps
	@scripts/debug-kernel.sh build

check-debug: deps
	@scripts/check-debug.sh

demo: deps
	@$(MAKE) --no-print-directory all
	selftests/vm-run selftests/demo.sh

# bench: figures and ratios only, never a pass/fail (machines here are noisy)
# bench/results.json: every figure as {figure, unit, value, target, method}
bench: all bench-kmod
	$(MAKE) -C userspace bench-replay
	rm -rf bench && mkdir -p bench/icount bench/wall
	userspace/bench/core_bench.sh bench/core.json
	RESULTS_DIR=$(CURDIR)/bench/icount VM_ICOUNT=1 selftests/vm-run selftests/bench/forward.sh
	RESULTS_DIR=$(CURDIR)/bench/icount VM_ICOUNT=1 selftests/vm-run selftests/bench/hook.sh
	RESULTS_DIR=$(CURDIR)/bench/icount VM_ICOUNT=1 VM_MEM=4G VM_TIMEOUT=3600 \
		selftests/vm-run selftests/bench/table.sh
	RESULTS_DIR=$(CURDIR)/bench/wall selftests/vm-run selftests/bench/forward.sh
	cat bench/core.json bench/icount/forward.json bench/icount/hook.json bench/icount/table.json \
		bench/wall/forward.json | \
		jq -s . >bench/results.json
	@echo "bench: figures in bench/results.json"

# the benchmark module behind selftests/bench/hook.sh (never installed)
bench-kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/bench/kmod modules

# fuzz: libFuzzer targets for the protocol core, the capture decoder and the normalize
# reassembly (clang), FUZZ_RUNS executions each (default 10 million; about 10 minutes
# per target)
fuzz:
	$(MAKE) -C userspace fuzz-run $(if $(FUZZ_RUNS),FUZZ_RUNS=$(FUZZ_RUNS))

install: modules userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(NOSIGN) modules_install
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	install -D -m 0644 Documentation/nfmptcp.8 $(DESTDIR)$(MANDIR)/man8/nfmptcp.8
endif

uninstall:
	rm -f $(foreach m,$(MODULES),$(foreach z,.ko .ko.xz .ko.zst .ko.gz,$(MODDIR)/$(INSTALL_MOD_DIR)/$(m)$(z)))
	-rmdir $(sort $(foreach m,$(MODULES),$(MODDIR)/$(INSTALL_MOD_DIR)/$(dir $(m)))) \
		$(MODDIR)/$(INSTALL_MOD_DIR) 2>/dev/null
	if [ -d $(MODDIR) ]; then $(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER); fi
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	rm -f $(DESTDIR)$(MANDIR)/man8/nfmptcp.8
endif

# DKMS: the module sources under /usr/src/nf-mptcp-<version>, built and
# installed for the running (or KVER) kernel now and for every later one.
dkms-install:
	rm -rf $(DESTDIR)/usr/src/nf-mptcp-$(DKMS_VERSION)
	scripts/copy-module-sources.sh $(DESTDIR)/usr/src/nf-mptcp-$(DKMS_VERSION)
	dkms add -m nf-mptcp -v $(DKMS_VERSION)
	dkms install -m nf-mptcp -v $(DKMS_VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove -m nf-mptcp -v $(DKMS_VERSION) --all
	rm -rf $(DESTDIR)/usr/src/nf-mptcp-$(DKMS_VERSION)

lint:
	@scripts/lint.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/bench/kmod clean; fi
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace clean
endif
	rm -f $(TOOLS)
	rm -rf .vm .check

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
