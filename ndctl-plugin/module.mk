# SPDX-License-Identifier: BSD-3-Clause
# ndctl-plugin/module.mk -- ndctl-crypt: sealed MKTME keys per namespace.
#
# Everything but main.c goes into an archive that the unit tests in
# tests/ndctl-plugin/ link as well.

NDCTL_CRYPT := $(B)/ndctl-plugin/ndctl-crypt
NDCTL_CRYPT_A := $(B)/ndctl-plugin/libndctl-crypt.a
NDCTL_CRYPT_PKGS := libndctl libkeyutils json-c
NDCTL_CRYPT_LIB_OBJ := $(patsubst %.c,$(B)/%.o, \
	$(filter-out ndctl-plugin/main.c,$(wildcard ndctl-plugin/*.c))) \
	$(RUNPIPE_OBJ)

ALL += $(NDCTL_CRYPT)
INSTALL_BIN += $(NDCTL_CRYPT)
PKG_CHECK += libndctl:libndctl-dev libkeyutils:libkeyutils-dev \
	json-c:libjson-c-dev

# rotate-key waits for the kernel in a thread while it draws the progress
$(NDCTL_CRYPT_LIB_OBJ) $(B)/ndctl-plugin/main.o: EXTRA_CFLAGS = -pthread \
	$(RUNPIPE_CFLAGS) $(call pkg_cflags,$(NDCTL_CRYPT_PKGS))

$(NDCTL_CRYPT_A): $(NDCTL_CRYPT_LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(NDCTL_CRYPT): $(B)/ndctl-plugin/main.o $(NDCTL_CRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -pthread -o $@ $^ \
		$(call pkg_libs,$(NDCTL_CRYPT_PKGS))

# The boot unit, with the installed path of ndctl-crypt.  systemd reads
# units from $(prefix)/lib/systemd/system for /usr and /usr/local.
systemdunitdir ?= $(prefix)/lib/systemd/system
NDCTL_CRYPT_UNIT := $(B)/ndctl-plugin/ndctl-crypt-load-keys.service
NDCTL_CRYPT_NET_UNIT := $(B)/ndctl-plugin/ndctl-crypt-load-keys-network.service
ALL += $(NDCTL_CRYPT_UNIT) $(NDCTL_CRYPT_NET_UNIT)

$(NDCTL_CRYPT_UNIT) $(NDCTL_CRYPT_NET_UNIT): $(B)/ndctl-plugin/%: \
		ndctl-plugin/%.in Makefile
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed 's|@bindir@|$(bindir)|g' $< >$@

.PHONY: install-ndctl-crypt
install: install-ndctl-crypt
install-ndctl-crypt: $(NDCTL_CRYPT_UNIT) $(NDCTL_CRYPT_NET_UNIT)
	$(Q)install -D -m 0644 $(NDCTL_CRYPT_UNIT) \
		$(DESTDIR)$(systemdunitdir)/ndctl-crypt-load-keys.service
	$(Q)install -D -m 0644 $(NDCTL_CRYPT_NET_UNIT) \
		$(DESTDIR)$(systemdunitdir)/ndctl-crypt-load-keys-network.service
