# SPDX-License-Identifier: BSD-3-Clause
# tests/lib/module.mk -- cmocka unit tests of the library, one per object.
#
# Every test links the static archive (internal symbols visible) and
# helpers.o.  test_nomem wraps the allocators the library calls, and
# libgcrypt's cipher and MAC context constructors, to fail each in turn.

LIBTEST_NAMES := crypto key config pool io tx keyslots info threads nomem \
	engine csum shred bigarray \
	format check recover dump create isolation traps budget checkmode
LIBTESTS := $(LIBTEST_NAMES:%=$(B)/tests/lib/test_%)
LIBTEST_HELPERS := $(B)/tests/lib/helpers.o
LIBTEST_PKGS := cmocka libargon2 libcrypto

TESTS += $(LIBTESTS)
PKG_CHECK += cmocka:libcmocka-dev libargon2:libargon2-dev \
	libcrypto:libssl-dev libkeyutils:libkeyutils-dev

$(LIBTESTS:%=%.o) $(LIBTEST_HELPERS): EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src -Itests/lib \
	$(call pkg_cflags,$(LIBTEST_PKGS) $(LIBPMEMCRYPT_PKGS))

$(B)/tests/lib/test_nomem: LIBTEST_LDFLAGS = -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=aligned_alloc \
	-Wl,--wrap=strdup -Wl,--wrap=mmap -Wl,--wrap=gcry_cipher_open \
	-Wl,--wrap=gcry_mac_open

$(LIBTESTS): $(B)/tests/lib/%: $(B)/tests/lib/%.o $(LIBTEST_HELPERS) \
		$(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $(LIBTEST_LDFLAGS) -o $@ $< $(LIBTEST_HELPERS) \
		$(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_LIBS) \
		$(call pkg_libs,$(LIBTEST_PKGS))
