# SPDX-License-Identifier: BSD-3-Clause
# tools/mktme-check/module.mk -- offline AES-XTS check of NVDIMM files.

MKTME_CHECK := $(B)/tools/mktme-check/mktme-check
MKTME_CHECK_TEST := $(B)/tools/mktme-check/test_mktme_check.sh

ALL += $(MKTME_CHECK)
TESTS += $(MKTME_CHECK_TEST)
PKG_CHECK += libcrypto:libssl-dev

$(B)/tools/mktme-check/mktme-check.o: EXTRA_CFLAGS = $(call pkg_cflags,libcrypto)

$(MKTME_CHECK): $(B)/tools/mktme-check/mktme-check.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(call pkg_libs,libcrypto)

# the test script finds mktme-check next to it (also in $(B)/san)
$(MKTME_CHECK_TEST): tools/mktme-check/test_mktme_check.sh $(MKTME_CHECK)
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@
