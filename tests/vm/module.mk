# SPDX-License-Identifier: BSD-3-Clause
# tests/vm/module.mk -- VM tests on the emulated TME-MK machine (tools/qemu).
#
# The guest helpers are static (the initramfs carries no libc for them);
# they are built without the sanitizer flags.  Each test is a small wrapper
# in the build tree that runs tests/vm/test-*.sh with that build directory.
# The QEMU build (tools/qemu/build.sh), the Debian kernel (kernel.sh) and
# the guest module happen when the tests run, cached in $PMEMCRYPT_CACHE.

VM_B := $(B)/tests/vm
VM_HELPERS := $(VM_B)/dax-mmap $(VM_B)/pconfig-user
VM_TESTS := $(VM_B)/test-harness $(VM_B)/test-mktme $(VM_B)/test-pool \
	$(VM_B)/test-pool-hw

TESTS_ONCE += $(VM_TESTS)

$(VM_B)/dax-mmap: tests/vm/dax_mmap.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -static -o $@ $<

$(VM_B)/pconfig-user: tests/vm/pconfig_user.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -static -o $@ $<

# tools/mktme-check/module.mk is read after this file: name it by path.
$(VM_B)/test-%: tests/vm/test-%.sh $(VM_HELPERS) \
		$(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(VM_B))

# test-pool runs the pmemcrypt tool and the test pool helper in the VM.
$(VM_B)/test-pool: $(B)/tools/pmemcrypt/pmemcrypt $(B)/tests/tools/pool_helper
# test-pool-hw also boots the project's kernel (kernel/build.sh).
$(VM_B)/test-pool-hw: $(B)/tools/pmemcrypt/pmemcrypt \
	$(B)/tests/tools/pool_helper
