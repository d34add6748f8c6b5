# SPDX-License-Identifier: BSD-3-Clause
# tests/ndctl-plugin/module.mk -- unit tests of ndctl-crypt.
#
# Each test links the ndctl-crypt archive (everything but main.c).
# test_keyring uses the real kernel keyring and skips where the kernel
# has no encrypted keys; test_cli.sh runs the built command.

NDCTL_CRYPT_TEST_NAMES := args payload store keyfile json keyring state \
	rotation
NDCTL_CRYPT_TESTS := $(NDCTL_CRYPT_TEST_NAMES:%=$(B)/tests/ndctl-plugin/test_%)
NDCTL_CRYPT_CLI_TEST := $(B)/tests/ndctl-plugin/test_cli.sh
NDCTL_CRYPT_CLEVIS_TEST := $(B)/tests/ndctl-plugin/test_clevis.sh

TESTS += $(NDCTL_CRYPT_TESTS)
TESTS_ONCE += $(NDCTL_CRYPT_CLI_TEST) $(NDCTL_CRYPT_CLEVIS_TEST)
PKG_CHECK += cmocka:libcmocka-dev

$(NDCTL_CRYPT_TESTS:%=%.o): EXTRA_CFLAGS = -Indctl-plugin \
	$(call pkg_cflags,cmocka $(NDCTL_CRYPT_PKGS))

$(NDCTL_CRYPT_TESTS): $(B)/tests/ndctl-plugin/%: \
		$(B)/tests/ndctl-plugin/%.o $(NDCTL_CRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -pthread -o $@ $< $(NDCTL_CRYPT_A) \
		$(call pkg_libs,cmocka $(NDCTL_CRYPT_PKGS))

$(NDCTL_CRYPT_CLI_TEST): tests/ndctl-plugin/test_cli.sh $(NDCTL_CRYPT) \
		$(NDCTL_CRYPT_UNIT) $(NDCTL_CRYPT_NET_UNIT)
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@

# test_clevis.sh starts Tang servers and a TPM on 127.0.0.1 itself
$(NDCTL_CRYPT_CLEVIS_TEST): tests/ndctl-plugin/test_clevis.sh $(NDCTL_CRYPT) \
		$(B)/tests/clevis_servers.sh
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@

# test_vm boots the pmemcrypt kernel in the MKTME emulator (minutes on a
# first run: kernel and QEMU builds are cached in $PMEMCRYPT_CACHE).
NDCTL_CRYPT_VM_TEST := $(B)/tests/ndctl-plugin/test_vm
TESTS_ONCE += $(NDCTL_CRYPT_VM_TEST)

$(NDCTL_CRYPT_VM_TEST): tests/ndctl-plugin/test_vm.sh \
		tests/ndctl-plugin/vm-crypt.sh $(NDCTL_CRYPT)
	$(call test_wrapper,$(B))

# test_boot: three boots on one NVDIMM file (key store and master key
# carried by the host), ~30 s once the kernel and QEMU are cached.
NDCTL_CRYPT_BOOT_TEST := $(B)/tests/ndctl-plugin/test_boot
TESTS_ONCE += $(NDCTL_CRYPT_BOOT_TEST)

$(NDCTL_CRYPT_BOOT_TEST): tests/ndctl-plugin/test_boot.sh \
		tests/ndctl-plugin/vm-boot.sh $(NDCTL_CRYPT) \
		$(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(B))

# test_rotate: rotate-key stopped mid-way by the machine stopping, resumed
# after a reboot; the host decrypts with the new key (~50 s once cached).
NDCTL_CRYPT_ROTATE_TEST := $(B)/tests/ndctl-plugin/test_rotate
TESTS_ONCE += $(NDCTL_CRYPT_ROTATE_TEST)

$(NDCTL_CRYPT_ROTATE_TEST): tests/ndctl-plugin/test_rotate.sh \
		tests/ndctl-plugin/vm-rotate.sh $(NDCTL_CRYPT) \
		$(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(B))

# test_erase: erase on a namespace holding a file system; the host
# decrypts the old marker block with the old key only (~25 s once cached).
NDCTL_CRYPT_ERASE_TEST := $(B)/tests/ndctl-plugin/test_erase
TESTS_ONCE += $(NDCTL_CRYPT_ERASE_TEST)

$(NDCTL_CRYPT_ERASE_TEST): tests/ndctl-plugin/test_erase.sh \
		tests/ndctl-plugin/vm-erase.sh $(NDCTL_CRYPT) \
		$(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(B))

# test_tpm: the master key sealed by the emulated machine's TPM 2.0
# (swtpm); a fresh TPM leaves the namespace disabled (~30 s once cached).
NDCTL_CRYPT_TPM_TEST := $(B)/tests/ndctl-plugin/test_tpm
TESTS_ONCE += $(NDCTL_CRYPT_TPM_TEST)

$(NDCTL_CRYPT_TPM_TEST): tests/ndctl-plugin/test_tpm.sh \
		tests/ndctl-plugin/vm-tpm.sh $(NDCTL_CRYPT) \
		$(B)/tools/mktme-check/mktme-check
	$(call test_wrapper,$(B))

# test_tang: the master key bound to a Tang server on 127.0.0.1, which the
# guest reaches through QEMU's restricted user network; the server down
# leaves the namespace disabled (~1 min once cached).
NDCTL_CRYPT_TANG_TEST := $(B)/tests/ndctl-plugin/test_tang
TESTS_ONCE += $(NDCTL_CRYPT_TANG_TEST)

$(NDCTL_CRYPT_TANG_TEST): tests/ndctl-plugin/test_tang.sh \
		tests/ndctl-plugin/vm-tang.sh $(NDCTL_CRYPT) \
		$(B)/tools/mktme-check/mktme-check $(B)/tests/clevis_servers.sh
	$(call test_wrapper,$(B))
