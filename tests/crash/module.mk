# SPDX-License-Identifier: BSD-3-Clause
# tests/crash/module.mk -- crash-consistency test

CRASH_TEST := $(B)/tests/crash/crash_test
TESTS += $(CRASH_TEST)

$(B)/tests/crash/crash_test.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src $(call pkg_cflags,libpmem2)

$(B)/tests/crash/crash_hook.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src $(call pkg_cflags,libpmem2)

$(CRASH_TEST): $(B)/tests/crash/crash_test.o $(B)/tests/crash/crash_hook.o \
		$(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBPMEMCRYPT_LIBS)

# Object pools: the allocator and object transactions at every event.
CRASH_OBJ_TEST := $(B)/tests/crash/crash_obj
TESTS += $(CRASH_OBJ_TEST)

$(B)/tests/crash/crash_obj.o: EXTRA_CFLAGS = $(LIBPCOBJ_CFLAGS) \
	$(LIBPMEMCRYPT_CFLAGS) -Ilibpmemcrypt/src $(call pkg_cflags,libpmem2)

$(CRASH_OBJ_TEST): $(B)/tests/crash/crash_obj.o $(B)/tests/crash/crash_hook.o \
		$(LIBPCOBJ_A) $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBPMEMCRYPT_LIBS)
