# SPDX-License-Identifier: BSD-3-Clause
# libpmemcrypt/module.mk -- the library: shared object (exported API only:
# the tools, the demo and the fio engine link it) and static archive (for
# the tests and benchmarks that need internal symbols).

# The version is the header's PMEMCRYPT_MAJOR_VERSION.PMEMCRYPT_MINOR_VERSION
# and a patch level; the soname follows the major.  The shared object is
# built under its real name, with the soname and the link name beside it,
# as make install puts them in libdir.
LIBPMEMCRYPT_H := libpmemcrypt/include/libpmemcrypt.h
lib_version_macro = $(shell awk '$$2 == "$(1)" { print $$3 }' \
	$(LIBPMEMCRYPT_H))
LIBPMEMCRYPT_MAJOR := $(call lib_version_macro,PMEMCRYPT_MAJOR_VERSION)
LIBPMEMCRYPT_MINOR := $(call lib_version_macro,PMEMCRYPT_MINOR_VERSION)
LIBPMEMCRYPT_PATCH := 0
LIBPMEMCRYPT_VERSION := $(LIBPMEMCRYPT_MAJOR).$(LIBPMEMCRYPT_MINOR).$(LIBPMEMCRYPT_PATCH)
LIBPMEMCRYPT_SONAME := libpmemcrypt.so.$(LIBPMEMCRYPT_MAJOR)
LIBPMEMCRYPT_SRC := $(sort $(wildcard libpmemcrypt/src/*.c))
LIBPMEMCRYPT_OBJ := $(LIBPMEMCRYPT_SRC:%.c=$(B)/%.o) $(RUNPIPE_OBJ)
LIBPMEMCRYPT_A := $(B)/libpmemcrypt/libpmemcrypt.a
LIBPMEMCRYPT_SO := $(B)/libpmemcrypt/libpmemcrypt.so.$(LIBPMEMCRYPT_VERSION)
# The link name, which programs link and depend on (a path without the
# version, for the parts read before this file).
LIBPMEMCRYPT_DEVLINK := $(B)/libpmemcrypt/libpmemcrypt.so
LIBPMEMCRYPT_PC := $(B)/libpmemcrypt/libpmemcrypt.pc
LIBPMEMCRYPT_PKGS := libpmem2 libgcrypt libkeyutils
LIBPMEMCRYPT_LIBS = $(call pkg_libs,$(LIBPMEMCRYPT_PKGS)) -lpthread
LIBPMEMCRYPT_CFLAGS := -Ilibpmemcrypt/include
# How a program of the build tree links the shared object: by its link
# name (the program then needs its soname), with an absolute RUNPATH to
# find it here, also where a VM test copies it.  A program make install
# puts in bindir is linked again with LIBPMEMCRYPT_SO_LINK_INSTALL, without
# a RUNPATH: the loader finds the library in libdir, as Debian wants.
LIBPMEMCRYPT_SO_LINK = $(LIBPMEMCRYPT_DEVLINK) \
	-Wl,-rpath,$(abspath $(B))/libpmemcrypt
LIBPMEMCRYPT_SO_LINK_INSTALL = $(LIBPMEMCRYPT_DEVLINK)
PKG_CHECK += libpmem2:libpmem2-dev libgcrypt:libgcrypt20-dev \
	libkeyutils:libkeyutils-dev

ALL += $(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_SO) $(LIBPMEMCRYPT_DEVLINK) \
	$(LIBPMEMCRYPT_PC)

$(LIBPMEMCRYPT_OBJ): EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src $(RUNPIPE_CFLAGS) -fvisibility=hidden \
	$(call pkg_cflags,$(LIBPMEMCRYPT_PKGS))

$(LIBPMEMCRYPT_A): $(LIBPMEMCRYPT_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# A build of another library version leaves its real name behind: removed.
$(LIBPMEMCRYPT_SO): $(LIBPMEMCRYPT_OBJ) libpmemcrypt/libpmemcrypt.map
	$(call msg,LD,$@)
	$(Q)rm -f $(filter-out $@,$(wildcard $(@D)/libpmemcrypt.so.*.*.*))
	$(Q)$(CC) -shared -Wl,-soname,$(LIBPMEMCRYPT_SONAME) \
		-Wl,--version-script=libpmemcrypt/libpmemcrypt.map \
		-Wl,--no-undefined $(LDFLAGS) -o $@ $(LIBPMEMCRYPT_OBJ) \
		$(LIBPMEMCRYPT_LIBS)

# The soname and the link name, as in libdir (a symbolic link is as new as
# what it names).
$(LIBPMEMCRYPT_DEVLINK): $(LIBPMEMCRYPT_SO)
	$(Q)ln -sf $(<F) $(@D)/$(LIBPMEMCRYPT_SONAME)
	$(Q)ln -sf $(LIBPMEMCRYPT_SONAME) $@

$(LIBPMEMCRYPT_PC): libpmemcrypt/libpmemcrypt.pc.in Makefile $(INSTALL_DIRS_STAMP) \
		libpmemcrypt/module.mk $(LIBPMEMCRYPT_H)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@prefix@|$(prefix)|' -e 's|@libdir@|$(libdir)|' \
		-e 's|@includedir@|$(includedir)|' \
		-e 's|@version@|$(LIBPMEMCRYPT_VERSION)|' $< >$@

.PHONY: install-libpmemcrypt
install: install-libpmemcrypt
install-libpmemcrypt: $(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_SO) $(LIBPMEMCRYPT_PC)
	install -D -m 0755 $(LIBPMEMCRYPT_SO) \
		$(DESTDIR)$(libdir)/libpmemcrypt.so.$(LIBPMEMCRYPT_VERSION)
	ln -sf libpmemcrypt.so.$(LIBPMEMCRYPT_VERSION) \
		$(DESTDIR)$(libdir)/$(LIBPMEMCRYPT_SONAME)
	ln -sf $(LIBPMEMCRYPT_SONAME) $(DESTDIR)$(libdir)/libpmemcrypt.so
	install -D -m 0644 $(LIBPMEMCRYPT_A) $(DESTDIR)$(libdir)/libpmemcrypt.a
	install -D -m 0644 libpmemcrypt/include/libpmemcrypt.h \
		$(DESTDIR)$(includedir)/libpmemcrypt.h
	install -D -m 0644 $(LIBPMEMCRYPT_PC) \
		$(DESTDIR)$(pkgconfigdir)/libpmemcrypt.pc
	@# the installed tools need the loader's cache to know the library
	$(Q)if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi
