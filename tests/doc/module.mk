# SPDX-License-Identifier: BSD-3-Clause
# tests/doc/module.mk -- what the documentation promises (test_docs.sh
# reads the source tree: README.md, doc/, the other parts' READMEs).

DOC_TEST := $(B)/tests/doc/test_docs
TESTS_ONCE += $(DOC_TEST)

$(DOC_TEST): tests/doc/test_docs.sh
	$(call test_wrapper,$(B))
