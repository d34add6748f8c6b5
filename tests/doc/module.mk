# SPDX-License-Identifier: BSD-3-Clause
# tests/doc/module.mk -- what the documentation promises (test_docs.sh
# reads the source tree: README.md, doc/, the other parts' READMEs).

DOC_TEST := $(B)/tests/doc/test_docs
TESTS_ONCE += $(DOC_TEST)

$(DOC_TEST): tests/doc/test_docs.sh
	$(call test_wrapper,$(B))

# doc/pool-format.md as a second implementation reads it, against pools the
# command line makes and opens.  (The tool is named by path:
# tools/pmemcrypt/module.mk is read after this file.)
POOL_FORMAT_TEST := $(B)/tests/doc/test_pool_format

TESTS_ONCE += $(POOL_FORMAT_TEST)

$(POOL_FORMAT_TEST): tests/doc/test_pool_format.sh \
		$(B)/tools/pmemcrypt/pmemcrypt
	$(call test_wrapper,$(B))
