# SPDX-License-Identifier: BSD-3-Clause
# tests/obj/module.mk -- object pools: PMDK's example programs built
# against libpmemcrypt-obj and run on both engines.  (The tool is named by
# path: tools/pmemcrypt/module.mk is read after this file.)

OBJ_EXAMPLES_TEST := $(B)/tests/obj/test_examples

TESTS_ONCE += $(OBJ_EXAMPLES_TEST)

$(OBJ_EXAMPLES_TEST): tests/obj/test_examples.sh tests/obj/crash_mapcli.py \
		tests/fake_sysfs.sh \
		$(LIBPCOBJ_DEVLINK) $(B)/tools/pmemcrypt/pmemcrypt
	$(call test_wrapper,$(B))

# The object API's semantics (test_obj) and its heap under stress
# (test_obj_heap), cmocka, through the shared objects (and libpmemcrypt's
# own API to craft heap metadata).
OBJ_TESTS := $(B)/tests/obj/test_obj $(B)/tests/obj/test_obj_heap
OBJ_TEST_HELPERS := $(B)/tests/obj/obj_helpers.o

TESTS += $(OBJ_TESTS)

$(OBJ_TESTS:%=%.o) $(OBJ_TEST_HELPERS): EXTRA_CFLAGS = $(LIBPCOBJ_CFLAGS) \
	$(LIBPMEMCRYPT_CFLAGS) $(call pkg_cflags,cmocka libcrypto libkeyutils)

$(OBJ_TESTS): %: %.o $(OBJ_TEST_HELPERS) $(LIBPCOBJ_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(OBJ_TEST_HELPERS) $(LIBPCOBJ_SO_LINK) \
		$(call pkg_libs,cmocka libcrypto libkeyutils)
