# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/module.mk -- libFuzzer targets with seed corpora made from real
# pools at build time: fuzz_header (the header and key-slot parser),
# fuzz_recover (recovery at open: the map and the lane logs of both
# engines, then the recovered pool in use) and fuzz_heap (an object
# pool's heap metadata, then the heap in use).
#
# The targets and every library source are built with clang
# (-fsanitize=fuzzer,address,undefined) into $(B)/tests/fuzz, apart from
# the library's own objects.  run_fuzz.sh is a TESTS_ONCE entry: no second
# sanitizer build.

FUZZ_CC ?= clang
FUZZ_DIR := $(B)/tests/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Wall -Wextra \
	-Wno-unused-parameter $(FUZZ_SAN) $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src $(RUNPIPE_CFLAGS) -Itests/fuzz
FUZZ_LIB_SRC := $(LIBPMEMCRYPT_SRC)
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:libpmemcrypt/src/%.c=$(FUZZ_DIR)/lib/%.o) \
	$(FUZZ_DIR)/common/runpipe.o
# the object heap's parser and allocator
FUZZ_OBJ_SRC := $(addprefix libpmemcrypt/obj/src/,heap.c run.c classes.c \
	err.c hdr.c)
FUZZ_OBJ_OBJ := $(FUZZ_OBJ_SRC:libpmemcrypt/obj/src/%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_TARGETS := $(FUZZ_DIR)/fuzz_header $(FUZZ_DIR)/fuzz_recover \
	$(FUZZ_DIR)/fuzz_heap
FUZZ_POOL_OBJ := $(FUZZ_DIR)/clang/recover_pool.o
FUZZ_CORPORA := $(FUZZ_DIR)/corpus/header/.made \
	$(FUZZ_DIR)/corpus/recover/.made $(FUZZ_DIR)/corpus/heap/.made
FUZZ_RUN := $(FUZZ_DIR)/run_fuzz.sh

TESTS_ONCE += $(FUZZ_RUN)

$(FUZZ_DIR)/lib/%.o: libpmemcrypt/src/%.c | $(B)/.deps-ok
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		$(call pkg_cflags,$(LIBPMEMCRYPT_PKGS)) -c $< -o $@

$(FUZZ_DIR)/common/%.o: common/%.c | $(B)/.deps-ok
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c $< -o $@

$(FUZZ_DIR)/obj/%.o: libpmemcrypt/obj/src/%.c | $(B)/.deps-ok
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		$(LIBPCOBJ_CFLAGS) -Ilibpmemcrypt/obj/src -c $< -o $@

$(FUZZ_POOL_OBJ): tests/fuzz/recover_pool.c | $(B)/.deps-ok
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		$(call pkg_cflags,$(LIBPMEMCRYPT_PKGS)) -c $< -o $@

$(FUZZ_DIR)/fuzz_header: tests/fuzz/fuzz_header.c $(FUZZ_LIB_OBJ)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d \
		-o $@ $< $(FUZZ_LIB_OBJ) $(LIBPMEMCRYPT_LIBS)

$(FUZZ_DIR)/fuzz_recover: tests/fuzz/fuzz_recover.c $(FUZZ_POOL_OBJ) \
		$(FUZZ_LIB_OBJ)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d \
		-o $@ $< $(FUZZ_POOL_OBJ) $(FUZZ_LIB_OBJ) \
		$(LIBPMEMCRYPT_LIBS)

$(FUZZ_DIR)/fuzz_heap: tests/fuzz/fuzz_heap.c $(FUZZ_OBJ_OBJ) $(FUZZ_LIB_OBJ)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIBPCOBJ_CFLAGS) -Ilibpmemcrypt/obj/src \
		-fsanitize=fuzzer -MMD -MP -MF $@.d -o $@ $< $(FUZZ_OBJ_OBJ) \
		$(FUZZ_LIB_OBJ) $(LIBPMEMCRYPT_LIBS)

# Seed makers: built with the normal compiler against the static library.
$(FUZZ_DIR)/make_seeds.o $(FUZZ_DIR)/make_recover_seeds.o \
$(FUZZ_DIR)/recover_pool.o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	-Ilibpmemcrypt/src -Itests/fuzz

$(FUZZ_DIR)/make_seeds: $(FUZZ_DIR)/make_seeds.o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBPMEMCRYPT_A) $(LIBPMEMCRYPT_LIBS)

$(FUZZ_DIR)/make_recover_seeds: $(FUZZ_DIR)/make_recover_seeds.o \
		$(FUZZ_DIR)/recover_pool.o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBPMEMCRYPT_LIBS)

$(FUZZ_DIR)/make_heap_seeds.o: EXTRA_CFLAGS = $(LIBPCOBJ_CFLAGS) \
	$(LIBPMEMCRYPT_CFLAGS) -Ilibpmemcrypt/obj/src

$(FUZZ_DIR)/make_heap_seeds: $(FUZZ_DIR)/make_heap_seeds.o $(LIBPCOBJ_A) \
		$(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBPMEMCRYPT_LIBS)

$(FUZZ_DIR)/corpus/heap/.made: $(FUZZ_DIR)/make_heap_seeds
$(FUZZ_DIR)/corpus/header/.made: $(FUZZ_DIR)/make_seeds
$(FUZZ_DIR)/corpus/recover/.made: $(FUZZ_DIR)/make_recover_seeds
$(FUZZ_CORPORA):
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(dir $(@D)) && \
		PMEM2_FORCE_GRANULARITY=CACHE_LINE $< $(@D)
	$(Q)touch $@

$(FUZZ_RUN): tests/fuzz/run_fuzz.sh $(FUZZ_TARGETS) $(FUZZ_CORPORA)
	$(call msg,GEN,$@)
	$(Q)install -D -m 0755 $< $@
