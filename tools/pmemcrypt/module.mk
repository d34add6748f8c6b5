# SPDX-License-Identifier: BSD-3-Clause
# tools/pmemcrypt/module.mk -- the pmemcrypt command.

PMEMCRYPT_TOOL := $(B)/tools/pmemcrypt/pmemcrypt
PMEMCRYPT_TOOL_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard tools/pmemcrypt/*.c))

ALL += $(PMEMCRYPT_TOOL)
INSTALL_BIN += $(PMEMCRYPT_TOOL)
PKG_CHECK += json-c:libjson-c-dev

$(PMEMCRYPT_TOOL_OBJ): EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,json-c)

$(PMEMCRYPT_TOOL): $(PMEMCRYPT_TOOL_OBJ) $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(PMEMCRYPT_TOOL_OBJ) $(LIBPMEMCRYPT_A) \
		$(LIBPMEMCRYPT_LIBS) $(call pkg_libs,json-c)
