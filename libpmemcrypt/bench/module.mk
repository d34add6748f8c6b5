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

# bench_pool: the library against libpmem2 and libpmemobj ('make bench').
BENCH_POOL := $(B)/libpmemcrypt/bench/bench_pool
PKG_CHECK += libpmemobj:libpmemobj-dev
BENCHES += bench-pool

$(BENCH_POOL).o: EXTRA_CFLAGS = $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,libpmem2 libpmemobj)

$(BENCH_POOL): $(BENCH_POOL).o $(LIBPMEMCRYPT_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LIBPMEMCRYPT_LIBS) \
		$(call pkg_libs,libpmemobj)

.PHONY: bench-pool
bench-pool: $(BENCH_POOL)
	$(Q)$(BENCH_POOL)
