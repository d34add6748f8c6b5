# SPDX-License-Identifier: BSD-3-Clause
# tools/pmemcrypt/module.mk -- the pmemcrypt command.

PMEMCRYPT_TOOL := $(B)/tools/pmemcrypt/pmemcrypt
# What make install puts in bindir: the same objects linked without the
# build tree's RUNPATH.
PMEMCRYPT_TOOL_INSTALL := $(B)/tools/pmemcrypt/install/pmemcrypt
PMEMCRYPT_TOOL_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard tools/pmemcrypt/*.c))

ALL += $(PMEMCRYPT_TOOL) $(PMEMCRYPT_TOOL_INSTALL)
INSTALL_BIN += $(PMEMCRYPT_TOOL_INSTALL)
PKG_CHECK += json-c:libjson-c-dev

# It links libpmemcrypt-obj too, for the heaps of object pools (its
# header alone, not <libpmemobj.h>).
$(PMEMCRYPT_TOOL_OBJ): EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(LIBPCOBJ_CFLAGS) $(call pkg_cflags,json-c)

$(PMEMCRYPT_TOOL): $(PMEMCRYPT_TOOL_OBJ) $(LIBPMEMCRYPT_DEVLINK) \
		$(LIBPCOBJ_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(PMEMCRYPT_TOOL_OBJ) \
		$(LIBPCOBJ_SO_LINK) $(call pkg_libs,json-c)

$(PMEMCRYPT_TOOL_INSTALL): $(PMEMCRYPT_TOOL_OBJ) $(LIBPMEMCRYPT_DEVLINK) \
		$(LIBPCOBJ_DEVLINK)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(PMEMCRYPT_TOOL_OBJ) \
		$(LIBPCOBJ_DEVLINK) $(LIBPMEMCRYPT_SO_LINK_INSTALL) \
		$(call pkg_libs,json-c)
