# SPDX-License-Identifier: BSD-3-Clause
# tests/abi/module.mk -- the library's ABI as programs see it: built
# against the shared object, and against the layouts of older headers.

ABI_INFO_TEST := $(B)/tests/abi/test_info_abi

TESTS += $(ABI_INFO_TEST)

$(ABI_INFO_TEST).o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,cmocka)

$(ABI_INFO_TEST): $(ABI_INFO_TEST).o $(LIBPMEMCRYPT_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_SO_LINK) \
		$(call pkg_libs,cmocka)

# One library version in the header, the shared object, the .pc, the man
# pages, pmemcrypt --version and the map.  (The tool is named by path:
# tools/pmemcrypt/module.mk is read after this file.)
ABI_VERSIONS_TEST := $(B)/tests/abi/test_versions

TESTS_ONCE += $(ABI_VERSIONS_TEST)

$(ABI_VERSIONS_TEST): tests/abi/test_versions.sh $(LIBPMEMCRYPT_SO) \
		$(LIBPMEMCRYPT_PC) $(B)/tools/pmemcrypt/pmemcrypt
	$(call test_wrapper,$(B))

# The tools, the demo and the fio engine link the shared object; make
# install (run by the test into a temporary DESTDIR) installs programs
# without a RUNPATH.
ABI_LINKAGE_TEST := $(B)/tests/abi/test_linkage

TESTS_ONCE += $(ABI_LINKAGE_TEST)

$(ABI_LINKAGE_TEST): tests/abi/test_linkage.sh $(LIBPMEMCRYPT_DEVLINK) \
		$(B)/tools/pmemcrypt/pmemcrypt \
		$(B)/tools/pmemcrypt/install/pmemcrypt \
		$(B)/tools/demo/pmemcrypt-demo
	$(call test_wrapper,$(B))

# The exported symbols, the map, the header and the man pages agree.
ABI_SYMBOLS_TEST := $(B)/tests/abi/test_symbols

TESTS_ONCE += $(ABI_SYMBOLS_TEST)

$(ABI_SYMBOLS_TEST): tests/abi/test_symbols.sh $(LIBPMEMCRYPT_DEVLINK) \
		$(MAN_PAGES) $(MAN_ALIAS_PAGES)
	$(call test_wrapper,$(B))
