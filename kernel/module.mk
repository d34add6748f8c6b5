# SPDX-License-Identifier: BSD-3-Clause
# kernel/module.mk -- the Linux 6.1 patch series and its boot tests.
#
# kernel/build.sh builds and caches the patched bzImage (make kernel); the
# boot tests build it on first use.  make kernel-each builds every prefix of
# the series and runs checkpatch on every patch.

TESTS_ONCE += kernel/tests/boot-test.sh kernel/tests/boot-test-mktme.sh

.PHONY: kernel kernel-each
kernel:
	$(Q)kernel/build.sh

kernel-each:
	$(Q)kernel/build.sh --each
