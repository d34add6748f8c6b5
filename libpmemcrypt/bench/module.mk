# SPDX-License-Identifier: BSD-3-Clause
# libpmemcrypt/bench/module.mk -- bench_ciphers: Debian crypto libraries
# on 4 KiB units, alone and with a libpmem2 write ('make bench-ciphers').
#
# ipsec-mb ships no pkg-config file (libipsec-mb-dev: header and
# -lIPSec_MB only), so it is linked by name and not in PKG_CHECK.

BENCH_CIPHERS := $(B)/libpmemcrypt/bench/bench_ciphers
BENCH_CIPHERS_PC := libgcrypt libcrypto nettle libpmem2

PKG_CHECK += libgcrypt:libgcrypt20-dev libcrypto:libssl-dev \
	nettle:nettle-dev libpmem2:libpmem2-dev
BENCHES += bench-ciphers

BENCH_CIPHERS_OBJ := $(BENCH_CIPHERS).o \
	$(B)/libpmemcrypt/bench/cipher_engines.o

$(BENCH_CIPHERS_OBJ): EXTRA_CFLAGS = $(call pkg_cflags,$(BENCH_CIPHERS_PC))

$(BENCH_CIPHERS): $(BENCH_CIPHERS_OBJ)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ \
		$(call pkg_libs,$(BENCH_CIPHERS_PC)) -lIPSec_MB

.PHONY: bench-ciphers
bench-ciphers: $(BENCH_CIPHERS)
	$(Q)$(BENCH_CIPHERS)

# bench_pool: the library against the libraries a user would pick for
# the same job ('make bench-pool', also run by 'make bench'); bench-pool.sh
# gives it a results folder, build/bench/pool/<UTC time>/ (latest points
# to the newest).  Its test runs every side once on small sizes.
BENCH_POOL := $(B)/libpmemcrypt/bench/bench_pool
BENCH_POOL_TEST := $(B)/libpmemcrypt/bench/test_bench_pool
BENCH_POOL_RESULTS ?= $(abspath $(B))/bench/pool
BENCH_POOL_PC := libpmem2 libpmemobj libpmemblk libcrypto libgcrypt
BENCH_POOL_OBJ := $(patsubst %,$(B)/libpmemcrypt/bench/%.o,bench_pool \
	bench_run report sides_plain sides_pmdk sides_pc)
PKG_CHECK += libpmemobj:libpmemobj-dev libpmemblk:libpmemblk-dev
BENCHES += bench-pool
TESTS_ONCE += $(BENCH_POOL_TEST)

$(BENCH_POOL_OBJ): EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,$(BENCH_POOL_PC))

$(BENCH_POOL): $(BENCH_POOL_OBJ) $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LIBPMEMCRYPT_LIBS) \
		$(call pkg_libs,$(BENCH_POOL_PC)) -lpthread

$(BENCH_POOL_TEST): libpmemcrypt/bench/test_bench_pool.sh $(BENCH_POOL)
	$(call test_wrapper,$(BENCH_POOL))

.PHONY: bench-pool
bench-pool: $(BENCH_POOL)
	$(Q)BENCH_POOL_RESULTS="$(BENCH_POOL_RESULTS)" \
		libpmemcrypt/bench/bench-pool.sh $(abspath $(BENCH_POOL))
