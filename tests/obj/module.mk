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

# The object API's semantics, cmocka, through the shared objects (and
# libpmemcrypt's own API to craft heap metadata).
OBJ_TEST := $(B)/tests/obj/test_obj

TESTS += $(OBJ_TEST)

$(OBJ_TEST).o: EXTRA_CFLAGS = $(LIBPCOBJ_CFLAGS) $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,cmocka libcrypto libkeyutils)

$(OBJ_TEST): $(OBJ_TEST).o $(LIBPCOBJ_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPCOBJ_SO_LINK) \
		$(call pkg_libs,cmocka libcrypto libkeyutils)
