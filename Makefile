# SPDX-License-Identifier: BSD-3-Clause
# Makefile -- pmemcrypt: one non-recursive build for every part.
#
# Each part adds its targets in a module.mk.  Targets: all check bench demo
# install clean format deps.  Variables: prefix, DESTDIR, V=1, B (build dir),
# SANITIZE=1 (ASan+UBSan build), WERROR=1.

prefix ?= /usr/local
bindir ?= $(prefix)/bin
libdir ?= $(prefix)/lib
includedir ?= $(prefix)/include
mandir ?= $(prefix)/share/man
pkgconfigdir ?= $(libdir)/pkgconfig

B ?= build
CC ?= cc
# Build on every core unless -j was given (sub-makes share the jobserver).
ifeq ($(MAKELEVEL),0)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc)
endif
endif
CFLAGS ?= -O2 -g
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
msg = $(if $(filter 1,$(V)),@true,@printf '  %-7s %s\n' $(1) $(2))

# $(call test_wrapper,DIR) as a recipe: $@ becomes a script that runs the
# test script $< with DIR (a build folder) as its argument.
define test_wrapper
$(call msg,GEN,$@)
$(Q)mkdir -p $(@D)
$(Q)printf '#!/bin/sh\nexec "%s" "%s" "$$@"\n' "$(abspath $<)" "$(abspath $(1))" >$@
$(Q)chmod +x $@
endef

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-unused-parameter
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC $(WARN) -MMD -MP
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
BASE_CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif

# Dependencies are found with pkg-config when a recipe runs (so that
# 'make deps demo' works on a fresh machine); $(B)/.deps-ok fails early
# with the package to install when one is missing.
pkg_cflags = $(shell pkg-config --cflags $(1))
pkg_libs = $(shell pkg-config --libs $(1))
PKG_CHECK :=

# Lists the parts fill in.
TESTS :=	# test programs run by 'make check' (also under sanitizers)
TESTS_ONCE :=	# test programs run by 'make check' without a sanitizer build
BENCHES :=	# commands run by 'make bench'
INSTALL_BIN :=
INSTALL_MAN :=
ALL :=

.PHONY: all check check-build bench demo install clean format deps
all:

# The install folders, recorded so that what embeds them (the .pc files)
# is made again when 'make install prefix=...' changes them.
INSTALL_DIRS_STAMP := $(B)/.install-dirs

# Parts first, then their sub-parts (which may use a part's variables).
include $(sort $(wildcard */module.mk)) $(sort $(wildcard */*/module.mk))

all: $(ALL)

.PHONY: FORCE
$(INSTALL_DIRS_STAMP): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(prefix) $(libdir) $(includedir)' | cmp -s - $@ || \
		echo '$(prefix) $(libdir) $(includedir)' >$@

$(B)/.deps-ok: Makefile
	$(Q)mkdir -p $(@D)
	$(Q)missing=""; for p in $(PKG_CHECK); do \
		pc=$${p%%:*}; deb=$${p#*:}; \
		pkg-config --exists $$pc || missing="$$missing $$deb"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "error: missing packages:$$missing (run 'make deps')" >&2; \
		exit 1; \
	fi; touch $@

$(B)/%.o: %.c | $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

deps:
	$(Q)tools/deps.sh

# The sanitizer pass builds the same tests in $(B)/san.
SAN_TESTS = $(patsubst $(B)/%,$(B)/san/%,$(TESTS))
check-build: $(TESTS) $(TESTS_ONCE)
ifneq ($(SANITIZE),1)
	$(Q)$(MAKE) --no-print-directory B=$(B)/san SANITIZE=1 $(SAN_TESTS)
endif

check: check-build
	$(Q)tests/run-tests.sh $(B)/logs $(TESTS) $(TESTS_ONCE) \
		$(if $(filter 1,$(SANITIZE)),,$(SAN_TESTS))

# Benchmarks run one after the other: in parallel they would measure
# each other.
bench:
	$(Q)for b in $(BENCHES); do \
		$(MAKE) --no-print-directory -j1 $$b || exit 1; done

install: all
	$(Q)for f in $(INSTALL_BIN); do \
		install -D -m 0755 $$f $(DESTDIR)$(bindir)/$$(basename $$f); done
	$(Q)for f in $(INSTALL_MAN); do \
		sec=$${f##*.}; \
		install -D -m 0644 $$f $(DESTDIR)$(mandir)/man$$sec/$$(basename $$f); \
	done

clean:
	rm -rf $(B)

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^kernel/')

-include $(shell find $(B) -name '*.d' -not -path '$(B)/san/*' 2>/dev/null)
