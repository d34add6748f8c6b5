# SPDX-License-Identifier: BSD-3-Clause
# tests/crash/module.mk -- crash-consistency test

CRASH_TEST := $(B)/tests/crash/crash_test
TESTS += $(CRASH_TEST)

$(B)/tests/crash/crash_test.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src $(call pkg_cflags,libpmem2)

$(CRASH_TEST): $(B)/tests/crash/crash_test.o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBPMEMCRYPT_LIBS)
