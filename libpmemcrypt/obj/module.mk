# SPDX-License-Identifier: BSD-3-Clause
# libpmemcrypt/obj/module.mk -- object pools: libpmemobj's API on
# libpmemcrypt pools, a shared object of its own (libpmemcrypt-obj) that
# links libpmemcrypt's, with <libpmemobj.h> in its own include folder.

LIBPCOBJ_MAJOR := 1
LIBPCOBJ_VERSION := $(LIBPCOBJ_MAJOR).0.0
LIBPCOBJ_SONAME := libpmemcrypt-obj.so.$(LIBPCOBJ_MAJOR)
LIBPCOBJ_SRC := $(sort $(wildcard libpmemcrypt/obj/src/*.c))
LIBPCOBJ_OBJ := $(LIBPCOBJ_SRC:%.c=$(B)/%.o)
LIBPCOBJ_DIR := $(B)/libpmemcrypt/obj
LIBPCOBJ_SO := $(LIBPCOBJ_DIR)/libpmemcrypt-obj.so.$(LIBPCOBJ_VERSION)
# The static archive: for tests that link libpmemcrypt's internals too.
LIBPCOBJ_A := $(LIBPCOBJ_DIR)/libpmemcrypt-obj.a
LIBPCOBJ_DEVLINK := $(LIBPCOBJ_DIR)/libpmemcrypt-obj.so
LIBPCOBJ_PC := $(LIBPCOBJ_DIR)/libpmemcrypt-obj.pc
LIBPCOBJ_INCLUDE := libpmemcrypt/obj/include
LIBPCOBJ_CFLAGS := -I$(LIBPCOBJ_INCLUDE)
# How a program of the build tree links it (see LIBPMEMCRYPT_SO_LINK).
LIBPCOBJ_SO_LINK = $(LIBPCOBJ_DEVLINK) -Wl,-rpath,$(abspath $(LIBPCOBJ_DIR)) \
	$(LIBPMEMCRYPT_SO_LINK) -lpthread

ALL += $(LIBPCOBJ_SO) $(LIBPCOBJ_DEVLINK) $(LIBPCOBJ_PC) $(LIBPCOBJ_A)

$(LIBPCOBJ_OBJ): EXTRA_CFLAGS = $(LIBPCOBJ_CFLAGS) $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/obj/src

$(LIBPCOBJ_A): $(LIBPCOBJ_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBPCOBJ_SO): $(LIBPCOBJ_OBJ) libpmemcrypt/obj/libpmemcrypt-obj.map \
		$(LIBPMEMCRYPT_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(LIBPCOBJ_SONAME) \
		-Wl,--version-script=libpmemcrypt/obj/libpmemcrypt-obj.map \
		-Wl,--no-undefined $(LDFLAGS) -o $@ $(LIBPCOBJ_OBJ) \
		$(LIBPMEMCRYPT_SO_LINK) -lpthread

$(LIBPCOBJ_DEVLINK): $(LIBPCOBJ_SO)
	$(Q)ln -sf $(<F) $(@D)/$(LIBPCOBJ_SONAME)
	$(Q)ln -sf $(LIBPCOBJ_SONAME) $@

$(LIBPCOBJ_PC): libpmemcrypt/obj/libpmemcrypt-obj.pc.in Makefile $(INSTALL_DIRS_STAMP) \
		libpmemcrypt/obj/module.mk
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@prefix@|$(prefix)|' -e 's|@libdir@|$(libdir)|' \
		-e 's|@includedir@|$(includedir)|' \
		-e 's|@version@|$(LIBPCOBJ_VERSION)|' $< >$@

.PHONY: install-libpmemcrypt-obj
install: install-libpmemcrypt-obj
install-libpmemcrypt-obj: $(LIBPCOBJ_SO) $(LIBPCOBJ_PC)
	install -D -m 0755 $(LIBPCOBJ_SO) \
		$(DESTDIR)$(libdir)/libpmemcrypt-obj.so.$(LIBPCOBJ_VERSION)
	ln -sf libpmemcrypt-obj.so.$(LIBPCOBJ_VERSION) \
		$(DESTDIR)$(libdir)/$(LIBPCOBJ_SONAME)
	ln -sf $(LIBPCOBJ_SONAME) $(DESTDIR)$(libdir)/libpmemcrypt-obj.so
	install -D -m 0644 $(LIBPCOBJ_INCLUDE)/libpmemobj.h \
		$(DESTDIR)$(includedir)/pmemcrypt-obj/libpmemobj.h
	install -D -m 0644 $(LIBPCOBJ_INCLUDE)/libpmemobj/macros.h \
		$(DESTDIR)$(includedir)/pmemcrypt-obj/libpmemobj/macros.h
	install -D -m 0644 $(LIBPCOBJ_INCLUDE)/libpmemcrypt-obj.h \
		$(DESTDIR)$(includedir)/pmemcrypt-obj/libpmemcrypt-obj.h
	install -D -m 0644 $(LIBPCOBJ_PC) \
		$(DESTDIR)$(pkgconfigdir)/libpmemcrypt-obj.pc

# The benchmark against libpmemobj (make bench-obj, part of make bench).
include libpmemcrypt/obj/bench/module.mk
