# SPDX-License-Identifier: BSD-3-Clause
# tools/demo/module.mk -- 'make demo' (stack-demo.sh, then pmemcrypt-demo)
# and 'make demo-lib' (pmemcrypt-demo).

DEMO := $(B)/tools/demo/pmemcrypt-demo

ALL += $(DEMO)

$(B)/tools/demo/pmemcrypt-demo.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-DDEMO_DIR='"$(B)/demo"'

$(DEMO): $(B)/tools/demo/pmemcrypt-demo.o $(LIBPMEMCRYPT_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_SO_LINK)

# demo: the whole stack on the emulated machine, then the library;
# demo-lib: the library alone (a second, no emulator).
.PHONY: demo-lib
demo: $(DEMO) $(NDCTL_CRYPT) $(B)/tools/mktme-check/mktme-check \
		$(VM_B)/dax-mmap
	$(Q)tools/demo/stack-demo.sh $(B)
	$(Q)$(DEMO)

demo-lib: $(DEMO)
	$(Q)$(DEMO)
