# SPDX-License-Identifier: BSD-3-Clause
# kernel/module.mk -- the Linux 6.1 patch series and its boot tests.
#
# kernel/build.sh builds and caches the patched bzImage (make kernel); the
# boot tests build it on first use.  make kernel-each builds every prefix of
# the series and runs checkpatch on every patch.  test-dax-crypt is a small
# wrapper in the build tree that runs kernel/tests/test-dax-crypt.sh with
# that build directory (its static guest helper dax-crypt and mktme-check).
# test-tamper rewrites an encrypted namespace's media from the host.

KERNEL_TESTS_B := $(B)/kernel/tests

TESTS_ONCE += kernel/tests/boot-test.sh kernel/tests/boot-test-mktme.sh \
	kernel/tests/test-tamper.sh $(KERNEL_TESTS_B)/test-dax-crypt

.PHONY: kernel kernel-each
kernel:
	$(Q)kernel/build.sh

kernel-each:
	$(Q)kernel/build.sh --each

# static: the initramfs carries no libc for it; no sanitizer flags
$(KERNEL_TESTS_B)/dax-crypt: kernel/tests/dax_crypt.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -static -o $@ $<

# tools/mktme-check/module.mk is read after this file: name it by path.
$(KERNEL_TESTS_B)/test-dax-crypt: kernel/tests/test-dax-crypt.sh \
		$(KERNEL_TESTS_B)/dax-crypt $(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(KERNEL_TESTS_B))
