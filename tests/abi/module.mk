# SPDX-License-Identifier: BSD-3-Clause
# tests/abi/module.mk -- the library's ABI as programs see it: built
# against the shared object, and against the layouts of older headers.

ABI_INFO_TEST := $(B)/tests/abi/test_info_abi

TESTS += $(ABI_INFO_TEST)

$(ABI_INFO_TEST).o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,cmocka)

$(ABI_INFO_TEST): $(ABI_INFO_TEST).o $(LIBPMEMCRYPT_SO)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_SO_LINK) \
		$(call pkg_libs,cmocka)
