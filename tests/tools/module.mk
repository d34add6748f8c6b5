# SPDX-License-Identifier: BSD-3-Clause
# tests/tools/module.mk -- end-to-end tests of the pmemcrypt command.
#
# test_cli.sh is copied into the build tree, where it finds the programs
# it tests next to it.

CLI_TEST := $(B)/tests/tools/test_cli.sh
CLEVIS_TEST := $(B)/tests/tools/test_clevis.sh
POOL_HELPER := $(B)/tests/tools/pool_helper

TESTS_ONCE += $(CLI_TEST) $(CLEVIS_TEST)

$(B)/tests/tools/pool_helper.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS)

$(POOL_HELPER): $(B)/tests/tools/pool_helper.o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_LIBS)

# tools/pmemcrypt/module.mk is read after this file: name the tool by path.
$(B)/tests/fake_sysfs.sh: tests/fake_sysfs.sh
	$(Q)install -D -m 0644 $< $@

$(CLI_TEST): tests/tools/test_cli.sh $(B)/tools/pmemcrypt/pmemcrypt \
		$(POOL_HELPER) $(B)/tests/fake_sysfs.sh
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@

$(B)/tests/clevis_servers.sh: tests/clevis_servers.sh
	$(Q)install -D -m 0644 $< $@

$(CLEVIS_TEST): tests/tools/test_clevis.sh $(B)/tools/pmemcrypt/pmemcrypt \
		$(B)/tests/clevis_servers.sh
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@

# tools/bench-tmpfs.sh: the benchmarks' tmpfs on 2 MiB pages.
BENCH_TMPFS_TEST := $(B)/tests/tools/test_bench_tmpfs
TESTS_ONCE += $(BENCH_TMPFS_TEST)

$(BENCH_TMPFS_TEST): tests/tools/test_bench_tmpfs.sh tools/bench-tmpfs.sh
	$(call test_wrapper,tools/bench-tmpfs.sh)
