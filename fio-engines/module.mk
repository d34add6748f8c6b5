# SPDX-License-Identifier: BSD-3-Clause
# fio-engines/module.mk -- the pmemcrypt fio ioengine, its test and the
# fio benchmark ('make bench-fio', also run by 'make bench').
#
# The engine is compiled against the Debian fio source, which
# build-fio.sh fetches and configures into $PMEMCRYPT_CACHE (seconds, but
# it needs apt): it is built for the test and the benchmark, not by
# 'make all', so that an offline build still works.  It links the
# library's shared object, found through the build tree's RUNPATH.

FIO_ENGINE := $(B)/fio-engines/pmemcrypt-engine.so
# libpmemcrypt/module.mk is read after this file: name the library by path.
FIO_LIBPMEMCRYPT := $(B)/libpmemcrypt/libpmemcrypt.so
FIO_TEST := $(B)/fio-engines/test_fio
# The library's own benchmark, whose 4 KiB write ratio bench-fio reports
# next to the engine's (named by path for the same reason).
FIO_BENCH_POOL := $(B)/libpmemcrypt/bench/bench_pool
# Where bench-fio writes its results folders (<UTC time>/, latest).
BENCH_FIO_RESULTS ?= $(abspath $(B))/bench/fio
FIO_ENGINE_CFLAGS = -fvisibility=hidden -D_LARGEFILE_SOURCE \
	-D_FILE_OFFSET_BITS=64 $(LIBPMEMCRYPT_CFLAGS) \
	$(call pkg_cflags,libpmem2)

TESTS_ONCE += $(FIO_TEST)
BENCHES += bench-fio

.PHONY: fio-engine fio-engine-try bench-fio
fio-engine: $(FIO_ENGINE)

# fio's headers are system headers here: their warnings are not ours.
$(FIO_ENGINE): fio-engines/pmemcrypt.c fio-engines/build-fio.sh \
		$(FIO_LIBPMEMCRYPT) | $(B)/.deps-ok
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)src=$$(fio-engines/build-fio.sh | tail -n 1) && \
	test -e "$$src/config-host.h" && \
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(FIO_ENGINE_CFLAGS) \
		-isystem "$$src" -include "$$src/config-host.h" \
		-shared $(LDFLAGS) -Wl,-z,nodelete -o $@ $< \
		$(LIBPMEMCRYPT_SO_LINK) $(call pkg_libs,libpmem2) -lpthread

# Builds the engine when the fio source can be had, else says why not.
fio-engine-try: $(FIO_LIBPMEMCRYPT)
	$(Q)if fio-engines/build-fio.sh >/dev/null; then \
		$(MAKE) --no-print-directory $(FIO_ENGINE); \
	else echo "fio-engines: engine not built (see above)"; fi

# The test skips (77) when the engine could not be built.
$(FIO_TEST): fio-engines/test_fio.sh | fio-engine-try
	$(call test_wrapper,$(FIO_ENGINE))

bench-fio: fio-engine-try $(FIO_BENCH_POOL)
	$(Q)if [ -e $(FIO_ENGINE) ]; then \
		BENCH_FIO_RESULTS="$(BENCH_FIO_RESULTS)" \
		fio-engines/bench-fio.sh $(abspath $(FIO_ENGINE)) \
			$(abspath $(FIO_BENCH_POOL)); \
	else echo "bench-fio: skipped: no fio engine"; fi
