# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/module.mk -- libFuzzer target for the header and key-slot
# parser, with a seed corpus made from real pools at build time.
#
# The target and every library source are built with clang
# (-fsanitize=fuzzer,address,undefined) into $(B)/tests/fuzz, apart from
# the library's own objects.  run_fuzz.sh is a TESTS_ONCE entry: no second
# sanitizer build.

FUZZ_CC ?= clang
FUZZ_DIR := $(B)/tests/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Wall -Wextra \
	-Wno-unused-parameter $(FUZZ_SAN) $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src
FUZZ_LIB_SRC := $(LIBPMEMCRYPT_SRC)
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:libpmemcrypt/src/%.c=$(FUZZ_DIR)/lib/%.o)
FUZZ_HEADER := $(FUZZ_DIR)/fuzz_header
FUZZ_SEEDS := $(FUZZ_DIR)/make_seeds
FUZZ_CORPUS := $(FUZZ_DIR)/corpus/.made
FUZZ_RUN := $(FUZZ_DIR)/run_fuzz.sh

TESTS_ONCE += $(FUZZ_RUN)

$(FUZZ_DIR)/lib/%.o: libpmemcrypt/src/%.c | $(B)/.deps-ok
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		$(call pkg_cflags,$(LIBPMEMCRYPT_PKGS)) -c $< -o $@

$(FUZZ_HEADER): tests/fuzz/fuzz_header.c $(FUZZ_LIB_OBJ)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d \
		-o $@ $< \
		$(FUZZ_LIB_OBJ) $(LIBPMEMCRYPT_LIBS)

$(FUZZ_SEEDS).o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS)

$(FUZZ_SEEDS): $(FUZZ_SEEDS).o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_LIBS)

$(FUZZ_CORPUS): $(FUZZ_SEEDS)
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && PMEM2_FORCE_GRANULARITY=CACHE_LINE $< $(@D)
	$(Q)touch $@

$(FUZZ_RUN): tests/fuzz/run_fuzz.sh $(FUZZ_HEADER) $(FUZZ_CORPUS)
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@
