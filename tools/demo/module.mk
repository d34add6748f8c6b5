# SPDX-License-Identifier: BSD-3-Clause
# tools/demo/module.mk -- pmemcrypt-demo, run by 'make demo'.

DEMO := $(B)/tools/demo/pmemcrypt-demo

ALL += $(DEMO)

$(B)/tools/demo/pmemcrypt-demo.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-DDEMO_DIR='"$(B)/demo"'

$(DEMO): $(B)/tools/demo/pmemcrypt-demo.o $(LIBPMEMCRYPT_DEVLINK)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_SO_LINK)

demo: $(DEMO)
	$(Q)$(DEMO)
